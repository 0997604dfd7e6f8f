package io.ecengine.persistence;

import io.ecengine.engine.order.OrderEntity;
import io.ecengine.engine.order.OrderEvent;
import io.ecengine.engine.order.OrderEvent.AllocationFailed;
import io.ecengine.engine.order.OrderEvent.AllocationSucceeded;
import io.ecengine.engine.order.OrderEvent.HoldsFilled;
import io.ecengine.engine.order.OrderEvent.OrderCancelled;
import io.ecengine.engine.order.OrderEvent.OrderPlaced;
import io.ecengine.engine.order.OrderEvent.ReturnApplied;
import io.ecengine.engine.order.OrderEvent.ShipmentCommitted;
import io.ecengine.engine.order.OrderEvent.ShipmentRecorded;
import io.ecengine.engine.order.OrderStatus;
import io.ecengine.engine.sku.HoldKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Keeps one {@code orders} row per order in step with its events: where it came from, its status
 * and when it must ship. Every event stamps the row with its journal time, so {@code updated_at}
 * says when the order last moved even when its status did not change.
 *
 * <p>As for SKUs, an event for an order whose row does not exist fails the envelope and restarts
 * the projection: {@link OrderPlaced} is always an order's first event, so a missing row means a
 * lost event. The projection is exactly-once, so no event is applied twice.
 */
public final class OrderSummaryHandler
    extends JdbcHandler<EventEnvelope<OrderEvent>, PlainJdbcSession> {

  private static final String PERSISTENCE_ID_PREFIX = OrderEntity.TYPE_KEY.name() + "|";

  private static final String INSERT_PLACED =
      "INSERT INTO orders (tenant_id, order_id, channel_id, channel_order_id, status, placed_at,"
          + " ship_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

  private static final String UPDATE_PLACED =
      "UPDATE orders SET channel_id = ?, channel_order_id = ?, placed_at = ?, ship_by = ?,"
          + " updated_at = ? WHERE tenant_id = ? AND order_id = ?";

  private static final String UPDATE_STATUS =
      "UPDATE orders SET status = COALESCE(CAST(? AS VARCHAR(32)), status), updated_at = ?"
          + " WHERE tenant_id = ? AND order_id = ?";

  /** The tenant and order a persistence id ({@code Order|<tenantId>|<orderId>}) belongs to. */
  record OrderKey(String tenantId, String orderId) {}

  @Override
  public void process(PlainJdbcSession session, EventEnvelope<OrderEvent> envelope)
      throws Exception {
    OrderKey order = orderKeyOf(envelope.persistenceId());
    OffsetDateTime at = Instant.ofEpochMilli(envelope.timestamp()).atOffset(ZoneOffset.UTC);
    OrderEvent event = envelope.event();
    session.withConnection(
        connection -> {
          apply(connection, order, event, at);
          return null;
        });
  }

  private static void apply(
      Connection connection, OrderKey order, OrderEvent event, OffsetDateTime at)
      throws SQLException {
    if (event instanceof OrderPlaced placed) {
      place(connection, order, placed, at);
    } else {
      requireRow(order, event, setStatus(connection, order, statusAfter(event), at));
    }
    if (event instanceof ShipmentRecorded shipment && shipment.trackingNumber() != null) {
      ShipmentWriteBacks.insertIfFromChannel(
          connection,
          order.tenantId(),
          order.orderId(),
          shipment.shipmentId(),
          shipment.carrier(),
          shipment.trackingNumber(),
          at);
    }
  }

  static OrderKey orderKeyOf(String persistenceId) {
    int split = persistenceId.indexOf('|', PERSISTENCE_ID_PREFIX.length());
    if (!persistenceId.startsWith(PERSISTENCE_ID_PREFIX)
        || split < 0
        || split == persistenceId.length() - 1) {
      throw new IllegalArgumentException("Not an order persistence id: " + persistenceId);
    }
    return new OrderKey(
        persistenceId.substring(PERSISTENCE_ID_PREFIX.length(), split),
        persistenceId.substring(split + 1));
  }

  /** The status an event leaves the order in; null for events that do not change it. */
  static OrderStatus statusAfter(OrderEvent event) {
    if (event instanceof OrderPlaced) {
      return OrderStatus.ALLOCATING;
    } else if (event instanceof AllocationSucceeded e) {
      return allocatedStatus(e.holds() == null ? List.of() : e.holds().values());
    } else if (event instanceof AllocationFailed) {
      return OrderStatus.AWAITING_STOCK;
    } else if (event instanceof HoldsFilled e) {
      return e.statusAfter();
    } else if (event instanceof OrderCancelled) {
      return OrderStatus.CANCELLED;
    } else if (event instanceof ShipmentCommitted e) {
      return e.statusAfter();
    } else if (event instanceof ReturnApplied) {
      return OrderStatus.RETURNED;
    }
    return null;
  }

  /**
   * The same rule as the order entity's: one pre-ordered SKU makes the order PREORDERED, else one
   * backordered SKU makes it BACKORDERED. The event carries the holds so this needs no other state.
   */
  private static OrderStatus allocatedStatus(Collection<HoldKind> holds) {
    if (holds.contains(HoldKind.PREORDER)) {
      return OrderStatus.PREORDERED;
    } else if (holds.contains(HoldKind.BACKORDER)) {
      return OrderStatus.BACKORDERED;
    }
    return OrderStatus.ALLOCATED;
  }

  /**
   * A repeated placement only restates where the order came from and when it must ship; it never
   * resets the status the order has reached.
   */
  private static void place(
      Connection connection, OrderKey order, OrderPlaced placed, OffsetDateTime at)
      throws SQLException {
    OffsetDateTime placedAt = toDb(placed.at() != null ? placed.at() : at.toInstant());
    // An order always gets its ship-by time from its channel's SLA; one without it is shown as due
    // when it was placed, so that it comes first in the list instead of hiding at the end.
    OffsetDateTime shipBy = placed.shipBy() != null ? toDb(placed.shipBy()) : placedAt;
    try (PreparedStatement update = connection.prepareStatement(UPDATE_PLACED)) {
      update.setString(1, placed.channelId());
      update.setString(2, placed.channelOrderId());
      update.setObject(3, placedAt);
      update.setObject(4, shipBy);
      update.setObject(5, at);
      update.setString(6, order.tenantId());
      update.setString(7, order.orderId());
      if (update.executeUpdate() == 1) {
        return;
      }
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT_PLACED)) {
      insert.setString(1, order.tenantId());
      insert.setString(2, order.orderId());
      insert.setString(3, placed.channelId());
      insert.setString(4, placed.channelOrderId());
      insert.setString(5, OrderStatus.ALLOCATING.name());
      insert.setObject(6, placedAt);
      insert.setObject(7, shipBy);
      insert.setObject(8, at);
      insert.executeUpdate();
    }
  }

  private static int setStatus(
      Connection connection, OrderKey order, OrderStatus status, OffsetDateTime at)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(UPDATE_STATUS)) {
      if (status == null) {
        update.setNull(1, Types.VARCHAR);
      } else {
        update.setString(1, status.name());
      }
      update.setObject(2, at);
      update.setString(3, order.tenantId());
      update.setString(4, order.orderId());
      return update.executeUpdate();
    }
  }

  /**
   * Truncated to microseconds, what both databases keep, so that a time read back (and a page
   * cursor made from it) equals the one written.
   */
  private static OffsetDateTime toDb(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
  }

  private static void requireRow(OrderKey order, OrderEvent event, int updated) {
    if (updated != 1) {
      throw new IllegalStateException(
          "No orders row for "
              + order
              + " when applying "
              + event.getClass().getSimpleName()
              + "; its OrderPlaced event was never projected");
    }
  }
}
