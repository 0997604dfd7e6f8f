package io.ecengine.persistence;

import io.ecengine.engine.order.ShippingSla;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Each channel's shipping promise, from which a new order's ship-by time follows. A channel without
 * one uses {@link ShippingSla#DEFAULT}; that choice is the caller's, this store only says what was
 * set. Calls block on JDBC: run them on a blocking dispatcher.
 */
public final class ChannelSlas {

  private static final String UNIQUE_VIOLATION = "23505";
  private static final DateTimeFormatter HOURS_MINUTES = DateTimeFormatter.ofPattern("HH:mm");
  private static final DateTimeFormatter HOURS_MINUTES_SECONDS =
      DateTimeFormatter.ofPattern("HH:mm:ss");

  private static final String SELECT =
      "SELECT ship_within_hours, cutoff, time_zone FROM channel_slas"
          + " WHERE tenant_id = ? AND channel_id = ?";

  private static final String UPDATE =
      "UPDATE channel_slas SET ship_within_hours = ?, cutoff = ?, time_zone = ?, updated_at = ?"
          + " WHERE tenant_id = ? AND channel_id = ?";

  private static final String INSERT =
      "INSERT INTO channel_slas"
          + " (ship_within_hours, cutoff, time_zone, updated_at, tenant_id, channel_id)"
          + " VALUES (?, ?, ?, ?, ?, ?)";

  private final DataSource dataSource;
  private final Clock clock;

  public ChannelSlas(DataSource dataSource) {
    this(dataSource, Clock.systemUTC());
  }

  public ChannelSlas(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /** The channel's promise; empty when none was set. */
  public Optional<ShippingSla> get(String tenantId, String channelId) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(SELECT)) {
      select.setString(1, tenantId);
      select.setString(2, channelId);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new ShippingSla(
                row.getInt("ship_within_hours"),
                LocalTime.parse(row.getString("cutoff")),
                ZoneId.of(row.getString("time_zone"))));
      }
    } catch (SQLException e) {
      throw failure("read the shipping SLA of channel " + channelId, tenantId, e);
    } catch (DateTimeException e) {
      throw new IllegalStateException(
          "Stored shipping SLA of channel " + channelId + " of tenant " + tenantId + " is invalid",
          e);
    }
  }

  /**
   * Sets the channel's promise, replacing any earlier one. Orders already placed keep the ship-by
   * time they got.
   *
   * @throws IllegalArgumentException when the cutoff has a fraction of a second, which is stored as
   *     {@code HH:mm} or {@code HH:mm:ss} only
   */
  public void put(String tenantId, String channelId, ShippingSla sla) {
    String cutoff = format(sla.cutoff());
    OffsetDateTime now = clock.instant().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    // Update first, insert when there was nothing to update. Two first puts for the same channel
    // at once both find nothing and race to insert; the loser updates the winner's row instead,
    // so the last write wins as with any other put. Each statement commits on its own, because a
    // failed insert would spoil a PostgreSQL transaction for the update after it.
    try (Connection connection = dataSource.getConnection()) {
      if (write(connection, UPDATE, tenantId, channelId, sla, cutoff, now) == 1) {
        return;
      }
      try {
        write(connection, INSERT, tenantId, channelId, sla, cutoff, now);
      } catch (SQLException e) {
        if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
          throw e;
        }
        write(connection, UPDATE, tenantId, channelId, sla, cutoff, now);
      }
    } catch (SQLException e) {
      throw failure("store the shipping SLA of channel " + channelId, tenantId, e);
    }
  }

  /** Both statements take the same parameters in the same order, the key last. */
  private static int write(
      Connection connection,
      String sql,
      String tenantId,
      String channelId,
      ShippingSla sla,
      String cutoff,
      OffsetDateTime now)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setInt(1, sla.shipWithinHours());
      statement.setString(2, cutoff);
      statement.setString(3, sla.zone().getId());
      statement.setObject(4, now);
      statement.setString(5, tenantId);
      statement.setString(6, channelId);
      return statement.executeUpdate();
    }
  }

  private static String format(LocalTime cutoff) {
    if (cutoff.getNano() != 0) {
      throw new IllegalArgumentException(
          "cutoff must be whole seconds (HH:mm or HH:mm:ss), was " + cutoff);
    }
    return cutoff.format(cutoff.getSecond() == 0 ? HOURS_MINUTES : HOURS_MINUTES_SECONDS);
  }

  private static IllegalStateException failure(String action, String tenantId, SQLException e) {
    return new IllegalStateException("Could not " + action + " of tenant " + tenantId, e);
  }
}
