package io.ecengine.loadtest.simulator;

/** The marketplace calls the simulator serves, each drawing on one {@link Quota}. */
public enum Api {
  TIKTOK_INVENTORY_UPDATE(Quota.TIKTOK_SHOP, Kind.STOCK),
  TIKTOK_INVENTORY_SEARCH(Quota.TIKTOK_SHOP_ORDERS, Kind.READ),
  TIKTOK_ORDER_SEARCH(Quota.TIKTOK_SHOP_ORDERS, Kind.ORDERS),
  TIKTOK_ORDER_DETAIL(Quota.TIKTOK_SHOP_ORDERS, Kind.ORDERS),
  TIKTOK_MARK_SHIPPED(Quota.TIKTOK_SHOP, Kind.SHIPMENT),
  RAKUTEN_BULK_UPSERT(Quota.RAKUTEN_INVENTORY, Kind.STOCK),
  RAKUTEN_BULK_GET(Quota.RAKUTEN_INVENTORY_READ, Kind.READ),
  RAKUTEN_SEARCH_ORDER(Quota.RAKUTEN_ORDERS, Kind.ORDERS),
  RAKUTEN_GET_ORDER(Quota.RAKUTEN_ORDERS, Kind.ORDERS),
  RAKUTEN_UPDATE_SHIPPING(Quota.RAKUTEN_ORDERS, Kind.SHIPMENT),
  YAHOO_SET_STOCK(Quota.YAHOO_SET_STOCK, Kind.STOCK),
  YAHOO_GET_STOCK(Quota.YAHOO_GET_STOCK, Kind.READ),
  YAHOO_ORDER_LIST(Quota.YAHOO_ORDER_LIST, Kind.ORDERS),
  YAHOO_ORDER_INFO(Quota.YAHOO_ORDER_INFO, Kind.ORDERS),
  YAHOO_SHIP_STATUS(Quota.YAHOO_SHIP_STATUS, Kind.SHIPMENT),
  AMAZON_PATCH_LISTING(Quota.AMAZON_LISTINGS, Kind.STOCK),
  AMAZON_GET_LISTING(Quota.AMAZON_GET_LISTING, Kind.READ),
  AMAZON_GET_ORDERS(Quota.AMAZON_GET_ORDERS, Kind.ORDERS),
  AMAZON_GET_ORDER_ITEMS(Quota.AMAZON_GET_ORDER_ITEMS, Kind.ORDERS),
  AMAZON_CONFIRM_SHIPMENT(Quota.AMAZON_CONFIRM_SHIPMENT, Kind.SHIPMENT),
  SHOPIFY_SET_QUANTITIES(Quota.SHOPIFY_COST, Kind.STOCK),
  SHOPIFY_INVENTORY_LEVELS(Quota.SHOPIFY_COST, Kind.READ),
  SHOPIFY_ORDERS(Quota.SHOPIFY_COST, Kind.ORDERS),
  SHOPIFY_ORDERS_BY_ID(Quota.SHOPIFY_COST, Kind.ORDERS),
  SHOPIFY_FULFILL(Quota.SHOPIFY_COST, Kind.SHIPMENT);

  /** What a call is for. */
  public enum Kind {
    /** A stock update: what the live-burst report counts as pushes. */
    STOCK,
    /** A read of what listings show now, which changes nothing. */
    READ,
    ORDERS,
    SHIPMENT
  }

  private final Quota quota;
  private final Kind kind;

  Api(Quota quota, Kind kind) {
    this.quota = quota;
    this.kind = kind;
  }

  public Quota quota() {
    return quota;
  }

  public Kind kind() {
    return kind;
  }
}
