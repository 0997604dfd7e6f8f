package io.ecengine.engine.order;

/** Where an order stands. */
public enum OrderStatus {
  /** Placed; its first allocation attempt has not finished yet. */
  ALLOCATING,
  /** Every unit is held from stock. */
  ALLOCATED,
  /** Some SKU could not supply its units; the order waits and is retried when stock arrives. */
  AWAITING_STOCK,
  /** Held, partly against incoming stock (予約). */
  PREORDERED,
  /** Held, partly as a backorder beyond stock. */
  BACKORDERED,
  /** Every unit has shipped. */
  SHIPPED,
  /** Cancelled before shipping; every hold was released. */
  CANCELLED,
  /** Units came back after shipping (partially or fully). */
  RETURNED
}
