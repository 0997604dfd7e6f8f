package io.ecengine.engine.fulfillment;

import io.ecengine.engine.order.OrderDetails;

/**
 * Who a parcel is for, as far as merging orders goes: the recipient's name and phone number as
 * written on the order, folded like addresses (width, spacing, honorifics). E-mail addresses are
 * left out on purpose: marketplaces hand out masked or relay addresses per order, so the same
 * person has a different one on every channel.
 */
public final class BuyerIdentity {

  private BuyerIdentity() {}

  /**
   * The identity key of an order, or null when its recipient has no name (such an order is never
   * merged automatically). The phone comes from the ship-to, else from the buyer.
   */
  public static String key(OrderDetails details) {
    if (details == null) {
      return null;
    }
    OrderDetails.ShipTo shipTo = details.shipTo();
    OrderDetails.Buyer buyer = details.buyer();
    String name = shipTo != null && shipTo.name() != null ? shipTo.name() : null;
    if (name == null && buyer != null) {
      name = buyer.name();
    }
    String phone = shipTo != null && shipTo.phone() != null ? shipTo.phone() : null;
    if (phone == null && buyer != null) {
      phone = buyer.phone();
    }
    return key(name, phone);
  }

  /** The identity key of a name and phone number; null without a name. */
  public static String key(String name, String phone) {
    String folded = name(name);
    if (folded.isEmpty()) {
      return null;
    }
    return folded + "|" + phone(phone);
  }

  /** A name without spaces, width differences or a trailing honorific (様, さま, 殿). */
  static String name(String name) {
    String folded = JapaneseAddress.fold(name).replace(" ", "");
    for (String honorific : new String[] {"様", "さま", "殿", "御中"}) {
      if (folded.endsWith(honorific) && folded.length() > honorific.length()) {
        folded = folded.substring(0, folded.length() - honorific.length());
      }
    }
    return folded;
  }

  /** A phone number as its digits, with the Japanese country code written as the trunk 0. */
  static String phone(String phone) {
    String folded = JapaneseAddress.fold(phone);
    boolean international = folded.startsWith("+81") || folded.startsWith("0081");
    String digits = folded.replaceAll("[^0-9]", "");
    if (international) {
      digits = "0" + digits.substring(folded.startsWith("+81") ? 2 : 4);
      digits = digits.startsWith("00") ? digits.substring(1) : digits;
    }
    return digits;
  }
}
