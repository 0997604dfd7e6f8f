package io.ecengine.persistence;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's own connection pool (read side, tenants, projection sessions) and the owner of
 * the schema. The journal has a separate pool inside pekko-persistence-jdbc; both point at the same
 * database through {@link DatabaseSettings}.
 */
public final class Database implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private final DatabaseSettings settings;
  private final HikariDataSource dataSource;

  private Database(DatabaseSettings settings, HikariDataSource dataSource) {
    this.settings = settings;
    this.dataSource = dataSource;
  }

  /** Opens the pool; connections are made eagerly, so an unreachable database fails here. */
  public static Database create(DatabaseSettings settings) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(settings.url());
    config.setDriverClassName(settings.vendor().driverClassName());
    return create(settings, config);
  }

  /**
   * Opens the pool with every connection going through {@code fence}. A caller waits at most {@code
   * connectionTimeout} for a connection: while the database is down, requests that need it fail
   * within that time (and are answered 503) instead of hanging for Hikari's default 30 s.
   */
  public static Database create(
      DatabaseSettings settings, WriteFence fence, Duration connectionTimeout) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(fence.wrap(settings.url()));
    config.setDriverClassName(FencedDriver.class.getName());
    config.setConnectionTimeout(connectionTimeout.toMillis());
    return create(settings, config);
  }

  private static Database create(DatabaseSettings settings, HikariConfig config) {
    config.setPoolName("ec-application");
    config.setUsername(settings.user());
    config.setPassword(settings.password());
    config.setMaximumPoolSize(settings.poolSize());
    return new Database(settings, new HikariDataSource(config));
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public DatabaseSettings settings() {
    return settings;
  }

  public Vendor vendor() {
    return settings.vendor();
  }

  /**
   * Brings the schema to the latest version. Throws (FlywayException) on any failed or unexpected
   * migration, so a node never starts against a schema it does not understand.
   */
  public MigrateResult migrate() {
    MigrateResult result =
        Flyway.configure()
            .dataSource(dataSource)
            .locations(vendor().migrationLocation())
            .failOnMissingLocations(true)
            .load()
            .migrate();
    if (!result.success) {
      throw new IllegalStateException(
          "Database migration did not succeed on " + settings + ": " + result.warnings);
    }
    log.info(
        "Database schema at version {} ({} migrations applied)",
        result.targetSchemaVersion != null
            ? result.targetSchemaVersion
            : result.initialSchemaVersion,
        result.migrationsExecuted);
    return result;
  }

  /**
   * True when {@code failure} (or one of its causes) says the database cannot be reached right now:
   * no connection within the pool's timeout, a connection refused or broken (SQLState class 08),
   * the server shutting down or starting (57P01-57P03), too many connections (53300), or this
   * node's write fence. Such a request is worth retrying later; anything else is a real error.
   */
  public static boolean isUnavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLTransientConnectionException
          || t instanceof java.sql.SQLNonTransientConnectionException
          || t instanceof java.sql.SQLRecoverableException) {
        return true;
      }
      if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.startsWith("08") || state.startsWith("57P") || state.equals("53300")) {
          return true;
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
