package io.ecengine.persistence;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Properties;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh schema on the test PostgreSQL server, dropped again on close, so tests never see each
 * other's rows. When the server cannot be reached the calling test is skipped, except on CI (env
 * {@code CI=true}), where a missing database must not let the PostgreSQL tests pass unnoticed:
 * there the test fails.
 *
 * <p>The server defaults to 127.0.0.1:5432, database {@code test}, user {@code postgres}; override
 * with {@code EC_TEST_POSTGRES_URL}, {@code EC_TEST_POSTGRES_USER} and {@code
 * EC_TEST_POSTGRES_PASSWORD}.
 */
public final class PostgresTestDatabase implements AutoCloseable {

  public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int CONNECT_TIMEOUT_SECONDS = 3;

  private final String serverUrl;
  private final String user;
  private final String password;
  private final String schema;

  private PostgresTestDatabase(String serverUrl, String user, String password, String schema) {
    this.serverUrl = serverUrl;
    this.user = user;
    this.password = password;
    this.schema = schema;
  }

  /**
   * Creates a schema named {@code it_<random>}; skips or fails the test when PostgreSQL is down.
   */
  public static PostgresTestDatabase create() {
    String serverUrl = env("EC_TEST_POSTGRES_URL", DEFAULT_URL);
    String user = env("EC_TEST_POSTGRES_USER", "postgres");
    String password = env("EC_TEST_POSTGRES_PASSWORD", "");
    String schema = "it_" + HexFormat.of().formatHex(randomBytes(6));
    PostgresTestDatabase database = new PostgresTestDatabase(serverUrl, user, password, schema);
    database.execute("CREATE SCHEMA " + schema);
    return database;
  }

  /** True when the environment says this is a CI run, where skipping is not acceptable. */
  public static boolean onCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  public String schema() {
    return schema;
  }

  /** The JDBC URL of the schema: the server URL with {@code currentSchema} set. */
  public String url() {
    return serverUrl + (serverUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  public DatabaseSettings settings(int poolSize) {
    return new DatabaseSettings(url(), user, password, poolSize);
  }

  public DatabaseSettings settings() {
    return settings(4);
  }

  /** Drops the schema and everything in it. */
  @Override
  public void close() {
    execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }

  private void execute(String sql) {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL refused: " + sql, e);
    }
  }

  /** Connects to the server, turning "not reachable" into a skip, or a failure on CI. */
  private Connection connect() {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", password);
    properties.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
    properties.setProperty("loginTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
    try {
      return DriverManager.getConnection(serverUrl, properties);
    } catch (SQLException e) {
      String message =
          "PostgreSQL is not reachable at " + serverUrl + " as " + user + ": " + e.getMessage();
      if (onCi()) {
        return Assertions.fail(message + " (CI=true, so this is a failure, not a skip)", e);
      }
      return Assumptions.abort(message + " (test skipped; with CI=true it would fail)");
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  private static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
