package io.ecengine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shipping capacity guard pauses a channel when the backlog outgrows its SLA, and resumes. */
class ShippingCapacityTest {

  private static Server server;
  private static ApiClient shop;

  @BeforeAll
  static void start() {
    server =
        TestNode.start(
            "jdbc:h2:mem:ec-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
            "sa",
            "",
            Map.of("ec.shipping-capacity.check-interval", "200ms"));
    shop = ApiClient.newTenant(server, "capacity");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Map<String, Object> order(String channel, String number) {
    return Map.of(
        "channelId",
        channel,
        "channelOrderId",
        number,
        "lines",
        List.of(Map.of("sku", "MUG", "quantity", 1)));
  }

  private static JsonNode channel(String id) {
    return shop.get("/v1/channels/" + id).json();
  }

  @Test
  void pausesWhenOpenOrdersOutgrowTheSlaAndResumesWhenTheyShip() {
    shop.put("/v1/skus/MUG", Map.of("name", "Mug"));
    shop.post(
        "/v1/skus/MUG/adjustments",
        Map.of("adjustmentId", "in-1", "delta", 100, "reason", "receipt"));
    Map<String, Object> rakuten =
        Map.of(
            "marketplace",
            "rakuten",
            "baseUrl",
            "http://127.0.0.1:9/es",
            "credentials",
            Map.of("service_secret", "s", "license_key", "k"),
            "shippingSla",
            Map.of("shipWithinHours", 24, "cutoff", "15:00"));
    shop.put("/v1/channels/rakuten-main", rakuten);
    shop.put("/v1/channels/rakuten-other", rakuten);

    shop.put("/v1/shipping-capacity", Map.of("ordersPerDay", 2, "pauseChannels", List.of("nope")))
        .assertProblem(400, "invalid-request");
    ApiClient.Response set =
        shop.put(
            "/v1/shipping-capacity",
            Map.of("ordersPerDay", 2, "pauseChannels", List.of("rakuten-main")));
    assertThat(set.status()).as(set.body()).isEqualTo(200);
    assertThat(set.json().get("pauseChannels").get(0).get("limit").asLong()).isEqualTo(2);

    List<String> ids =
        List.of("R-1", "R-2", "R-3").stream()
            .map(n -> shop.post("/v1/orders", order("rakuten-main", n)).json().get("orderId"))
            .map(JsonNode::asText)
            .toList();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(channel("rakuten-main").get("paused").asBoolean()).isTrue());
    assertThat(channel("rakuten-main").get("pauseReason").asText())
        .contains("shipping capacity", "3 open orders");
    assertThat(channel("rakuten-other").get("paused").asBoolean()).isFalse();
    shop.post("/v1/orders", order("rakuten-main", "R-4")).assertProblem(409, "channel-paused");
    // An order the channel already has is answered as before, so a client's retry sees it.
    ApiClient.Response retried = shop.post("/v1/orders", order("rakuten-main", "R-1"));
    assertThat(retried.status()).as(retried.body()).isEqualTo(200);
    assertThat(retried.json().get("orderId").asText()).isEqualTo(ids.get(0));

    for (String id : ids.subList(0, 2)) {
      ApiClient.Response shipped =
          shop.post(
              "/v1/orders/" + id + "/shipments",
              Map.of("shipmentId", "s-" + id, "carrier", "yamato", "trackingNumber", "T" + id));
      assertThat(shipped.status()).as(shipped.body()).isLessThan(300);
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(channel("rakuten-main").get("paused").asBoolean()).isFalse());
    assertThat(shop.get("/v1/shipping-capacity").json().get("openOrders").asLong()).isEqualTo(1);
  }

  @Test
  void neverResumesAChannelAnOperatorPaused() {
    Map<String, Object> rakuten =
        Map.of(
            "marketplace",
            "rakuten",
            "baseUrl",
            "http://127.0.0.1:9/es",
            "credentials",
            Map.of("service_secret", "s", "license_key", "k"));
    shop.put("/v1/channels/rakuten-manual", rakuten);
    shop.post("/v1/channels/rakuten-manual/pause", Map.of("reason", "RMS maintenance"));
    shop.put(
        "/v1/shipping-capacity",
        Map.of("ordersPerDay", 1000, "pauseChannels", List.of("rakuten-manual")));
    // The PUT ran the check (backlog far below capacity) before answering.
    JsonNode manual = channel("rakuten-manual");
    assertThat(manual.get("paused").asBoolean()).isTrue();
    assertThat(manual.get("pauseReason").asText()).isEqualTo("RMS maintenance");
    assertThat(shop.delete("/v1/shipping-capacity").status()).isEqualTo(204);
    assertThat(channel("rakuten-manual").get("paused").asBoolean()).isTrue();
    shop.get("/v1/shipping-capacity").assertProblem(404, "capacity-not-set");
  }
}
