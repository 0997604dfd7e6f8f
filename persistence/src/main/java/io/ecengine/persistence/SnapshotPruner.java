package io.ecengine.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Deletes the snapshots of one kind of entity that two newer ones have replaced.
 *
 * <p>SKUs pace their snapshots by their size (see SnapshotPacing in the engine), which Pekko's
 * retention cannot express; Pekko then leaves every older snapshot in place, and each can be large.
 * Deleting from every node at once is harmless: the statement is idempotent, and an entity always
 * recovers from its newest snapshot, which is never deleted. The table is the one the V1 migration
 * creates; its names are quoted as the plugin quotes them on H2, which PostgreSQL reads alike.
 */
public final class SnapshotPruner {

  private static final String PRUNE =
      "DELETE FROM \"snapshot\" s WHERE s.\"persistence_id\" LIKE ?"
          + " AND s.\"sequence_number\" < (SELECT MAX(n.\"sequence_number\") FROM \"snapshot\" n"
          + " WHERE n.\"persistence_id\" = s.\"persistence_id\" AND n.\"sequence_number\" <"
          + " (SELECT MAX(m.\"sequence_number\") FROM \"snapshot\" m"
          + " WHERE m.\"persistence_id\" = s.\"persistence_id\"))";

  private final DataSource dataSource;
  private final String persistenceIdPrefix;

  /** Prunes the entities whose persistence ids start with {@code persistenceIdPrefix}. */
  public SnapshotPruner(DataSource dataSource, String persistenceIdPrefix) {
    if (persistenceIdPrefix.contains("%") || persistenceIdPrefix.contains("_")) {
      throw new IllegalArgumentException("The prefix must not contain LIKE wildcards");
    }
    this.dataSource = dataSource;
    this.persistenceIdPrefix = persistenceIdPrefix;
  }

  /** Keeps the two newest snapshots of each entity; returns how many older ones it deleted. */
  public int prune() {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement delete = connection.prepareStatement(PRUNE)) {
      delete.setString(1, persistenceIdPrefix + "%");
      return delete.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("Could not prune the snapshots of " + persistenceIdPrefix, e);
    }
  }
}
