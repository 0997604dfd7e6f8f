package io.ecengine.engine.sku;

import io.ecengine.engine.serialization.CborSerializable;

/** One component of a bundle: this many units of another SKU go into one unit of the bundle. */
public record Component(String sku, long quantity) implements CborSerializable {

  public Component {
    if (sku == null || sku.isBlank()) {
      throw new IllegalArgumentException("component sku must not be blank");
    }
    if (quantity < 1) {
      throw new IllegalArgumentException("component quantity must be at least 1");
    }
  }
}
