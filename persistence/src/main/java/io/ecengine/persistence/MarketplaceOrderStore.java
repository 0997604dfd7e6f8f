package io.ecengine.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecengine.engine.channel.marketplace.ListingIds;
import io.ecengine.engine.channel.marketplace.MarketplaceOrder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What the engine keeps of orders imported from marketplaces: their lines with the marketplace's
 * ids (for shipment reports), and how far each channel's order pull has read.
 */
public final class MarketplaceOrderStore {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<Map<String, Object>>> LINES = new TypeReference<>() {};
  private static final int MAX_LINES_JSON = 20_000;

  private final DataSource dataSource;
  private final Clock clock;

  public MarketplaceOrderStore(DataSource dataSource) {
    this(dataSource, Clock.systemUTC());
  }

  public MarketplaceOrderStore(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /**
   * Records an imported order's lines. An order imported again (a redelivered webhook, an
   * overlapping pull) keeps what was first recorded, unless the new lines are the same units named
   * with more ids: a Shopify webhook names the lines without the fulfillment orders a shipment
   * report needs, and the order read afterwards carries them.
   *
   * @return true when the order was not recorded before
   */
  public boolean save(String tenantId, String channelId, MarketplaceOrder order, int unmapped) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert = connection.prepareStatement(INSERT_IF_NEW)) {
      bindInsert(insert, tenantId, channelId, order, unmapped);
      if (insert.executeUpdate() == 1) {
        return true;
      }
    } catch (SQLException e) {
      if (!Jdbc.isUniqueViolation(e)) {
        throw failure("record marketplace order " + order.channelOrderId(), tenantId, e);
      }
    }
    enrichIfNamesMore(tenantId, channelId, order, unmapped);
    return false;
  }

  private static final String INSERT_IF_NEW =
      "INSERT INTO marketplace_orders (tenant_id, channel_id, channel_order_id, lines_json,"
          + " unmapped_lines, imported_at) SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1"
          + " FROM marketplace_orders WHERE tenant_id = ? AND channel_id = ?"
          + " AND channel_order_id = ?)";

  private void bindInsert(
      PreparedStatement insert,
      String tenantId,
      String channelId,
      MarketplaceOrder order,
      int unmapped)
      throws SQLException {
    insert.setString(1, tenantId);
    insert.setString(2, channelId);
    insert.setString(3, order.channelOrderId());
    insert.setString(4, toJson(order.lines()));
    insert.setInt(5, unmapped);
    insert.setObject(6, Jdbc.toDb(clock.instant()));
    insert.setString(7, tenantId);
    insert.setString(8, channelId);
    insert.setString(9, order.channelOrderId());
  }

  /** An order recorded before keeps its lines, unless these name the same units with more ids. */
  private void enrichIfNamesMore(
      String tenantId, String channelId, MarketplaceOrder order, int unmapped) {
    List<MarketplaceOrder.Line> stored = lines(tenantId, channelId, order.channelOrderId());
    if (namesMore(order.lines(), stored)) {
      enrich(tenantId, channelId, order.channelOrderId(), toJson(order.lines()), unmapped);
    }
  }

  /** An order to record, with the number of its lines that match no listing. */
  public record Imported(MarketplaceOrder order, int unmapped) {}

  /**
   * Records the lines of several orders of one channel as {@link #save} does, in one batch on one
   * connection: an order pull brings up to a page of orders at a time, and a statement and a
   * connection per order would make the database the bottleneck of a burst.
   */
  public void saveAll(String tenantId, String channelId, List<Imported> orders) {
    if (orders.isEmpty()) {
      return;
    }
    int[] inserted;
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert = connection.prepareStatement(INSERT_IF_NEW)) {
      for (Imported imported : orders) {
        bindInsert(insert, tenantId, channelId, imported.order(), imported.unmapped());
        insert.addBatch();
      }
      inserted = insert.executeBatch();
    } catch (SQLException e) {
      // Another node recorded one of them at the same moment: fall back to one at a time, which
      // sorts out which ones are new.
      for (Imported imported : orders) {
        save(tenantId, channelId, imported.order(), imported.unmapped());
      }
      return;
    }
    for (int i = 0; i < orders.size(); i++) {
      if (inserted[i] == 0) {
        Imported known = orders.get(i);
        enrichIfNamesMore(tenantId, channelId, known.order(), known.unmapped());
      }
    }
  }

  /** The same units (in total) as the stored lines, named with more ids. */
  private static boolean namesMore(
      List<MarketplaceOrder.Line> fresh, List<MarketplaceOrder.Line> stored) {
    long freshUnits = fresh.stream().mapToLong(MarketplaceOrder.Line::quantity).sum();
    long storedUnits = stored.stream().mapToLong(MarketplaceOrder.Line::quantity).sum();
    long freshIds = fresh.stream().mapToLong(line -> line.ids().ids().size()).sum();
    long storedIds = stored.stream().mapToLong(line -> line.ids().ids().size()).sum();
    return freshUnits == storedUnits && freshIds > storedIds;
  }

  private void enrich(
      String tenantId, String channelId, String orderId, String json, int unmapped) {
    String sql =
        "UPDATE marketplace_orders SET lines_json = ?, unmapped_lines = ?"
            + " WHERE tenant_id = ? AND channel_id = ? AND channel_order_id = ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update = connection.prepareStatement(sql)) {
      update.setString(1, json);
      update.setInt(2, unmapped);
      update.setString(3, tenantId);
      update.setString(4, channelId);
      update.setString(5, orderId);
      update.executeUpdate();
    } catch (SQLException e) {
      throw failure("update marketplace order " + orderId, tenantId, e);
    }
  }

  /** The order's lines as the marketplace named them, or empty when it was not imported. */
  public List<MarketplaceOrder.Line> lines(String tenantId, String channelId, String orderId) {
    String sql =
        "SELECT lines_json FROM marketplace_orders WHERE tenant_id = ? AND channel_id = ?"
            + " AND channel_order_id = ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, tenantId);
      select.setString(2, channelId);
      select.setString(3, orderId);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? fromJson(row.getString(1)) : List.of();
      }
    } catch (SQLException e) {
      throw failure("read marketplace order " + orderId, tenantId, e);
    }
  }

  /** Where the channel's next order pull starts, or empty before its first pull. */
  public Optional<Instant> pulledSince(String tenantId, String channelId) {
    String sql = "SELECT pulled_since FROM order_pull_marks WHERE tenant_id = ? AND channel_id = ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, tenantId);
      select.setString(2, channelId);
      try (ResultSet row = select.executeQuery()) {
        return row.next()
            ? Optional.of(Jdbc.fromDb(row.getObject(1, OffsetDateTime.class)))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("read the order pull mark of " + channelId, tenantId, e);
    }
  }

  /** Records that every order placed before {@code since} has been pulled. */
  public void markPulled(String tenantId, String channelId, Instant since) {
    try (Connection connection = dataSource.getConnection()) {
      try (PreparedStatement update =
          connection.prepareStatement(
              "UPDATE order_pull_marks SET pulled_since = ?, pulled_at = ?"
                  + " WHERE tenant_id = ? AND channel_id = ?")) {
        update.setObject(1, Jdbc.toDb(since));
        update.setObject(2, Jdbc.toDb(clock.instant()));
        update.setString(3, tenantId);
        update.setString(4, channelId);
        if (update.executeUpdate() == 1) {
          return;
        }
      }
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO order_pull_marks (tenant_id, channel_id, pulled_since, pulled_at)"
                  + " VALUES (?, ?, ?, ?)")) {
        insert.setString(1, tenantId);
        insert.setString(2, channelId);
        insert.setObject(3, Jdbc.toDb(since));
        insert.setObject(4, Jdbc.toDb(clock.instant()));
        insert.executeUpdate();
      }
    } catch (SQLException e) {
      throw failure("record the order pull mark of " + channelId, tenantId, e);
    }
  }

  private static String toJson(List<MarketplaceOrder.Line> lines) {
    List<Map<String, Object>> plain = new ArrayList<>();
    for (MarketplaceOrder.Line line : lines) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("ids", line.ids().ids());
      item.put("quantity", line.quantity());
      plain.add(item);
    }
    try {
      String json = JSON.writeValueAsString(plain);
      if (json.length() > MAX_LINES_JSON) {
        throw new IllegalArgumentException("The order has too many lines to record");
      }
      return json;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Lines of strings always serialize", e);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<MarketplaceOrder.Line> fromJson(String json) {
    try {
      List<MarketplaceOrder.Line> lines = new ArrayList<>();
      for (Map<String, Object> item : JSON.readValue(json, LINES)) {
        lines.add(
            new MarketplaceOrder.Line(
                new ListingIds((Map<String, String>) item.get("ids")),
                ((Number) item.get("quantity")).longValue()));
      }
      return lines;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Stored order lines are unreadable", e);
    }
  }

  private static IllegalStateException failure(String action, String tenantId, SQLException e) {
    return new IllegalStateException(
        "Could not " + action + " (tenant " + tenantId + "): " + e.getMessage(), e);
  }
}
