package io.ecengine.engine.sku;

import io.ecengine.engine.serialization.CborSerializable;
import java.time.Instant;
import java.util.List;

/**
 * What happened to one SKU. Events are facts: they are never rejected when replayed, and they carry
 * the quantities they moved so that read sides need no other state to follow them.
 */
public sealed interface SkuEvent extends CborSerializable {

  /** The SKU came into existence with a display name. */
  record SkuDefined(String name, Instant at) implements SkuEvent {}

  /** The display name changed. */
  record SkuRenamed(String name, Instant at) implements SkuEvent {}

  /** On hand moved by {@code delta} (positive or negative) for a stated reason. */
  record StockAdjusted(String adjustmentId, long delta, AdjustmentReason reason, Instant at)
      implements SkuEvent {}

  /** The quantity held back from every channel changed. */
  record SafetyStockSet(long quantity, Instant at) implements SkuEvent {}

  /**
   * One or more holds were placed, decided in arrival order. Many reservations share one event so
   * that a burst on a hot SKU costs one journal row per write, not one per reservation.
   */
  record ReservationsPlaced(List<Reservation> reservations) implements SkuEvent {
    public long totalQuantity() {
      return reservations.stream().mapToLong(Reservation::quantity).sum();
    }
  }

  /** A hold was cancelled; its units are available again. */
  record ReservationReleased(String reservationId, long quantity, Instant at) implements SkuEvent {}

  /** A hold ran past its expiry and was released by the SKU's timer. */
  record ReservationExpired(String reservationId, long quantity, Instant at) implements SkuEvent {}

  /** A hold was shipped: it is gone and on hand went down by its quantity. */
  record ReservationCommitted(String reservationId, long quantity, Instant at)
      implements SkuEvent {}
}
