package io.ecengine.loadtest.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecengine.engine.channel.MarketplaceClient;
import io.ecengine.engine.channel.marketplace.Credentials;
import io.ecengine.engine.channel.marketplace.ListingIds;
import io.ecengine.engine.channel.marketplace.ListingRef;
import io.ecengine.engine.channel.marketplace.Marketplace;
import io.ecengine.engine.channel.marketplace.MarketplaceAdapter;
import io.ecengine.engine.channel.marketplace.MarketplaceAdapters;
import io.ecengine.engine.channel.marketplace.MarketplaceCallException;
import io.ecengine.engine.channel.marketplace.MarketplaceRequest;
import io.ecengine.engine.channel.marketplace.PushResult;
import io.ecengine.engine.channel.marketplace.StockPush;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The adapters' stock reads against the simulator over real HTTP: a read shows what was pushed less
 * what the marketplace sold since, changes nothing, leaves out listings the shop does not have, and
 * is refused or throttled the marketplace's way.
 */
class StockReadRoundTripTest {

  private static final Map<Marketplace, String> LISTING =
      Map.of(
          Marketplace.TIKTOK_SHOP, "1729000000000000001:1729000000000000101",
          Marketplace.RAKUTEN, "tshirt-01:m-red",
          Marketplace.YAHOO_SHOPPING, "mug-01:blue",
          Marketplace.AMAZON, "AMZ-MUG-01",
          Marketplace.SHOPIFY, "44012345:7001");

  /** Ids of a listing no shop of the simulator has, in each marketplace's form. */
  private static final Map<Marketplace, ListingIds> UNKNOWN =
      Map.of(
          Marketplace.TIKTOK_SHOP,
          ListingIds.of("product_id", "1729000000000000001", "sku_id", "1729000000000009999"),
          Marketplace.RAKUTEN,
          ListingIds.of("manage_number", "nothing-01", "variant_id", "none"),
          Marketplace.YAHOO_SHOPPING,
          ListingIds.of("item_code", "never-listed"),
          Marketplace.AMAZON,
          ListingIds.of("seller_sku", "AMZ-NEVER-LISTED"),
          Marketplace.SHOPIFY,
          ListingIds.of("inventory_item_id", "99999", "location_id", "7001"));

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

  private static MarketplaceAdapter adapter(SimShop shop) {
    return MarketplaceAdapters.forMarketplace(shop.marketplace());
  }

  private static SimShop listedShop(MarketplaceSimulator sim, Marketplace marketplace) {
    SimShop shop = sim.shop(marketplace, "shop-" + marketplace.id() + ".example");
    shop.list(LISTING.get(marketplace), 5);
    return shop;
  }

  private static ListingRef listing(SimShop shop) {
    return new ListingRef(
        "SKU-1", new ListingIds(shop.listingIds(LISTING.get(shop.marketplace()))));
  }

  private static PushResult push(SimShop shop, long quantity) {
    StockPush push = new StockPush("SKU-1", listing(shop).ids(), quantity);
    List<MarketplaceRequest> requests =
        adapter(shop)
            .stockUpdate(
                URI.create(shop.baseUrl()),
                Credentials.of(shop.credentials()),
                List.of(push),
                Instant.now());
    assertThat(requests).hasSize(1);
    MarketplaceRequest request = requests.get(0);
    return adapter(shop)
        .parseStockUpdate(request, client.send(request).toCompletableFuture().join());
  }

  /** Sends every read call the adapter builds and merges what they show. */
  private static Map<String, Long> read(
      SimShop shop, Map<String, String> credentials, List<ListingRef> listings) {
    Map<String, Long> shown = new LinkedHashMap<>();
    for (MarketplaceRequest request :
        adapter(shop)
            .stockRead(
                URI.create(shop.baseUrl()), Credentials.of(credentials), listings, Instant.now())) {
      shown.putAll(
          adapter(shop).parseStockRead(request, client.send(request).toCompletableFuture().join()));
    }
    return shown;
  }

  @Test
  void everyMarketplaceShowsWhatWasPushedLessWhatItSold() {
    try (MarketplaceSimulator sim = MarketplaceSimulator.start()) {
      for (Marketplace marketplace : Marketplace.values()) {
        SimShop shop = listedShop(sim, marketplace);
        String key = LISTING.get(marketplace);
        assertThat(push(shop, 10)).as(marketplace.id()).isInstanceOf(PushResult.Accepted.class);
        assertThat(shop.trySell(key, 2, "live-viewer")).isTrue();

        Map<String, Long> shown =
            read(
                shop,
                shop.credentials(),
                List.of(listing(shop), new ListingRef("SKU-UNKNOWN", UNKNOWN.get(marketplace))));

        assertThat(shown).as(marketplace.id()).containsExactly(Map.entry("SKU-1", 8L));
        // Reading changed nothing, and each read is in the call log as a read, not a push.
        assertThat(shop.shown(key)).hasValue(8);
        assertThat(shop.history(key)).extracting(StockRecord::quantity).containsExactly(10L);
        assertThat(shop.callTimes(Api.Kind.STOCK)).as(marketplace.id()).hasSize(1);
        assertThat(shop.callTimes(Api.Kind.READ)).as(marketplace.id()).isNotEmpty();
        assertThat(shop.callLog())
            .filteredOn(call -> call.api().kind() == Api.Kind.READ)
            .allSatisfy(call -> assertThat(call.throttled()).isFalse());
      }
    }
  }

  @Test
  void amazonAnswersAnUnknownSkuWith404WhichReadsAsMissing() {
    try (MarketplaceSimulator sim = MarketplaceSimulator.start()) {
      SimShop shop = listedShop(sim, Marketplace.AMAZON);

      Map<String, Long> shown =
          read(
              shop,
              shop.credentials(),
              List.of(new ListingRef("SKU-UNKNOWN", UNKNOWN.get(Marketplace.AMAZON))));

      assertThat(shown).isEmpty();
      assertThat(shop.callLog())
          .singleElement()
          .satisfies(call -> assertThat(call.status()).isEqualTo(404));
    }
  }

  @Test
  void refusesAReadWithWrongCredentialsTheWayEachMarketplaceDoes() {
    Map<Marketplace, String> wrongKey =
        Map.of(
            Marketplace.TIKTOK_SHOP, "app_secret",
            Marketplace.RAKUTEN, "license_key",
            Marketplace.YAHOO_SHOPPING, "access_token",
            Marketplace.AMAZON, "access_token",
            Marketplace.SHOPIFY, "access_token");
    try (MarketplaceSimulator sim = MarketplaceSimulator.start()) {
      for (Marketplace marketplace : Marketplace.values()) {
        SimShop shop = listedShop(sim, marketplace);
        Map<String, String> wrong = new HashMap<>(shop.credentials());
        wrong.put(wrongKey.get(marketplace), "not-the-" + wrongKey.get(marketplace));

        assertThatThrownBy(() -> read(shop, wrong, List.of(listing(shop))))
            .as(marketplace.id())
            .isInstanceOfSatisfying(
                MarketplaceCallException.class,
                e -> {
                  assertThat(e.outcome()).isInstanceOf(PushResult.Failed.class);
                  assertThat(((PushResult.Failed) e.outcome()).retryable()).isFalse();
                  assertThat(e.getMessage()).doesNotContain(wrong.get(wrongKey.get(marketplace)));
                });
        assertThat(shop.shown(LISTING.get(marketplace))).hasValue(5);
      }
    }
  }

  @Test
  void answersReadsBeyondTheReadQuotaWithTheThrottleSignal() {
    MarketplaceSimulator.Settings settings = MarketplaceSimulator.Settings.defaults();
    for (Marketplace marketplace : Marketplace.values()) {
      Quota quota = Quota.ofStockRead(marketplace);
      // Shopify's quota is in points: two reads of one item fit, a third does not.
      int burst = quota == Quota.SHOPIFY_COST ? 2 * (1 + ShopifyApi.READ_COST_PER_ITEM) : 2;
      settings = settings.withLimit(quota, 0.01, burst);
    }
    try (MarketplaceSimulator sim = MarketplaceSimulator.start(settings)) {
      for (Marketplace marketplace : Marketplace.values()) {
        SimShop shop = listedShop(sim, marketplace);
        List<ListingRef> one = List.of(listing(shop));
        assertThat(read(shop, shop.credentials(), one)).containsEntry("SKU-1", 5L);
        assertThat(read(shop, shop.credentials(), one)).containsEntry("SKU-1", 5L);

        assertThatThrownBy(() -> read(shop, shop.credentials(), one))
            .as(marketplace.id())
            .isInstanceOfSatisfying(
                MarketplaceCallException.class,
                e -> assertThat(e.outcome()).isInstanceOf(PushResult.Throttled.class));
        assertThat(shop.throttledCalls()).isEqualTo(1);
        assertThat(shop.callLog().get(2).api().kind()).isEqualTo(Api.Kind.READ);
        if (marketplace != Marketplace.SHOPIFY) {
          // Reads have a quota of their own there: a throttled read holds back no push.
          assertThat(push(shop, 3)).as(marketplace.id()).isInstanceOf(PushResult.Accepted.class);
        }
      }
      // Amazon says when one more read fits: one call at the plan's rate.
      SimShop amazon = sim.shop(Marketplace.AMAZON, "shop-amazon.example");
      assertThatThrownBy(() -> read(amazon, amazon.credentials(), List.of(listing(amazon))))
          .isInstanceOfSatisfying(
              MarketplaceCallException.class,
              e ->
                  assertThat(e.outcome())
                      .isEqualTo(new PushResult.Throttled(Duration.ofSeconds(100))));
    }
  }
}
