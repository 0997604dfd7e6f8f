package io.ecengine.loadtest.simulator;

import java.time.Instant;

/**
 * One attempt to deliver a webhook. {@code status} is the HTTP status the receiver answered, or -1
 * when it could not be reached.
 */
public record WebhookRecord(
    String deliveryId, String orderId, int attempt, int status, Instant at) {}
