package io.ecengine.loadtest.simulator;

import java.time.Instant;

/**
 * One shipment reported to a marketplace. {@code orderId} is the order id as the engine knows it
 * (for Shopify the order's GraphQL id); {@code carrier} is the marketplace's own carrier code or
 * name, as the call carried it.
 */
public record TrackingRecord(String orderId, String carrier, String trackingNumber, Instant at) {}
