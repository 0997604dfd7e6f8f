package io.ecengine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecengine.persistence.PostgresTestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against the real PostgreSQL server: every write the API acknowledged is there after the node is
 * stopped and a new one starts on the same database.
 */
class PostgresDurabilityTest {

  private PostgresTestDatabase database;

  @BeforeEach
  void createSchema() {
    database = PostgresTestDatabase.create();
  }

  @AfterEach
  void dropSchema() {
    database.close();
  }

  private Server startNode() {
    return TestNode.start(database.url(), "postgres", "", Map.of());
  }

  @Test
  void everyAcknowledgedWriteSurvivesARestart() throws Exception {
    List<String> acknowledged = new ArrayList<>();
    String apiKey;
    try (Server first = startNode()) {
      ApiClient shop = ApiClient.newTenant(first, "durable");
      apiKey = shop.key();
      for (int s = 0; s < 3; s++) {
        shop.put("/v1/skus/P-" + s, Map.of("name", "Product " + s));
        shop.post(
            "/v1/skus/P-" + s + "/adjustments",
            Map.of("adjustmentId", "recv", "delta", 50, "reason", "receipt"));
      }
      ExecutorService pool = Executors.newFixedThreadPool(16);
      List<Future<ApiClient.Response>> sent = new ArrayList<>();
      for (int i = 0; i < 120; i++) {
        int n = i;
        sent.add(
            pool.submit(
                () ->
                    shop.post(
                        "/v1/skus/P-" + (n % 3) + "/reservations",
                        Map.of("reservationId", "r-" + n, "quantity", 1))));
      }
      for (int i = 0; i < sent.size(); i++) {
        if (sent.get(i).get().status() == 201) {
          acknowledged.add("P-" + (i % 3) + "/r-" + i);
        }
      }
      pool.shutdown();
      shop.post("/v1/skus/P-0/reservations/r-0/commit", "");
      shop.put("/v1/skus/P-1/safety-stock", Map.of("quantity", 4));
    }
    assertThat(acknowledged).hasSize(120);

    try (Server second = startNode()) {
      ApiClient shop = new ApiClient(second.port(), apiKey);
      for (String ack : acknowledged) {
        String sku = ack.substring(0, ack.indexOf('/'));
        String id = ack.substring(ack.indexOf('/') + 1);
        ApiClient.Response retry =
            shop.post(
                "/v1/skus/" + sku + "/reservations", Map.of("reservationId", id, "quantity", 1));
        assertThat(retry.status()).as(ack + " " + retry.body()).isEqualTo(200);
      }
      ApiClient.Response p0 = shop.get("/v1/skus/P-0");
      assertThat(p0.json().get("onHand").asLong()).isEqualTo(49);
      assertThat(p0.json().get("reserved").asLong()).isEqualTo(39);
      ApiClient.Response p1 = shop.get("/v1/skus/P-1");
      assertThat(p1.json().get("reserved").asLong()).isEqualTo(40);
      assertThat(p1.json().get("safetyStock").asLong()).isEqualTo(4);
      assertThat(p1.json().get("available").asLong()).isEqualTo(6);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> assertThat(shop.get("/v1/skus?limit=10").json().get("items")).hasSize(3));
    }
  }

  @Test
  void anOrdersWholeLifecycleSurvivesRestarts() {
    String apiKey;
    String orderId;
    try (Server first = startNode()) {
      ApiClient shop = ApiClient.newTenant(first, "lifecycle");
      apiKey = shop.key();
      shop.put("/v1/skus/CUP", Map.of("name", "Cup"));
      shop.put("/v1/skus/SAUCER", Map.of("name", "Saucer"));
      shop.put(
          "/v1/skus/CUP-SET",
          Map.of(
              "name",
              "Cup and saucer",
              "components",
              List.of(
                  Map.of("sku", "CUP", "quantity", 1), Map.of("sku", "SAUCER", "quantity", 1))));
      shop.post(
          "/v1/skus/CUP/adjustments",
          Map.of("adjustmentId", "in", "delta", 10, "reason", "receipt"));
      shop.post(
          "/v1/skus/SAUCER/adjustments",
          Map.of("adjustmentId", "in", "delta", 10, "reason", "receipt"));
      ApiClient.Response placed =
          shop.post(
              "/v1/orders",
              Map.of(
                  "channelId",
                  "shopify-1",
                  "channelOrderId",
                  "#1001",
                  "lines",
                  List.of(
                      Map.of("sku", "CUP-SET", "quantity", 2),
                      Map.of("sku", "CUP", "quantity", 1))));
      assertThat(placed.json().get("status").asText()).as(placed.body()).isEqualTo("ALLOCATED");
      orderId = placed.json().get("orderId").asText();
      ApiClient.Response part =
          shop.post(
              "/v1/orders/" + orderId + "/shipments",
              Map.of(
                  "shipmentId",
                  "p1",
                  "carrier",
                  "yamato",
                  "trackingNumber",
                  "4000-1",
                  "lines",
                  List.of(Map.of("sku", "CUP-SET", "quantity", 1))));
      assertThat(part.status()).as(part.body()).isEqualTo(200);
    }

    try (Server second = startNode()) {
      ApiClient shop = new ApiClient(second.port(), apiKey);
      ApiClient.Response order = shop.get("/v1/orders/" + orderId);
      assertThat(order.json().get("status").asText()).isEqualTo("ALLOCATED");
      assertThat(order.json().at("/shipped/CUP-SET").asLong()).isEqualTo(1);
      assertThat(shop.get("/v1/skus/CUP").json().get("onHand").asLong()).isEqualTo(9);
      assertThat(shop.get("/v1/skus/CUP").json().get("reserved").asLong()).isEqualTo(2);

      ApiClient.Response rest =
          shop.post(
              "/v1/orders/" + orderId + "/shipments",
              Map.of("shipmentId", "p2", "carrier", "yamato", "trackingNumber", "4000-2"));
      assertThat(rest.json().get("status").asText()).as(rest.body()).isEqualTo("SHIPPED");
      ApiClient.Response returned =
          shop.post(
              "/v1/orders/" + orderId + "/returns",
              Map.of(
                  "returnId",
                  "r1",
                  "lines",
                  List.of(Map.of("sku", "CUP-SET", "quantity", 1, "condition", "sellable"))));
      assertThat(returned.json().get("status").asText()).isEqualTo("RETURNED");
    }

    try (Server third = startNode()) {
      ApiClient shop = new ApiClient(third.port(), apiKey);
      assertThat(shop.get("/v1/orders/" + orderId).json().get("status").asText())
          .isEqualTo("RETURNED");
      assertThat(shop.get("/v1/skus/CUP").json().get("onHand").asLong()).isEqualTo(8);
      assertThat(shop.get("/v1/skus/CUP").json().get("reserved").asLong()).isZero();
      assertThat(shop.get("/v1/skus/SAUCER").json().get("onHand").asLong()).isEqualTo(9);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          shop.get("/v1/orders?status=RETURNED")
                              .json()
                              .at("/items/0/orderId")
                              .asText())
                      .isEqualTo(orderId));
    }
  }
}
