package io.ecengine.engine.fulfillment;

import io.ecengine.engine.order.OrderDetails;
import java.time.LocalDate;
import java.util.List;

/**
 * One shipment as a label file row needs it: where it goes, how many parcels, when the buyer wants
 * it and a description of its contents ({@code items}, one entry per line, such as "TSHIRT-M x2").
 */
public record LabelShipment(
    String shipmentId,
    OrderDetails.ShipTo shipTo,
    int parcelCount,
    LocalDate deliveryDate,
    TimeSlot timeSlot,
    boolean giftWrap,
    List<String> items) {

  public LabelShipment {
    items = List.copyOf(items);
  }
}
