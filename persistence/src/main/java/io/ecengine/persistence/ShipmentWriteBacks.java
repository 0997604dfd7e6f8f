package io.ecengine.persistence;

import io.ecengine.engine.channel.WriteBack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The shipments each channel still has to report to its marketplace. Rows are written by the order
 * projection (see {@link #insertIfFromChannel}); the channel reads the pending ones, sends them and
 * marks each sent or failed.
 */
public final class ShipmentWriteBacks {

  public static final int MAX_ERROR_LENGTH = 500;

  // Only orders from a channel the engine knows (a marketplace) are reported; orders placed
  // through the API for a channel id without a channel have nowhere to go.
  private static final String INSERT =
      "INSERT INTO shipment_writebacks (tenant_id, order_id, shipment_id, channel_id,"
          + " channel_order_id, carrier, tracking_number, created_at)"
          + " SELECT o.tenant_id, o.order_id, ?, o.channel_id, o.channel_order_id, ?, ?, ?"
          + " FROM orders o JOIN channels c"
          + " ON c.tenant_id = o.tenant_id AND c.channel_id = o.channel_id"
          + " WHERE o.tenant_id = ? AND o.order_id = ? AND NOT EXISTS (SELECT 1 FROM"
          + " shipment_writebacks w WHERE w.tenant_id = o.tenant_id AND w.order_id = o.order_id"
          + " AND w.shipment_id = ?)";

  private final DataSource dataSource;

  public ShipmentWriteBacks(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Records a shipment to report, on the projection's connection and in its transaction, if the
   * order came from a known channel and the shipment is not recorded yet.
   */
  static void insertIfFromChannel(
      Connection connection,
      String tenantId,
      String orderId,
      String shipmentId,
      String carrier,
      String trackingNumber,
      OffsetDateTime at)
      throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      insert.setString(1, shipmentId);
      insert.setString(2, carrier);
      insert.setString(3, trackingNumber);
      insert.setObject(4, at);
      insert.setString(5, tenantId);
      insert.setString(6, orderId);
      insert.setString(7, shipmentId);
      insert.executeUpdate();
    }
  }

  /** Up to {@code limit} shipments not sent yet and tried fewer than {@code maxAttempts} times. */
  public List<WriteBack> pending(String tenantId, String channelId, int maxAttempts, int limit) {
    String sql =
        "SELECT order_id, shipment_id, channel_order_id, carrier, tracking_number, attempts"
            + " FROM shipment_writebacks WHERE tenant_id = ? AND channel_id = ?"
            + " AND sent_at IS NULL AND attempts < ? ORDER BY created_at, order_id LIMIT ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, tenantId);
      select.setString(2, channelId);
      select.setInt(3, maxAttempts);
      select.setInt(4, limit);
      List<WriteBack> pending = new ArrayList<>();
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          pending.add(
              new WriteBack(
                  row.getString(1),
                  row.getString(2),
                  row.getString(3),
                  row.getString(4),
                  row.getString(5),
                  row.getInt(6)));
        }
      }
      return pending;
    } catch (SQLException e) {
      throw failure("read the shipments to report of channel " + channelId, tenantId, e);
    }
  }

  /** The marketplace took the shipment. */
  public void markSent(String tenantId, WriteBack writeBack, Instant at) {
    update(
        "UPDATE shipment_writebacks SET sent_at = ? WHERE tenant_id = ? AND order_id = ?"
            + " AND shipment_id = ?",
        tenantId,
        writeBack,
        at,
        null);
  }

  /** The marketplace refused the shipment; the error is shown to operators. */
  public void markFailed(String tenantId, WriteBack writeBack, String error, Instant at) {
    update(
        "UPDATE shipment_writebacks SET attempts = attempts + 1, last_error_at = ?,"
            + " last_error = ? WHERE tenant_id = ? AND order_id = ? AND shipment_id = ?",
        tenantId,
        writeBack,
        at,
        Jdbc.oneLine(error == null ? "" : error, MAX_ERROR_LENGTH));
  }

  private void update(String sql, String tenantId, WriteBack writeBack, Instant at, String error) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update = connection.prepareStatement(sql)) {
      int parameter = 1;
      update.setObject(parameter++, at.atOffset(ZoneOffset.UTC));
      if (error != null) {
        update.setString(parameter++, error);
      }
      update.setString(parameter++, tenantId);
      update.setString(parameter++, writeBack.orderId());
      update.setString(parameter, writeBack.shipmentId());
      update.executeUpdate();
    } catch (SQLException e) {
      throw failure("update the report of shipment " + writeBack.shipmentId(), tenantId, e);
    }
  }

  private static IllegalStateException failure(String action, String tenantId, SQLException e) {
    return new IllegalStateException(
        "Could not " + action + " (tenant " + tenantId + "): " + e.getMessage(), e);
  }
}
