package io.ecengine.engine.channel.marketplace;

import java.util.Arrays;

/**
 * The marketplaces a channel can sell on, with the call limits their documentation gives. The
 * limits are defaults for a channel's throttle; an operator overrides them per channel when the
 * marketplace grants more (or, as Amazon and Shopify often do, enforces less).
 */
public enum Marketplace {
  // No fixed quota (it varies per app and shop); 1-3 writes a second is the suggested start, and
  // one call carries the SKUs of one product, capped here at 100.
  TIKTOK_SHOP("tiktok_shop", 100, 2.0, 2),
  // inventories/bulk-upsert: 1 to 400 items, 1 request a second.
  RAKUTEN("rakuten", 400, 1.0, 1),
  // setStock: 1,000 item codes a call; 10 requests a second per API, within 50,000 a day per
  // application across all APIs.
  YAHOO_SHOPPING("yahoo_shopping", 1000, 10.0, 10),
  // Listings Items PATCH: one SKU a call, 5 requests a second with a burst of 5 per seller.
  AMAZON("amazon", 1, 5.0, 5),
  // inventorySetQuantities: 250 quantities a call. GraphQL is throttled by query cost (a leaky
  // bucket of 100 to 2,000 points a second by plan), not by request count; 2 requests a second is
  // the legacy REST rate and a safe floor for a cost we cannot know before the call.
  SHOPIFY("shopify", 250, 2.0, 4);

  private final String id;
  private final int defaultBatchSize;
  private final double defaultRequestsPerSecond;
  private final int defaultBurst;

  Marketplace(String id, int defaultBatchSize, double defaultRequestsPerSecond, int defaultBurst) {
    this.id = id;
    this.defaultBatchSize = defaultBatchSize;
    this.defaultRequestsPerSecond = defaultRequestsPerSecond;
    this.defaultBurst = defaultBurst;
  }

  /** The stable name used in configuration, the API and stored events. */
  public String id() {
    return id;
  }

  /** How many stock pushes one call carries at most. */
  public int defaultBatchSize() {
    return defaultBatchSize;
  }

  public double defaultRequestsPerSecond() {
    return defaultRequestsPerSecond;
  }

  /** How many calls may go out back to back before the steady rate applies. */
  public int defaultBurst() {
    return defaultBurst;
  }

  /**
   * A documented call limit and the name of the quota it belongs to: kinds of call naming the same
   * quota share one budget.
   */
  public record Quota(String name, double perSecond, int burst) {}

  /**
   * The quota a kind of call draws on, with the documented limit as the default. Stock updates use
   * {@link #defaultRequestsPerSecond}; Shopify's GraphQL budget is shared by every call.
   */
  public Quota quota(CallKind kind) {
    Quota stock = new Quota("stock", defaultRequestsPerSecond, defaultBurst);
    return switch (this) {
      // Every call, stock reads included, is paid from the one query-cost budget of the app and
      // shop.
      case SHOPIFY -> stock;
      // Limitation: TikTok Shop publishes no quota. Writes (stock, shipments) follow the suggested
      // 1-3 a second; reads (order search and details, inventory search) are assumed to be
      // limited apart, at 10 a second. A shop whose app is granted less sees 429s, which back off
      // the reads alone.
      case TIKTOK_SHOP ->
          switch (kind) {
            case STOCK, SHIPMENT -> stock;
            case ORDER_PULL, ORDER_DETAILS, STOCK_READ -> new Quota("reads", 10.0, 10);
          };
      // The Inventory API 2.0 limits each function apart: bulk-upsert 1 request a second,
      // bulk-get 5 (a secondary copy of the spec). The order API (search, details and shipping
      // updates) has its own limit, said to be one request a second like bulk-upsert's.
      case RAKUTEN ->
          switch (kind) {
            case STOCK -> stock;
            case STOCK_READ -> new Quota("inventoriesBulkGet", 5.0, 5);
            case ORDER_PULL, ORDER_DETAILS, SHIPMENT -> new Quota("orders", 1.0, 1);
          };
      // 10 requests a second per API (setStock, getStock, orderList, orderInfo,
      // orderShipStatusChange); the 50,000 a day per application are far above what a shop makes.
      case YAHOO_SHOPPING ->
          switch (kind) {
            case STOCK -> stock;
            case STOCK_READ -> new Quota("getStock", 10.0, 10);
            case ORDER_PULL -> new Quota("orderList", 10.0, 10);
            case ORDER_DETAILS -> new Quota("orderInfo", 10.0, 10);
            case SHIPMENT -> new Quota("orderShipStatusChange", 10.0, 10);
          };
      // SP-API usage plans are per operation: getListingsItem 5/s (burst 10), getOrders 0.0167/s
      // (burst 20), getOrderItems 0.5/s (burst 30), confirmShipment 2/s (burst 10).
      case AMAZON ->
          switch (kind) {
            case STOCK -> stock;
            case STOCK_READ -> new Quota("getListingsItem", 5.0, 10);
            case ORDER_PULL -> new Quota("getOrders", 0.0167, 20);
            case ORDER_DETAILS -> new Quota("getOrderItems", 0.5, 30);
            case SHIPMENT -> new Quota("confirmShipment", 2.0, 10);
          };
    };
  }

  public static Marketplace fromId(String id) {
    return Arrays.stream(values())
        .filter(marketplace -> marketplace.id.equals(id))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("Unknown marketplace: " + id));
  }
}
