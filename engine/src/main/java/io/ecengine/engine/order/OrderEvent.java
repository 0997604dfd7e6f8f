package io.ecengine.engine.order;

import io.ecengine.engine.serialization.CborSerializable;
import io.ecengine.engine.sku.HoldKind;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What happened to one order. The saga's progress is in these events, so a restart resumes it. */
public sealed interface OrderEvent extends CborSerializable {

  /** The order arrived from a channel. {@code shipBy} follows from the channel's shipping SLA. */
  record OrderPlaced(
      String orderId,
      String channelId,
      String channelOrderId,
      List<OrderLine> lines,
      OrderDetails details,
      Instant shipBy,
      Instant at,
      Instant soldAt)
      implements OrderEvent {

    /** An order whose sale time on its marketplace is not known (the merchant's own API). */
    public OrderPlaced(
        String orderId,
        String channelId,
        String channelOrderId,
        List<OrderLine> lines,
        OrderDetails details,
        Instant shipBy,
        Instant at) {
      this(orderId, channelId, channelOrderId, lines, details, shipBy, at, null);
    }
  }

  /**
   * An allocation attempt began. {@code demand} is per component SKU, summed over lines and
   * bundles; {@code components} says which SKUs (and how many of each) one unit of each line SKU
   * takes, so shipments and returns can be translated the same way later.
   */
  record AllocationStarted(
      int attempt, Map<String, Long> demand, Map<String, Map<String, Long>> components, Instant at)
      implements OrderEvent {}

  /** Every SKU of the attempt holds its units. */
  record AllocationSucceeded(int attempt, Map<String, HoldKind> holds, Instant at)
      implements OrderEvent {}

  /** Some SKUs could not hold; the holds of the attempt were released before this was stored. */
  record AllocationFailed(int attempt, List<String> shortSkus, Instant at) implements OrderEvent {}

  /**
   * Holds that were owed (backorder or pre-order) are now held from stock. {@code statusAfter}
   * spares read sides from tracking every hold.
   */
  record HoldsFilled(List<String> skus, OrderStatus statusAfter, Instant at)
      implements OrderEvent {}

  /** Cancellation began: the holds are being released. */
  record CancellationStarted(Instant at) implements OrderEvent {}

  /** Every hold was released; the order is closed. */
  record OrderCancelled(Instant at) implements OrderEvent {}

  /** A parcel left, with these units per order line SKU; its holds are being committed. */
  record ShipmentRecorded(
      String shipmentId, String carrier, String trackingNumber, Map<String, Long> lines, Instant at)
      implements OrderEvent {}

  /** The holds for a shipment were committed: on hand went down; SHIPPED once all shipped. */
  record ShipmentCommitted(String shipmentId, OrderStatus statusAfter, Instant at)
      implements OrderEvent {}

  /** Units came back, per order line SKU and condition; sellable ones are being put back. */
  record ReturnRecorded(String returnId, List<ReturnLine> lines, Instant at)
      implements OrderEvent {}

  /** The sellable units of a return are back on hand. */
  record ReturnApplied(String returnId, Instant at) implements OrderEvent {}

  /** One line of a return. */
  record ReturnLine(String sku, long quantity, ReturnCondition condition)
      implements CborSerializable {}
}
