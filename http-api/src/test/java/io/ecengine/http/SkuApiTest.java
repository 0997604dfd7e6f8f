package io.ecengine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SkuApiTest {

  private static Server server;
  private static ApiClient shop;

  @BeforeAll
  static void start() {
    server = TestNode.startOnH2();
    shop = ApiClient.newTenant(server, "shop-a");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static void defineWithStock(String sku, long onHand) {
    assertThat(shop.put("/v1/skus/" + sku, Map.of("name", "Item " + sku)).status()).isEqualTo(201);
    if (onHand > 0) {
      ApiClient.Response adjusted =
          shop.post(
              "/v1/skus/" + sku + "/adjustments",
              Map.of("adjustmentId", "init-" + sku, "delta", onHand, "reason", "receipt"));
      assertThat(adjusted.status()).as(adjusted.body()).isEqualTo(200);
    }
  }

  @Test
  void definesRenamesAndReadsASku() {
    ApiClient.Response created = shop.put("/v1/skus/TSHIRT-M", Map.of("name", "T-shirt M"));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.header("Location")).isEqualTo("/v1/skus/TSHIRT-M");
    assertThat(created.json().get("available").asLong()).isZero();

    assertThat(shop.put("/v1/skus/TSHIRT-M", Map.of("name", "T-shirt M")).status()).isEqualTo(200);
    ApiClient.Response renamed = shop.put("/v1/skus/TSHIRT-M", Map.of("name", "Tee M"));
    assertThat(renamed.status()).isEqualTo(200);
    assertThat(shop.get("/v1/skus/TSHIRT-M").json().get("name").asText()).isEqualTo("Tee M");
  }

  @Test
  void adjustmentsAreIdempotentAndNeverTakeOnHandBelowReserved() {
    defineWithStock("MUG", 10);
    Map<String, Object> damage = Map.of("adjustmentId", "d-1", "delta", -2, "reason", "damage");
    ApiClient.Response first = shop.post("/v1/skus/MUG/adjustments", damage);
    assertThat(first.json().get("onHand").asLong()).isEqualTo(8);
    ApiClient.Response retry = shop.post("/v1/skus/MUG/adjustments", damage);
    assertThat(retry.status()).isEqualTo(200);
    assertThat(retry.json()).isEqualTo(first.json());

    shop.post(
            "/v1/skus/MUG/adjustments",
            Map.of("adjustmentId", "d-1", "delta", -3, "reason", "damage"))
        .assertProblem(409, "id-reused");

    shop.post("/v1/skus/MUG/reservations", Map.of("reservationId", "r-1", "quantity", 6));
    shop.post(
            "/v1/skus/MUG/adjustments",
            Map.of("adjustmentId", "count-1", "delta", -3, "reason", "count"))
        .assertProblem(409, "below-reserved");
    assertThat(shop.get("/v1/skus/MUG").json().get("onHand").asLong()).isEqualTo(8);
  }

  @Test
  void reservesReleasesAndCommits() {
    defineWithStock("CAP", 5);
    ApiClient.Response reserved =
        shop.post(
            "/v1/skus/CAP/reservations",
            Map.of("reservationId", "order-1", "quantity", 2, "channelId", "tiktok-live"));
    assertThat(reserved.status()).isEqualTo(201);
    assertThat(reserved.json().get("available").asLong()).isEqualTo(3);
    assertThat(reserved.json().get("channelId").asText()).isEqualTo("tiktok-live");

    ApiClient.Response again =
        shop.post(
            "/v1/skus/CAP/reservations",
            Map.of("reservationId", "order-1", "quantity", 2, "channelId", "tiktok-live"));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json()).isEqualTo(reserved.json());

    shop.post("/v1/skus/CAP/reservations", Map.of("reservationId", "order-1", "quantity", 3))
        .assertProblem(409, "id-reused");

    ApiClient.Response tooMany =
        shop.post("/v1/skus/CAP/reservations", Map.of("reservationId", "order-2", "quantity", 4))
            .assertProblem(409, "insufficient-stock");
    assertThat(tooMany.json().get("available").asLong()).isEqualTo(3);

    ApiClient.Response committed = shop.post("/v1/skus/CAP/reservations/order-1/commit", "");
    assertThat(committed.status()).as(committed.body()).isEqualTo(200);
    assertThat(committed.json().at("/levels/onHand").asLong()).isEqualTo(3);
    assertThat(committed.json().at("/levels/reserved").asLong()).isZero();
    shop.delete("/v1/skus/CAP/reservations/order-1").assertProblem(409, "reservation-closed");

    shop.post("/v1/skus/CAP/reservations", Map.of("reservationId", "order-3", "quantity", 1));
    ApiClient.Response released = shop.delete("/v1/skus/CAP/reservations/order-3");
    assertThat(released.status()).isEqualTo(200);
    assertThat(released.json().at("/levels/available").asLong()).isEqualTo(3);
    assertThat(shop.delete("/v1/skus/CAP/reservations/order-3").status()).isEqualTo(200);
    shop.delete("/v1/skus/CAP/reservations/nope").assertProblem(404, "reservation-not-found");
  }

  @Test
  void safetyStockIsHeldBackAndAvailableNeverNegative() {
    defineWithStock("BAG", 4);
    ApiClient.Response set = shop.put("/v1/skus/BAG/safety-stock", Map.of("quantity", 3));
    assertThat(set.json().get("available").asLong()).isEqualTo(1);
    shop.post("/v1/skus/BAG/reservations", Map.of("reservationId", "b-1", "quantity", 2))
        .assertProblem(409, "insufficient-stock");
    shop.put("/v1/skus/BAG/safety-stock", Map.of("quantity", 10));
    assertThat(shop.get("/v1/skus/BAG").json().get("available").asLong()).isZero();
  }

  @Test
  void anExpiredHoldIsReleasedByTheTimer() {
    defineWithStock("LIVE-1", 3);
    ApiClient.Response held =
        shop.post(
            "/v1/skus/LIVE-1/reservations",
            Map.of("reservationId", "cart-1", "quantity", 3, "expiresInSeconds", 1));
    assertThat(held.json().get("expiresAt").asText()).isNotBlank();
    assertThat(shop.get("/v1/skus/LIVE-1").json().get("available").asLong()).isZero();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(shop.get("/v1/skus/LIVE-1").json().get("available").asLong())
                    .isEqualTo(3));
    shop.post("/v1/skus/LIVE-1/reservations/cart-1/commit", "")
        .assertProblem(409, "reservation-closed");
  }

  @Test
  void listsSkusFromTheReadSideWithACursor() {
    ApiClient lister = ApiClient.newTenant(server, "lister");
    for (int i = 0; i < 5; i++) {
      assertThat(lister.put("/v1/skus/L-" + i, Map.of("name", "L" + i)).status()).isEqualTo(201);
    }
    lister.post(
        "/v1/skus/L-0/adjustments", Map.of("adjustmentId", "a", "delta", 7, "reason", "receipt"));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              ApiClient.Response all = lister.get("/v1/skus?limit=10");
              assertThat(all.json().get("items")).hasSize(5);
              assertThat(all.json().at("/items/0/onHand").asLong()).isEqualTo(7);
            });
    ApiClient.Response first = lister.get("/v1/skus?limit=2");
    assertThat(first.json().get("items")).hasSize(2);
    String cursor = first.json().get("nextCursor").asText();
    ApiClient.Response second = lister.get("/v1/skus?limit=2&cursor=" + cursor);
    assertThat(second.json().at("/items/0/sku").asText()).isEqualTo("L-2");
    ApiClient.Response last = lister.get("/v1/skus?limit=10&cursor=" + cursor);
    assertThat(last.json().get("items")).hasSize(3);
    assertThat(last.json().get("nextCursor").isNull()).isTrue();
  }

  @Test
  void healthReadyMetricsAndOpenApiNeedNoKey() {
    ApiClient anonymous = shop.withKey(null);
    assertThat(anonymous.get("/health").status()).isEqualTo(200);
    await().untilAsserted(() -> assertThat(anonymous.get("/ready").status()).isEqualTo(200));
    assertThat(anonymous.get("/metrics").body()).contains("http_server_requests");
    assertThat(anonymous.get("/v1/openapi.yaml").body()).startsWith("openapi: 3.1.0");
  }
}
