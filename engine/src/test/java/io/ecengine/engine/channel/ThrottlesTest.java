package io.ecengine.engine.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecengine.engine.channel.marketplace.CallKind;
import io.ecengine.engine.channel.marketplace.Marketplace;
import java.time.Duration;
import java.time.Instant;
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
    Throttles tiktok = new Throttles(Marketplace.TIKTOK_SHOP, 2.0, 2);
    assertThat(tiktok.tryTake(CallKind.STOCK, T0)).isTrue();
    assertThat(tiktok.tryTake(CallKind.ORDER_DETAILS, T0)).isTrue();
    assertThat(tiktok.tryTake(CallKind.SHIPMENT, T0)).isFalse();
    assertThat(tiktok.waitFor(CallKind.STOCK, T0)).isPositive();

    assertThat(tiktok.backoff(CallKind.ORDER_DETAILS, MIN, MAX)).isEqualTo(MIN);
    assertThat(tiktok.backoff(CallKind.STOCK, MIN, MAX)).isEqualTo(Duration.ofSeconds(2));
    tiktok.succeeded(CallKind.SHIPMENT);
    assertThat(tiktok.backoff(CallKind.STOCK, MIN, MAX)).isEqualTo(MIN);
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
}
