package io.ecengine.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A migrated, empty database of either vendor for one test: a private in-memory H2 database, or a
 * private schema on the test PostgreSQL server (skipped or failed as {@link PostgresTestDatabase}
 * decides when the server is down). Closing it releases the pool and drops the schema.
 */
public final class TestDatabase implements AutoCloseable {

  private final Database database;
  private final PostgresTestDatabase postgres;

  private TestDatabase(Database database, PostgresTestDatabase postgres) {
    this.database = database;
    this.postgres = postgres;
  }

  /** Settings of a fresh in-memory H2 database that lives until the JVM exits. */
  public static DatabaseSettings h2InMemory() {
    return new DatabaseSettings(
        "jdbc:h2:mem:test-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", 4);
  }

  public static TestDatabase migrated(Vendor vendor) {
    return create(vendor, true);
  }

  /** An empty database without even the migration history, for tests of the migrations. */
  public static TestDatabase unmigrated(Vendor vendor) {
    return create(vendor, false);
  }

  private static TestDatabase create(Vendor vendor, boolean migrate) {
    if (vendor == Vendor.H2) {
      return open(h2InMemory(), null, migrate);
    }
    PostgresTestDatabase postgres = PostgresTestDatabase.create();
    boolean opened = false;
    try {
      TestDatabase database = open(postgres.settings(), postgres, migrate);
      opened = true;
      return database;
    } finally {
      if (!opened) {
        postgres.close();
      }
    }
  }

  private static TestDatabase open(
      DatabaseSettings settings, PostgresTestDatabase postgres, boolean migrate) {
    Database database = Database.create(settings);
    boolean ready = false;
    try {
      if (migrate) {
        database.migrate();
      }
      ready = true;
      return new TestDatabase(database, postgres);
    } finally {
      if (!ready) {
        database.close();
      }
    }
  }

  public Database database() {
    return database;
  }

  public DataSource dataSource() {
    return database.dataSource();
  }

  public DatabaseSettings settings() {
    return database.settings();
  }

  /** Drops the PostgreSQL schema, or empties the in-memory H2 database to free its memory. */
  @Override
  public void close() {
    try {
      if (database.vendor() == Vendor.H2) {
        dropEverythingInH2();
      }
    } finally {
      database.close();
      if (postgres != null) {
        postgres.close();
      }
    }
  }

  private void dropEverythingInH2() {
    try (Connection connection = dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP ALL OBJECTS");
    } catch (SQLException e) {
      throw new IllegalStateException("Could not empty the test database", e);
    }
  }
}
