package io.ecengine.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Reads the {@code orders} rows kept by {@link OrderSummaryHandler}, most urgent first. The rows
 * trail the order entities by the projection's lag; the entity has the current state and the full
 * order. Calls block on JDBC: run them on a blocking dispatcher.
 */
public final class OrderSummaries {

  public static final int MAX_LIMIT = 1000;

  private static final String COLUMNS =
      "order_id, channel_id, channel_order_id, status, placed_at, ship_by, updated_at";

  // Both databases store these years and no order's ship-by time lies outside them, so times
  // beyond are refused in a cursor and clamped in a filter instead of failing in the database.
  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");
  private static final long MICROS_PER_SECOND = 1_000_000;

  /**
   * Which orders to list; each null field leaves that filter off. {@code status} is an {@code
   * OrderStatus} name (one no order has matches nothing); {@code shipByBefore} keeps orders that
   * must ship strictly before that instant.
   */
  public record Filter(String status, String channelId, Instant shipByBefore) {
    /** Every order of the tenant. */
    public static final Filter NONE = new Filter(null, null, null);
  }

  /** One order as last projected. */
  public record OrderSummary(
      String orderId,
      String channelId,
      String channelOrderId,
      String status,
      Instant placedAt,
      Instant shipBy,
      Instant updatedAt) {}

  /**
   * One page of orders by ship-by time, then order id. {@code nextCursor} is what to pass as {@code
   * afterCursor} for the next page with the same filter, or null on the last page.
   */
  public record Page(List<OrderSummary> items, String nextCursor) {
    public Page {
      items = List.copyOf(items);
    }
  }

  /** Where a page ended: the last order's ship-by time and id. */
  private record Cursor(Instant shipBy, String orderId) {}

  private final DataSource dataSource;

  public OrderSummaries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Up to {@code limit} orders of the tenant that match {@code filter} (null lists all), ordered by
   * ship-by time and then order id, starting after {@code afterCursor} (from the start when null).
   * Paging by key keeps every page as cheap as the first, and an order placed while paging never
   * shifts the pages that follow.
   *
   * <p>A cursor is {@code <ship-by, microseconds since the epoch>:<order id>}. Callers should treat
   * it as opaque and only pass back one this method returned.
   *
   * @throws IllegalArgumentException when {@code limit} is outside 1..{@link #MAX_LIMIT} or {@code
   *     afterCursor} is not a cursor in the form above; an HTTP layer answers 400 for both
   */
  public Page list(String tenantId, Filter filter, String afterCursor, int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", was " + limit);
    }
    Filter where = filter == null ? Filter.NONE : filter;
    Cursor after = afterCursor == null ? null : parseCursor(afterCursor);
    Instant before = where.shipByBefore() == null ? null : exclusiveBound(where.shipByBefore());

    StringBuilder sql =
        new StringBuilder("SELECT ").append(COLUMNS).append(" FROM orders WHERE tenant_id = ?");
    if (where.status() != null) {
      sql.append(" AND status = ?");
    }
    if (where.channelId() != null) {
      sql.append(" AND channel_id = ?");
    }
    if (before != null) {
      sql.append(" AND ship_by < ?");
    }
    if (after != null) {
      // The leading ship_by >= ? is implied by the rest, but lets both vendors start the index
      // scan at the cursor rather than filter from the tenant's first order.
      sql.append(" AND ship_by >= ? AND (ship_by > ? OR order_id > ?)");
    }
    sql.append(" ORDER BY ship_by, order_id LIMIT ?");

    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql.toString())) {
      int parameter = 1;
      select.setString(parameter++, tenantId);
      if (where.status() != null) {
        select.setString(parameter++, where.status());
      }
      if (where.channelId() != null) {
        select.setString(parameter++, where.channelId());
      }
      if (before != null) {
        select.setObject(parameter++, toDb(before));
      }
      if (after != null) {
        select.setObject(parameter++, toDb(after.shipBy()));
        select.setObject(parameter++, toDb(after.shipBy()));
        select.setString(parameter++, after.orderId());
      }
      // One row more than asked tells whether another page exists without counting.
      select.setInt(parameter, limit + 1);
      List<OrderSummary> items = new ArrayList<>(limit + 1);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          items.add(read(rows));
        }
      }
      if (items.size() <= limit) {
        return new Page(items, null);
      }
      List<OrderSummary> page = items.subList(0, limit);
      return new Page(page, cursorAfter(page.get(limit - 1)));
    } catch (SQLException e) {
      throw new IllegalStateException("Could not list orders of tenant " + tenantId, e);
    }
  }

  /**
   * The bound to compare stored times with for "ship-by before {@code instant}". Stored times are
   * whole microseconds, so rounding a finer instant up keeps exactly the same rows, whereas letting
   * each driver round it its own way could let one order slip across the bound. Null when every
   * storable time is before it.
   */
  private static Instant exclusiveBound(Instant instant) {
    if (instant.isAfter(LATEST)) {
      return null;
    }
    if (instant.isBefore(EARLIEST)) {
      return EARLIEST;
    }
    Instant micros = instant.truncatedTo(ChronoUnit.MICROS);
    return micros.equals(instant) ? micros : micros.plus(1, ChronoUnit.MICROS);
  }

  /** The cursor of the page that starts right after {@code order}. */
  static String cursorAfter(OrderSummary order) {
    Instant shipBy = order.shipBy();
    long micros =
        Math.addExact(
            Math.multiplyExact(shipBy.getEpochSecond(), MICROS_PER_SECOND),
            shipBy.getNano() / 1_000);
    return micros + ":" + order.orderId();
  }

  private static Cursor parseCursor(String cursor) {
    int split = cursor.indexOf(':');
    if (split < 1 || split == cursor.length() - 1) {
      throw invalidCursor(cursor);
    }
    long micros;
    try {
      micros = Long.parseLong(cursor.substring(0, split));
    } catch (NumberFormatException e) {
      throw invalidCursor(cursor);
    }
    Instant shipBy =
        Instant.ofEpochSecond(
            Math.floorDiv(micros, MICROS_PER_SECOND),
            Math.floorMod(micros, MICROS_PER_SECOND) * 1_000);
    if (shipBy.isBefore(EARLIEST) || shipBy.isAfter(LATEST)) {
      throw invalidCursor(cursor);
    }
    return new Cursor(shipBy, cursor.substring(split + 1));
  }

  private static IllegalArgumentException invalidCursor(String cursor) {
    return new IllegalArgumentException("Not an order page cursor: '" + cursor + "'");
  }

  private static OrderSummary read(ResultSet row) throws SQLException {
    return new OrderSummary(
        row.getString("order_id"),
        row.getString("channel_id"),
        row.getString("channel_order_id"),
        row.getString("status"),
        fromDb(row.getObject("placed_at", OffsetDateTime.class)),
        fromDb(row.getObject("ship_by", OffsetDateTime.class)),
        fromDb(row.getObject("updated_at", OffsetDateTime.class)));
  }

  private static OffsetDateTime toDb(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  private static Instant fromDb(OffsetDateTime value) {
    return value.toInstant();
  }
}
