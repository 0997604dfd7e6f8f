package io.ecengine.loadtest.simulator;

import io.ecengine.engine.channel.marketplace.Marketplace;

/**
 * A rate limit a marketplace enforces per shop, with the documented figure as the default. Calls
 * beyond it get the marketplace's throttle answer. Several APIs can share one quota (TikTok Shop
 * counts every call of an app and shop together); Shopify's is a budget of query-cost points, not
 * of requests.
 */
public enum Quota {
  // No fixed quota is published (it varies per app and shop); 2 writes a second is the engine's
  // default and inside the suggested 1-3. Reads (order search and detail, inventory search) are
  // taken to be limited apart, at the engine's assumed 10 a second.
  TIKTOK_SHOP(Marketplace.TIKTOK_SHOP, 2.0, 2),
  TIKTOK_SHOP_ORDERS(Marketplace.TIKTOK_SHOP, 10.0, 10),
  // inventories/bulk-upsert: 1 request a second; bulk-get has its own 5.
  RAKUTEN_INVENTORY(Marketplace.RAKUTEN, 1.0, 1),
  RAKUTEN_INVENTORY_READ(Marketplace.RAKUTEN, 5.0, 5),
  // The order API's limit is not published; one a second like the inventory API.
  RAKUTEN_ORDERS(Marketplace.RAKUTEN, 1.0, 1),
  // 10 requests a second per API (older help pages); the daily budget is separate.
  YAHOO_SET_STOCK(Marketplace.YAHOO_SHOPPING, 10.0, 10),
  YAHOO_GET_STOCK(Marketplace.YAHOO_SHOPPING, 10.0, 10),
  YAHOO_ORDER_LIST(Marketplace.YAHOO_SHOPPING, 10.0, 10),
  YAHOO_ORDER_INFO(Marketplace.YAHOO_SHOPPING, 10.0, 10),
  YAHOO_SHIP_STATUS(Marketplace.YAHOO_SHOPPING, 10.0, 10),
  // SP-API usage plans, per seller account and operation.
  AMAZON_LISTINGS(Marketplace.AMAZON, 5.0, 5),
  AMAZON_GET_LISTING(Marketplace.AMAZON, 5.0, 10),
  AMAZON_GET_ORDERS(Marketplace.AMAZON, 0.0167, 20),
  AMAZON_GET_ORDER_ITEMS(Marketplace.AMAZON, 0.5, 30),
  AMAZON_CONFIRM_SHIPMENT(Marketplace.AMAZON, 2.0, 10),
  // Points, not requests: the Standard plan restores 100 points a second into a 2,000 point
  // bucket, and a mutation costs 10.
  SHOPIFY_COST(Marketplace.SHOPIFY, 100.0, 2000);

  private final Marketplace marketplace;
  private final double defaultPerSecond;
  private final int defaultBurst;

  Quota(Marketplace marketplace, double defaultPerSecond, int defaultBurst) {
    this.marketplace = marketplace;
    this.defaultPerSecond = defaultPerSecond;
    this.defaultBurst = defaultBurst;
  }

  public Marketplace marketplace() {
    return marketplace;
  }

  public double defaultPerSecond() {
    return defaultPerSecond;
  }

  public int defaultBurst() {
    return defaultBurst;
  }

  /**
   * The quota a marketplace's stock read draws on (for Shopify, points: a read of one item costs
   * {@link ShopifyApi#READ_COST_PER_ITEM} plus one).
   */
  public static Quota ofStockRead(Marketplace marketplace) {
    return switch (marketplace) {
      case TIKTOK_SHOP -> TIKTOK_SHOP_ORDERS;
      case RAKUTEN -> RAKUTEN_INVENTORY_READ;
      case YAHOO_SHOPPING -> YAHOO_GET_STOCK;
      case AMAZON -> AMAZON_GET_LISTING;
      case SHOPIFY -> SHOPIFY_COST;
    };
  }

  /** The quota a marketplace's stock update call draws on. */
  public static Quota ofStockUpdate(Marketplace marketplace) {
    return switch (marketplace) {
      case TIKTOK_SHOP -> TIKTOK_SHOP;
      case RAKUTEN -> RAKUTEN_INVENTORY;
      case YAHOO_SHOPPING -> YAHOO_SET_STOCK;
      case AMAZON -> AMAZON_LISTINGS;
      case SHOPIFY -> SHOPIFY_COST;
    };
  }
}
