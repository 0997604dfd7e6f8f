package io.ecengine.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Supplier;
import javax.sql.DataSource;

/** Opens {@link PlainJdbcSession}s on a pool, in the shape JDBC projections ask for them. */
public final class JdbcSessions {

  private JdbcSessions() {}

  /** A new session on a connection from {@code dataSource}; the caller closes it. */
  public static PlainJdbcSession open(DataSource dataSource) {
    Connection connection = null;
    try {
      connection = dataSource.getConnection();
      return new PlainJdbcSession(connection);
    } catch (SQLException e) {
      closeQuietly(connection, e);
      throw new IllegalStateException("Could not open a JDBC session", e);
    }
  }

  /** The session factory for {@code JdbcProjection.exactlyOnce} and friends. */
  public static Supplier<PlainJdbcSession> factory(DataSource dataSource) {
    return () -> open(dataSource);
  }

  /**
   * The session factory for the read-side projections. On PostgreSQL their transactions commit
   * without waiting for the write-ahead log to reach the disk ({@code synchronous_commit} off for
   * that transaction alone). That is safe for a projection: its rows and its offset commit in the
   * same transaction, and a transaction lost in a crash is lost whole, offset included, so the
   * projection reads those events again from the journal, which is always written synchronously. It
   * matters under a burst, when read-side commits would otherwise queue for the disk behind the
   * journal's.
   */
  public static Supplier<PlainJdbcSession> projectionFactory(Database database) {
    DataSource dataSource = database.dataSource();
    if (database.vendor() != Vendor.POSTGRESQL) {
      return factory(dataSource);
    }
    return () -> {
      PlainJdbcSession session = open(dataSource);
      try {
        session.withConnection(
            connection -> {
              try (var statement = connection.createStatement()) {
                statement.execute("SET LOCAL synchronous_commit TO OFF");
              }
              return null;
            });
        return session;
      } catch (Exception e) {
        try {
          session.close();
        } catch (SQLException closing) {
          e.addSuppressed(closing);
        }
        throw new IllegalStateException("Could not open a projection session", e);
      }
    };
  }

  private static void closeQuietly(Connection connection, SQLException cause) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
