package io.ecengine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How a channel shapes and retries its calls, against small stand-ins for Rakuten's bulk-upsert and
 * Amazon's Listings Items PATCH over real HTTP: a quantity is read just before the request that
 * carries it, a SKU the marketplace refuses goes alone while the others go on together, and a
 * marketplace that says when to come back is waited for.
 */
class ChannelCallsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> RAKUTEN =
      Map.of("service_secret", "s", "license_key", "k");
  private static final Map<String, String> AMAZON =
      Map.of("access_token", "Atza|secret", "seller_id", "S1", "marketplace_id", "M1");

  private static Server server;
  private static ApiClient shop;
  private static HttpServer marketplace;

  // Rakuten: the manageNumbers of each bulk-upsert call, in order; items refused by manageNumber.
  private static final List<List<String>> rakutenCalls = new CopyOnWriteArrayList<>();
  private static final Map<String, Long> rakutenShown = new ConcurrentHashMap<>();
  private static final String REFUSED = "BROKEN-ITEM";
  private static final AtomicReference<CountDownLatch> rakutenGate = new AtomicReference<>();

  // Amazon: every quantity each seller SKU was sent, when, and a gate that holds calls back.
  private static final Map<String, List<Long>> amazonPushed = new ConcurrentHashMap<>();
  private static final List<Instant> amazonCallTimes = new CopyOnWriteArrayList<>();
  private static final Map<String, List<Instant>> amazonCallTimesBySku = new ConcurrentHashMap<>();
  private static final AtomicReference<CountDownLatch> amazonGate = new AtomicReference<>();
  private static final AtomicInteger amazonUnavailable = new AtomicInteger();

  @BeforeAll
  static void start() throws IOException {
    marketplace = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    marketplace.createContext("/rakuten", ChannelCallsTest::rakuten);
    marketplace.createContext("/amazon", ChannelCallsTest::amazon);
    marketplace.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    marketplace.start();
    server = TestNode.startOnH2();
    shop = ApiClient.newTenant(server, "calls");
  }

  @AfterAll
  static void stop() {
    server.close();
    marketplace.stop(0);
  }

  private static String base(String path) {
    return "http://127.0.0.1:" + marketplace.getAddress().getPort() + path;
  }

  // POST /es/2.0/inventories/bulk-upsert: 204, or 400 naming the refused items by position; held
  // while the gate is closed.
  private static void rakuten(HttpExchange exchange) throws IOException {
    if (!exchange.getRequestURI().getPath().endsWith("/inventories/bulk-upsert")) {
      answer(exchange, 404, "{\"errors\":[]}");
      return;
    }
    JsonNode inventories = JSON.readTree(exchange.getRequestBody()).path("inventories");
    List<String> items = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < inventories.size(); i++) {
      String item = inventories.get(i).path("manageNumber").asText();
      items.add(item);
      if (item.equals(REFUSED)) {
        errors.add(
            "{\"code\":\"IE0112\",\"message\":\"the item is not on sale\","
                + "\"metadata\":{\"propertyPath\":\"inventories["
                + i
                + "].manageNumber\"}}");
      }
    }
    rakutenCalls.add(items);
    waitAt(rakutenGate);
    if (!errors.isEmpty()) {
      answer(exchange, 400, "{\"errors\":[" + String.join(",", errors) + "]}");
      return;
    }
    for (JsonNode inventory : inventories) {
      rakutenShown.put(
          inventory.path("manageNumber").asText(), inventory.path("quantity").asLong());
    }
    exchange.sendResponseHeaders(204, -1);
    exchange.close();
  }

  /** Holds the marketplace's answer while the test keeps the gate closed (at most 30 s). */
  private static void waitAt(AtomicReference<CountDownLatch> gate) {
    CountDownLatch latch = gate.get();
    if (latch != null) {
      try {
        latch.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // PATCH /listings/2021-08-01/items/{sellerId}/{sku}: held while the gate is closed; a 503 with
  // Retry-After as often as asked; else ACCEPTED, recording the quantity.
  private static void amazon(HttpExchange exchange) throws IOException {
    amazonCallTimes.add(Instant.now());
    waitAt(amazonGate);
    String path = exchange.getRequestURI().getRawPath();
    String sku =
        URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1), StandardCharsets.UTF_8);
    amazonCallTimesBySku.computeIfAbsent(sku, k -> new CopyOnWriteArrayList<>()).add(Instant.now());
    if (sku.startsWith("S-X-")) {
      answer(exchange, 401, "{\"errors\":[{\"code\":\"Unauthorized\"}]}");
      return;
    }
    if (sku.startsWith("S-W-") && amazonUnavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      exchange.getResponseHeaders().add("Retry-After", "2");
      answer(exchange, 503, "{\"errors\":[{\"code\":\"ServiceUnavailable\"}]}");
      return;
    }
    JsonNode body = JSON.readTree(exchange.getRequestBody());
    long quantity = body.path("patches").get(0).path("value").get(0).path("quantity").asLong();
    amazonPushed.computeIfAbsent(sku, k -> new CopyOnWriteArrayList<>()).add(quantity);
    answer(exchange, 200, "{\"sku\":\"" + sku + "\",\"status\":\"ACCEPTED\",\"issues\":[]}");
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static void importListings(String channelId, String csv) {
    ApiClient.Response imported =
        shop.raw(
            "POST",
            "/v1/channels/" + channelId + "/listings/import",
            "text/csv",
            csv.getBytes(StandardCharsets.UTF_8));
    assertThat(imported.status()).as(imported.body()).isEqualTo(200);
  }

  private static void stock(String sku, long units) {
    shop.put("/v1/skus/" + sku, Map.of("name", sku));
    receive(sku, "in-" + sku, units);
  }

  private static void receive(String sku, String adjustmentId, long units) {
    shop.post(
        "/v1/skus/" + sku + "/adjustments",
        Map.of("adjustmentId", adjustmentId, "delta", units, "reason", "receipt"));
  }

  @Test
  void aRefusedSkuIsRetriedAloneWhileTheOthersGoOnTogether() {
    stock("R-GOOD-1", 5);
    stock("R-BROKEN", 6);
    stock("R-GOOD-2", 7);
    shop.put(
        "/v1/channels/rakuten-calls",
        Map.of(
            "marketplace",
            "rakuten",
            "baseUrl",
            base("/rakuten"),
            "credentials",
            RAKUTEN,
            "rateLimit",
            20));
    importListings(
        "rakuten-calls",
        "sku,manage_number,variant_id\n"
            + "R-GOOD-1,GOOD-1,v\n"
            + "R-BROKEN,"
            + REFUSED
            + ",v\n"
            + "R-GOOD-2,GOOD-2,v\n");

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(rakutenShown).containsEntry("GOOD-1", 5L).containsEntry("GOOD-2", 7L);
              assertThat(shop.get("/v1/channels/rakuten-calls/sync").json().path("errors"))
                  .anyMatch(
                      error ->
                          error.path("sku").asText().equals("R-BROKEN")
                              && error.path("error").asText().contains("IE0112"));
            });
    List<List<String>> calls = List.copyOf(rakutenCalls);
    // The first call carried the refused item with the others; every later call that carries it
    // carries it alone, and the good items went through without it.
    assertThat(calls.get(0)).contains(REFUSED);
    assertThat(calls.subList(1, calls.size()))
        .filteredOn(call -> call.contains(REFUSED))
        .isNotEmpty()
        .allMatch(call -> call.size() == 1);
    assertThat(calls).anyMatch(call -> call.contains("GOOD-1") && !call.contains(REFUSED));
    assertThat(rakutenShown).doesNotContainKey(REFUSED);

    // Refused often enough (ec.channels.max-rejections is 3), the SKU waits for its next change.
    // When it changes together with a good one, it still goes alone: a call of the good one is
    // held at the marketplace while both change, so that the next call could carry them together.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> rakutenCalls.stream().filter(call -> call.contains(REFUSED)).count() >= 3);
    CountDownLatch gate = new CountDownLatch(1);
    rakutenGate.set(gate);
    int before = rakutenCalls.size();
    receive("R-GOOD-1", "again-R-GOOD-1", 1);
    await().atMost(Duration.ofSeconds(30)).until(() -> rakutenCalls.size() > before);
    receive("R-BROKEN", "again-R-BROKEN", 1);
    receive("R-GOOD-2", "again-R-GOOD-2", 1);
    rakutenGate.set(null);
    gate.countDown();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(rakutenShown).containsEntry("GOOD-1", 6L).containsEntry("GOOD-2", 8L);
              assertThat(rakutenCalls.subList(before, rakutenCalls.size()))
                  .anyMatch(call -> call.contains(REFUSED));
            });
    List<List<String>> later = List.copyOf(rakutenCalls);
    assertThat(later.subList(before, later.size()))
        .filteredOn(call -> call.contains(REFUSED))
        .allMatch(call -> call.size() == 1);
  }

  @Test
  void aQuantityIsReadJustBeforeTheRequestThatCarriesIt() throws Exception {
    stock("A-1", 10);
    stock("A-2", 10);
    stock("A-3", 10);
    CountDownLatch gate = new CountDownLatch(1);
    amazonGate.set(gate);
    int before = amazonCallTimes.size();
    // Amazon takes one SKU a call; a batch size of 10 lets the channel take all three at once.
    shop.put(
        "/v1/channels/amazon-calls",
        Map.of(
            "marketplace",
            "amazon",
            "baseUrl",
            base("/amazon"),
            "credentials",
            AMAZON,
            "batchSize",
            10));
    importListings("amazon-calls", "sku,seller_sku\nA-1,S-A-1\nA-2,S-A-2\nA-3,S-A-3\n");
    // The first call is held at the marketplace; meanwhile every SKU sells 4.
    await().atMost(Duration.ofSeconds(30)).until(() -> amazonCallTimes.size() > before);
    for (String sku : List.of("A-1", "A-2", "A-3")) {
      shop.post(
          "/v1/skus/" + sku + "/reservations", Map.of("reservationId", "r-" + sku, "quantity", 4));
    }
    amazonGate.set(null);
    gate.countDown();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              for (String sku : List.of("S-A-1", "S-A-2", "S-A-3")) {
                List<Long> sent = amazonPushed.getOrDefault(sku, List.of());
                assertThat(sent).isNotEmpty();
                assertThat(sent.get(sent.size() - 1)).isEqualTo(6L);
              }
            });
    // Only the call already at the marketplace could carry the old 10; the SKUs that waited for
    // their turn were read again and never sent a quantity they no longer had.
    long staleCalls = amazonPushed.values().stream().filter(sent -> sent.get(0) == 10L).count();
    assertThat(staleCalls).isLessThanOrEqualTo(1);
  }

  @Test
  void aMarketplaceThatSaysWhenToComeBackIsWaitedFor() {
    stock("W-1", 3);
    amazonUnavailable.set(1);
    shop.put(
        "/v1/channels/amazon-maintenance",
        Map.of("marketplace", "amazon", "baseUrl", base("/amazon"), "credentials", AMAZON));
    shop.put(
        "/v1/channels/amazon-maintenance/listings/W-1",
        Map.of("ids", Map.of("seller_sku", "S-W-1")));

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(amazonPushed.get("S-W-1")).containsExactly(3L));
    List<Instant> times = List.copyOf(amazonCallTimesBySku.get("S-W-1"));
    assertThat(times).hasSizeGreaterThanOrEqualTo(2);
    // Retry-After: 2 on the 503; our own back-off would have tried again after one second.
    assertThat(Duration.between(times.get(0), times.get(1)))
        .isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    assertThat(shop.get("/v1/channels/amazon-maintenance/sync").json().path("lastError").asText())
        .contains("503");
  }

  @Test
  void refusedCredentialsShowAsAWarning() {
    stock("X-1", 2);
    shop.put(
        "/v1/channels/amazon-expired",
        Map.of("marketplace", "amazon", "baseUrl", base("/amazon"), "credentials", AMAZON));
    shop.put(
        "/v1/channels/amazon-expired/listings/X-1", Map.of("ids", Map.of("seller_sku", "S-X-1")));

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        shop.get("/v1/channels/amazon-expired/sync")
                            .json()
                            .path("warnings")
                            .toString())
                    .contains("refused the credentials"));
    assertThat(shop.get("/v1/channels/amazon-expired/sync").body()).doesNotContain("Atza|secret");
  }
}
