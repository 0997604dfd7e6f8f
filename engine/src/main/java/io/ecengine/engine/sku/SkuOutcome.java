package io.ecengine.engine.sku;

import io.ecengine.engine.serialization.CborSerializable;

/** The answer to one {@link SkuRequest}. */
public sealed interface SkuOutcome extends CborSerializable {

  /**
   * The request took effect, or had already taken effect. {@code created} is false for a retry or
   * for an update of something that existed; {@code reservation} is set for reservation requests.
   */
  record Done(Levels levels, Reservation reservation, boolean created) implements SkuOutcome {}

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
    OVERLOADED
  }
}
