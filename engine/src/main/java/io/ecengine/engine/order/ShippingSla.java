package io.ecengine.engine.order;

import io.ecengine.engine.serialization.CborSerializable;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * A channel's shipping promise: orders placed before the daily cutoff (local time) must ship within
 * {@code shipWithinHours} of being placed; orders placed at or after the cutoff count from the
 * start of the next day.
 */
public record ShippingSla(int shipWithinHours, LocalTime cutoff, ZoneId zone)
    implements CborSerializable {

  public static final ShippingSla DEFAULT =
      new ShippingSla(24, LocalTime.of(15, 0), ZoneId.of("Asia/Tokyo"));

  public ShippingSla {
    if (shipWithinHours < 1 || shipWithinHours > 24 * 30) {
      throw new IllegalArgumentException("shipWithinHours must be between 1 and 720");
    }
  }

  public Instant shipBy(Instant placedAt) {
    ZonedDateTime local = placedAt.atZone(zone);
    ZonedDateTime start =
        local.toLocalTime().isBefore(cutoff)
            ? local
            : local.toLocalDate().plusDays(1).atStartOfDay(zone);
    return start.plusHours(shipWithinHours).toInstant();
  }
}
