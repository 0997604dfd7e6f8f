package io.ecengine.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where the engine's database is and how many connections each pool may hold. The journal
 * (pekko-persistence-jdbc through Slick) and the application's own SQL ({@link Database}) each get
 * a pool of {@code poolSize}, so the database must accept twice that per node.
 */
public record DatabaseSettings(String url, String user, String password, int poolSize) {

  /**
   * The embedded database used when no URL is configured. DB_CLOSE_ON_EXIT=FALSE keeps H2's own
   * shutdown hook from closing the database under Pekko's coordinated shutdown, which still writes
   * to the journal; the database closes when the last pool lets go. LOCK_TIMEOUT gives the two
   * pools in this JVM time to wait for each other's row locks instead of failing after H2's short
   * default.
   */
  public static final String EMBEDDED_H2_URL =
      "jdbc:h2:file:./data/ec-engine;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000";

  private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i)(password=)[^&;]*");

  public DatabaseSettings {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("Database URL must not be empty");
    }
    if (user == null || password == null) {
      throw new IllegalArgumentException("Database user and password must not be null");
    }
    if (poolSize < 1) {
      throw new IllegalArgumentException("Database pool size must be at least 1, was " + poolSize);
    }
    Vendor.fromUrl(url);
  }

  /**
   * Reads {@code ec.db.url}, {@code ec.db.user}, {@code ec.db.password} and {@code
   * ec.db.pool-size}. An empty URL selects the embedded H2 database with H2's default account.
   */
  public static DatabaseSettings fromConfig(Config config) {
    Config db = config.getConfig("ec.db");
    int poolSize = db.getInt("pool-size");
    String url = db.getString("url");
    if (url.isBlank()) {
      return new DatabaseSettings(EMBEDDED_H2_URL, "sa", "", poolSize);
    }
    return new DatabaseSettings(url, db.getString("user"), db.getString("password"), poolSize);
  }

  public Vendor vendor() {
    return Vendor.fromUrl(url);
  }

  /**
   * The Pekko configuration that stores the journal, snapshots and durable state in this database
   * through one shared Slick pool, and runs JDBC projections with a thread per connection of the
   * application pool. Use it in front of the application config: {@code
   * settings.pekkoOverlay().withFallback(ConfigFactory.load())}.
   */
  public Config pekkoOverlay() {
    return pekkoOverlay(url, vendor().driverClassName());
  }

  /** The same overlay with every journal connection going through {@code fence}. */
  public Config pekkoOverlay(WriteFence fence) {
    return pekkoOverlay(fence.wrap(url), FencedDriver.class.getName());
  }

  private Config pekkoOverlay(String jdbcUrl, String driver) {
    Vendor vendor = vendor();
    String shared = "pekko-persistence-jdbc.shared-databases.default";
    Map<String, Object> values = new LinkedHashMap<>();

    values.put("pekko.persistence.journal.plugin", "jdbc-journal");
    values.put("pekko.persistence.snapshot-store.plugin", "jdbc-snapshot-store");
    values.put("jdbc-journal.use-shared-db", "default");
    values.put("jdbc-snapshot-store.use-shared-db", "default");
    values.put("jdbc-read-journal.use-shared-db", "default");
    values.put("jdbc-durable-state-store.use-shared-db", "default");
    // The events of one tag are read by a query suited to the tables the migrations create.
    values.put("jdbc-read-journal.dao", TagRangeReadJournalDao.class.getName());

    values.put(shared + ".profile", vendor.slickProfile());
    values.put(shared + ".db.connectionPool", "HikariCP");
    values.put(shared + ".db.poolName", "pekko-persistence-jdbc");
    values.put(shared + ".db.url", jdbcUrl);
    values.put(shared + ".db.user", user);
    values.put(shared + ".db.password", password);
    values.put(shared + ".db.driver", driver);
    // Slick runs every action on one of numThreads threads, each holding a connection; fewer
    // connections than threads would let threads block each other.
    values.put(shared + ".db.numThreads", poolSize);
    values.put(shared + ".db.maxConnections", poolSize);
    values.put(shared + ".db.minConnections", poolSize);
    values.put(shared + ".db.queueSize", 10_000);
    // Slick's own default of one second fails writes under a short burst; Hikari's 30 s does not.
    values.put(shared + ".db.connectionTimeout", 30_000);
    values.put(shared + ".db.validationTimeout", 5_000);
    // An in-memory H2 database disappears with its last connection; keep one open for Slick.
    values.put(shared + ".db.keepAliveConnection", vendor == Vendor.H2);

    values.put("pekko.projection.jdbc.dialect", vendor.projectionDialect());
    values.put(
        "pekko.projection.jdbc.blocking-jdbc-dispatcher.thread-pool-executor.fixed-pool-size",
        poolSize);

    return ConfigFactory.parseMap(values, "ec.db (DatabaseSettings.pekkoOverlay)");
  }

  /** Never shows the password, neither the field nor one embedded in the URL. */
  @Override
  public String toString() {
    return "DatabaseSettings[url="
        + redactUrl(url)
        + ", user="
        + user
        + ", password=***, poolSize="
        + poolSize
        + "]";
  }

  static String redactUrl(String url) {
    return PASSWORD_IN_URL.matcher(url).replaceAll("$1***");
  }
}
