package io.ecengine.engine.order;

import io.ecengine.engine.serialization.CborSerializable;
import io.ecengine.engine.sku.HoldKind;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An immutable picture of an order, as replies and the API show it. {@code components} says what
 * one unit of each line SKU is made of (bundles), as the allocation resolved it; empty before.
 */
public record OrderView(
    String orderId,
    String channelId,
    String channelOrderId,
    OrderStatus status,
    List<OrderLine> lines,
    OrderDetails details,
    Instant placedAt,
    Instant shipBy,
    Map<String, HoldKind> holds,
    List<String> shortSkus,
    Map<String, Long> shipped,
    Map<String, Long> returned,
    List<Order.Shipment> shipments,
    List<Order.Return> returns,
    List<Order.StatusChange> history,
    Map<String, Map<String, Long>> components)
    implements CborSerializable {

  static OrderView of(Order order) {
    OrderEvent.OrderPlaced p = order.placed();
    return new OrderView(
        p.orderId(),
        p.channelId(),
        p.channelOrderId(),
        order.status(),
        p.lines(),
        p.details(),
        p.at(),
        p.shipBy(),
        Map.copyOf(order.holds()),
        order.shortSkus(),
        Map.copyOf(order.shipped()),
        Map.copyOf(order.returned()),
        List.copyOf(order.shipments().values()),
        List.copyOf(order.returns().values()),
        List.copyOf(order.history()),
        Map.copyOf(order.components()));
  }
}
