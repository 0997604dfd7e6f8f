package io.ecengine.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WebhookDeliveriesTest {

  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aDeliveryIsNewOnlyTheFirstTime(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      WebhookDeliveries deliveries = new WebhookDeliveries(db.dataSource());

      assertThat(deliveries.firstTime("shopify", "acme", "shop-1", "d-1", T0)).isTrue();
      assertThat(deliveries.firstTime("shopify", "acme", "shop-1", "d-1", T0.plusSeconds(60)))
          .isFalse();
      assertThat(deliveries.firstTime("shopify", "acme", "shop-1", "d-2", T0)).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void theSameIdOnAnotherChannelMarketplaceOrTenantIsAnotherDelivery(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      WebhookDeliveries deliveries = new WebhookDeliveries(db.dataSource());
      deliveries.firstTime("shopify", "acme", "shop-1", "d-1", T0);

      assertThat(deliveries.firstTime("shopify", "acme", "shop-2", "d-1", T0)).isTrue();
      assertThat(deliveries.firstTime("tiktok", "acme", "shop-1", "d-1", T0)).isTrue();
      assertThat(deliveries.firstTime("shopify", "globex", "shop-1", "d-1", T0)).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void ofConcurrentDuplicatesExactlyOneIsFirst(Vendor vendor) throws Exception {
    int threads = 8;
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      WebhookDeliveries deliveries = new WebhookDeliveries(db.dataSource());
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        for (int round = 0; round < 20; round++) {
          String deliveryId = "delivery-" + round;
          CountDownLatch start = new CountDownLatch(1);
          List<Future<Boolean>> calls = new ArrayList<>();
          for (int thread = 0; thread < threads; thread++) {
            calls.add(
                pool.submit(
                    () -> {
                      start.await();
                      return deliveries.firstTime("tiktok", "acme", "tt-1", deliveryId, T0);
                    }));
          }
          start.countDown();
          int first = 0;
          for (Future<Boolean> call : calls) {
            first += call.get(30, TimeUnit.SECONDS) ? 1 : 0;
          }
          assertThat(first).as(deliveryId).isEqualTo(1);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void forgetsDeliveriesReceivedBeforeTheCutoff(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      WebhookDeliveries deliveries = new WebhookDeliveries(db.dataSource());
      deliveries.firstTime("shopify", "acme", "shop-1", "old", T0);
      deliveries.firstTime("shopify", "acme", "shop-1", "recent", T0.plus(Duration.ofDays(2)));

      int forgotten = deliveries.forgetBefore(T0.plus(Duration.ofDays(1)));

      assertThat(forgotten).isEqualTo(1);
      assertThat(
              deliveries.firstTime("shopify", "acme", "shop-1", "old", T0.plus(Duration.ofDays(3))))
          .isTrue();
      assertThat(
              deliveries.firstTime(
                  "shopify", "acme", "shop-1", "recent", T0.plus(Duration.ofDays(3))))
          .isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void refusesIdsTooLongToStoreRatherThanCuttingThem(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      WebhookDeliveries deliveries = new WebhookDeliveries(db.dataSource());

      assertThatThrownBy(() -> deliveries.firstTime("shopify", "acme", "s", "d".repeat(201), T0))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> deliveries.firstTime("shopify", "acme", "s", "", T0))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> deliveries.firstTime("m".repeat(33), "acme", "s", "d", T0))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
