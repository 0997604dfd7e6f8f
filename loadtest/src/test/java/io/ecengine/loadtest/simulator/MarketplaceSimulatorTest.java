package io.ecengine.loadtest.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.ecengine.engine.channel.MarketplaceClient;
import io.ecengine.engine.channel.marketplace.Credentials;
import io.ecengine.engine.channel.marketplace.ListingIds;
import io.ecengine.engine.channel.marketplace.Marketplace;
import io.ecengine.engine.channel.marketplace.MarketplaceAdapter;
import io.ecengine.engine.channel.marketplace.MarketplaceAdapters;
import io.ecengine.engine.channel.marketplace.MarketplaceCallException;
import io.ecengine.engine.channel.marketplace.MarketplaceOrder;
import io.ecengine.engine.channel.marketplace.MarketplaceRequest;
import io.ecengine.engine.channel.marketplace.MarketplaceResponse;
import io.ecengine.engine.channel.marketplace.OrderPage;
import io.ecengine.engine.channel.marketplace.PushResult;
import io.ecengine.engine.channel.marketplace.StockPush;
import io.ecengine.engine.channel.marketplace.WebhookEvent;
import io.ecengine.engine.channel.marketplace.WebhookVerifier;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulator against the engine's own adapters over real HTTP: what an adapter builds is taken,
 * what the simulator answers reads as the adapter expects, bad credentials and excess calls are
 * refused the marketplace's way, and sales come back as orders the adapters can pull or verify.
 */
class MarketplaceSimulatorTest {

  private static final Map<Marketplace, String> LISTING =
      Map.of(
          Marketplace.TIKTOK_SHOP, "1729000000000000001:1729000000000000101",
          Marketplace.RAKUTEN, "tshirt-01:m-red",
          Marketplace.YAHOO_SHOPPING, "mug-01:blue",
          Marketplace.AMAZON, "AMZ-MUG-01",
          Marketplace.SHOPIFY, "44012345:7001");

  private static ExecutorService executor;
  private static MarketplaceClient client;

  @BeforeAll
  static void startClient() {
    executor = Executors.newFixedThreadPool(4);
    client = new MarketplaceClient(executor, Duration.ofSeconds(10));
  }

  @AfterAll
  static void stopClient() {
    executor.shutdownNow();
  }

  private static MarketplaceResponse send(MarketplaceRequest request) {
    return client.send(request).toCompletableFuture().join();
  }

  private static PushResult push(SimShop shop, Credentials credentials, long quantity) {
    MarketplaceAdapter adapter = MarketplaceAdapters.forMarketplace(shop.marketplace());
    String key = LISTING.get(shop.marketplace());
    StockPush push = new StockPush("SKU-1", new ListingIds(shop.listingIds(key)), quantity);
    List<MarketplaceRequest> requests =
        adapter.stockUpdate(URI.create(shop.baseUrl()), credentials, List.of(push), Instant.now());
    assertThat(requests).hasSize(1);
    return adapter.parseStockUpdate(requests.get(0), send(requests.get(0)));
  }

  private static Credentials credentialsOf(SimShop shop) {
    return Credentials.of(shop.credentials());
  }

  private static SimShop listedShop(MarketplaceSimulator sim, Marketplace marketplace, long shown) {
    SimShop shop = sim.shop(marketplace, "shop-" + marketplace.id() + ".example");
    shop.list(LISTING.get(marketplace), shown);
    return shop;
  }

  @Test
  void everyMarketplaceTakesTheAdaptersStockPushAndRecordsIt() {
    try (MarketplaceSimulator sim = MarketplaceSimulator.start()) {
      for (Marketplace marketplace : Marketplace.values()) {
        SimShop shop = listedShop(sim, marketplace, 5);
        PushResult result = push(shop, credentialsOf(shop), 42);

        assertThat(result).as(marketplace.id()).isInstanceOf(PushResult.Accepted.class);
        String key = LISTING.get(marketplace);
        assertThat(shop.shown(key)).hasValue(42);
        assertThat(shop.history(key)).extracting(StockRecord::quantity).containsExactly(42L);
        assertThat(shop.calls()).isEqualTo(1);
        assertThat(shop.throttledCalls()).isZero();
      }
    }
  }

  @Test
  void refusesWrongCredentialsTheWayEachMarketplaceDoes() {
    Map<Marketplace, String> wrongKey =
        Map.of(
            Marketplace.TIKTOK_SHOP, "app_secret",
            Marketplace.RAKUTEN, "license_key",
            Marketplace.YAHOO_SHOPPING, "access_token",
            Marketplace.AMAZON, "access_token",
            Marketplace.SHOPIFY, "access_token");
    try (MarketplaceSimulator sim = MarketplaceSimulator.start()) {
      for (Marketplace marketplace : Marketplace.values()) {
        SimShop shop = listedShop(sim, marketplace, 5);
        Map<String, String> wrong = new HashMap<>(shop.credentials());
        wrong.put(wrongKey.get(marketplace), "not-the-" + wrongKey.get(marketplace));

        PushResult result = push(shop, Credentials.of(wrong), 9);

        assertThat(result).as(marketplace.id()).isInstanceOf(PushResult.Failed.class);
        assertThat(((PushResult.Failed) result).retryable()).as(marketplace.id()).isFalse();
        assertThat(shop.shown(LISTING.get(marketplace))).hasValue(5);
        assertThat(shop.history(LISTING.get(marketplace))).isEmpty();
      }
    }
  }

  @Test
  void answersCallsBeyondTheRateLimitWithEachMarketplacesThrottleSignal() {
    MarketplaceSimulator.Settings settings =
        MarketplaceSimulator.Settings.defaults()
            .withRateLimit(Marketplace.TIKTOK_SHOP, 0.01, 2)
            .withRateLimit(Marketplace.RAKUTEN, 0.01, 2)
            .withRateLimit(Marketplace.YAHOO_SHOPPING, 0.01, 2)
            .withRateLimit(Marketplace.AMAZON, 0.01, 2)
            .withRateLimit(Marketplace.SHOPIFY, 0.01, 2);
    try (MarketplaceSimulator sim = MarketplaceSimulator.start(settings)) {
      for (Marketplace marketplace : Marketplace.values()) {
        SimShop shop = listedShop(sim, marketplace, 5);
        assertThat(push(shop, credentialsOf(shop), 1)).isInstanceOf(PushResult.Accepted.class);
        assertThat(push(shop, credentialsOf(shop), 2)).isInstanceOf(PushResult.Accepted.class);

        PushResult third = push(shop, credentialsOf(shop), 3);

        assertThat(third).as(marketplace.id()).isInstanceOf(PushResult.Throttled.class);
        assertThat(shop.shown(LISTING.get(marketplace))).hasValue(2);
        assertThat(shop.calls()).isEqualTo(3);
        assertThat(shop.throttledCalls()).isEqualTo(1);
        assertThat(shop.callLog().get(2).throttled()).isTrue();
      }
      // Amazon says when one more call fits: one call at the plan's rate.
      SimShop amazon = sim.shop(Marketplace.AMAZON, "shop-amazon.example");
      PushResult.Throttled throttled =
          (PushResult.Throttled) push(amazon, credentialsOf(amazon), 4);
      assertThat(throttled.retryAfter()).isEqualTo(Duration.ofSeconds(100));
    }
  }

  @Test
  void yahooRefusesEveryCallOnceTheDailyBudgetIsSpent() {
    try (MarketplaceSimulator sim =
        MarketplaceSimulator.start(
            MarketplaceSimulator.Settings.defaults().withYahooDailyLimit(2))) {
      SimShop shop = listedShop(sim, Marketplace.YAHOO_SHOPPING, 5);
      push(shop, credentialsOf(shop), 1);
      push(shop, credentialsOf(shop), 2);

      PushResult third = push(shop, credentialsOf(shop), 3);

      assertThat(third).isInstanceOf(PushResult.Throttled.class);
      // No Retry-After: the adapter waits for the quota day to roll over, at least 15 minutes.
      assertThat(((PushResult.Throttled) third).retryAfter())
          .isGreaterThanOrEqualTo(Duration.ofMinutes(15));
      assertThat(shop.callLog().get(2).status()).isEqualTo(403);
    }
  }

  @Test
  void refusesAMalformedStockValueAndNamesTheItem() {
    try (MarketplaceSimulator sim = MarketplaceSimulator.start()) {
      SimShop rakuten = listedShop(sim, Marketplace.RAKUTEN, 5);
      // Above Rakuten's 99,999 the adapter clamps; an unknown variant is what the shop refuses.
      MarketplaceAdapter adapter = MarketplaceAdapters.forMarketplace(Marketplace.RAKUTEN);
      List<StockPush> pushes =
          List.of(
              new StockPush(
                  "KNOWN", new ListingIds(rakuten.listingIds(LISTING.get(Marketplace.RAKUTEN))), 7),
              new StockPush("UNKNOWN", ListingIds.of("manage_number", "x", "variant_id", "y"), 3));
      MarketplaceRequest request =
          adapter
              .stockUpdate(
                  URI.create(rakuten.baseUrl()), credentialsOf(rakuten), pushes, Instant.now())
              .get(0);

      PushResult result = adapter.parseStockUpdate(request, send(request));

      assertThat(result).isInstanceOf(PushResult.PartlyRejected.class);
      assertThat(((PushResult.PartlyRejected) result).rejected()).containsOnlyKeys("UNKNOWN");
      // All or nothing: the good item was not stored either, so the engine sends it again alone.
      assertThat(rakuten.history(LISTING.get(Marketplace.RAKUTEN))).isEmpty();
    }
  }

  /** Every quota wide open, for tests about shapes rather than limits. */
  private static MarketplaceSimulator.Settings unthrottled() {
    MarketplaceSimulator.Settings settings = MarketplaceSimulator.Settings.defaults();
    for (Quota quota : Quota.values()) {
      settings = settings.withLimit(quota, 10_000, 10_000);
    }
    return settings;
  }

  @Test
  void sellsOnlyWhatItShowsAndThePullFindsTheOrderForEveryMarketplace() {
    try (MarketplaceSimulator sim = MarketplaceSimulator.start(unthrottled())) {
      for (Marketplace marketplace : Marketplace.values()) {
        SimShop shop = listedShop(sim, marketplace, 3);
        String key = LISTING.get(marketplace);
        Instant before = Instant.now().minusSeconds(2);

        assertThat(shop.trySell(key, 2, "buyer-a")).isTrue();
        assertThat(shop.trySell(key, 2, "buyer-b")).isFalse();

        assertThat(shop.shown(key)).hasValue(1);
        assertThat(shop.unitsSold(key)).isEqualTo(2);
        assertThat(shop.refusedSales()).isEqualTo(1);
        String orderId = shop.orders().get(0).orderId();
        MarketplaceOrder order = pullAndRead(shop, before, orderId);
        assertThat(order.lines()).hasSize(1);
        MarketplaceOrder.Line line = order.lines().get(0);
        assertThat(line.quantity()).as(marketplace.id()).isEqualTo(2);
        // The line names the listing by the ids the engine's listing carries (all or some).
        assertThat(sharedIds(line.ids(), shop.listingIds(key))).as(marketplace.id()).isPositive();

        MarketplaceAdapter adapter = MarketplaceAdapters.forMarketplace(marketplace);
        MarketplaceRequest report =
            adapter.trackingWriteBack(
                URI.create(shop.baseUrl()),
                credentialsOf(shop),
                orderId,
                "yamato",
                "4912-0000-" + marketplace.ordinal(),
                order.lines(),
                Instant.now());
        PushResult reported = adapter.parseWriteBack(report, send(report));
        assertThat(reported).as(marketplace.id()).isInstanceOf(PushResult.Accepted.class);
        assertThat(shop.trackingReports())
            .singleElement()
            .satisfies(
                tracking -> {
                  assertThat(tracking.orderId()).isEqualTo(orderId);
                  assertThat(tracking.trackingNumber())
                      .isEqualTo("4912-0000-" + marketplace.ordinal());
                  assertThat(tracking.carrier()).isNotBlank();
                });
      }
    }
  }

  private static long sharedIds(ListingIds line, Map<String, String> listing) {
    return listing.entrySet().stream()
        .filter(id -> id.getValue().equals(line.ids().get(id.getKey())))
        .count();
  }

  /** Pulls orders since {@code since} as the engine's channel does and reads one whole. */
  private static MarketplaceOrder pullAndRead(SimShop shop, Instant since, String orderId) {
    MarketplaceAdapter adapter = MarketplaceAdapters.forMarketplace(shop.marketplace());
    URI base = URI.create(shop.baseUrl());
    Credentials credentials = credentialsOf(shop);
    MarketplaceRequest pull = adapter.orderPull(base, credentials, since, null, Instant.now());
    OrderPage page = adapter.parseOrderPull(pull, send(pull));
    List<MarketplaceOrder> found = new ArrayList<>(page.orders());
    if (!page.orderIdsToFetch().isEmpty()) {
      assertThat(page.orderIdsToFetch()).contains(orderId);
      MarketplaceOrder withoutLines =
          found.stream().filter(o -> o.channelOrderId().equals(orderId)).findFirst().orElse(null);
      found.clear();
      for (MarketplaceRequest detail :
          adapter.orderDetails(base, credentials, List.of(orderId), Instant.now())) {
        for (MarketplaceOrder read : adapter.parseOrderDetails(send(detail))) {
          found.add(withoutLines == null ? read : withoutLines.withLines(read.lines()));
        }
      }
    }
    return found.stream()
        .filter(o -> o.channelOrderId().equals(orderId))
        .findFirst()
        .orElseThrow(() -> new AssertionError("Order " + orderId + " not pulled from " + shop));
  }

  @Test
  void pullsPageThroughManyOrders() {
    try (MarketplaceSimulator sim = MarketplaceSimulator.start(unthrottled())) {
      SimShop shop = listedShop(sim, Marketplace.SHOPIFY, 20);
      for (int i = 0; i < 12; i++) {
        shop.trySell(LISTING.get(Marketplace.SHOPIFY), 1, "b" + i);
      }
      MarketplaceAdapter adapter = MarketplaceAdapters.forMarketplace(Marketplace.SHOPIFY);
      List<String> pulled = new ArrayList<>();
      String token = null;
      do {
        MarketplaceRequest pull =
            adapter.orderPull(
                URI.create(shop.baseUrl()),
                credentialsOf(shop),
                Instant.now().minusSeconds(60),
                token,
                Instant.now());
        OrderPage page = adapter.parseOrderPull(pull, send(pull));
        page.orders().forEach(order -> pulled.add(order.channelOrderId()));
        token = page.nextPageToken();
      } while (token != null);

      assertThat(pulled)
          .containsExactlyElementsOf(shop.orders().stream().map(OrderRecord::orderId).toList());
    }
  }

  @Test
  void pushMarketplacesDeliverSignedWebhooksThatTheEnginesVerifierAccepts() throws IOException {
    ConcurrentLinkedQueue<Map.Entry<Map<String, List<String>>, byte[]>> received =
        new ConcurrentLinkedQueue<>();
    AtomicInteger refuseFirst = new AtomicInteger(1);
    HttpServer engine = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    engine.createContext(
        "/webhooks",
        http -> {
          byte[] body = http.getRequestBody().readAllBytes();
          int status = refuseFirst.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 503 : 200;
          if (status == 200) {
            received.add(Map.entry(Map.copyOf(http.getRequestHeaders()), body));
          }
          http.sendResponseHeaders(status, -1);
          http.close();
        });
    engine.start();
    MarketplaceSimulator.Settings settings =
        MarketplaceSimulator.Settings.defaults().withWebhookRetries(3, Duration.ofMillis(50));
    try (MarketplaceSimulator sim = MarketplaceSimulator.start(settings)) {
      String url = "http://127.0.0.1:" + engine.getAddress().getPort() + "/webhooks/x/y";
      for (Marketplace marketplace : List.of(Marketplace.TIKTOK_SHOP, Marketplace.SHOPIFY)) {
        received.clear();
        SimShop shop = listedShop(sim, marketplace, 4);
        shop.deliverWebhooksTo(url);
        assertThat(shop.trySell(LISTING.get(marketplace), 1, "live-viewer")).isTrue();
        String orderId = shop.orders().get(0).orderId();

        await().atMost(Duration.ofSeconds(20)).until(() -> !received.isEmpty());
        Map.Entry<Map<String, List<String>>, byte[]> delivery = received.peek();
        WebhookVerifier verifier = MarketplaceAdapters.webhookVerifier(marketplace).orElseThrow();
        assertThat(verifier.verify(delivery.getKey(), delivery.getValue(), credentialsOf(shop)))
            .as(marketplace.id())
            .isTrue();
        Map<String, String> forged = new HashMap<>(shop.credentials());
        forged.replaceAll((k, v) -> k.contains("secret") ? "forged" : v);
        assertThat(verifier.verify(delivery.getKey(), delivery.getValue(), Credentials.of(forged)))
            .isFalse();
        WebhookEvent event = verifier.event(delivery.getKey(), delivery.getValue()).orElseThrow();
        assertThat(event.channelOrderId()).isEqualTo(orderId);
        assertThat(event.deliveryId()).isNotBlank();
        if (marketplace == Marketplace.SHOPIFY) {
          // The payload carries the order whole, its line named by the listing's variant.
          assertThat(event.orderOrNull().lines().get(0).ids().ids())
              .containsEntry(
                  "variant_id", shop.listingIds(LISTING.get(marketplace)).get("variant_id"));
        }

        // A redelivery is the same delivery, byte for byte.
        shop.redeliver(orderId);
        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 2);
        List<Map.Entry<Map<String, List<String>>, byte[]>> both = List.copyOf(received);
        assertThat(both.get(1).getValue()).isEqualTo(both.get(0).getValue());
        assertThat(verifier.deliveryId(both.get(1).getKey(), both.get(1).getValue()))
            .isEqualTo(verifier.deliveryId(both.get(0).getKey(), both.get(0).getValue()));
      }
      // The first delivery was refused with 503 and retried.
      SimShop tiktok = sim.shop(Marketplace.TIKTOK_SHOP, "shop-tiktok_shop.example");
      assertThat(tiktok.webhookDeliveries()).extracting(WebhookRecord::status).startsWith(503, 200);
    } finally {
      engine.stop(0);
    }
  }

  @Test
  void rejectsListingKeysNotInTheMarketplacesForm() {
    try (MarketplaceSimulator sim = MarketplaceSimulator.start()) {
      assertThatThrownBy(() -> sim.shop(Marketplace.TIKTOK_SHOP, "c").list("no-colon", 1))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> sim.shop(Marketplace.SHOPIFY, "s.myshopify.com").list("a:b", 1))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> sim.shop(Marketplace.AMAZON, "S").trySell("never-listed", 1, "b"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void anOrderPullWithBadCredentialsIsRefused() {
    try (MarketplaceSimulator sim = MarketplaceSimulator.start()) {
      SimShop shop = listedShop(sim, Marketplace.AMAZON, 1);
      Map<String, String> wrong = new HashMap<>(shop.credentials());
      wrong.put("access_token", "Atza|expired");
      MarketplaceAdapter adapter = MarketplaceAdapters.forMarketplace(Marketplace.AMAZON);
      MarketplaceRequest pull =
          adapter.orderPull(
              URI.create(shop.baseUrl()),
              Credentials.of(wrong),
              Instant.now().minusSeconds(60),
              null,
              Instant.now());
      MarketplaceResponse response = send(pull);

      assertThat(response.status()).isEqualTo(403);
      assertThatThrownBy(() -> adapter.parseOrderPull(pull, response))
          .isInstanceOf(MarketplaceCallException.class);
      // The simulator counts the call after its answer is on the way.
      await().untilAsserted(() -> assertThat(sim.unattributedCalls()).isEqualTo(1));
    }
  }
}
