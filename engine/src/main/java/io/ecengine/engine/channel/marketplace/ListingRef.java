package io.ecengine.engine.channel.marketplace;

/** One listing to read back: our SKU and its ids on the marketplace. */
public record ListingRef(String sku, ListingIds ids) {

  public ListingRef {
    if (sku == null || sku.isBlank()) {
      throw new IllegalArgumentException("A listing needs a SKU");
    }
    if (ids == null) {
      throw new IllegalArgumentException("A listing needs the marketplace ids of " + sku);
    }
  }
}
