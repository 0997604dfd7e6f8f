package io.ecengine.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.ecengine.persistence.PushLog.PushRow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PushLogTest {

  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00.123456Z");

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void remembersTheLastQuantitySentOfEachSku(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      PushLog log = new PushLog(db.dataSource());

      log.recordSent("acme", "tiktok-1", Map.of("MUG", 7L, "CUP", 0L), T0);
      log.recordSent("acme", "tiktok-1", Map.of("MUG", 6L), T0.plusSeconds(1));
      log.recordSent("acme", "rakuten-1", Map.of("MUG", 3L), T0);
      log.recordSent("globex", "tiktok-1", Map.of("MUG", 100L), T0);

      assertThat(log.lastSent("acme", "tiktok-1")).isEqualTo(Map.of("MUG", 6L, "CUP", 0L));
      assertThat(log.lastSent("acme", "rakuten-1")).isEqualTo(Map.of("MUG", 3L));
      assertThat(log.lastSent("acme", "amazon-1")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void recordsThousandsOfSkusInOneCall(Vendor vendor) {
    Map<String, Long> quantities = new HashMap<>();
    for (int i = 0; i < 2_500; i++) {
      quantities.put("SKU-" + i, (long) i);
    }
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      PushLog log = new PushLog(db.dataSource());
      log.recordSent("acme", "shop", Map.of("SKU-7", 99L, "OTHER", 1L), T0);

      log.recordSent("acme", "shop", quantities, T0.plusSeconds(1));

      Map<String, Long> expected = new HashMap<>(quantities);
      expected.put("OTHER", 1L);
      assertThat(log.lastSent("acme", "shop")).isEqualTo(expected);
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void listsRecentPushesNewestFirst(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      PushLog log = new PushLog(db.dataSource());
      log.recordSent("acme", "shop", Map.of("A", 1L), T0);
      log.recordSent("acme", "shop", Map.of("B", 2L), T0.plusSeconds(2));
      log.recordSent("acme", "shop", Map.of("C", 3L), T0.plusSeconds(1));
      log.recordError("acme", "shop", "NEVER-SENT", "HTTP 400", T0.plusSeconds(3));

      assertThat(log.recent("acme", "shop", 10))
          .containsExactly(
              new PushRow("B", 2L, T0.plusSeconds(2), null, null),
              new PushRow("C", 3L, T0.plusSeconds(1), null, null),
              new PushRow("A", 1L, T0, null, null));
      assertThat(log.recent("acme", "shop", 2)).extracting(PushRow::sku).containsExactly("B", "C");
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void listsSkusWhoseLastPushFailed(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      PushLog log = new PushLog(db.dataSource());
      log.recordSent("acme", "shop", Map.of("MUG", 5L, "CUP", 1L), T0);
      log.recordError("acme", "shop", "MUG", "HTTP 429\nRetry-After: 2", T0.plusSeconds(1));
      log.recordErrors(
          "acme",
          "shop",
          Map.of("CUP", "code 36009002", "NEW", "x".repeat(600)),
          T0.plusSeconds(2));
      log.recordSent("acme", "shop", Map.of("CUP", 2L), T0.plusSeconds(3));

      List<PushRow> errors = log.errors("acme", "shop", 10);

      assertThat(errors)
          .extracting(PushRow::sku, PushRow::lastError)
          .containsExactly(
              tuple("NEW", "x".repeat(PushLog.MAX_ERROR_LENGTH)),
              tuple("MUG", "HTTP 429 Retry-After: 2"));
      assertThat(errors.get(0).lastSentQuantity()).isNull();
      assertThat(errors.get(1))
          .isEqualTo(new PushRow("MUG", 5L, T0, "HTTP 429 Retry-After: 2", T0.plusSeconds(1)));
      assertThat(log.recent("acme", "shop", 10).get(0))
          .isEqualTo(new PushRow("CUP", 2L, T0.plusSeconds(3), "code 36009002", T0.plusSeconds(2)));
      assertThat(log.lastSent("acme", "shop")).isEqualTo(Map.of("MUG", 5L, "CUP", 2L));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void anOlderReportChangesNothing(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      PushLog log = new PushLog(db.dataSource());
      log.recordSent("acme", "shop", Map.of("MUG", 5L), T0.plusSeconds(10));
      log.recordError("acme", "shop", "MUG", "newer error", T0.plusSeconds(20));

      log.recordSent("acme", "shop", Map.of("MUG", 9L), T0);
      log.recordError("acme", "shop", "MUG", "older error", T0.plusSeconds(15));

      assertThat(log.recent("acme", "shop", 1))
          .containsExactly(
              new PushRow("MUG", 5L, T0.plusSeconds(10), "newer error", T0.plusSeconds(20)));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void concurrentFirstReportsOfTheSameSkusAllLand(Vendor vendor) throws Exception {
    int writers = 4;
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      PushLog log = new PushLog(db.dataSource());
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      try {
        for (int round = 0; round < 5; round++) {
          String channelId = "shop-" + round;
          CountDownLatch start = new CountDownLatch(1);
          List<Future<?>> writes = new ArrayList<>();
          for (int writer = 0; writer < writers; writer++) {
            Map<String, Long> quantities = new HashMap<>();
            for (int i = 0; i < 200; i++) {
              quantities.put("SKU-" + i, (long) writer);
            }
            Instant at = T0.plus(Duration.ofSeconds(writer));
            writes.add(
                pool.submit(
                    () -> {
                      start.await();
                      log.recordSent("acme", channelId, quantities, at);
                      return null;
                    }));
          }
          start.countDown();
          for (Future<?> write : writes) {
            write.get(60, TimeUnit.SECONDS);
          }
          Map<String, Long> sent = log.lastSent("acme", channelId);
          assertThat(sent).as(channelId).hasSize(200);
          assertThat(sent.values()).as(channelId).containsOnly((long) writers - 1);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
