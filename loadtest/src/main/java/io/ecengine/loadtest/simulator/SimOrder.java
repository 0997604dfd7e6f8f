package io.ecengine.loadtest.simulator;

import java.time.Instant;
import java.util.Map;

/**
 * An order a simulated shop created by selling: one listing, some units. {@code id} is the id the
 * engine sees; {@code ids} holds the marketplace's other ids for it (line item ids, a Rakuten
 * basket id, an Amazon order item id, a Shopify fulfillment order id).
 */
record SimOrder(
    String id,
    long number,
    String listingKey,
    int quantity,
    String buyerRef,
    Instant placedAt,
    Map<String, String> ids) {

  SimOrder {
    ids = Map.copyOf(ids);
  }

  String idOf(String key) {
    return ids.get(key);
  }

  OrderRecord record() {
    return new OrderRecord(id, listingKey, quantity, buyerRef, placedAt);
  }
}
