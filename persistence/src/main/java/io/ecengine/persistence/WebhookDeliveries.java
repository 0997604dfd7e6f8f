package io.ecengine.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * The webhook deliveries already handled, so that a notification a marketplace sends again (Shopify
 * retries for hours, TikTok Shop signs no timestamp) is handled once. The database decides, so the
 * answer holds across nodes and under concurrent duplicates. Calls block on JDBC: run them on a
 * blocking dispatcher.
 */
public final class WebhookDeliveries {

  public static final int MAX_MARKETPLACE_LENGTH = 32;
  public static final int MAX_DELIVERY_ID_LENGTH = 200;

  private final DataSource dataSource;

  public WebhookDeliveries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Notes the delivery; true only the first time this marketplace's delivery id arrives for the
   * channel. Of concurrent duplicates exactly one gets true: the primary key lets one insert
   * through and fails the others.
   *
   * <p>Marked before the delivery is handled; a handler that fails {@link #forget}s it. A node that
   * crashes while handling it leaves a delivery that looks handled, and the marketplace's retry is
   * then dropped: the channels' reconciliation pulls catch such an order.
   *
   * @throws IllegalArgumentException when the marketplace or delivery id is empty or too long to
   *     store: cutting it could make two deliveries look alike
   */
  public boolean firstTime(
      String marketplace, String tenantId, String channelId, String deliveryId, Instant at) {
    check("marketplace", marketplace, MAX_MARKETPLACE_LENGTH);
    check("delivery id", deliveryId, MAX_DELIVERY_ID_LENGTH);
    String sql =
        "INSERT INTO webhook_deliveries"
            + " (marketplace, tenant_id, channel_id, delivery_id, received_at)"
            + " VALUES (?, ?, ?, ?, ?)";
    // A single statement in auto-commit: on PostgreSQL a failed insert inside a longer
    // transaction would spoil it, and here there is nothing else to do.
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert = connection.prepareStatement(sql)) {
      insert.setString(1, marketplace);
      insert.setString(2, tenantId);
      insert.setString(3, channelId);
      insert.setString(4, deliveryId);
      insert.setObject(5, Jdbc.toDb(at));
      insert.executeUpdate();
      return true;
    } catch (SQLException e) {
      if (Jdbc.isUniqueViolation(e)) {
        return false;
      }
      throw new IllegalStateException(
          "Could not record webhook delivery of channel " + channelId + " of tenant " + tenantId,
          e);
    }
  }

  /** Forgets one delivery whose handling failed, so that the marketplace's retry is handled. */
  public void forget(String marketplace, String tenantId, String channelId, String deliveryId) {
    String sql =
        "DELETE FROM webhook_deliveries WHERE marketplace = ? AND tenant_id = ?"
            + " AND channel_id = ? AND delivery_id = ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement delete = connection.prepareStatement(sql)) {
      delete.setString(1, marketplace);
      delete.setString(2, tenantId);
      delete.setString(3, channelId);
      delete.setString(4, deliveryId);
      delete.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("Could not forget a webhook delivery", e);
    }
  }

  /**
   * Forgets deliveries received before {@code cutoff}. Keep them longer than the longest redelivery
   * window of any marketplace (Shopify: 4 hours); a day or more is safe.
   *
   * @return how many were forgotten
   */
  public int forgetBefore(Instant cutoff) {
    String sql = "DELETE FROM webhook_deliveries WHERE received_at < ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement delete = connection.prepareStatement(sql)) {
      delete.setObject(1, Jdbc.toDb(cutoff));
      return delete.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("Could not forget old webhook deliveries", e);
    }
  }

  private static void check(String what, String value, int maxLength) {
    if (value == null || value.isEmpty() || Jdbc.longerThan(value, maxLength)) {
      throw new IllegalArgumentException(what + " must be 1 to " + maxLength + " characters");
    }
  }
}
