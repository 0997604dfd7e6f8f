package io.ecengine.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The last stock push of each SKU to each channel, and its last error: what a channel was last
 * told, so that a restarted node pushes only what changed, and what operators look at when a
 * channel's stock looks wrong. Calls block on JDBC: run them on a blocking dispatcher.
 *
 * <p>Each value keeps its own time. A report older than the one stored changes nothing, so pushes
 * that finish out of order cannot roll the log back.
 */
public final class PushLog {

  public static final int MAX_LIMIT = 1000;
  public static final int MAX_ERROR_LENGTH = 500;

  private static final String COLUMNS =
      "sku, last_sent_quantity, last_sent_at, last_error, last_error_at";

  private static final String UPDATE_SENT =
      "UPDATE channel_pushes SET"
          + " last_sent_quantity = CASE WHEN last_sent_at IS NULL OR last_sent_at <= ?"
          + " THEN ? ELSE last_sent_quantity END,"
          + " last_sent_at = CASE WHEN last_sent_at IS NULL OR last_sent_at <= ?"
          + " THEN ? ELSE last_sent_at END"
          + " WHERE tenant_id = ? AND channel_id = ? AND sku = ?";

  private static final String INSERT_SENT =
      "INSERT INTO channel_pushes (tenant_id, channel_id, sku, last_sent_quantity, last_sent_at)"
          + " VALUES (?, ?, ?, ?, ?)";

  private static final String UPDATE_ERROR =
      "UPDATE channel_pushes SET"
          + " last_error = CASE WHEN last_error_at IS NULL OR last_error_at <= ?"
          + " THEN ? ELSE last_error END,"
          + " last_error_at = CASE WHEN last_error_at IS NULL OR last_error_at <= ?"
          + " THEN ? ELSE last_error_at END"
          + " WHERE tenant_id = ? AND channel_id = ? AND sku = ?";

  private static final String INSERT_ERROR =
      "INSERT INTO channel_pushes (tenant_id, channel_id, sku, last_error, last_error_at)"
          + " VALUES (?, ?, ?, ?, ?)";

  /**
   * One SKU's log on a channel. The sent fields are null when the SKU failed before it was ever
   * sent, the error fields when it never failed.
   */
  public record PushRow(
      String sku,
      Long lastSentQuantity,
      Instant lastSentAt,
      String lastError,
      Instant lastErrorAt) {}

  /** One SKU's report, with the text or quantity its statement binds. */
  private record Entry(String sku, Object value) {}

  private final DataSource dataSource;

  public PushLog(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Records that the channel accepted these quantities (by SKU) at {@code at}, in one batch. */
  public void recordSent(
      String tenantId, String channelId, Map<String, Long> quantities, Instant at) {
    List<Entry> entries = new ArrayList<>();
    new TreeMap<>(quantities)
        .forEach(
            (sku, quantity) -> {
              if (quantity == null) {
                throw new IllegalArgumentException("No quantity for SKU " + sku);
              }
              entries.add(new Entry(sku, quantity));
            });
    write(tenantId, channelId, UPDATE_SENT, INSERT_SENT, entries, at, "record stock pushes");
  }

  /**
   * Records that pushing the SKU to the channel failed at {@code at}. The text is shown to
   * operators: line breaks become spaces and it is cut to {@value #MAX_ERROR_LENGTH} characters.
   */
  public void recordError(String tenantId, String channelId, String sku, String error, Instant at) {
    recordErrors(tenantId, channelId, Collections.singletonMap(sku, error), at);
  }

  /** Records failed pushes of several SKUs at once, such as a whole batch the channel refused. */
  public void recordErrors(
      String tenantId, String channelId, Map<String, String> errors, Instant at) {
    List<Entry> entries = new ArrayList<>();
    new TreeMap<>(errors)
        .forEach(
            (sku, error) ->
                entries.add(
                    new Entry(sku, Jdbc.oneLine(error == null ? "" : error, MAX_ERROR_LENGTH))));
    write(tenantId, channelId, UPDATE_ERROR, INSERT_ERROR, entries, at, "record push errors");
  }

  /** The quantity last sent of every SKU the channel was ever sent. */
  public Map<String, Long> lastSent(String tenantId, String channelId) {
    String sql =
        "SELECT sku, last_sent_quantity FROM channel_pushes"
            + " WHERE tenant_id = ? AND channel_id = ? AND last_sent_quantity IS NOT NULL";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, tenantId);
      select.setString(2, channelId);
      Map<String, Long> sent = new HashMap<>();
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          sent.put(row.getString(1), row.getLong(2));
        }
      }
      return sent;
    } catch (SQLException e) {
      throw failure("read the last pushes to channel " + channelId, tenantId, e);
    }
  }

  /** Up to {@code limit} SKUs last sent to the channel, the most recently sent first. */
  public List<PushRow> recent(String tenantId, String channelId, int limit) {
    return select(
        tenantId,
        channelId,
        " AND last_sent_at IS NOT NULL ORDER BY last_sent_at DESC, sku",
        limit,
        "read the recent pushes to channel " + channelId);
  }

  /**
   * Up to {@code limit} SKUs whose last push to the channel failed, the most recent failure first.
   * A SKU sent successfully after its error is no longer failing and is left out; {@link #recent}
   * still shows its last error.
   */
  public List<PushRow> errors(String tenantId, String channelId, int limit) {
    return select(
        tenantId,
        channelId,
        " AND last_error_at IS NOT NULL AND (last_sent_at IS NULL OR last_error_at > last_sent_at)"
            + " ORDER BY last_error_at DESC, sku",
        limit,
        "read the push errors of channel " + channelId);
  }

  private List<PushRow> select(
      String tenantId, String channelId, String condition, int limit, String action) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", was " + limit);
    }
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM channel_pushes WHERE tenant_id = ? AND channel_id = ?"
            + condition
            + " LIMIT ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, tenantId);
      select.setString(2, channelId);
      select.setInt(3, limit);
      List<PushRow> rows = new ArrayList<>();
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          long quantity = row.getLong("last_sent_quantity");
          Long sentQuantity = row.wasNull() ? null : quantity;
          rows.add(
              new PushRow(
                  row.getString("sku"),
                  sentQuantity,
                  Jdbc.fromDb(row.getObject("last_sent_at", OffsetDateTime.class)),
                  row.getString("last_error"),
                  Jdbc.fromDb(row.getObject("last_error_at", OffsetDateTime.class))));
        }
      }
      return rows;
    } catch (SQLException e) {
      throw failure(action, tenantId, e);
    }
  }

  /**
   * Upserts the entries in one transaction. The update takes the time twice (the guard and the new
   * value of each column) around the entry's value, the insert the key first.
   */
  private void write(
      String tenantId,
      String channelId,
      String update,
      String insert,
      List<Entry> entries,
      Instant at,
      String action) {
    if (entries.isEmpty()) {
      return;
    }
    OffsetDateTime time = Jdbc.toDb(at);
    Jdbc.Binder<Entry> bindUpdate =
        (statement, entry) -> {
          statement.setObject(1, time);
          statement.setObject(2, entry.value());
          statement.setObject(3, time);
          statement.setObject(4, time);
          statement.setString(5, tenantId);
          statement.setString(6, channelId);
          statement.setString(7, entry.sku());
        };
    Jdbc.Binder<Entry> bindInsert =
        (statement, entry) -> {
          statement.setString(1, tenantId);
          statement.setString(2, channelId);
          statement.setString(3, entry.sku());
          statement.setObject(4, entry.value());
          statement.setObject(5, time);
        };
    try {
      Jdbc.inTransaction(
          dataSource,
          connection -> Jdbc.upsert(connection, update, bindUpdate, insert, bindInsert, entries));
    } catch (SQLException e) {
      throw failure(action + " of channel " + channelId, tenantId, e);
    }
  }

  private static IllegalStateException failure(String action, String tenantId, SQLException e) {
    return new IllegalStateException("Could not " + action + " of tenant " + tenantId, e);
  }
}
