package io.ecengine.loadtest.simulator;

import java.time.Instant;

/**
 * One call a shop received: when it arrived, which API it was, the HTTP status it was answered
 * with, and whether that answer was the marketplace's throttle signal.
 */
public record CallRecord(Instant at, Api api, int status, boolean throttled) {}
