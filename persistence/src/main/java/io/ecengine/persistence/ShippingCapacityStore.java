package io.ecengine.persistence;

import io.ecengine.engine.channel.ShippingCapacity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import javax.sql.DataSource;

/** Each tenant's shipping capacity and the channels the capacity guard may pause. */
public final class ShippingCapacityStore {

  /**
   * Orders the warehouse still has to ship: allocated ones (and those being allocated). Orders
   * waiting for stock, backordered or pre-ordered cannot ship yet whatever the capacity, so they do
   * not count against it.
   */
  private static final String OPEN_ORDERS =
      "SELECT COUNT(*) FROM orders WHERE tenant_id = ? AND status IN ('ALLOCATING', 'ALLOCATED')";

  /** A tenant's setting: its capacity and the channels to pause. */
  public record Setting(ShippingCapacity capacity, List<String> channelIds) {
    public Setting {
      channelIds = List.copyOf(new TreeSet<>(channelIds));
    }
  }

  private final DataSource dataSource;
  private final Clock clock;

  public ShippingCapacityStore(DataSource dataSource) {
    this(dataSource, Clock.systemUTC());
  }

  public ShippingCapacityStore(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /** Sets the tenant's capacity and channels, replacing what was there, in one transaction. */
  public void put(String tenantId, Setting setting) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        delete(connection, tenantId);
        try (PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO shipping_capacity (tenant_id, orders_per_day, resume_below_percent,"
                    + " updated_at) VALUES (?, ?, ?, ?)")) {
          insert.setString(1, tenantId);
          insert.setInt(2, setting.capacity().ordersPerDay());
          insert.setInt(3, setting.capacity().resumeBelowPercent());
          insert.setObject(4, Jdbc.toDb(clock.instant()));
          insert.executeUpdate();
        }
        try (PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO shipping_capacity_channels (tenant_id, channel_id) VALUES (?, ?)")) {
          for (String channelId : setting.channelIds()) {
            insert.setString(1, tenantId);
            insert.setString(2, channelId);
            insert.addBatch();
          }
          insert.executeBatch();
        }
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw failure("store the shipping capacity", tenantId, e);
    }
  }

  public Optional<Setting> get(String tenantId) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT orders_per_day, resume_below_percent FROM shipping_capacity"
                    + " WHERE tenant_id = ?");
        PreparedStatement channels =
            connection.prepareStatement(
                "SELECT channel_id FROM shipping_capacity_channels WHERE tenant_id = ?"
                    + " ORDER BY channel_id")) {
      select.setString(1, tenantId);
      ShippingCapacity capacity;
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        capacity = new ShippingCapacity(row.getInt(1), row.getInt(2));
      }
      channels.setString(1, tenantId);
      List<String> ids = new ArrayList<>();
      try (ResultSet row = channels.executeQuery()) {
        while (row.next()) {
          ids.add(row.getString(1));
        }
      }
      return Optional.of(new Setting(capacity, ids));
    } catch (SQLException e) {
      throw failure("read the shipping capacity", tenantId, e);
    }
  }

  /**
   * @return false when the tenant had no capacity set
   */
  public boolean delete(String tenantId) {
    try (Connection connection = dataSource.getConnection()) {
      return delete(connection, tenantId);
    } catch (SQLException e) {
      throw failure("delete the shipping capacity", tenantId, e);
    }
  }

  private static boolean delete(Connection connection, String tenantId) throws SQLException {
    try (PreparedStatement channels =
            connection.prepareStatement(
                "DELETE FROM shipping_capacity_channels WHERE tenant_id = ?");
        PreparedStatement capacity =
            connection.prepareStatement("DELETE FROM shipping_capacity WHERE tenant_id = ?")) {
      channels.setString(1, tenantId);
      channels.executeUpdate();
      capacity.setString(1, tenantId);
      return capacity.executeUpdate() == 1;
    }
  }

  /** The tenants that have a capacity set. */
  public List<String> tenants() {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT tenant_id FROM shipping_capacity ORDER BY tenant_id");
        ResultSet row = select.executeQuery()) {
      List<String> tenants = new ArrayList<>();
      while (row.next()) {
        tenants.add(row.getString(1));
      }
      return tenants;
    } catch (SQLException e) {
      throw new IllegalStateException("Could not list the shipping capacities", e);
    }
  }

  /** The tenant's orders still to ship, from the order read side. */
  public long openOrders(String tenantId) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(OPEN_ORDERS)) {
      select.setString(1, tenantId);
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    } catch (SQLException e) {
      throw failure("count the open orders", tenantId, e);
    }
  }

  private static IllegalStateException failure(String action, String tenantId, SQLException e) {
    return new IllegalStateException(
        "Could not " + action + " (tenant " + tenantId + "): " + e.getMessage(), e);
  }
}
