package io.ecengine.engine.sku;

import io.ecengine.engine.serialization.CborSerializable;

/** The answer to one {@link SkuRequest}. */
public sealed interface SkuOutcome extends CborSerializable {

  /**
   * The request took effect, or had already taken effect. {@code created} is false for a retry or
   * for an update of something that existed. {@code reservation} is set for reservation requests:
   * the hold as placed (or as it stands, for a retry), and for a release or commit the hold as it
   * was just before, so a commit's {@code quantity} minus what it shipped is what is left. {@code
   * closed} is true when a retried reservation was released, expired or committed since: the answer
   * repeats the first one, but the hold no longer stands.
   */
  record Done(Levels levels, Reservation reservation, boolean created, boolean closed)
      implements SkuOutcome {

    public Done(Levels levels, Reservation reservation, boolean created) {
      this(levels, reservation, created, false);
    }
  }

  /**
   * The answer to a {@link SkuRequest.ClaimShare}: {@code share} units are now set aside for the
   * channel, of which it may put {@code show} on show (the rest covers its unplaced sales).
   */
  record Shared(Levels levels, long share, long show) implements SkuOutcome {}

  /** The request changed nothing. */
  record Rejected(Rejection reason, String detail, Levels levels) implements SkuOutcome {}

  /** Why a request changed nothing. */
  enum Rejection {
    SKU_NOT_FOUND,
    RESERVATION_NOT_FOUND,
    INSUFFICIENT_STOCK,
    /** The id was used before with a different request. */
    ID_REUSED,
    /** The adjustment would leave on hand below what is reserved. */
    BELOW_RESERVED,
    /** The reservation was already released, expired or committed. */
    RESERVATION_CLOSED,
    /** The SKU's queue is full; the caller should retry later. */
    OVERLOADED,
    /** The SKU is a bundle, which holds no stock: reserve, adjust or ship its components. */
    BUNDLE_HAS_NO_STOCK,
    /** A bundle cannot list itself as a component. */
    BUNDLE_LISTS_ITSELF,
    /** Only a SKU with no on hand, no holds and nothing incoming can become a bundle. */
    KIND_CHANGE,
    /** No announced delivery with this id on this SKU. */
    INCOMING_NOT_FOUND,
    /** The hold is backordered or preordered: it has no units on hand to ship yet. */
    NOT_IN_STOCK,
    /** The commit asks for more units than the hold still has. */
    EXCEEDS_HOLD
  }
}
