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
