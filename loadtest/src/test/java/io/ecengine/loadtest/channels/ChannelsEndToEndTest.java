package io.ecengine.loadtest.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecengine.engine.channel.marketplace.Marketplace;
import io.ecengine.http.Server;
import io.ecengine.loadtest.EngineClient;
import io.ecengine.loadtest.simulator.Api;
import io.ecengine.loadtest.simulator.CallRecord;
import io.ecengine.loadtest.simulator.MarketplaceSimulator;
import io.ecengine.loadtest.simulator.OrderRecord;
import io.ecengine.loadtest.simulator.Quota;
import io.ecengine.loadtest.simulator.SimShop;
import io.ecengine.loadtest.simulator.StockRecord;
import io.ecengine.loadtest.simulator.TrackingRecord;
import io.ecengine.loadtest.simulator.WebhookRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's channels end to end over real HTTP: one node, five channels (one per marketplace) on
 * the marketplace simulator, which checks every call's authentication and rate limit as the
 * marketplace would. Each test lists its own SKU on all five.
 */
class ChannelsEndToEndTest {

  private static final Logger log = LoggerFactory.getLogger(ChannelsEndToEndTest.class);

  private static MarketplaceSimulator sim;
  private static Server node;
  private static EngineClient shop;
  private static FiveChannels channels;

  @BeforeAll
  static void start() {
    // Amazon's getOrders plan (one call a minute after a burst of 20) would make the one-second
    // pulls of a test wait a minute for an order; the other limits are the documented ones.
    sim =
        MarketplaceSimulator.start(
            MarketplaceSimulator.Settings.defaults().withLimit(Quota.AMAZON_GET_ORDERS, 2, 20));
    node = EngineNode.startOnH2(Map.of());
    shop = EngineNode.newTenant(node, "e2e-shop");
    channels = FiveChannels.connect(shop, sim, EngineNode.base(node), "e2e");
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  private static void createSku(String sku, long stock) {
    shop.put("/v1/skus/" + sku, Map.of("name", sku)).requireSuccess();
    adjust(sku, sku + "-initial", stock);
  }

  private static void adjust(String sku, String adjustmentId, long delta) {
    shop.post(
            "/v1/skus/" + sku + "/adjustments",
            Map.of("adjustmentId", adjustmentId, "delta", delta, "reason", "receipt"))
        .requireSuccess();
  }

  private static EngineClient.Response placeOrder(String channelId, String orderNo, String sku) {
    return shop.post(
        "/v1/orders",
        Map.of(
            "channelId",
            channelId,
            "channelOrderId",
            orderNo,
            "lines",
            List.of(Map.of("sku", sku, "quantity", 3))));
  }

  @Test
  void everyChannelConvergesToItsQuantityAfterAdjustmentsOrdersAndRules() {
    createSku("TEE", 20);
    channels.list("TEE", 1);
    channels.awaitShown(1, 20);

    adjust("TEE", "tee-in-2", 10);
    adjust("TEE", "tee-out-1", -5);
    channels.awaitShown(1, 25);

    placeOrder("rakuten-main", "R-TEE-1", "TEE").requireSuccess();
    channels.awaitShown(1, 22);

    // Rules make the channels differ: Amazon capped, TikTok with a dedicated quota for a live.
    shop.put("/v1/skus/TEE/allocation/amazon-jp", Map.of("rule", "cap", "amount", 5))
        .requireSuccess();
    shop.put("/v1/skus/TEE/allocation/tiktok-live", Map.of("rule", "dedicated", "amount", 10))
        .requireSuccess();
    channels.awaitShownAsComputed("TEE", 1);
    Map<Marketplace, Long> sellable = channels.sellable("TEE");
    assertThat(sellable.get(Marketplace.AMAZON)).isEqualTo(5);
    assertThat(sellable.get(Marketplace.TIKTOK_SHOP)).isEqualTo(10);
    assertThat(sellable.get(Marketplace.RAKUTEN)).isEqualTo(12);
    // Nothing was pushed above what a channel could sell at the time: the last value each shop
    // got is the computed one, and no push ever exceeded the stock.
    for (Marketplace marketplace : Marketplace.values()) {
      List<StockRecord> history =
          channels.shop(marketplace).history(FiveChannels.listingKey(marketplace, 1));
      assertThat(history).extracting(StockRecord::quantity).allMatch(q -> q <= 30);
    }
  }

  @Test
  void aSoldOutReachesAllFiveWithinTheirRateLimits() {
    createSku("LAST", 5);
    channels.list("LAST", 2);
    channels.awaitShown(2, 5);

    Instant soldOut = Instant.now();
    placeOrder("tiktok-live", "T-LAST-1", "LAST").requireSuccess();
    shop.post(
            "/v1/orders",
            Map.of(
                "channelId",
                "tiktok-live",
                "channelOrderId",
                "T-LAST-2",
                "lines",
                List.of(Map.of("sku", "LAST", "quantity", 2))))
        .requireSuccess();
    channels.awaitShown(2, 0);
    log.info(
        "Sold-out shown on all five marketplaces {} after the last sale",
        Duration.between(soldOut, Instant.now()));

    for (Marketplace marketplace : Marketplace.values()) {
      assertObeysLimits(channels.shop(marketplace));
    }
  }

  /**
   * Every call a shop received obeys the marketplace's quota; Shopify's quota is in query-cost
   * points, so its calls are checked against the channel's request rate instead.
   */
  static void assertObeysLimits(SimShop shop) {
    Marketplace marketplace = shop.marketplace();
    List<CallRecord> calls = shop.callLog();
    if (marketplace == Marketplace.SHOPIFY) {
      RateLimitCheck.assertWithin(
          "shopify calls",
          calls.stream().map(CallRecord::at).toList(),
          marketplace.defaultRequestsPerSecond(),
          marketplace.defaultBurst());
      return;
    }
    for (Quota quota : Quota.values()) {
      if (quota.marketplace() != marketplace) {
        continue;
      }
      MarketplaceSimulator.Limit limit = sim.settings().limit(quota);
      RateLimitCheck.assertWithin(
          quota.name(),
          calls.stream().filter(c -> c.api().quota() == quota).map(CallRecord::at).toList(),
          limit.perSecond(),
          limit.burst());
    }
  }

  @Test
  void aPausedChannelShowsZeroRefusesSalesAndResumes() {
    createSku("CAP", 8);
    channels.list("CAP", 3);
    channels.awaitShown(3, 8);
    SimShop rakuten = channels.shop(Marketplace.RAKUTEN);
    String key = FiveChannels.listingKey(Marketplace.RAKUTEN, 3);

    shop.post("/v1/channels/rakuten-main/pause", Map.of("reason", "RMS maintenance"))
        .requireSuccess();
    await().atMost(FiveChannels.CONVERGE).until(() -> rakuten.shown(key).orElse(-1) == 0);
    assertThat(rakuten.trySell(key, 1, "too-late")).isFalse();
    // An order placed for the paused channel is refused with a clear status.
    EngineClient.Response refused = placeOrder("rakuten-main", "R-CAP-1", "CAP");
    assertThat(refused.status()).isBetween(400, 499);

    adjust("CAP", "cap-in-2", 2);
    await()
        .atMost(FiveChannels.CONVERGE)
        .untilAsserted(
            () ->
                assertThat(
                        channels
                            .shop(Marketplace.AMAZON)
                            .shown(FiveChannels.listingKey(Marketplace.AMAZON, 3)))
                    .hasValue(10));
    assertThat(rakuten.shown(key)).hasValue(0);

    shop.post("/v1/channels/rakuten-main/resume", Map.of()).requireSuccess();
    channels.awaitShown(3, 10);
  }

  @Test
  void ordersSoldOnEachMarketplaceArriveHoldStockAndTheirShipmentsAreReportedBack() {
    createSku("MUG", 10);
    channels.list("MUG", 4);
    channels.awaitShown(4, 10);

    Map<Marketplace, String> sold = new EnumMap<>(Marketplace.class);
    for (Marketplace marketplace : Marketplace.values()) {
      SimShop shopOnMarketplace = channels.shop(marketplace);
      assertThat(
              shopOnMarketplace.trySell(
                  FiveChannels.listingKey(marketplace, 4), 1, "buyer-" + marketplace.id()))
          .isTrue();
      List<OrderRecord> orders = shopOnMarketplace.orders();
      sold.put(marketplace, orders.get(orders.size() - 1).orderId());
    }

    // Webhooks (TikTok Shop, Shopify) or pulls (Rakuten, Yahoo! Shopping, Amazon) bring each
    // order in, and it holds its unit.
    Map<Marketplace, String> engineOrders = new EnumMap<>(Marketplace.class);
    await()
        .atMost(FiveChannels.CONVERGE)
        .untilAsserted(
            () -> {
              for (Marketplace marketplace : Marketplace.values()) {
                JsonNode order = engineOrder(marketplace, sold.get(marketplace));
                assertThat(order).as("order from %s", marketplace.id()).isNotNull();
                assertThat(order.path("status").asText()).isEqualTo("ALLOCATED");
                engineOrders.put(marketplace, order.path("orderId").asText());
              }
            });
    assertThat(shop.get("/v1/skus/MUG").json().path("reserved").asLong()).isEqualTo(5);
    channels.awaitShown(4, 5);
    for (Marketplace webhooks : List.of(Marketplace.TIKTOK_SHOP, Marketplace.SHOPIFY)) {
      assertThat(channels.shop(webhooks).webhookDeliveries())
          .filteredOn(d -> d.orderId().equals(sold.get(webhooks)))
          .extracting(WebhookRecord::status)
          .contains(200);
    }

    for (Marketplace marketplace : Marketplace.values()) {
      shop.post(
              "/v1/orders/" + engineOrders.get(marketplace) + "/shipments",
              Map.of(
                  "shipmentId",
                  "box-1",
                  "carrier",
                  "yamato",
                  "trackingNumber",
                  "4912-" + marketplace.ordinal()))
          .requireSuccess();
    }
    await()
        .atMost(FiveChannels.CONVERGE)
        .untilAsserted(
            () -> {
              for (Marketplace marketplace : Marketplace.values()) {
                assertThat(channels.shop(marketplace).trackingReports())
                    .as("shipment reported to %s", marketplace.id())
                    .extracting(TrackingRecord::orderId, TrackingRecord::trackingNumber)
                    .contains(
                        org.assertj.core.groups.Tuple.tuple(
                            sold.get(marketplace), "4912-" + marketplace.ordinal()));
              }
            });
  }

  /** The engine's order for a marketplace order, from the order list, or null. */
  private static JsonNode engineOrder(Marketplace marketplace, String channelOrderId) {
    JsonNode items =
        shop.get("/v1/orders?channelId=" + FiveChannels.channelId(marketplace) + "&limit=100")
            .requireSuccess()
            .json()
            .path("items");
    for (JsonNode item : items) {
      if (channelOrderId.equals(item.path("channelOrderId").asText())) {
        return item;
      }
    }
    return null;
  }

  @Test
  void aBurstOfTenThousandChangesStaysWithinTheRateLimitAndEndsWithTheLatestValues()
      throws Exception {
    EngineClient burst = EngineNode.newTenant(node, "e2e-burst");
    SimShop amazon = sim.shop(Marketplace.AMAZON, "BURSTSELLER");
    burst
        .put(
            "/v1/channels/amazon-burst",
            Map.of(
                "marketplace",
                "amazon",
                "baseUrl",
                amazon.baseUrl(),
                "credentials",
                amazon.credentials()))
        .requireSuccess();
    int skus = 20;
    for (int s = 0; s < skus; s++) {
      String sku = "B-" + s;
      burst.put("/v1/skus/" + sku, Map.of("name", sku)).requireSuccess();
      burst
          .post(
              "/v1/skus/" + sku + "/adjustments",
              Map.of("adjustmentId", "start", "delta", 10_000, "reason", "receipt"))
          .requireSuccess();
      amazon.list("BURST-" + s, 0);
      burst
          .put(
              "/v1/channels/amazon-burst/listings/" + sku,
              Map.of("ids", amazon.listingIds("BURST-" + s)))
          .requireSuccess();
    }
    await()
        .atMost(FiveChannels.CONVERGE)
        .until(
            () ->
                java.util.stream.IntStream.range(0, skus)
                    .allMatch(s -> amazon.shown("BURST-" + s).orElse(-1) == 10_000));

    Instant burstStart = Instant.now();
    Semaphore inFlight = new Semaphore(32);
    List<CompletableFuture<?>> sent = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      String sku = "B-" + (i % skus);
      long delta = ThreadLocalRandom.current().nextBoolean() ? 1 : -1;
      inFlight.acquire();
      sent.add(
          adjustUntilTaken(burst, sku, "burst-" + i, delta)
              .whenComplete((response, error) -> inFlight.release()));
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
    Instant burstEnd = Instant.now();

    await()
        .atMost(FiveChannels.CONVERGE)
        .untilAsserted(
            () -> {
              for (int s = 0; s < skus; s++) {
                long available =
                    burst.get("/v1/skus/B-" + s).requireSuccess().json().path("available").asLong();
                assertThat(amazon.shown("BURST-" + s)).as("B-" + s).hasValue(available);
              }
            });
    List<Instant> stockCalls = amazon.callTimes(Api.Kind.STOCK);
    List<Instant> duringAndAfter =
        stockCalls.stream().filter(at -> !at.isBefore(burstStart)).toList();
    log.info(
        "10,000 changes in {}; {} stock calls to Amazon from the burst's start until converged"
            + " ({} throttled in all)",
        Duration.between(burstStart, burstEnd),
        duringAndAfter.size(),
        amazon.throttledCalls());
    MarketplaceSimulator.Limit limit = sim.settings().limit(Quota.AMAZON_LISTINGS);
    RateLimitCheck.assertWithin("amazon listings", stockCalls, limit.perSecond(), limit.burst());
    // Coalescing: far fewer calls than changes.
    assertThat(duringAndAfter.size()).isLessThan(2_000);
  }

  @Test
  void aThrottledOrderPullDoesNotHoldBackStockPushes() {
    // Amazon's real getOrders plan: after one call, the next is throttled and asked to wait a
    // minute (x-amzn-RateLimit-Limit 0.0167).
    try (MarketplaceSimulator strict =
        MarketplaceSimulator.start(
            MarketplaceSimulator.Settings.defaults()
                .withLimit(Quota.AMAZON_GET_ORDERS, 0.0167, 1))) {
      EngineClient tenant = EngineNode.newTenant(node, "e2e-quota");
      SimShop amazon = strict.shop(Marketplace.AMAZON, "QUOTASELLER");
      tenant
          .put(
              "/v1/channels/amazon-quota",
              Map.of(
                  "marketplace",
                  "amazon",
                  "baseUrl",
                  amazon.baseUrl(),
                  "credentials",
                  amazon.credentials()))
          .requireSuccess();
      tenant.put("/v1/skus/Q", Map.of("name", "Q")).requireSuccess();
      tenant
          .post(
              "/v1/skus/Q/adjustments",
              Map.of("adjustmentId", "in", "delta", 5, "reason", "receipt"))
          .requireSuccess();
      amazon.list("AMZ-Q", 0);
      tenant
          .put("/v1/channels/amazon-quota/listings/Q", Map.of("ids", amazon.listingIds("AMZ-Q")))
          .requireSuccess();
      await().atMost(FiveChannels.CONVERGE).until(() -> amazon.shown("AMZ-Q").orElse(-1) == 5);
      await()
          .atMost(FiveChannels.CONVERGE)
          .until(
              () ->
                  amazon.callLog().stream()
                      .anyMatch(c -> c.api() == Api.AMAZON_GET_ORDERS && c.throttled()));

      tenant
          .post(
              "/v1/skus/Q/adjustments",
              Map.of("adjustmentId", "out", "delta", -5, "reason", "count"))
          .requireSuccess();

      // The sold-out goes out well before the minute the order API asked the channel to wait.
      await().atMost(Duration.ofSeconds(20)).until(() -> amazon.shown("AMZ-Q").orElse(-1) == 0);
    }
  }

  private static CompletableFuture<EngineClient.Response> adjustUntilTaken(
      EngineClient client, String sku, String adjustmentId, long delta) {
    return client
        .postAsync(
            "/v1/skus/" + sku + "/adjustments",
            Map.of("adjustmentId", adjustmentId, "delta", delta, "reason", "count"))
        .thenCompose(
            response ->
                response.status() == 503
                    ? adjustUntilTaken(client, sku, adjustmentId, delta)
                    : CompletableFuture.completedFuture(response.requireSuccess()));
  }

  @Test
  void aMarketplacesOwnSalesAreNotPushedBackToItButWhatOthersSoldIs() {
    createSku("OWN", 20);
    createSku("OWN-BARRIER", 5);
    channels.list("OWN", 6);
    channels.list("OWN-BARRIER", 7);
    channels.awaitShown(6, 20);
    channels.awaitShown(7, 5);
    SimShop shopify = channels.shop(Marketplace.SHOPIFY);
    String key = FiveChannels.listingKey(Marketplace.SHOPIFY, 6);

    // A sale counts as made after the push only when its time (whole seconds, by the
    // marketplace's clock) is past the push plus the clock margin: let that much time pass.
    Instant pushed = shopify.history(key).get(0).at();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Instant.now().isAfter(pushed.plusMillis(2_500)));

    // Shopify sells 3 and shows 17 by itself; the engine learns of it from the webhook.
    assertThat(shopify.trySell(key, 3, "buyer-own")).isTrue();
    await()
        .atMost(FiveChannels.CONVERGE)
        .untilAsserted(
            () ->
                assertThat(shop.get("/v1/skus/OWN").json().path("reserved").asLong()).isEqualTo(3));
    channels.awaitShown(6, 17);
    // A later change on every channel: once it is shown, the sale has been looked at everywhere.
    adjust("OWN-BARRIER", "own-barrier-1", 1);
    channels.awaitShown(7, 6);
    assertThat(shopify.history(key)).extracting(StockRecord::quantity).containsExactly(20L);

    // TikTok Shop sells 2: that is news to Shopify, which is told 15.
    SimShop tiktok = channels.shop(Marketplace.TIKTOK_SHOP);
    assertThat(tiktok.trySell(FiveChannels.listingKey(Marketplace.TIKTOK_SHOP, 6), 2, "b2"))
        .isTrue();
    channels.awaitShown(6, 15);
    assertThat(shopify.history(key)).extracting(StockRecord::quantity).containsExactly(20L, 15L);
  }
}
