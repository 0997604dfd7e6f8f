package io.ecengine.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.projection.jdbc.JdbcSession;

/**
 * One transaction on one pooled connection. JDBC projections run the handler and the offset update
 * through the same session and commit once, which is what makes them exactly-once.
 */
public final class PlainJdbcSession implements JdbcSession, AutoCloseable {

  private final Connection connection;

  /** Takes ownership of {@code connection} and switches off its autocommit. */
  public PlainJdbcSession(Connection connection) throws SQLException {
    this.connection = connection;
    connection.setAutoCommit(false);
  }

  @Override
  public <R> R withConnection(Function<Connection, R> function) throws Exception {
    return function.apply(connection);
  }

  @Override
  public void commit() throws SQLException {
    connection.commit();
  }

  @Override
  public void rollback() throws SQLException {
    connection.rollback();
  }

  /** Returns the connection to its pool; work that was not committed is rolled back. */
  @Override
  public void close() throws SQLException {
    try {
      if (!connection.isClosed() && !connection.getAutoCommit()) {
        connection.rollback();
      }
    } finally {
      connection.close();
    }
  }
}
