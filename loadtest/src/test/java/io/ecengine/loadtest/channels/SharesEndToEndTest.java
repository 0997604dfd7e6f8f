package io.ecengine.loadtest.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecengine.engine.channel.marketplace.Marketplace;
import io.ecengine.http.Server;
import io.ecengine.loadtest.EngineClient;
import io.ecengine.loadtest.simulator.Api;
import io.ecengine.loadtest.simulator.MarketplaceSimulator;
import io.ecengine.loadtest.simulator.Quota;
import io.ecengine.loadtest.simulator.SimShop;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The last units of a fast-selling SKU over real HTTP: all five marketplaces sell it at once, and
 * Amazon's orders reach the engine at one every two seconds (its order-items quota), far slower
 * than it sells. Shown on every marketplace as one shared pool, the last units would be sold
 * several times over; split into shares that each marketplace counts down, with what Amazon sold
 * read back from the marketplace, they are sold once.
 */
class SharesEndToEndTest {

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(SharesEndToEndTest.class);
  private static final long STOCK = 300;

  private MarketplaceSimulator sim;
  private Server node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void theLastUnitsAreSoldOnceWhileFiveMarketplacesSellThemAtOnce() {
    sim =
        MarketplaceSimulator.start(
            MarketplaceSimulator.Settings.defaults().withLimit(Quota.AMAZON_GET_ORDERS, 2, 20));
    node = EngineNode.startOnH2(Map.of());
    EngineClient shop = EngineNode.newTenant(node, "shares-shop");
    FiveChannels channels = FiveChannels.connect(shop, sim, EngineNode.base(node), "shares");
    shop.put("/v1/skus/LIVE", Map.of("name", "Live item")).requireSuccess();
    shop.post(
            "/v1/skus/LIVE/adjustments",
            Map.of("adjustmentId", "live-initial", "delta", STOCK, "reason", "receipt"))
        .requireSuccess();
    channels.list("LIVE", 1);
    channels.awaitShown(1, STOCK);

    // A live on TikTok Shop, and steady buyers everywhere else: the pool lasts about 12 s.
    Map<Marketplace, Double> rates = new EnumMap<>(Marketplace.class);
    for (Marketplace marketplace : Marketplace.values()) {
      rates.put(marketplace, marketplace == Marketplace.TIKTOK_SHOP ? 12.0 : 3.0);
    }
    AtomicLong sharedAtMost = new AtomicLong();
    rates.forEach(
        (marketplace, perSecond) ->
            channels
                .shop(marketplace)
                .startSelling(FiveChannels.listingKey(marketplace, 1), perSecond));
    try {
      // Until every unit is sold: units a share set aside in doubt (sold in the second of a push)
      // go back on show once the marketplace's orders are all in.
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                JsonNode levels = shop.get("/v1/skus/LIVE").requireSuccess().json();
                sharedAtMost.accumulateAndGet(levels.path("shared").asLong(), Math::max);
                return sold(channels) >= STOCK;
              });
    } finally {
      rates.keySet().forEach(m -> channels.shop(m).stopSelling(FiveChannels.listingKey(m, 1)));
    }

    Map<Marketplace, Long> soldOn = new EnumMap<>(Marketplace.class);
    for (Marketplace marketplace : Marketplace.values()) {
      soldOn.put(
          marketplace,
          channels.shop(marketplace).unitsSold(FiveChannels.listingKey(marketplace, 1)));
    }
    long sold = sold(channels);
    log.info("Sold {} of {} ({}); at most {} units in shares", sold, STOCK, soldOn, sharedAtMost);
    // A sale made between a read and the push that follows it can be put back on show; at these
    // rates that is a unit or two at most, against dozens when the pool is shared to the end.
    assertThat(sold).as("units sold on all five").isBetween(STOCK, STOCK + 2);
    assertThat(sharedAtMost.get()).as("the pool was split into shares").isPositive();
    // The channels say which SKUs they count down as shares, and the SKU what each has.
    JsonNode sync = shop.get("/v1/channels/tiktok-live/sync").requireSuccess().json();
    assertThat(sync.path("shares").findValuesAsText("sku")).contains("LIVE");
    JsonNode availability = shop.get("/v1/skus/LIVE/availability").requireSuccess().json();
    assertThat(availability.path("channels").findValues("share")).hasSize(5);
    SimShop amazon = channels.shop(Marketplace.AMAZON);
    assertThat(amazon.callLog())
        .as("what Amazon showed was read back")
        .anyMatch(call -> call.api() == Api.AMAZON_GET_LISTING);

    // Every sale reaches the engine in the end, Amazon's last, and none is held beyond stock.
    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () -> {
              JsonNode levels = shop.get("/v1/skus/LIVE").requireSuccess().json();
              long placed = ordersInEngine(shop);
              assertThat(placed).isEqualTo(soldOrders(channels));
              assertThat(levels.path("reserved").asLong())
                  .isLessThanOrEqualTo(levels.path("onHand").asLong());
            });
  }

  private static long sold(FiveChannels channels) {
    long sold = 0;
    for (Marketplace marketplace : Marketplace.values()) {
      sold += channels.shop(marketplace).unitsSold(FiveChannels.listingKey(marketplace, 1));
    }
    return sold;
  }

  private static long soldOrders(FiveChannels channels) {
    long orders = 0;
    for (Marketplace marketplace : Marketplace.values()) {
      orders += channels.shop(marketplace).orders().size();
    }
    return orders;
  }

  private static long ordersInEngine(EngineClient shop) {
    JsonNode page = shop.get("/v1/orders?limit=1000").requireSuccess().json();
    return page.path("items").size();
  }
}
