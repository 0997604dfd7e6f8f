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

  /**
   * The phases measured and what was checked afterwards. {@code phases} are, in order: engine
   * reservations, plain SQL, {@code GET /health}, the engine in the open model, the hot SKU again
   * with reads and reservations of another SKU alongside ({@code beside} holds those two). {@code
   * heapMaxMiB} is the most heap seen used at the end of a phase, {@code heapAfterGcMiB} what was
   * left after a collection at the end.
   */
  public record Outcome(
      List<LoadResult> phases,
      List<LoadResult> beside,
      long engineAcknowledged,
      long engineReserved,
      long sqlAcknowledged,
      long sqlStockTaken,
      long heapMaxMiB,
      long heapAfterGcMiB) {

    public LoadResult engine() {
      return phases.get(0);
    }

    public LoadResult sql() {
      return phases.get(1);
    }

    public LoadResult health() {
      return phases.get(2);
    }

    public LoadResult open() {
      return phases.get(3);
    }
  }

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
    List<LoadResult> beside = new ArrayList<>();
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
      LoadRunner.Call coldRead =
          n ->
              http.sendAsync(
                      HttpRequest.newBuilder(URI.create(base + "/v1/skus/COLD"))
                          .header("Authorization", "Bearer " + key)
                          .GET()
                          .build(),
                      HttpResponse.BodyHandlers.discarding())
                  .thenApply(r -> Integer.toString(r.statusCode()));
      LoadRunner.Call coldReserve =
          n ->
              http.sendAsync(
                      post(
                          base + "/v1/skus/COLD/reservations",
                          key,
                          "{\"reservationId\":\"" + runId + "-cold-" + n + "\",\"quantity\":1}"),
                      HttpResponse.BodyHandlers.discarding())
                  .thenApply(r -> Integer.toString(r.statusCode()));
      HeapWatch heap = new HeapWatch();

      log.info("Warming up for {}", settings.warmUp());
      LoadResult warmUp =
          LoadRunner.closed("warm-up", settings.clients(), settings.warmUp(), reserve);
      LoadResult engine =
          LoadRunner.closed("engine reservations", settings.clients(), settings.phase(), reserve);
      phases.add(engine);
      heap.sample();
      LoadResult sql;
      try (PlainSqlStock stock =
          new PlainSqlStock(url, settings.user(), settings.clients(), settings.stock())) {
        sql =
            LoadRunner.closed(
                "plain SQL UPDATE", settings.clients(), settings.phase(), stock::take);
        phases.add(sql);
        heap.sample();
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
        heap.sample();
        // The hot SKU saturated again, while another SKU is read and reserved at a steady rate:
        // what its callers wait shows whether one hot SKU holds up the rest of the shop.
        CompletableFuture<LoadResult> reads =
            besides("reads of another SKU 50/s", settings.phase(), coldRead);
        CompletableFuture<LoadResult> reservations =
            besides("reservations of another SKU 50/s", settings.phase(), coldReserve);
        phases.add(
            LoadRunner.closed(
                "engine reservations, others beside",
                settings.clients(),
                settings.phase(),
                reserve));
        beside.add(reads.join());
        beside.add(reservations.join());
        heap.sample();
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
            beside,
            acknowledged,
            levels.get("reserved").asLong(),
            sql.outcomes().getOrDefault("updated", 0L),
            sqlTaken,
            heap.maxMiB(),
            heap.afterGcMiB());
      }
    } finally {
      server.close();
    }
  }

  /** An open-model stream of {@code call} at 50 a second, run beside the current phase. */
  private static CompletableFuture<LoadResult> besides(
      String name, Duration duration, LoadRunner.Call call) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return LoadRunner.open(name, 50, duration, 8, 400, call);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        },
        task -> {
          Thread thread = new Thread(task, name);
          thread.setDaemon(true);
          thread.start();
        });
  }

  /** The heap the benchmark's JVM (engine and clients) used, sampled between phases. */
  private static final class HeapWatch {
    private long max;

    void sample() {
      max = Math.max(max, used());
    }

    long maxMiB() {
      sample();
      return max / (1024 * 1024);
    }

    long afterGcMiB() {
      System.gc();
      return used() / (1024 * 1024);
    }

    private static long used() {
      return java.lang.management.ManagementFactory.getMemoryMXBean()
          .getHeapMemoryUsage()
          .getUsed();
    }
  }

  /** Creates a tenant, the hot SKU and another one with plenty of stock; returns the key. */
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
    http.send(
        put(base + "/v1/skus/COLD", key, "{\"name\":\"Another item\"}"),
        HttpResponse.BodyHandlers.discarding());
    http.send(
        post(
            base + "/v1/skus/COLD/adjustments",
            key,
            "{\"adjustmentId\":\"bench-stock\",\"delta\":" + stock + ",\"reason\":\"receipt\"}"),
        HttpResponse.BodyHandlers.discarding());
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
                "UPDATE stock SET available = available - 1 WHERE sku = ? AND available >= 1");
        statement.setString(1, "HOT");
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
