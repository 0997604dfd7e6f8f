package io.ecengine.engine.sku;

/** Why the on-hand quantity of a SKU was changed by hand. */
public enum AdjustmentReason {
  RECEIPT,
  COUNT,
  DAMAGE,
  CORRECTION,
  /** Sellable units a buyer sent back. */
  RETURN
}
