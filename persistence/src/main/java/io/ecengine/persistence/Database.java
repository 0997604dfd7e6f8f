package io.ecengine.persistence;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
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
    config.setPoolName("ec-application");
    config.setJdbcUrl(settings.url());
    config.setUsername(settings.user());
    config.setPassword(settings.password());
    config.setDriverClassName(settings.vendor().driverClassName());
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

  @Override
  public void close() {
    dataSource.close();
  }
}
