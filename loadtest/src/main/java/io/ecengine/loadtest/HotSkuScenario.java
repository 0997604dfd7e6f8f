package io.ecengine.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.ecengine.http.Server;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One hot SKU: many clients reserving units of the same SKU over HTTP, side by side with the same
 * number of clients running the plain-SQL alternative most teams write (a conditional UPDATE of a
 * stock row) and with the server's cheapest route, {@code GET /health}, as the ceiling of the HTTP
 * stack itself.
 */
public final class HotSkuScenario {

  private static final Logger log = LoggerFactory.getLogger(HotSkuScenario.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What to run. {@code databaseUrl} is a PostgreSQL database this scenario may add schemas to. */
  public record Settings(
      int clients, Duration warmUp, Duration phase, String databaseUrl, String user, long stock) {}

  /** The phases measured and what was checked afterwards. */
  public record Outcome(
      List<LoadResult> phases,
      long engineAcknowledged,
      long engineReserved,
      long sqlAcknowledged,
      long sqlStockTaken) {}

  private HotSkuScenario() {}

  public static Outcome run(Settings settings) throws Exception {
    String schema = "loadtest_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection admin =
        DriverManager.getConnection(settings.databaseUrl(), settings.user(), "")) {
      try (Statement s = admin.createStatement()) {
        s.execute("CREATE SCHEMA " + schema);
      }
      String url =
          settings.databaseUrl()
              + (settings.databaseUrl().contains("?") ? "&" : "?")
              + "currentSchema="
              + schema;
      try {
        return run(settings, url);
      } finally {
        try (Statement s = admin.createStatement()) {
          s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
      }
    }
  }

  private static Outcome run(Settings settings, String url) throws Exception {
    Server server =
        Server.start(
            ConfigFactory.parseMap(
                Map.of(
                    "ec.db.url",
                    url,
                    "ec.db.user",
                    settings.user(),
                    "ec.http.port",
                    0,
                    "ec.http.interface",
                    "127.0.0.1",
                    "ec.http.admin-key",
                    "loadtest-admin",
                    "pekko.remote.artery.canonical.port",
                    0,
                    "pekko.coordinated-shutdown.exit-jvm",
                    "off",
                    "ec.cluster.shutdown.drain",
                    "0s")));
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String base = "http://127.0.0.1:" + server.port();
    List<LoadResult> phases = new ArrayList<>();
    try {
      String key = setUp(http, base, settings.stock());
      // Reservation ids are unique across phases: a repeated id would be an idempotent replay.
      String runId = UUID.randomUUID().toString().substring(0, 8);
      java.util.concurrent.atomic.AtomicLong ids = new java.util.concurrent.atomic.AtomicLong();
      LoadRunner.Call reserve =
          n ->
              http.sendAsync(
                      post(
                          base + "/v1/skus/HOT/reservations",
                          key,
                          "{\"reservationId\":\""
                              + runId
                              + "-"
                              + ids.incrementAndGet()
                              + "\",\"quantity\":1}"),
                      HttpResponse.BodyHandlers.discarding())
                  .thenApply(r -> Integer.toString(r.statusCode()));
      LoadRunner.Call health =
          n ->
              http.sendAsync(
                      HttpRequest.newBuilder(URI.create(base + "/health")).GET().build(),
                      HttpResponse.BodyHandlers.discarding())
                  .thenApply(r -> Integer.toString(r.statusCode()));

      log.info("Warming up for {}", settings.warmUp());
      LoadResult warmUp =
          LoadRunner.closed("warm-up", settings.clients(), settings.warmUp(), reserve);
      LoadResult engine =
          LoadRunner.closed("engine reservations", settings.clients(), settings.phase(), reserve);
      phases.add(engine);
      LoadResult sql;
      try (PlainSqlStock stock =
          new PlainSqlStock(url, settings.user(), settings.clients(), settings.stock())) {
        sql =
            LoadRunner.closed(
                "plain SQL UPDATE", settings.clients(), settings.phase(), stock::take);
        phases.add(sql);
        phases.add(LoadRunner.closed("GET /health", settings.clients(), settings.phase(), health));
        double rate = Math.max(50, engine.perSecond() * 0.5);
        phases.add(
            LoadRunner.open(
                String.format("engine open model %.0f/s", rate),
                rate,
                settings.phase(),
                settings.clients(),
                settings.clients() * 16,
                reserve));
        long sqlTaken = settings.stock() - stock.remaining();
        JsonNode levels = get(http, base + "/v1/skus/HOT", key);
        long acknowledged =
            warmUp.outcomes().getOrDefault("201", 0L)
                + phases.stream()
                    .filter(p -> p.name().startsWith("engine"))
                    .mapToLong(p -> p.outcomes().getOrDefault("201", 0L))
                    .sum();
        return new Outcome(
            phases,
            acknowledged,
            levels.get("reserved").asLong(),
            sql.outcomes().getOrDefault("updated", 0L),
            sqlTaken);
      }
    } finally {
      server.close();
    }
  }

  /** Creates a tenant and the hot SKU with plenty of stock; returns the tenant's key. */
  private static String setUp(HttpClient http, String base, long stock) throws Exception {
    HttpResponse<String> tenant =
        http.send(
            post(
                base + "/v1/tenants",
                "loadtest-admin",
                "{\"tenantId\":\"bench\",\"name\":\"Benchmark\"}"),
            HttpResponse.BodyHandlers.ofString());
    String key = JSON.readTree(tenant.body()).get("apiKey").asText();
    http.send(
        put(base + "/v1/skus/HOT", key, "{\"name\":\"Hot item\"}"),
        HttpResponse.BodyHandlers.discarding());
    HttpResponse<String> adjusted =
        http.send(
            post(
                base + "/v1/skus/HOT/adjustments",
                key,
                "{\"adjustmentId\":\"bench-stock\",\"delta\":"
                    + stock
                    + ",\"reason\":\"receipt\"}"),
            HttpResponse.BodyHandlers.ofString());
    if (adjusted.statusCode() != 200) {
      throw new IllegalStateException("Could not stock the hot SKU: " + adjusted.body());
    }
    return key;
  }

  static HttpRequest post(String url, String key, String body) {
    return HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + key)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  static HttpRequest put(String url, String key, String body) {
    return HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + key)
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  static JsonNode get(HttpClient http, String url, String key)
      throws IOException, InterruptedException {
    return JSON.readTree(
        http.send(
                HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + key)
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  /**
   * The plain-SQL alternative: one stock row, and each sale is {@code UPDATE stock SET available =
   * available - 1 WHERE sku = ? AND available >= 1}, one connection per client, autocommit.
   */
  static final class PlainSqlStock implements AutoCloseable {
    private final ExecutorService clients;
    private final ThreadLocal<PreparedStatement> statements = new ThreadLocal<>();
    private final List<Connection> connections = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final String url;
    private final String user;

    PlainSqlStock(String url, String user, int clients, long stock) throws SQLException {
      this.url = url;
      this.user = user;
      this.clients = Executors.newFixedThreadPool(clients);
      try (Connection c = DriverManager.getConnection(url, user, "");
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE stock (sku VARCHAR(64) PRIMARY KEY, available BIGINT NOT NULL)");
        s.execute("INSERT INTO stock VALUES ('HOT', " + stock + ")");
      }
    }

    CompletableFuture<String> take(long sequence) {
      return CompletableFuture.supplyAsync(
          () -> {
            try {
              int updated = statement().executeUpdate();
              return updated == 1 ? "updated" : "sold-out";
            } catch (SQLException e) {
              return "error:" + e.getSQLState();
            }
          },
          clients);
    }

    private PreparedStatement statement() throws SQLException {
      PreparedStatement statement = statements.get();
      if (statement == null) {
        Connection connection = DriverManager.getConnection(url, user, "");
        connections.add(connection);
        statement =
            connection.prepareStatement(
                "UPDATE stock SET available = available - 1 WHERE sku = 'HOT' AND available >= 1");
        statements.set(statement);
      }
      return statement;
    }

    long remaining() throws SQLException {
      try (Connection c = DriverManager.getConnection(url, user, "");
          Statement s = c.createStatement();
          var rs = s.executeQuery("SELECT available FROM stock WHERE sku = 'HOT'")) {
        rs.next();
        return rs.getLong(1);
      }
    }

    @Override
    public void close() throws SQLException {
      clients.shutdownNow();
      for (Connection c : connections) {
        c.close();
      }
    }
  }
}
