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
}
