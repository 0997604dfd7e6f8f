package io.ecengine.engine.channel.marketplace;

/**
 * One listing whose shown quantity is to be read back: our SKU and the ids the marketplace knows it
 * by. The answer is matched back to the SKU through these ids, never through the order of the
 * answer.
 */
public record ListingRef(String sku, ListingIds ids) {

  public ListingRef {
    if (sku == null || sku.isBlank()) {
      throw new IllegalArgumentException("A listing to read needs a SKU");
    }
    if (ids == null) {
      throw new IllegalArgumentException("A listing to read needs the marketplace ids of " + sku);
    }
  }
}
