package io.ecengine.persistence;

import io.ecengine.engine.order.OrderEvent;
import io.ecengine.engine.order.OrderEvent.AllocationFailed;
import io.ecengine.engine.order.OrderEvent.AllocationStarted;
import io.ecengine.engine.order.OrderEvent.AllocationSucceeded;
import io.ecengine.engine.order.OrderEvent.OrderCancelled;
import io.ecengine.engine.order.OrderEvent.OrderPlaced;
import io.ecengine.engine.order.OrderEvent.ReturnLine;
import io.ecengine.engine.order.OrderEvent.ReturnRecorded;
import io.ecengine.engine.order.OrderEvent.ShipmentCommitted;
import io.ecengine.engine.order.OrderEvent.ShipmentRecorded;
import io.ecengine.engine.order.OrderLine;
import io.ecengine.engine.order.OrderStatus;
import io.ecengine.engine.report.KpiMath;
import io.ecengine.engine.sku.HoldKind;
import io.ecengine.persistence.OrderSummaryHandler.OrderKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Keeps the order facts of the reports ({@code kpi_orders}, its lines, demand, oversold units,
 * parcels and orders per minute) in step with order events. Only the first placement of an order
 * counts: a repeated placement restates the order and must not count it twice.
 *
 * <p>"Oversold" units are decided once, on an order's first allocation outcome: the units of each
 * SKU its first attempt could not hold from stock, either refused (the order waited for stock) or
 * taken as a backorder beyond stock. The engine never sells a unit twice; these are the units a
 * marketplace accepted that the stock did not have when the order arrived. Pre-ordered units are
 * not counted: they were sold against announced stock on purpose.
 */
public final class OrderKpiHandler
    extends JdbcHandler<EventEnvelope<OrderEvent>, PlainJdbcSession> {

  private final String slice;

  /** {@code slice} is the journal tag this instance follows; it owns that slice of the counts. */
  public OrderKpiHandler(String slice) {
    this.slice = slice;
  }

  @Override
  public void process(PlainJdbcSession session, EventEnvelope<OrderEvent> envelope)
      throws Exception {
    OrderKey order = OrderSummaryHandler.orderKeyOf(envelope.persistenceId());
    Instant journalled = Instant.ofEpochMilli(envelope.timestamp());
    OrderEvent event = envelope.event();
    session.withConnection(
        connection -> {
          apply(connection, order, event, journalled);
          return null;
        });
  }

  private void apply(Connection connection, OrderKey order, OrderEvent event, Instant journalled)
      throws SQLException {
    if (event instanceof OrderPlaced placed) {
      place(connection, order, placed, journalled);
    } else if (event instanceof AllocationStarted started) {
      requireRow(connection, order, event);
      setDemand(connection, order, started.demand());
    } else if (event instanceof AllocationFailed failed) {
      decideFirstOutcome(connection, order, event, failed.shortSkus(), "short", failed.at());
      update(
          connection,
          "UPDATE kpi_orders SET waited_at = COALESCE(waited_at, ?)"
              + " WHERE tenant_id = ? AND order_id = ?",
          order,
          failed.at());
    } else if (event instanceof AllocationSucceeded succeeded) {
      List<String> backordered =
          succeeded.holds() == null
              ? List.of()
              : succeeded.holds().entrySet().stream()
                  .filter(e -> e.getValue() == HoldKind.BACKORDER)
                  .map(Map.Entry::getKey)
                  .sorted()
                  .toList();
      decideFirstOutcome(connection, order, event, backordered, "backorder", succeeded.at());
      update(
          connection,
          "UPDATE kpi_orders SET allocated_at = COALESCE(allocated_at, ?)"
              + " WHERE tenant_id = ? AND order_id = ?",
          order,
          succeeded.at());
    } else if (event instanceof ShipmentRecorded shipment) {
      requireRow(connection, order, event);
      long units = shipment.lines().values().stream().mapToLong(Long::longValue).sum();
      insertParcel(connection, order, "shipment", shipment.shipmentId(), shipment.at(), units);
    } else if (event instanceof ShipmentCommitted committed) {
      if (committed.statusAfter() == OrderStatus.SHIPPED) {
        // The order's last unit left when the parcel that completed it was recorded, not when
        // the engine finished committing its holds a moment later.
        Instant left = parcelTime(connection, order, committed.shipmentId());
        update(
            connection,
            "UPDATE kpi_orders SET shipped_at = ? WHERE tenant_id = ? AND order_id = ?",
            order,
            left != null ? left : committed.at());
      }
    } else if (event instanceof ReturnRecorded returned) {
      requireRow(connection, order, event);
      long units = returned.lines().stream().mapToLong(ReturnLine::quantity).sum();
      insertParcel(connection, order, "return", returned.returnId(), returned.at(), units);
    } else if (event instanceof OrderCancelled cancelled) {
      update(
          connection,
          "UPDATE kpi_orders SET cancelled_at = ? WHERE tenant_id = ? AND order_id = ?",
          order,
          cancelled.at());
    }
  }

  private void place(Connection connection, OrderKey order, OrderPlaced placed, Instant journalled)
      throws SQLException {
    if (exists(connection, order)) {
      return;
    }
    Instant placedAt = placed.at() != null ? placed.at() : journalled;
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO kpi_orders (tenant_id, order_id, channel_id, placed_at)"
                + " VALUES (?, ?, ?, ?)")) {
      insert.setString(1, order.tenantId());
      insert.setString(2, order.orderId());
      insert.setString(3, placed.channelId());
      insert.setObject(4, Jdbc.toDb(placedAt));
      insert.executeUpdate();
    }
    Map<String, Long> lines = new TreeMap<>();
    for (OrderLine line : placed.lines()) {
      lines.merge(line.sku(), line.quantity(), Long::sum);
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO kpi_order_lines (tenant_id, order_id, sku, channel_id, placed_at,"
                + " quantity) VALUES (?, ?, ?, ?, ?, ?)")) {
      for (Map.Entry<String, Long> line : lines.entrySet()) {
        insert.setString(1, order.tenantId());
        insert.setString(2, order.orderId());
        insert.setString(3, line.getKey());
        insert.setString(4, placed.channelId());
        insert.setObject(5, Jdbc.toDb(placedAt));
        insert.setLong(6, line.getValue());
        insert.addBatch();
      }
      insert.executeBatch();
    }
    // Orders per minute count arrivals at the engine (the journal time), which is what a live
    // operator watches; placed_at may be the marketplace's earlier order time.
    countMinute(connection, order.tenantId(), KpiMath.truncateToMinute(journalled));
  }

  private void countMinute(Connection connection, String tenantId, Instant minute)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE kpi_orders_per_minute SET orders = orders + 1"
                + " WHERE tenant_id = ? AND minute_start = ? AND slice = ?")) {
      update.setString(1, tenantId);
      update.setObject(2, Jdbc.toDb(minute));
      update.setString(3, slice);
      if (update.executeUpdate() == 1) {
        return;
      }
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO kpi_orders_per_minute (tenant_id, minute_start, slice, orders)"
                + " VALUES (?, ?, ?, 1)")) {
      insert.setString(1, tenantId);
      insert.setObject(2, Jdbc.toDb(minute));
      insert.setString(3, slice);
      insert.executeUpdate();
    }
  }

  private static void setDemand(Connection connection, OrderKey order, Map<String, Long> demand)
      throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement(
            "DELETE FROM kpi_order_demand WHERE tenant_id = ? AND order_id = ?")) {
      delete.setString(1, order.tenantId());
      delete.setString(2, order.orderId());
      delete.executeUpdate();
    }
    if (demand == null || demand.isEmpty()) {
      return;
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO kpi_order_demand (tenant_id, order_id, sku, quantity)"
                + " VALUES (?, ?, ?, ?)")) {
      for (Map.Entry<String, Long> sku : new TreeMap<>(demand).entrySet()) {
        insert.setString(1, order.tenantId());
        insert.setString(2, order.orderId());
        insert.setString(3, sku.getKey());
        insert.setLong(4, sku.getValue());
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  /**
   * Records the first allocation outcome of an order once: the units of {@code skus} its attempt
   * asked for count as oversold for {@code reason}. Later attempts change nothing here.
   */
  private static void decideFirstOutcome(
      Connection connection,
      OrderKey order,
      OrderEvent event,
      List<String> skus,
      String reason,
      Instant at)
      throws SQLException {
    String channelId;
    OffsetDateTime placedAt;
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT channel_id, placed_at, first_outcome_at FROM kpi_orders"
                + " WHERE tenant_id = ? AND order_id = ?")) {
      select.setString(1, order.tenantId());
      select.setString(2, order.orderId());
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          throw missingRow(order, event);
        }
        if (row.getObject("first_outcome_at", OffsetDateTime.class) != null) {
          return;
        }
        channelId = row.getString("channel_id");
        placedAt = row.getObject("placed_at", OffsetDateTime.class);
      }
    }
    Map<String, Long> demand = demand(connection, order);
    Map<String, Long> oversold = new LinkedHashMap<>();
    for (String sku : skus) {
      long units = demand.getOrDefault(sku, 0L);
      if (units > 0) {
        oversold.put(sku, units);
      }
    }
    if (!oversold.isEmpty()) {
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO kpi_oversold (tenant_id, order_id, sku, channel_id, placed_at, units,"
                  + " reason) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        for (Map.Entry<String, Long> sku : oversold.entrySet()) {
          insert.setString(1, order.tenantId());
          insert.setString(2, order.orderId());
          insert.setString(3, sku.getKey());
          insert.setString(4, channelId);
          insert.setObject(5, placedAt);
          insert.setLong(6, sku.getValue());
          insert.setString(7, reason);
          insert.addBatch();
        }
        insert.executeBatch();
      }
    }
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE kpi_orders SET first_outcome_at = ?, oversold_units = ?"
                + " WHERE tenant_id = ? AND order_id = ?")) {
      update.setObject(1, Jdbc.toDb(at));
      update.setLong(2, oversold.values().stream().mapToLong(Long::longValue).sum());
      update.setString(3, order.tenantId());
      update.setString(4, order.orderId());
      update.executeUpdate();
    }
  }

  private static Map<String, Long> demand(Connection connection, OrderKey order)
      throws SQLException {
    Map<String, Long> demand = new TreeMap<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT sku, quantity FROM kpi_order_demand WHERE tenant_id = ? AND order_id = ?")) {
      select.setString(1, order.tenantId());
      select.setString(2, order.orderId());
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          demand.put(rows.getString("sku"), rows.getLong("quantity"));
        }
      }
    }
    return demand;
  }

  private static void insertParcel(
      Connection connection, OrderKey order, String kind, String parcelId, Instant at, long units)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO kpi_parcels (tenant_id, order_id, kind, parcel_id, happened_at, units)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, order.tenantId());
      insert.setString(2, order.orderId());
      insert.setString(3, kind);
      insert.setString(4, parcelId);
      insert.setObject(5, Jdbc.toDb(at));
      insert.setLong(6, units);
      insert.executeUpdate();
    }
  }

  private static Instant parcelTime(Connection connection, OrderKey order, String shipmentId)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT happened_at FROM kpi_parcels WHERE tenant_id = ? AND order_id = ?"
                + " AND kind = 'shipment' AND parcel_id = ?")) {
      select.setString(1, order.tenantId());
      select.setString(2, order.orderId());
      select.setString(3, shipmentId);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Jdbc.fromDb(row.getObject(1, OffsetDateTime.class)) : null;
      }
    }
  }

  private static void update(Connection connection, String sql, OrderKey order, Instant at)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(sql)) {
      update.setObject(1, Jdbc.toDb(at));
      update.setString(2, order.tenantId());
      update.setString(3, order.orderId());
      if (update.executeUpdate() != 1) {
        throw new IllegalStateException(
            "No kpi_orders row for " + order + "; its OrderPlaced event was never projected");
      }
    }
  }

  private static boolean exists(Connection connection, OrderKey order) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT 1 FROM kpi_orders WHERE tenant_id = ? AND order_id = ?")) {
      select.setString(1, order.tenantId());
      select.setString(2, order.orderId());
      try (ResultSet row = select.executeQuery()) {
        return row.next();
      }
    }
  }

  /** As for the order summaries, an event of an order never placed means a lost event. */
  private static void requireRow(Connection connection, OrderKey order, OrderEvent event)
      throws SQLException {
    if (!exists(connection, order)) {
      throw missingRow(order, event);
    }
  }

  private static IllegalStateException missingRow(OrderKey order, OrderEvent event) {
    return new IllegalStateException(
        "No kpi_orders row for "
            + order
            + " when applying "
            + event.getClass().getSimpleName()
            + "; its OrderPlaced event was never projected");
  }
}
