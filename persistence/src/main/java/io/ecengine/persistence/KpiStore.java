package io.ecengine.persistence;

import io.ecengine.engine.report.KpiMath;
import io.ecengine.engine.report.KpiMath.LeadTimes;
import io.ecengine.engine.report.KpiMath.Step;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * The operations report of one tenant over a period, from the tables the KPI projections keep.
 * Every figure is defined on this class's records; the arithmetic is {@link KpiMath}'s. Calls block
 * on JDBC: run them on a blocking dispatcher.
 */
public final class KpiStore {

  /** Orders should leave within a day of being placed. */
  public static final Duration LEAD_TIME_TARGET = Duration.ofHours(24);

  /** At most 3 % of the units shipped should come back. */
  public static final double RETURN_RATE_TARGET = 0.03;

  /**
   * Shipping lead time of the orders whose last unit shipped in the period: from placement to the
   * parcel that completed the order.
   */
  public record LeadTime(LeadTimes stats) {}

  /**
   * Order line units returned in the period over order line units shipped in the period (a flow
   * rate: a unit returned now may have shipped in an earlier period). Null when nothing shipped.
   */
  public record ReturnRate(long unitsShipped, long unitsReturned, Double rate, double target) {
    public Boolean meetsTarget() {
      return rate == null ? null : rate <= target;
    }
  }

  /**
   * One SKU's turnover: units that left its stock by shipment in the period, over its time-weighted
   * average on hand in the period. Null when nothing was on hand.
   */
  public record SkuTurnover(String sku, long unitsShipped, double averageOnHand, Double turnover) {}

  /** The tenant's turnover: all units shipped over the sum of the SKUs' average on hand. */
  public record Turnover(
      long unitsShipped, double averageOnHand, Double turnover, List<SkuTurnover> skus) {}

  /**
   * Units of one order line SKU (a bundle as itself) in orders placed in the period on one channel
   * and not cancelled since.
   */
  public record UnitsSold(String sku, String channelId, long units) {}

  /**
   * Units that orders placed in the period could not get from stock on their first allocation, per
   * component SKU, channel and reason ({@code short}: refused, the order waited; {@code backorder}:
   * taken beyond stock).
   */
  public record OversoldLine(
      String sku, String channelId, String reason, long units, long orders) {}

  public record Oversold(long units, long orders, List<OversoldLine> lines) {}

  /**
   * Orders placed in the period that waited for stock at least once, and what became of them: held
   * later (with the mean wait from their first refusal to being held), cancelled before being held,
   * or still waiting.
   */
  public record Waited(
      long orders, long allocatedLater, long cancelled, long stillWaiting, Duration meanWait) {}

  /** The whole report; periods are half-open, {@code [from, to)}. */
  public record Report(
      Instant from,
      Instant to,
      LeadTime shippingLeadTime,
      ReturnRate returnRate,
      Turnover inventoryTurnover,
      List<UnitsSold> unitsSold,
      Oversold oversold,
      Waited waitedForStock) {}

  private final DataSource dataSource;

  public KpiStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * The report of {@code tenantId} over {@code [from, to)}; {@code to} must be after {@code from}.
   */
  public Report report(String tenantId, Instant from, Instant to) {
    if (!to.isAfter(from)) {
      throw new IllegalArgumentException("The period must end after it starts");
    }
    try (Connection connection = dataSource.getConnection()) {
      return new Report(
          from,
          to,
          new LeadTime(
              KpiMath.leadTimes(leadTimes(connection, tenantId, from, to), LEAD_TIME_TARGET)),
          returnRate(connection, tenantId, from, to),
          turnover(connection, tenantId, from, to),
          unitsSold(connection, tenantId, from, to),
          oversold(connection, tenantId, from, to),
          waited(connection, tenantId, from, to));
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read the report of tenant " + tenantId, e);
    }
  }

  private static List<Duration> leadTimes(
      Connection connection, String tenantId, Instant from, Instant to) throws SQLException {
    List<Duration> out = new ArrayList<>();
    try (PreparedStatement select =
            period(
                connection,
                "SELECT placed_at, shipped_at FROM kpi_orders WHERE tenant_id = ?"
                    + " AND shipped_at >= ? AND shipped_at < ?",
                tenantId,
                from,
                to);
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        out.add(Duration.between(instant(rows, "placed_at"), instant(rows, "shipped_at")));
      }
    }
    return out;
  }

  private static ReturnRate returnRate(
      Connection connection, String tenantId, Instant from, Instant to) throws SQLException {
    Map<String, Long> units = new HashMap<>();
    try (PreparedStatement select =
            period(
                connection,
                "SELECT kind, SUM(units) FROM kpi_parcels WHERE tenant_id = ?"
                    + " AND happened_at >= ? AND happened_at < ? GROUP BY kind",
                tenantId,
                from,
                to);
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        units.put(rows.getString(1), rows.getLong(2));
      }
    }
    long shipped = units.getOrDefault("shipment", 0L);
    long returned = units.getOrDefault("return", 0L);
    return new ReturnRate(shipped, returned, KpiMath.rate(returned, shipped), RETURN_RATE_TARGET);
  }

  /**
   * Average on hand per SKU is time-weighted over the period: the level each SKU had when the
   * period began (its last change before it, 0 for a SKU with none) and every change within it.
   */
  private static Turnover turnover(Connection connection, String tenantId, Instant from, Instant to)
      throws SQLException {
    Map<String, Long> opening = new TreeMap<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT m.sku, m.on_hand_after FROM kpi_stock_moves m JOIN (SELECT sku,"
                + " MAX(seq_nr) AS seq_nr FROM kpi_stock_moves WHERE tenant_id = ?"
                + " AND happened_at < ? GROUP BY sku) o ON m.sku = o.sku AND m.seq_nr = o.seq_nr"
                + " WHERE m.tenant_id = ?")) {
      select.setString(1, tenantId);
      select.setObject(2, Jdbc.toDb(from));
      select.setString(3, tenantId);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          opening.put(rows.getString(1), rows.getLong(2));
        }
      }
    }
    Map<String, List<Step>> steps = new TreeMap<>();
    Map<String, Long> shipped = new TreeMap<>();
    try (PreparedStatement select =
            period(
                connection,
                "SELECT sku, happened_at, on_hand_after, shipped FROM kpi_stock_moves"
                    + " WHERE tenant_id = ? AND happened_at >= ? AND happened_at < ?"
                    + " ORDER BY sku, seq_nr",
                tenantId,
                from,
                to);
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        String sku = rows.getString("sku");
        steps
            .computeIfAbsent(sku, s -> new ArrayList<>())
            .add(new Step(instant(rows, "happened_at"), rows.getLong("on_hand_after")));
        shipped.merge(sku, rows.getLong("shipped"), Long::sum);
      }
    }
    TreeSet<String> skus = new TreeSet<>(opening.keySet());
    skus.addAll(steps.keySet());
    List<SkuTurnover> perSku = new ArrayList<>();
    long totalShipped = 0;
    double totalAverage = 0;
    for (String sku : skus) {
      double average =
          KpiMath.timeWeightedAverage(
              opening.getOrDefault(sku, 0L), steps.getOrDefault(sku, List.of()), from, to);
      long units = shipped.getOrDefault(sku, 0L);
      if (average == 0 && units == 0) {
        continue;
      }
      perSku.add(new SkuTurnover(sku, units, average, KpiMath.turnover(units, average)));
      totalShipped += units;
      totalAverage += average;
    }
    return new Turnover(
        totalShipped, totalAverage, KpiMath.turnover(totalShipped, totalAverage), perSku);
  }

  private static List<UnitsSold> unitsSold(
      Connection connection, String tenantId, Instant from, Instant to) throws SQLException {
    List<UnitsSold> out = new ArrayList<>();
    try (PreparedStatement select =
            period(
                connection,
                "SELECT l.sku, l.channel_id, SUM(l.quantity) FROM kpi_order_lines l JOIN kpi_orders o"
                    + " ON o.tenant_id = l.tenant_id AND o.order_id = l.order_id"
                    + " WHERE l.tenant_id = ? AND l.placed_at >= ? AND l.placed_at < ?"
                    + " AND o.cancelled_at IS NULL GROUP BY l.sku, l.channel_id"
                    + " ORDER BY l.sku, l.channel_id",
                tenantId,
                from,
                to);
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        out.add(new UnitsSold(rows.getString(1), rows.getString(2), rows.getLong(3)));
      }
    }
    return out;
  }

  private static Oversold oversold(Connection connection, String tenantId, Instant from, Instant to)
      throws SQLException {
    List<OversoldLine> lines = new ArrayList<>();
    try (PreparedStatement select =
            period(
                connection,
                "SELECT sku, channel_id, reason, SUM(units), COUNT(*) FROM kpi_oversold"
                    + " WHERE tenant_id = ? AND placed_at >= ? AND placed_at < ?"
                    + " GROUP BY sku, channel_id, reason ORDER BY sku, channel_id, reason",
                tenantId,
                from,
                to);
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        lines.add(
            new OversoldLine(
                rows.getString(1),
                rows.getString(2),
                rows.getString(3),
                rows.getLong(4),
                rows.getLong(5)));
      }
    }
    long units = 0;
    long orders = 0;
    try (PreparedStatement select =
            period(
                connection,
                "SELECT COUNT(*), COALESCE(SUM(oversold_units), 0) FROM kpi_orders"
                    + " WHERE tenant_id = ? AND placed_at >= ? AND placed_at < ? AND oversold_units > 0",
                tenantId,
                from,
                to);
        ResultSet rows = select.executeQuery()) {
      if (rows.next()) {
        orders = rows.getLong(1);
        units = rows.getLong(2);
      }
    }
    return new Oversold(units, orders, lines);
  }

  private static Waited waited(Connection connection, String tenantId, Instant from, Instant to)
      throws SQLException {
    long orders = 0;
    long allocated = 0;
    long cancelled = 0;
    long waitingMillis = 0;
    try (PreparedStatement select =
            period(
                connection,
                "SELECT waited_at, allocated_at, cancelled_at FROM kpi_orders WHERE tenant_id = ?"
                    + " AND placed_at >= ? AND placed_at < ? AND waited_at IS NOT NULL",
                tenantId,
                from,
                to);
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        orders++;
        Instant waitedAt = instant(rows, "waited_at");
        Instant allocatedAt = instant(rows, "allocated_at");
        if (allocatedAt != null) {
          allocated++;
          waitingMillis += Math.max(0, Duration.between(waitedAt, allocatedAt).toMillis());
        } else if (instant(rows, "cancelled_at") != null) {
          cancelled++;
        }
      }
    }
    return new Waited(
        orders,
        allocated,
        cancelled,
        orders - allocated - cancelled,
        allocated == 0 ? null : Duration.ofMillis(waitingMillis / allocated));
  }

  private static PreparedStatement period(
      Connection connection, String sql, String tenantId, Instant from, Instant to)
      throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    statement.setString(1, tenantId);
    statement.setObject(2, Jdbc.toDb(from));
    statement.setObject(3, Jdbc.toDb(to));
    return statement;
  }

  private static Instant instant(ResultSet rows, String column) throws SQLException {
    return Jdbc.fromDb(rows.getObject(column, OffsetDateTime.class));
  }
}
