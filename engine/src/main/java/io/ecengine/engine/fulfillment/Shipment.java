package io.ecengine.engine.fulfillment;

import io.ecengine.engine.order.OrderDetails;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A parcel to send: one or more orders (several when merged, 同梱) going to one address, with what
 * the label needs. Every order belongs to exactly one shipment at a time; the shipment an order
 * started in is its home shipment ({@link ShipmentIds#home}), which keeps existing as MERGED while
 * the order travels in another one, so that a split can send it back.
 *
 * <p>{@code version} counts changes; stores update a shipment only at the version they read, so two
 * writers never both act on the same state. {@code attention} tells an operator about something the
 * engine could not settle alone (an order cancelled after its label was printed).
 */
public record Shipment(
    String shipmentId,
    String homeOrderId,
    ShipmentStatus status,
    String waveId,
    Carrier carrier,
    String trackingNumber,
    OrderDetails.ShipTo shipTo,
    String buyerKey,
    String addressKey,
    int parcelCount,
    LocalDate deliveryDate,
    TimeSlot timeSlot,
    boolean giftWrap,
    String note,
    String attention,
    String mergedInto,
    long version,
    Instant createdAt,
    Instant updatedAt,
    Instant labeledAt,
    Instant shippedAt,
    List<ShipmentOrder> orders) {

  public Shipment {
    orders = List.copyOf(orders);
  }

  /** How far the order's own shipment command has got. */
  public enum OrderShipState {
    /** Not shipped yet. */
    OPEN,
    /** The order accepted the shipment: its holds are committed, its marketplace is told. */
    SHIPPED,
    /** The order refused the shipment (cancelled or shipped elsewhere meanwhile). */
    REFUSED
  }

  /** One order in the shipment and the lines it contributes. */
  public record ShipmentOrder(
      String orderId,
      String channelId,
      String channelOrderId,
      Instant placedAt,
      List<Line> lines,
      boolean giftWrap,
      String note,
      LocalDate deliveryDate,
      OrderShipState shipState,
      String shipError) {

    public ShipmentOrder {
      lines = List.copyOf(lines);
    }

    /** The units per line SKU, as the order's shipment command takes them. */
    public Map<String, Long> units() {
      Map<String, Long> units = new java.util.LinkedHashMap<>();
      lines.forEach(l -> units.merge(l.sku(), l.quantity(), Long::sum));
      return units;
    }
  }

  /**
   * One order line: a SKU and its units, and what one unit is made of ({@code components}, the SKU
   * itself for an ordinary SKU).
   */
  public record Line(String sku, long quantity, Map<String, Long> components) {
    public Line {
      components = components == null ? Map.of() : Map.copyOf(components);
    }
  }

  public Set<String> channelIds() {
    Set<String> channels = new TreeSet<>();
    orders.forEach(o -> channels.add(o.channelId()));
    return channels;
  }

  public Instant earliestPlacedAt() {
    return orders.stream().map(ShipmentOrder::placedAt).min(Instant::compareTo).orElse(createdAt);
  }

  public Instant latestPlacedAt() {
    return orders.stream().map(ShipmentOrder::placedAt).max(Instant::compareTo).orElse(createdAt);
  }

  /** The shipment as the automatic merge rule sees it. */
  public MergeRule.Target asTarget() {
    return new MergeRule.Target(
        shipmentId,
        status,
        waveId != null,
        channelIds(),
        buyerKey,
        addressKey,
        deliveryDate,
        timeSlot,
        earliestPlacedAt(),
        latestPlacedAt());
  }

  /** True while the parcel's contents may still change. */
  public boolean open() {
    return status == ShipmentStatus.PENDING;
  }
}
