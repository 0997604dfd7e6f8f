package io.ecengine.loadtest.simulator;

import java.time.Instant;

/**
 * An order the simulator's marketplace created by selling. {@code orderId} is the id the engine
 * sees (for Shopify the order's GraphQL id, {@code gid://shopify/Order/<n>}).
 */
public record OrderRecord(
    String orderId, String listingKey, int quantity, String buyerRef, Instant placedAt) {}
