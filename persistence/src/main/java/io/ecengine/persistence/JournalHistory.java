package io.ecengine.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * What the read journal does not answer: the highest sequence number of one persistent entity, from
 * which a history can be paged newest first. The journal table is the one the V1 migration creates;
 * its names are quoted as the plugin quotes them on H2, which PostgreSQL reads alike.
 */
public final class JournalHistory {

  private final DataSource dataSource;

  public JournalHistory(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The sequence number of the entity's last event, or 0 when it has none. */
  public long highestSequenceNr(String persistenceId) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT MAX(\"sequence_number\") FROM \"event_journal\""
                    + " WHERE \"persistence_id\" = ? AND \"deleted\" = FALSE")) {
      select.setString(1, persistenceId);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? row.getLong(1) : 0;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read the journal of " + persistenceId, e);
    }
  }
}
