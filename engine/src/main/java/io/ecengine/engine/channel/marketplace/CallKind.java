package io.ecengine.engine.channel.marketplace;

/**
 * The kinds of call a channel makes to its marketplace. Marketplaces limit them apart or together
 * (see {@link Marketplace#quota}), so each kind is throttled by the quota it draws on, and a
 * throttled order pull cannot hold back a sold-out.
 */
public enum CallKind {
  /** A stock update carrying sellable quantities. */
  STOCK,
  /** A page of new or changed orders. */
  ORDER_PULL,
  /** The lines of orders named by a webhook or a pull. */
  ORDER_DETAILS,
  /** A shipment and its tracking number, reported back. */
  SHIPMENT,
  /** A read of what listings show now, to learn of sales not imported yet. */
  STOCK_READ
}
