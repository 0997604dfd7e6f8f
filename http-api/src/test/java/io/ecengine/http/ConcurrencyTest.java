package io.ecengine.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Many clients racing for the last units of one SKU: exactly the stock is sold, never more. */
class ConcurrencyTest {

  private static final int CLIENTS = 64;
  private static final int ATTEMPTS_PER_CLIENT = 5;
  private static final int STOCK = 100;

  private static Server server;

  @BeforeAll
  static void start() {
    server = TestNode.startOnH2();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void sixtyFourClientsRaceForTheLastHundredUnits() throws Exception {
    ApiClient shop = ApiClient.newTenant(server, "race");
    shop.put("/v1/skus/LAST", Map.of("name", "Last units"));
    shop.post(
        "/v1/skus/LAST/adjustments",
        Map.of("adjustmentId", "stock", "delta", STOCK, "reason", "receipt"));

    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<List<Integer>>> results = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      int client = c;
      results.add(
          pool.submit(
              () -> {
                go.await();
                List<Integer> statuses = new ArrayList<>();
                for (int a = 0; a < ATTEMPTS_PER_CLIENT; a++) {
                  statuses.add(
                      shop.post(
                              "/v1/skus/LAST/reservations",
                              Map.of("reservationId", "c" + client + "-" + a, "quantity", 1))
                          .status());
                }
                return statuses;
              }));
    }
    go.countDown();
    List<Integer> all = new ArrayList<>();
    for (Future<List<Integer>> result : results) {
      all.addAll(result.get());
    }
    pool.shutdown();

    assertThat(all).hasSize(CLIENTS * ATTEMPTS_PER_CLIENT);
    assertThat(all.stream().filter(s -> s == 201).count()).isEqualTo(STOCK);
    assertThat(all.stream().filter(s -> s == 409).count())
        .isEqualTo(CLIENTS * ATTEMPTS_PER_CLIENT - STOCK);
    ApiClient.Response levels = shop.get("/v1/skus/LAST");
    assertThat(levels.json().get("reserved").asLong()).isEqualTo(STOCK);
    assertThat(levels.json().get("available").asLong()).isZero();
  }
}
