package io.ecengine.engine.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecengine.engine.channel.marketplace.CallKind;
import io.ecengine.engine.channel.marketplace.Marketplace;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThrottlesTest {

  private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
  private static final Duration MIN = Duration.ofSeconds(1);
  private static final Duration MAX = Duration.ofSeconds(60);

  @Test
  void aThrottledOrderPullDoesNotHoldBackStockWhereTheMarketplaceCountsThemApart() {
    Throttles amazon = new Throttles(Marketplace.AMAZON, 5.0, 5);
    amazon.pauseUntil(CallKind.ORDER_PULL, T0.plusSeconds(30));
    amazon.backoff(CallKind.ORDER_PULL, MIN, MAX);

    assertThat(amazon.waitFor(CallKind.ORDER_PULL, T0)).isEqualTo(Duration.ofSeconds(30));
    assertThat(amazon.waitFor(CallKind.STOCK, T0)).isZero();
    assertThat(amazon.tryTake(CallKind.STOCK, T0)).isTrue();
    // The stock quota's back-off starts from the minimum: the order pull's failures are its own.
    assertThat(amazon.backoff(CallKind.STOCK, MIN, MAX)).isEqualTo(MIN);
    assertThat(amazon.shared(CallKind.ORDER_PULL, CallKind.ORDER_DETAILS)).isFalse();
  }

  @Test
  void kindsSharingAQuotaShareItsTokensAndItsBackOff() {
    Throttles shopify = new Throttles(Marketplace.SHOPIFY, 2.0, 2);
    assertThat(shopify.tryTake(CallKind.STOCK, T0)).isTrue();
    assertThat(shopify.tryTake(CallKind.ORDER_DETAILS, T0)).isTrue();
    assertThat(shopify.tryTake(CallKind.SHIPMENT, T0)).isFalse();
    assertThat(shopify.waitFor(CallKind.STOCK, T0)).isPositive();

    assertThat(shopify.backoff(CallKind.ORDER_DETAILS, MIN, MAX)).isEqualTo(MIN);
    assertThat(shopify.backoff(CallKind.STOCK, MIN, MAX)).isEqualTo(Duration.ofSeconds(2));
    shopify.succeeded(CallKind.SHIPMENT);
    assertThat(shopify.backoff(CallKind.STOCK, MIN, MAX)).isEqualTo(MIN);
  }

  @Test
  void tikTokShopsWritesShareOneQuotaAndItsReadsHaveTheirOwn() {
    Throttles tiktok = new Throttles(Marketplace.TIKTOK_SHOP, 2.0, 2);
    assertThat(tiktok.shared(CallKind.STOCK, CallKind.SHIPMENT)).isTrue();
    assertThat(tiktok.shared(CallKind.ORDER_PULL, CallKind.ORDER_DETAILS)).isTrue();
    assertThat(tiktok.shared(CallKind.STOCK, CallKind.ORDER_DETAILS)).isFalse();
  }

  @Test
  void theChannelsOwnRateAppliesToStockUpdatesAndTheDocumentedOnesToTheRest() {
    Throttles rakuten = new Throttles(Marketplace.RAKUTEN, 4.0, 4);
    for (int i = 0; i < 4; i++) {
      assertThat(rakuten.tryTake(CallKind.STOCK, T0)).isTrue();
    }
    assertThat(rakuten.tryTake(CallKind.STOCK, T0)).isFalse();
    assertThat(rakuten.tryTake(CallKind.ORDER_PULL, T0)).isTrue();
    // Searching orders and reading them draw on Rakuten's one order-API quota of 1 a second.
    assertThat(rakuten.tryTake(CallKind.ORDER_DETAILS, T0)).isFalse();
  }

  @Test
  void backOffDoublesUpToTheMaximum() {
    Throttles yahoo = new Throttles(Marketplace.YAHOO_SHOPPING, 10.0, 10);
    Duration last = Duration.ZERO;
    for (int i = 0; i < 40; i++) {
      last = yahoo.backoff(CallKind.SHIPMENT, MIN, MAX);
    }
    assertThat(last).isEqualTo(MAX);
  }

  @Test
  void stockReadsDrawOnTheQuotaTheirMarketplaceGivesThem() {
    assertThat(
            new Throttles(Marketplace.TIKTOK_SHOP, 2.0, 2)
                .shared(CallKind.STOCK_READ, CallKind.ORDER_PULL))
        .isTrue();
    assertThat(
            new Throttles(Marketplace.SHOPIFY, 2.0, 4).shared(CallKind.STOCK_READ, CallKind.STOCK))
        .isTrue();
    for (Marketplace own :
        List.of(Marketplace.RAKUTEN, Marketplace.YAHOO_SHOPPING, Marketplace.AMAZON)) {
      Throttles throttles = new Throttles(own, 1.0, 1);
      for (CallKind other : CallKind.values()) {
        if (other != CallKind.STOCK_READ) {
          assertThat(throttles.shared(CallKind.STOCK_READ, other)).as(own + " " + other).isFalse();
        }
      }
    }
    assertThat(Marketplace.AMAZON.quota(CallKind.STOCK_READ))
        .isEqualTo(new Marketplace.Quota("getListingsItem", 5.0, 10));
    assertThat(Marketplace.YAHOO_SHOPPING.quota(CallKind.STOCK_READ))
        .isEqualTo(new Marketplace.Quota("getStock", 10.0, 10));
  }

  @Test
  void aThrottledStockReadHoldsBackNoStockPush() {
    Throttles amazon = new Throttles(Marketplace.AMAZON, 5.0, 5);
    amazon.pauseUntil(CallKind.STOCK_READ, T0.plusSeconds(10));

    assertThat(amazon.waitFor(CallKind.STOCK_READ, T0)).isEqualTo(Duration.ofSeconds(10));
    assertThat(amazon.tryTake(CallKind.STOCK, T0)).isTrue();
  }
}
