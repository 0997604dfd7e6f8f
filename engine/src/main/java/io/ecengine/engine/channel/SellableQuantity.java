package io.ecengine.engine.channel;

import java.util.List;

/**
 * What one channel may offer of one SKU, with the steps that led there in plain words, so that a
 * merchant asking "why does Rakuten show 3?" gets an answer without reading code.
 */
public record SellableQuantity(long quantity, List<String> steps) {

  public SellableQuantity {
    if (quantity < 0) {
      throw new IllegalArgumentException("sellable quantity must not be negative, was " + quantity);
    }
    steps = List.copyOf(steps);
  }

  /**
   * The steps in one line, such as "available 40, minus 10 dedicated to tiktok-live, cap 5 → 5".
   */
  public String explanation() {
    return String.join(", ", steps);
  }
}
