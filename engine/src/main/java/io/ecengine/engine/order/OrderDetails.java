package io.ecengine.engine.order;

import io.ecengine.engine.serialization.CborSerializable;
import java.time.LocalDate;

/**
 * What the buyer asked for besides the goods. Personal data: never logged, only stored and shown to
 * the tenant that owns the order.
 */
public record OrderDetails(
    Buyer buyer, ShipTo shipTo, LocalDate deliveryDate, boolean giftWrap, String note)
    implements CborSerializable {

  public static final OrderDetails NONE = new OrderDetails(null, null, null, false, null);

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
