package io.ecengine.engine.order;

import io.ecengine.engine.serialization.CborSerializable;
import java.time.LocalDate;

/**
 * What the buyer asked for besides the goods. Personal data: never logged, only stored and shown to
 * the tenant that owns the order.
 *
 * <p>{@code deliveryTimeSlot} is the id of a requested delivery time slot (配達時間帯指定) as the API
 * names it ({@code morning}, {@code 19-21}, see {@code fulfillment.TimeSlot}), kept as text so that
 * orders do not depend on fulfilment. It came after the other fields: events stored before it read
 * as null, no slot asked for.
 */
public record OrderDetails(
    Buyer buyer,
    ShipTo shipTo,
    LocalDate deliveryDate,
    boolean giftWrap,
    String note,
    String deliveryTimeSlot)
    implements CborSerializable {

  public static final OrderDetails NONE = new OrderDetails(null, null, null, false, null);

  /** Details without a delivery time slot (marketplace intake, tests). */
  public OrderDetails(
      Buyer buyer, ShipTo shipTo, LocalDate deliveryDate, boolean giftWrap, String note) {
    this(buyer, shipTo, deliveryDate, giftWrap, note, null);
  }

  /** Who bought. */
  public record Buyer(String name, String email, String phone) implements CborSerializable {}

  /** Where the parcel goes (Japanese addresses: postal code and prefecture first). */
  public record ShipTo(
      String name,
      String postalCode,
      String prefecture,
      String city,
      String address1,
      String address2,
      String phone)
      implements CborSerializable {}
}
