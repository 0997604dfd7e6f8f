package io.ecengine.persistence;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * A JDBC driver in front of the real one that asks a {@link WriteFence} before it connects, before
 * every statement runs and before every commit. URLs look like {@code
 * jdbc:ec-fenced:<fence>:jdbc:postgresql://...}; {@link WriteFence#wrap} builds them. Both the
 * journal's pool and the application's pool use it, so nothing of a fenced node reaches the
 * database.
 */
public final class FencedDriver implements Driver {

  static final String PREFIX = "jdbc:ec-fenced:";

  static {
    try {
      DriverManager.registerDriver(new FencedDriver());
    } catch (SQLException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null;
    }
    int separator = url.indexOf(':', PREFIX.length());
    if (separator < 0) {
      throw new SQLException("Malformed fenced JDBC URL");
    }
    WriteFence fence = WriteFence.forId(url.substring(PREFIX.length(), separator));
    if (fence == null) {
      throw new SQLNonTransientConnectionException("The node's write fence was released", "08003");
    }
    String target = url.substring(separator + 1);
    fence.check();
    Connection connection = DriverManager.getDriver(target).connect(target, info);
    try {
      limitIdleTransactions(connection, target, fence);
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return fenced(connection, fence);
  }

  private static void limitIdleTransactions(Connection connection, String url, WriteFence fence)
      throws SQLException {
    long millis = fence.idleInTransactionTimeout().toMillis();
    if (millis <= 0 || Vendor.fromUrl(url) != Vendor.POSTGRESQL) {
      return;
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET idle_in_transaction_session_timeout = " + millis);
    }
  }

  @Override
  public boolean acceptsURL(String url) {
    return url != null && url.startsWith(PREFIX);
  }

  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
    return new DriverPropertyInfo[0];
  }

  @Override
  public int getMajorVersion() {
    return 1;
  }

  @Override
  public int getMinorVersion() {
    return 0;
  }

  @Override
  public boolean jdbcCompliant() {
    return false;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("No java.util.logging here");
  }

  static Connection fenced(Connection connection, WriteFence fence) {
    return (Connection)
        Proxy.newProxyInstance(
            FencedDriver.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            new ConnectionHandler(connection, fence));
  }

  /** Checks the fence before a commit, and hands out fenced statements. */
  private static final class ConnectionHandler implements InvocationHandler {

    private final Connection target;
    private final WriteFence fence;

    ConnectionHandler(Connection target, WriteFence fence) {
      this.target = target;
      this.fence = fence;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      if (name.equals("commit") || (name.equals("setAutoCommit") && Boolean.TRUE.equals(args[0]))) {
        // Switching auto-commit on commits the open transaction.
        fence.check();
      }
      Object result = call(target, method, args);
      return switch (name) {
        case "createStatement" -> statement(Statement.class, result);
        case "prepareStatement" -> statement(PreparedStatement.class, result);
        case "prepareCall" -> statement(CallableStatement.class, result);
        default -> result;
      };
    }

    private Object statement(Class<?> type, Object statement) {
      return Proxy.newProxyInstance(
          FencedDriver.class.getClassLoader(),
          new Class<?>[] {type},
          new StatementHandler(statement, fence));
    }
  }

  /** Checks the fence before every execute. */
  private static final class StatementHandler implements InvocationHandler {

    private final Object target;
    private final WriteFence fence;

    StatementHandler(Object target, WriteFence fence) {
      this.target = target;
      this.fence = fence;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getName().startsWith("execute")) {
        // Limitation: a statement whose check passed just before the JVM froze is still sent when
        // it wakes. Inside a transaction its commit is checked (and PostgreSQL aborts the idle
        // transaction meanwhile); a lone auto-commit statement of the read side is not.
        fence.check();
      }
      return call(target, method, args);
    }
  }

  private static Object call(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
