package io.ecengine.engine.sku;

import java.time.Instant;
import java.util.Objects;

/**
 * A hold on units of one SKU. {@code quantity} is what the hold still holds or is owed; {@code
 * committed} is what partial commits have shipped from it so far, so the two together are what was
 * asked for. {@code availableAfter} is the available quantity right after the hold was placed, kept
 * so that a retried request is answered like the first one. {@code listedUnits} is how many units
 * the channel's marketplace sold as this SKU's own listing, at {@code soldAt} by its clock (see
 * {@link SkuRequest.Reserve}). {@code fromShare} is how many of the units came out of the units set
 * aside for that channel (its share of the last units, see {@link SkuRequest.ClaimShare}) rather
 * than out of available.
 */
public record Reservation(
    String reservationId,
    long quantity,
    String channelId,
    Long expiresInSeconds,
    Instant placedAt,
    Instant expiresAt,
    long availableAfter,
    HoldKind kind,
    long committed,
    long listedUnits,
    Instant soldAt,
    long fromShare) {

  public Reservation {
    // Holds stored before hold kinds existed were all on stock; holds stored before listed units
    // existed read as 0, which only makes stock pushes tell the marketplace what it knows.
    kind = kind == null ? HoldKind.STOCK : kind;
  }

  /** A hold that took nothing from a channel's share. */
  public Reservation(
      String reservationId,
      long quantity,
      String channelId,
      Long expiresInSeconds,
      Instant placedAt,
      Instant expiresAt,
      long availableAfter,
      HoldKind kind,
      long committed,
      long listedUnits,
      Instant soldAt) {
    this(
        reservationId,
        quantity,
        channelId,
        expiresInSeconds,
        placedAt,
        expiresAt,
        availableAfter,
        kind,
        committed,
        listedUnits,
        soldAt,
        0);
  }

  /** A hold with nothing counted down by a listing. */
  public Reservation(
      String reservationId,
      long quantity,
      String channelId,
      Long expiresInSeconds,
      Instant placedAt,
      Instant expiresAt,
      long availableAfter,
      HoldKind kind,
      long committed) {
    this(
        reservationId,
        quantity,
        channelId,
        expiresInSeconds,
        placedAt,
        expiresAt,
        availableAfter,
        kind,
        committed,
        0,
        null);
  }

  /** The units of this hold its channel's listing has already counted down. */
  public long listedHeld() {
    return Math.min(listedUnits, quantity);
  }

  /** A hold on stock with nothing shipped yet. */
  public Reservation(
      String reservationId,
      long quantity,
      String channelId,
      Long expiresInSeconds,
      Instant placedAt,
      Instant expiresAt,
      long availableAfter) {
    this(
        reservationId,
        quantity,
        channelId,
        expiresInSeconds,
        placedAt,
        expiresAt,
        availableAfter,
        HoldKind.STOCK,
        0);
  }

  /** True when a request with these fields is the same request as the one that placed this. */
  public boolean sameRequest(long quantity, String channelId, Long expiresInSeconds) {
    return this.quantity + this.committed == quantity
        && Objects.equals(this.channelId, channelId)
        && Objects.equals(this.expiresInSeconds, expiresInSeconds);
  }

  /** The same hold, now on stock: an owed hold that was filled. */
  Reservation filled() {
    return new Reservation(
        reservationId,
        quantity,
        channelId,
        expiresInSeconds,
        placedAt,
        expiresAt,
        availableAfter,
        HoldKind.STOCK,
        committed,
        listedUnits,
        soldAt,
        fromShare);
  }

  /** The same hold after {@code shipped} of its units were committed. */
  Reservation afterCommitting(long shipped) {
    return new Reservation(
        reservationId,
        quantity - shipped,
        channelId,
        expiresInSeconds,
        placedAt,
        expiresAt,
        availableAfter,
        kind,
        committed + shipped,
        listedUnits,
        soldAt,
        fromShare);
  }
}
