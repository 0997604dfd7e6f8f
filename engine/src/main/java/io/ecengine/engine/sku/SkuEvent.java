package io.ecengine.engine.sku;

import io.ecengine.engine.serialization.CborSerializable;
import java.time.Instant;
import java.util.List;

/**
 * What happened to one SKU. Events are facts: they are never rejected when replayed, and they carry
 * the quantities they moved so that read sides need no other state to follow them.
 *
 * <p>Fields added after the first release default when an older event is read: no components, a
 * hold on stock, a commit that closed its hold.
 */
public sealed interface SkuEvent extends CborSerializable {

  /** How many records of the ledger this event writes: one, or one per hold it names. */
  default int records() {
    return 1;
  }

  /** The SKU came into existence with a display name; with components it is a bundle. */
  record SkuDefined(String name, List<Component> components, Instant at) implements SkuEvent {
    public SkuDefined {
      components = components == null ? List.of() : List.copyOf(components);
    }

    /** An ordinary SKU came into existence. */
    public SkuDefined(String name, Instant at) {
      this(name, List.of(), at);
    }
  }

  /** The display name changed. */
  record SkuRenamed(String name, Instant at) implements SkuEvent {}

  /**
   * The component list changed: an empty list makes the SKU ordinary again, a non-empty one makes
   * it a bundle (which is only allowed while it holds no stock).
   */
  record SkuComponentsChanged(List<Component> components, Instant at) implements SkuEvent {
    public SkuComponentsChanged {
      components = List.copyOf(components);
    }
  }

  /** On hand moved by {@code delta} (positive or negative) for a stated reason. */
  record StockAdjusted(String adjustmentId, long delta, AdjustmentReason reason, Instant at)
      implements SkuEvent {}

  /** The quantity held back from every channel changed. */
  record SafetyStockSet(long quantity, Instant at) implements SkuEvent {}

  /** What the SKU does with reservations beyond available changed. */
  record StockPolicySet(StockPolicy policy, long backorderLimit, Instant at) implements SkuEvent {}

  /** A delivery was announced; its units count as incoming until it is received. */
  record IncomingAdded(String incomingId, long quantity, Instant expectedAt, Instant at)
      implements SkuEvent {}

  /** An announced delivery arrived: on hand went up and incoming down by {@code quantity}. */
  record IncomingReceived(String incomingId, long quantity, Instant at) implements SkuEvent {}

  /**
   * One or more holds were placed, decided in arrival order. Many reservations share one event so
   * that a burst on a hot SKU costs one journal row per write, not one per reservation. Each hold
   * says whether it is on stock or owed.
   */
  record ReservationsPlaced(List<Reservation> reservations) implements SkuEvent {
    @Override
    public int records() {
      return reservations.size();
    }

    /** Units of every kind placed by this event. */
    public long totalQuantity() {
      return reservations.stream().mapToLong(Reservation::quantity).sum();
    }

    /** Units the holds of this event took from their channels' shares. */
    public long fromShares() {
      return reservations.stream().mapToLong(Reservation::fromShare).sum();
    }

    /** Units of one kind placed by this event. */
    public long totalQuantity(HoldKind kind) {
      return reservations.stream()
          .filter(r -> r.kind() == kind)
          .mapToLong(Reservation::quantity)
          .sum();
    }
  }

  /**
   * Owed holds became holds on stock, oldest first. Reserved went up by {@code backordered +
   * preordered}, and the owed figures went down by those amounts.
   */
  record HoldsFilled(List<String> reservationIds, long backordered, long preordered, Instant at)
      implements SkuEvent {
    public HoldsFilled {
      reservationIds = List.copyOf(reservationIds);
    }

    @Override
    public int records() {
      return reservationIds.size();
    }
  }

  /** A hold was cancelled; its units are available again, or no longer owed. */
  record ReservationReleased(String reservationId, long quantity, HoldKind kind, Instant at)
      implements SkuEvent {
    public ReservationReleased {
      kind = kind == null ? HoldKind.STOCK : kind;
    }

    /** A hold on stock was cancelled. */
    public ReservationReleased(String reservationId, long quantity, Instant at) {
      this(reservationId, quantity, HoldKind.STOCK, at);
    }
  }

  /** A hold ran past its expiry and was released by the SKU's timer. */
  record ReservationExpired(String reservationId, long quantity, HoldKind kind, Instant at)
      implements SkuEvent {
    public ReservationExpired {
      kind = kind == null ? HoldKind.STOCK : kind;
    }

    /** A hold on stock expired. */
    public ReservationExpired(String reservationId, long quantity, Instant at) {
      this(reservationId, quantity, HoldKind.STOCK, at);
    }
  }

  /**
   * The units set aside for one channel's marketplace, to count down on its own while the SKU is
   * down to its last units, became {@code units}: {@code change} is the difference to before, so
   * available moved by {@code -change}. {@code perSecond} is the channel's sales rate it was sized
   * by, which divides what is left among the channels that ask next.
   */
  record ShareSet(String channelId, long units, long change, double perSecond, Instant at)
      implements SkuEvent {}

  /**
   * {@code quantity} units of a hold were shipped: on hand and reserved went down by that much.
   * {@code remaining} is what the hold still holds; at 0 the hold is closed. {@code commitId} is
   * null for a commit sent without one.
   */
  record ReservationCommitted(
      String reservationId, String commitId, long quantity, long remaining, Instant at)
      implements SkuEvent {

    /** All of a hold was shipped and the hold is closed. */
    public ReservationCommitted(String reservationId, long quantity, Instant at) {
      this(reservationId, null, quantity, 0, at);
    }

    /** True when nothing is left in the hold, so it is closed as committed. */
    public boolean closed() {
      return remaining == 0;
    }
  }
}
