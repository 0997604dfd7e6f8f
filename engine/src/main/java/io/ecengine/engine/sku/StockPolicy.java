package io.ecengine.engine.sku;

/** What a SKU does with a reservation that asks for more than is available. */
public enum StockPolicy {
  /** Refuse it: the SKU only sells what it has. */
  REJECT,
  /** Accept it as owed, up to the SKU's backorder limit in units. */
  BACKORDER,
  /** Accept it as owed, up to the units of incoming stock not yet promised. */
  PREORDER
}
