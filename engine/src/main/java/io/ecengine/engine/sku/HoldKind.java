package io.ecengine.engine.sku;

/**
 * What a reservation holds. Only {@code STOCK} holds take units from on hand; the other two are
 * owed to the buyer and are filled from on hand, oldest first, as stock comes in.
 */
public enum HoldKind {
  /** Units on hand, set aside for this reservation. */
  STOCK,
  /** Units the SKU does not have yet, accepted within the backorder limit. */
  BACKORDER,
  /** Units promised against incoming stock that has not arrived yet. */
  PREORDER;

  /** True when the hold waits for stock instead of holding units on hand. */
  public boolean owed() {
    return this != STOCK;
  }
}
