package io.ecengine.engine.channel.marketplace;

/**
 * Tells a marketplace how many units of one SKU it may sell. The quantity is absolute, never a
 * delta, so a push that is repeated or overtaken by a later one cannot drift the count.
 */
public record StockPush(String sku, ListingIds ids, long quantity) {

  public StockPush {
    if (sku == null || sku.isBlank()) {
      throw new IllegalArgumentException("A stock push needs a SKU");
    }
    if (ids == null) {
      throw new IllegalArgumentException("A stock push needs the marketplace ids of " + sku);
    }
  }
}
