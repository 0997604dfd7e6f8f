package io.ecengine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console over real HTTP: its static files and their headers, the live stream (auth, events,
 * cap), the SKU event history and the KPI report in JSON and CSV.
 */
class ConsoleApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static Server server;
  private static ApiClient shop;
  private static ApiClient other;

  @BeforeAll
  static void start() {
    server =
        TestNode.start(
            "jdbc:h2:mem:ec-console-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
            "sa",
            "",
            // A client that went away is noticed at the latest when the next heartbeat cannot be
            // written; a short heartbeat keeps the cap test quick.
            Map.of(
                "ec.console.max-streams", 3,
                "ec.console.tick", "200ms",
                "ec.console.heartbeat", "1s"));
    shop = ApiClient.newTenant(server, "console");
    other = ApiClient.newTenant(server, "console-other");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void servesThePageWithAStrictPolicyAndRevalidation() {
    ApiClient anonymous = new ApiClient(server.port(), null);
    ApiClient.Response page = anonymous.get("/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.header("Content-Security-Policy"))
        .contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'")
        .doesNotContain("unsafe-inline");
    assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(page.header("Cache-Control")).isEqualTo("no-cache");
    assertThat(page.body()).contains("<script type=\"module\" src=\"/console/app.js\">");

    String etag = page.header("ETag");
    assertThat(etag).startsWith("\"");
    ApiClient.Response again = send(anonymous, "/", Map.of("If-None-Match", etag));
    assertThat(again.status()).isEqualTo(304);
    assertThat(again.body()).isEmpty();

    assertThat(anonymous.get("/console/app.js").header("Content-Type"))
        .startsWith("text/javascript");
    assertThat(anonymous.get("/console/app.css").header("Content-Type")).startsWith("text/css");
    assertThat(anonymous.get("/console/icon.svg").header("Content-Type"))
        .startsWith("image/svg+xml");
    anonymous.get("/console/missing.js").assertProblem(404, "route-not-found");
    anonymous.get("/console/..%2Fopenapi.yaml").assertProblem(404, "route-not-found");
    anonymous.get("/console/index.html").assertProblem(404, "route-not-found");
  }

  @Test
  void everyModuleThePageImportsIsServed() {
    ApiClient anonymous = new ApiClient(server.port(), null);
    List<String> pending = new ArrayList<>(List.of("app.js"));
    List<String> seen = new ArrayList<>();
    while (!pending.isEmpty()) {
      String name = pending.remove(0);
      if (seen.contains(name)) {
        continue;
      }
      seen.add(name);
      ApiClient.Response module = anonymous.get("/console/" + name);
      assertThat(module.status()).as(name).isEqualTo(200);
      java.util.regex.Matcher imports =
          java.util.regex.Pattern.compile("from '\\./([a-z0-9-]+\\.js)'").matcher(module.body());
      while (imports.find()) {
        pending.add(imports.group(1));
      }
    }
    assertThat(seen).contains("api.js", "overview.js", "skus.js", "kpis.js", "chart.js");
  }

  @Test
  void streamNeedsAKeyAndSendsTheOverviewAndTheSkuAsItChanges() throws Exception {
    new ApiClient(server.port(), null).get("/v1/console/events").assertProblem(401, "unauthorized");
    shop.put("/v1/skus/LIVE-TEE", Map.of("name", "Live tee"));
    shop.post(
        "/v1/skus/LIVE-TEE/adjustments",
        Map.of("adjustmentId", "in-1", "delta", 10, "reason", "receipt"));

    try (Events events = Events.open(shop.key(), "/v1/console/events?sku=LIVE-TEE")) {
      assertThat(events.contentType()).startsWith("text/event-stream");
      JsonNode overview = events.next("overview");
      assertThat(overview.path("ordersPerMinute").path("minutes")).hasSize(60);
      assertThat(overview.has("channels")).isTrue();
      assertThat(events.next("sku").path("onHand").asLong()).isEqualTo(10);

      shop.post(
          "/v1/skus/LIVE-TEE/adjustments",
          Map.of("adjustmentId", "in-2", "delta", 5, "reason", "receipt"));
      assertThat(events.next("sku").path("onHand").asLong()).isEqualTo(15);
    }
  }

  @Test
  void streamsBeyondTheCapAreRefusedWithRetryAfterAndFreedWhenClosed() throws Exception {
    // The cap is 3; other tests may hold one at a time.
    await().atMost(Duration.ofSeconds(30)).until(() -> openStreams() == 0);
    List<Events> open = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        open.add(Events.open(shop.key(), "/v1/console/events"));
      }
      HttpResponse<String> refused =
          HTTP.send(
              request("/v1/console/events", shop.key()).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      // Ordinary requests are not affected by the streams.
      assertThat(shop.get("/v1/console/overview").status()).isEqualTo(200);
    } finally {
      open.forEach(Events::close);
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> openStreams() == 0);
    try (Events again = Events.open(shop.key(), "/v1/console/events")) {
      assertThat(again.next("overview").has("stock")).isTrue();
    }
  }

  private static double openStreams() {
    String metrics = new ApiClient(server.port(), null).get("/metrics").body();
    return metrics
        .lines()
        .filter(l -> l.startsWith("console_streams "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1)))
        .findFirst()
        .orElse(-1);
  }

  @Test
  void skuHistoryIsNewestFirstPagedAndTenantScoped() {
    shop.put("/v1/skus/HIST", Map.of("name", "History"));
    for (int i = 1; i <= 4; i++) {
      shop.post(
          "/v1/skus/HIST/adjustments",
          Map.of("adjustmentId", "a-" + i, "delta", i, "reason", "receipt"));
    }
    ApiClient.Response first = shop.get("/v1/skus/HIST/events?limit=3");
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    JsonNode items = first.json().get("items");
    assertThat(items).hasSize(3);
    assertThat(items.get(0).get("type").asText()).isEqualTo("StockAdjusted");
    assertThat(items.get(0).get("data").get("delta").asLong()).isEqualTo(4);
    assertThat(items.get(0).get("sequenceNr").asLong())
        .isGreaterThan(items.get(2).get("sequenceNr").asLong());
    String cursor = first.json().get("nextCursor").asText();

    ApiClient.Response rest = shop.get("/v1/skus/HIST/events?limit=3&before=" + cursor);
    assertThat(rest.json().get("items")).hasSize(2);
    assertThat(rest.json().get("items").get(1).get("type").asText()).isEqualTo("SkuDefined");
    assertThat(rest.json().get("nextCursor").isNull()).isTrue();

    other.get("/v1/skus/HIST/events").assertProblem(404, "sku-not-found");
    shop.get("/v1/skus/HIST/events?limit=0").assertProblem(400, "invalid-request");
    shop.get("/v1/skus/HIST/events?before=x").assertProblem(400, "invalid-request");
  }

  @Test
  void kpisReportShippedReturnedAndWaitingOrdersAsJsonAndCsv() {
    shop.put("/v1/skus/KPI-MUG", Map.of("name", "Mug"));
    shop.post(
        "/v1/skus/KPI-MUG/adjustments",
        Map.of("adjustmentId", "in-1", "delta", 4, "reason", "receipt"));
    Instant from = Instant.now().minus(Duration.ofHours(1));
    String shipped = placeOrder("K-1", 2);
    assertThat(
            shop.post(
                    "/v1/orders/" + shipped + "/shipments",
                    Map.of("shipmentId", "box-1", "carrier", "yamato", "trackingNumber", "111"))
                .status())
        .isEqualTo(200);
    assertThat(
            shop.post(
                    "/v1/orders/" + shipped + "/returns",
                    Map.of(
                        "returnId",
                        "ret-1",
                        "lines",
                        List.of(Map.of("sku", "KPI-MUG", "quantity", 1, "condition", "damaged"))))
                .status())
        .isEqualTo(200);
    placeOrder("K-2", 5);
    String period = "from=" + from + "&to=" + Instant.now().plus(Duration.ofHours(1));

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              JsonNode report = shop.get("/v1/reports/kpis?" + period).json();
              assertThat(report.at("/shippingLeadTime/orders").asLong()).isEqualTo(1);
              assertThat(report.at("/shippingLeadTime/shareWithinTarget").asDouble())
                  .isEqualTo(1.0);
              assertThat(report.at("/returnRate/unitsShipped").asLong()).isEqualTo(2);
              assertThat(report.at("/returnRate/rate").asDouble()).isEqualTo(0.5);
              assertThat(report.at("/waitedForStock/stillWaiting").asLong()).isEqualTo(1);
              assertThat(report.at("/oversold/units").asLong()).isEqualTo(5);
              assertThat(report.at("/inventoryTurnover/unitsShipped").asLong()).isEqualTo(2);
              assertThat(report.at("/unitsSold").toString())
                  .contains("\"sku\":\"KPI-MUG\"", "\"units\":7");
            });
    ApiClient.Response csv = send(shop, "/v1/reports/kpis?" + period, Map.of("Accept", "text/csv"));
    assertThat(csv.status()).isEqualTo(200);
    assertThat(csv.header("Content-Type")).startsWith("text/csv");
    assertThat(csv.header("Content-Disposition")).startsWith("attachment");
    assertThat(csv.body())
        .startsWith("metric,sku,channel_id,value\r\n")
        .contains("return_rate,,,0.5\r\n", "units_sold,KPI-MUG,kpi-shop,7\r\n");
    assertThat(shop.get("/v1/reports/kpis?format=csv&" + period).body()).isEqualTo(csv.body());
    // Another tenant sees none of it.
    assertThat(other.get("/v1/reports/kpis?" + period).json().at("/unitsSold")).isEmpty();

    shop.get("/v1/reports/kpis?from=yesterday").assertProblem(400, "invalid-request");
    shop.get("/v1/reports/kpis?from=2026-02-01&to=2026-01-01")
        .assertProblem(400, "invalid-request");
    shop.get("/v1/reports/kpis?from=2024-01-01&to=2026-01-01")
        .assertProblem(400, "invalid-request");
    shop.get("/v1/reports/kpis?format=xml").assertProblem(400, "invalid-request");
    assertThat(shop.get("/v1/reports/kpis?from=2026-01-01").json().get("to").asText())
        .isEqualTo("2026-01-08T00:00:00Z");
  }

  private static String placeOrder(String channelOrderId, int quantity) {
    ApiClient.Response placed =
        shop.post(
            "/v1/orders",
            Map.of(
                "channelId",
                "kpi-shop",
                "channelOrderId",
                channelOrderId,
                "lines",
                List.of(Map.of("sku", "KPI-MUG", "quantity", quantity))));
    assertThat(placed.status()).as(placed.body()).isEqualTo(201);
    String orderId = placed.json().get("orderId").asText();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                !shop.get("/v1/orders/" + orderId)
                    .json()
                    .get("status")
                    .asText()
                    .equals("ALLOCATING"));
    return orderId;
  }

  private static HttpRequest.Builder request(String path, String key) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(30));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return b;
  }

  private static ApiClient.Response send(
      ApiClient client, String path, Map<String, String> headers) {
    HttpRequest.Builder b = request(path, client.key());
    headers.forEach(b::header);
    try {
      HttpResponse<String> r = HTTP.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
      JsonNode node =
          r.body().isEmpty() || r.body().charAt(0) != '{' ? null : JSON.readTree(r.body());
      return new ApiClient.Response(r.statusCode(), node, r.body(), r);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A client of the event stream, reading frames on its own thread. */
  private static final class Events implements AutoCloseable {
    private final HttpResponse<InputStream> response;
    private final BlockingQueue<String[]> frames = new LinkedBlockingQueue<>();
    private final List<String[]> held = new ArrayList<>();
    private final Thread reader;

    private Events(HttpResponse<InputStream> response) {
      this.response = response;
      this.reader = new Thread(this::read, "sse-reader");
      reader.setDaemon(true);
      reader.start();
    }

    static Events open(String key, String path) throws Exception {
      HttpResponse<InputStream> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                  .header("Authorization", "Bearer " + key)
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(response.statusCode()).isEqualTo(200);
      return new Events(response);
    }

    String contentType() {
      return response.headers().firstValue("Content-Type").orElse("");
    }

    private void read() {
      try (BufferedReader lines =
          new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
        String event = null;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          if (line.startsWith("event: ")) {
            event = line.substring(7);
          } else if (line.startsWith("data: ") && event != null) {
            frames.add(new String[] {event, line.substring(6)});
            event = null;
          }
        }
      } catch (Exception closed) {
        // The test closed the stream.
      }
    }

    /** The next event of this type; events of other types stay for later. Fails after 30 s. */
    JsonNode next(String type) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        for (String[] frame : held) {
          if (frame[0].equals(type)) {
            held.remove(frame);
            return JSON.readTree(frame[1]);
          }
        }
        String[] frame = frames.poll(1, TimeUnit.SECONDS);
        if (frame != null) {
          held.add(frame);
        }
      }
      throw new AssertionError("No " + type + " event within 30 s");
    }

    @Override
    public void close() {
      try {
        response.body().close();
      } catch (Exception e) {
        // already closed
      }
      reader.interrupt();
    }
  }
}
