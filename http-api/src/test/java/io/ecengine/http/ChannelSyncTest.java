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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stock pushes end to end over real HTTP: the engine's channel actor against a small stand-in for
 * Amazon's Listings Items API that records the quantity of each seller SKU, and can throttle.
 */
class ChannelSyncTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> AMAZON =
      Map.of("access_token", "Atza|secret", "seller_id", "S1", "marketplace_id", "M1");

  private static Server server;
  private static ApiClient shop;
  private static HttpServer amazon;
  private static final Map<String, Long> shown = new ConcurrentHashMap<>();
  private static final AtomicInteger throttleNext = new AtomicInteger();
  private static final AtomicInteger calls = new AtomicInteger();
  private static final Map<String, List<Long>> pushed = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws IOException {
    amazon = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    amazon.createContext("/amazon", ChannelSyncTest::listingsPatch);
    amazon.start();
    server = TestNode.startOnH2();
    shop = ApiClient.newTenant(server, "sync");
  }

  @AfterAll
  static void stop() {
    server.close();
    amazon.stop(0);
  }

  // PATCH /listings/2021-08-01/items/{sellerId}/{sku}: take the quantity, answer ACCEPTED.
  private static void listingsPatch(HttpExchange exchange) throws IOException {
    calls.incrementAndGet();
    byte[] request = exchange.getRequestBody().readAllBytes();
    String answer;
    int status;
    if (throttleNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      status = 429;
      answer = "{\"errors\":[{\"code\":\"QuotaExceeded\",\"message\":\"slow down\"}]}";
      exchange.getResponseHeaders().add("Retry-After", "0.2");
    } else {
      String path = exchange.getRequestURI().getRawPath();
      String sku =
          URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1), StandardCharsets.UTF_8);
      JsonNode body = JSON.readTree(request);
      long quantity = body.path("patches").get(0).path("value").get(0).path("quantity").asLong();
      shown.put(sku, quantity);
      pushed.computeIfAbsent(sku, k -> new CopyOnWriteArrayList<>()).add(quantity);
      status = 200;
      answer = "{\"sku\":\"" + sku + "\",\"status\":\"ACCEPTED\",\"issues\":[]}";
    }
    byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static String baseUrl() {
    return "http://127.0.0.1:" + amazon.getAddress().getPort() + "/amazon";
  }

  private static void awaitShown(String sellerSku, long quantity) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(shown.get(sellerSku)).isEqualTo(quantity));
  }

  @Test
  void pushesEveryChangeAndPausesToZero() {
    shop.put("/v1/skus/MUG", Map.of("name", "Mug"));
    shop.post(
        "/v1/skus/MUG/adjustments",
        Map.of("adjustmentId", "in-1", "delta", 10, "reason", "receipt"));
    assertThat(
            shop.put(
                    "/v1/channels/amazon-jp",
                    Map.of("marketplace", "amazon", "baseUrl", baseUrl(), "credentials", AMAZON))
                .status())
        .isEqualTo(201);
    shop.put("/v1/channels/amazon-jp/listings/MUG", Map.of("ids", Map.of("seller_sku", "A-MUG")));
    awaitShown("A-MUG", 10);

    shop.post("/v1/skus/MUG/reservations", Map.of("reservationId", "r-1", "quantity", 4));
    awaitShown("A-MUG", 6);

    assertThat(shop.post("/v1/channels/amazon-jp/pause", Map.of()).status()).isEqualTo(200);
    awaitShown("A-MUG", 0);
    // While paused, new stock changes nothing on the marketplace.
    shop.post(
        "/v1/skus/MUG/adjustments",
        Map.of("adjustmentId", "in-2", "delta", 5, "reason", "receipt"));
    JsonNode sync = shop.get("/v1/channels/amazon-jp/sync").json();
    assertThat(sync.get("paused").asBoolean()).isTrue();
    assertThat(shown.get("A-MUG")).isZero();

    shop.post("/v1/channels/amazon-jp/resume", Map.of());
    awaitShown("A-MUG", 11);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonNode status = shop.get("/v1/channels/amazon-jp/sync").json();
              assertThat(status.get("queueLength").asInt()).isZero();
              assertThat(status.get("lastPushes").toString()).contains("\"quantity\":11");
            });
  }

  @Test
  void backsOffWhenThrottledAndStillConverges() {
    shop.put("/v1/skus/CAP", Map.of("name", "Cap"));
    shop.post(
        "/v1/skus/CAP/adjustments",
        Map.of("adjustmentId", "in-1", "delta", 7, "reason", "receipt"));
    shop.put(
        "/v1/channels/amazon-throttled",
        Map.of("marketplace", "amazon", "baseUrl", baseUrl(), "credentials", AMAZON));
    throttleNext.set(2);
    shop.put(
        "/v1/channels/amazon-throttled/listings/CAP", Map.of("ids", Map.of("seller_sku", "T-CAP")));
    awaitShown("T-CAP", 7);
    JsonNode sync = shop.get("/v1/channels/amazon-throttled/sync").json();
    assertThat(sync.get("throttledCalls").asLong()).isPositive();
  }

  @Test
  void leavesTheMarketplacesOwnSalesToItAndPushesWhatOthersSold() {
    for (String sku : List.of("LAMP", "BULB")) {
      shop.put("/v1/skus/" + sku, Map.of("name", sku));
      shop.post(
          "/v1/skus/" + sku + "/adjustments",
          Map.of("adjustmentId", "in-1", "delta", 10, "reason", "receipt"));
    }
    shop.put(
        "/v1/channels/amazon-own",
        Map.of("marketplace", "amazon", "baseUrl", baseUrl(), "credentials", AMAZON));
    shop.put(
        "/v1/channels/amazon-own/listings/LAMP", Map.of("ids", Map.of("seller_sku", "O-LAMP")));
    shop.put(
        "/v1/channels/amazon-own/listings/BULB", Map.of("ids", Map.of("seller_sku", "O-BULB")));
    awaitShown("O-LAMP", 10);
    awaitShown("O-BULB", 10);

    // Amazon sold 2 lamps and already shows 8; the order reaching the engine is no news to it.
    shown.put("O-LAMP", 8L);
    assertThat(
            shop.post(
                    "/v1/orders",
                    Map.of(
                        "channelId",
                        "amazon-own",
                        "channelOrderId",
                        "503-0000001",
                        "lines",
                        List.of(Map.of("sku", "LAMP", "quantity", 2))))
                .json()
                .get("status")
                .asText())
        .isEqualTo("ALLOCATED");
    // A later change of another SKU on the same channel: once it is shown, the lamp's change has
    // been looked at too.
    shop.post(
        "/v1/skus/BULB/adjustments",
        Map.of("adjustmentId", "in-2", "delta", 1, "reason", "receipt"));
    awaitShown("O-BULB", 11);
    assertThat(pushed.get("O-LAMP")).containsExactly(10L);

    // A lamp sold elsewhere is news: Amazon is told 7.
    shop.post(
        "/v1/orders",
        Map.of(
            "channelId",
            "web",
            "channelOrderId",
            "w-1",
            "lines",
            List.of(Map.of("sku", "LAMP", "quantity", 1))));
    awaitShown("O-LAMP", 7);
    assertThat(pushed.get("O-LAMP")).containsExactly(10L, 7L);

    // Two lamps sold on Amazon inside a set: the lamp's own listing did not count them down.
    shop.put(
        "/v1/skus/LAMP-SET",
        Map.of("name", "Two lamps", "components", List.of(Map.of("sku", "LAMP", "quantity", 2))));
    shop.post(
        "/v1/orders",
        Map.of(
            "channelId",
            "amazon-own",
            "channelOrderId",
            "503-0000002",
            "lines",
            List.of(Map.of("sku", "LAMP-SET", "quantity", 1))));
    awaitShown("O-LAMP", 5);
  }
}
