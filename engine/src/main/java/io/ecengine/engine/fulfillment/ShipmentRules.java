package io.ecengine.engine.fulfillment;

import io.ecengine.engine.order.OrderDetails;
import io.ecengine.engine.order.OrderLine;
import io.ecengine.engine.order.OrderStatus;
import io.ecengine.engine.order.OrderView;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The decisions about shipments that do not need a database: what shipment an allocated order
 * starts in, when shipments may be merged or split by hand, and what a merged parcel asks for. The
 * store reads the rows, asks these, and writes the outcome at the version it read.
 */
public final class ShipmentRules {

  /** Notes of merged orders are joined with this. */
  static final String NOTE_SEPARATOR = " / ";

  private ShipmentRules() {}

  /**
   * Everything a new home shipment of one order holds. {@code timeSlot} is the order's requested
   * delivery time slot; it belongs to the parcel, not to the order within it, so it is here and not
   * in {@code order}.
   */
  public record Draft(
      String shipmentId,
      Shipment.ShipmentOrder order,
      OrderDetails.ShipTo shipTo,
      String buyerKey,
      String addressKey,
      TimeSlot timeSlot) {

    /** The order as the automatic merge rule sees it. */
    public MergeRule.Candidate candidate() {
      return new MergeRule.Candidate(
          order.orderId(),
          order.channelId(),
          buyerKey,
          addressKey,
          order.deliveryDate(),
          timeSlot,
          order.placedAt());
    }
  }

  /**
   * The home shipment of an order, or why it cannot have one: only an order whose units are all
   * held from stock (ALLOCATED) ships, and only the units it has not shipped yet. The buyer's
   * delivery date, time slot, gift wrap and note go with it.
   */
  public static Result<Draft> draft(OrderView order) {
    if (order.status() != OrderStatus.ALLOCATED) {
      return Result.refused(
          "Order " + order.orderId() + " is " + order.status() + "; only ALLOCATED orders ship.");
    }
    Map<String, Long> remaining = new LinkedHashMap<>();
    for (OrderLine line : order.lines()) {
      remaining.merge(line.sku(), line.quantity(), Long::sum);
    }
    order.shipped().forEach((sku, units) -> remaining.merge(sku, -units, Long::sum));
    remaining.values().removeIf(units -> units <= 0);
    if (remaining.isEmpty()) {
      return Result.refused("Every unit of order " + order.orderId() + " has shipped already.");
    }
    List<Shipment.Line> lines = new ArrayList<>();
    Map<String, Map<String, Long>> components =
        order.components() == null ? Map.of() : order.components();
    remaining.forEach(
        (sku, units) -> lines.add(new Shipment.Line(sku, units, components.get(sku))));
    OrderDetails details = order.details() == null ? OrderDetails.NONE : order.details();
    Shipment.ShipmentOrder shipmentOrder =
        new Shipment.ShipmentOrder(
            order.orderId(),
            order.channelId(),
            order.channelOrderId(),
            order.placedAt(),
            lines,
            details.giftWrap(),
            details.note(),
            details.deliveryDate(),
            Shipment.OrderShipState.OPEN,
            null);
    return Result.ok(
        new Draft(
            ShipmentIds.home(order.orderId()),
            shipmentOrder,
            details.shipTo(),
            BuyerIdentity.key(details),
            JapaneseAddress.normalize(details.shipTo()).key(),
            timeSlot(details)));
  }

  /**
   * The order's time slot. The intake accepts only ids {@link TimeSlot} knows, so an unknown one
   * can come only from an order taken by a version with more slots; the parcel then goes without
   * one, and an operator may set it, rather than the order never getting a shipment.
   */
  private static TimeSlot timeSlot(OrderDetails details) {
    return details.deliveryTimeSlot() == null
        ? null
        : TimeSlot.fromId(details.deliveryTimeSlot()).orElse(null);
  }

  /**
   * Why the operator may not merge {@code sources} into {@code target}, or empty when they may.
   * Only PENDING shipments merge, all in no wave or all in the same one; their addresses must
   * normalise to the same key and their delivery dates and time slots agree, unless {@code force}
   * says the operator knows better (the target's address, date and time slot then win).
   */
  public static Optional<String> cannotMerge(
      Shipment target, List<Shipment> sources, boolean force) {
    if (target.status() != ShipmentStatus.PENDING) {
      return Optional.of(
          "Shipment " + target.shipmentId() + " is " + target.status() + "; only PENDING merge.");
    }
    for (Shipment source : sources) {
      if (source.shipmentId().equals(target.shipmentId())) {
        return Optional.of("A shipment cannot be merged into itself.");
      }
      if (source.status() != ShipmentStatus.PENDING) {
        return Optional.of(
            "Shipment " + source.shipmentId() + " is " + source.status() + "; only PENDING merge.");
      }
      if (!Objects.equals(source.waveId(), target.waveId())) {
        return Optional.of(
            "Shipment " + source.shipmentId() + " is in another wave than the target.");
      }
      if (!force) {
        if (source.addressKey() == null || !source.addressKey().equals(target.addressKey())) {
          return Optional.of(
              "Shipment "
                  + source.shipmentId()
                  + " goes to another address; pass force to merge anyway.");
        }
        if (!Objects.equals(source.deliveryDate(), target.deliveryDate())) {
          return Optional.of(
              "Shipment "
                  + source.shipmentId()
                  + " asks for another delivery date; pass force to merge anyway.");
        }
        if (source.timeSlot() != target.timeSlot()) {
          return Optional.of(
              "Shipment "
                  + source.shipmentId()
                  + " asks for another delivery time slot; pass force to merge anyway.");
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Why these orders may not be split out of the shipment, or empty. Only a PENDING shipment
   * splits, every order named must be in it, and its own home order stays (split the others out
   * instead: it is the shipment).
   */
  public static Optional<String> cannotSplit(Shipment shipment, Set<String> orderIds) {
    if (shipment.status() != ShipmentStatus.PENDING) {
      return Optional.of(
          "Shipment "
              + shipment.shipmentId()
              + " is "
              + shipment.status()
              + "; a merge can be undone only until its label is issued.");
    }
    Set<String> inside = new java.util.HashSet<>();
    shipment.orders().forEach(o -> inside.add(o.orderId()));
    for (String orderId : orderIds) {
      if (!inside.contains(orderId)) {
        return Optional.of(
            "Order " + orderId + " is not in shipment " + shipment.shipmentId() + ".");
      }
      if (orderId.equals(shipment.homeOrderId())) {
        return Optional.of(
            "Order "
                + orderId
                + " is this shipment's own order and stays; split the other orders out.");
      }
    }
    return Optional.empty();
  }

  /** What a parcel of these orders asks for: gift wrap if any asks, notes joined, one date. */
  public record Requests(boolean giftWrap, String note, LocalDate deliveryDate) {}

  /**
   * The requests of a parcel holding these orders; {@code deliveryDate} is the first order's date
   * that is set (orders merged automatically always agree on it).
   */
  public static Requests requests(List<Shipment.ShipmentOrder> orders) {
    boolean giftWrap = orders.stream().anyMatch(Shipment.ShipmentOrder::giftWrap);
    List<String> notes =
        orders.stream()
            .map(Shipment.ShipmentOrder::note)
            .filter(n -> n != null && !n.isBlank())
            .distinct()
            .toList();
    LocalDate date =
        orders.stream()
            .map(Shipment.ShipmentOrder::deliveryDate)
            .filter(Objects::nonNull)
            .findFirst()
            .orElse(null);
    String note = notes.isEmpty() ? null : String.join(NOTE_SEPARATOR, notes);
    return new Requests(giftWrap, note, date);
  }

  /** A value or the reason there is none. */
  public record Result<T>(T value, String refusal) {
    static <T> Result<T> ok(T value) {
      return new Result<>(value, null);
    }

    static <T> Result<T> refused(String refusal) {
      return new Result<>(null, refusal);
    }

    public boolean isOk() {
      return refusal == null;
    }
  }
}
