package io.ecengine.persistence;

import io.ecengine.engine.report.KpiMath.MinuteCount;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * What the operations console's overview reads every few seconds from the read side: orders per
 * minute, SKUs that channels can no longer (or barely) sell, and open orders close to their ship-by
 * time. Each query is bounded and served by an index, since it runs for every watched tenant on
 * every tick. Calls block on JDBC.
 */
public final class OverviewStore {

  /** Statuses of orders that still have to ship. */
  static final String OPEN_STATUSES =
      "('ALLOCATING', 'ALLOCATED', 'AWAITING_STOCK', 'BACKORDERED', 'PREORDERED')";

  /** One SKU whose available is at or below the low-stock mark. */
  public record StockAlert(
      String sku,
      String name,
      long onHand,
      long reserved,
      long safetyStock,
      long available,
      long owed) {

    /**
     * {@code SOLD_OUT}: nothing left beyond holds; {@code SAFETY_STOCK}: units remain, but only the
     * safety stock that no channel is offered; {@code LOW}: still sellable, but little.
     */
    public String state() {
      if (available > 0) {
        return "LOW";
      }
      long free = onHand - reserved - owed;
      return free > 0 && safetyStock > 0 ? "SAFETY_STOCK" : "SOLD_OUT";
    }
  }

  /** Alerts in order of urgency (least available first), and how many SKUs there are in all. */
  public record StockAlerts(List<StockAlert> items, long total) {}

  /** An open order due before the horizon. */
  public record AtRisk(
      String orderId,
      String channelId,
      String channelOrderId,
      String status,
      Instant placedAt,
      Instant shipBy) {}

  /** Open orders due soonest first, and how many are due before the horizon in all. */
  public record AtRiskOrders(List<AtRisk> items, long total) {}

  private final DataSource dataSource;

  public OverviewStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Orders taken per minute from {@code since} on, one entry per minute that had any. */
  public List<MinuteCount> ordersPerMinute(String tenantId, Instant since) {
    List<MinuteCount> out = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT minute_start, SUM(orders) FROM kpi_orders_per_minute"
                    + " WHERE tenant_id = ? AND minute_start >= ? GROUP BY minute_start")) {
      select.setString(1, tenantId);
      select.setObject(2, Jdbc.toDb(since));
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          out.add(
              new MinuteCount(
                  Jdbc.fromDb(rows.getObject(1, OffsetDateTime.class)), rows.getLong(2)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read orders per minute of " + tenantId, e);
    }
  }

  /** Ordinary SKUs (bundles hold no stock) whose available is at most {@code lowStock}. */
  public StockAlerts stockAlerts(String tenantId, long lowStock, int limit) {
    try (Connection connection = dataSource.getConnection()) {
      List<StockAlert> items = new ArrayList<>();
      try (PreparedStatement select =
          connection.prepareStatement(
              "SELECT sku, name, on_hand, reserved, safety_stock, available, backordered,"
                  + " preordered FROM sku_summary WHERE tenant_id = ? AND available <= ?"
                  + " AND is_bundle = FALSE ORDER BY available, sku LIMIT ?")) {
        select.setString(1, tenantId);
        select.setLong(2, lowStock);
        select.setInt(3, limit);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            items.add(
                new StockAlert(
                    rows.getString("sku"),
                    rows.getString("name"),
                    rows.getLong("on_hand"),
                    rows.getLong("reserved"),
                    rows.getLong("safety_stock"),
                    rows.getLong("available"),
                    rows.getLong("backordered") + rows.getLong("preordered")));
          }
        }
      }
      long total = items.size();
      if (items.size() == limit) {
        try (PreparedStatement count =
            connection.prepareStatement(
                "SELECT COUNT(*) FROM sku_summary WHERE tenant_id = ? AND available <= ?"
                    + " AND is_bundle = FALSE")) {
          count.setString(1, tenantId);
          count.setLong(2, lowStock);
          try (ResultSet row = count.executeQuery()) {
            row.next();
            total = row.getLong(1);
          }
        }
      }
      return new StockAlerts(items, total);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read the stock alerts of " + tenantId, e);
    }
  }

  /** Orders that have not shipped and must ship before {@code horizon}, soonest first. */
  public AtRiskOrders atRisk(String tenantId, Instant horizon, int limit) {
    try (Connection connection = dataSource.getConnection()) {
      List<AtRisk> items = new ArrayList<>();
      try (PreparedStatement select =
          connection.prepareStatement(
              "SELECT order_id, channel_id, channel_order_id, status, placed_at, ship_by"
                  + " FROM orders WHERE tenant_id = ? AND status IN "
                  + OPEN_STATUSES
                  + " AND ship_by < ? ORDER BY ship_by, order_id LIMIT ?")) {
        select.setString(1, tenantId);
        select.setObject(2, Jdbc.toDb(horizon));
        select.setInt(3, limit);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            items.add(
                new AtRisk(
                    rows.getString("order_id"),
                    rows.getString("channel_id"),
                    rows.getString("channel_order_id"),
                    rows.getString("status"),
                    Jdbc.fromDb(rows.getObject("placed_at", OffsetDateTime.class)),
                    Jdbc.fromDb(rows.getObject("ship_by", OffsetDateTime.class))));
          }
        }
      }
      long total = items.size();
      if (items.size() == limit) {
        try (PreparedStatement count =
            connection.prepareStatement(
                "SELECT COUNT(*) FROM orders WHERE tenant_id = ? AND status IN "
                    + OPEN_STATUSES
                    + " AND ship_by < ?")) {
          count.setString(1, tenantId);
          count.setObject(2, Jdbc.toDb(horizon));
          try (ResultSet row = count.executeQuery()) {
            row.next();
            total = row.getLong(1);
          }
        }
      }
      return new AtRiskOrders(items, total);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read the orders at risk of " + tenantId, e);
    }
  }
}
