package io.ecengine.engine.sku;

import java.time.Instant;

/**
 * A hold on units of one SKU. {@code availableAfter} is the available quantity right after the hold
 * was placed, kept so that a retried request is answered with exactly the first response.
 */
public record Reservation(
    String reservationId,
    long quantity,
    String channelId,
    Long expiresInSeconds,
    Instant placedAt,
    Instant expiresAt,
    long availableAfter) {

  /** True when a request with these fields is the same request as the one that placed this. */
  public boolean sameRequest(long quantity, String channelId, Long expiresInSeconds) {
    return this.quantity == quantity
        && java.util.Objects.equals(this.channelId, channelId)
        && java.util.Objects.equals(this.expiresInSeconds, expiresInSeconds);
  }
}
