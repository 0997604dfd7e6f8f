package io.ecengine.loadtest.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecengine.engine.channel.marketplace.Marketplace;
import io.ecengine.loadtest.EngineClient;
import io.ecengine.loadtest.simulator.MarketplaceSimulator;
import io.ecengine.loadtest.simulator.SimShop;
import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/** One tenant's five channels, one per marketplace, each on a shop of the simulator. */
final class FiveChannels {

  static final Duration CONVERGE = Duration.ofSeconds(60);

  private static final Map<Marketplace, String> CHANNEL_IDS =
      Map.of(
          Marketplace.TIKTOK_SHOP, "tiktok-live",
          Marketplace.RAKUTEN, "rakuten-main",
          Marketplace.YAHOO_SHOPPING, "yahoo-main",
          Marketplace.AMAZON, "amazon-jp",
          Marketplace.SHOPIFY, "shopify-main");

  private final EngineClient api;
  private final Map<Marketplace, SimShop> shops = new EnumMap<>(Marketplace.class);

  private FiveChannels(EngineClient api) {
    this.api = api;
  }

  /**
   * Creates a shop per marketplace (keys prefixed with {@code shopPrefix}) and a channel for each;
   * the webhook marketplaces deliver to the engine at {@code engine}.
   */
  static FiveChannels connect(
      EngineClient api, MarketplaceSimulator sim, URI engine, String shopPrefix) {
    FiveChannels channels = new FiveChannels(api);
    for (Marketplace marketplace : Marketplace.values()) {
      String shopKey =
          marketplace == Marketplace.SHOPIFY
              ? shopPrefix + ".myshopify.com"
              : shopPrefix + "-" + marketplace.id();
      SimShop shop = sim.shop(marketplace, shopKey);
      channels.shops.put(marketplace, shop);
      String channelId = CHANNEL_IDS.get(marketplace);
      Map<String, Object> body = new HashMap<>();
      body.put("marketplace", marketplace.id());
      body.put("baseUrl", shop.baseUrl());
      body.put("credentials", shop.credentials());
      api.put("/v1/channels/" + channelId, body).requireSuccess();
      if (marketplace == Marketplace.TIKTOK_SHOP || marketplace == Marketplace.SHOPIFY) {
        shop.deliverWebhooksTo(engine + "/webhooks/" + marketplace.id() + "/" + channelId);
      }
    }
    return channels;
  }

  /** Sets a channel up again with extra settings (rateLimit, burst, batchSize, paused). */
  void reconfigure(Marketplace marketplace, Map<String, Object> extra) {
    SimShop shop = shops.get(marketplace);
    Map<String, Object> body = new HashMap<>(extra);
    body.put("marketplace", marketplace.id());
    body.put("baseUrl", shop.baseUrl());
    body.put("credentials", shop.credentials());
    api.put("/v1/channels/" + channelId(marketplace), body).requireSuccess();
  }

  SimShop shop(Marketplace marketplace) {
    return shops.get(marketplace);
  }

  static String channelId(Marketplace marketplace) {
    return CHANNEL_IDS.get(marketplace);
  }

  /** The listing key of the n-th listed item on a marketplace. */
  static String listingKey(Marketplace marketplace, int n) {
    return switch (marketplace) {
      case TIKTOK_SHOP -> String.format("1729%015d:1730%015d", n, n);
      case RAKUTEN -> "item-" + n + ":var-" + n;
      case YAHOO_SHOPPING -> "item-" + n;
      case AMAZON -> "AMZ-" + n;
      case SHOPIFY -> (80_000 + n) + ":1";
    };
  }

  /** Lists the SKU as item {@code n} on all five shops (showing 0) and in the engine. */
  void list(String sku, int n) {
    for (Marketplace marketplace : Marketplace.values()) {
      SimShop shop = shops.get(marketplace);
      String key = listingKey(marketplace, n);
      shop.list(key, 0);
      api.put(
              "/v1/channels/" + channelId(marketplace) + "/listings/" + sku,
              Map.of("ids", shop.listingIds(key)))
          .requireSuccess();
    }
  }

  /** What the engine says each channel may sell of the SKU. */
  Map<Marketplace, Long> sellable(String sku) {
    JsonNode availability = api.get("/v1/skus/" + sku + "/availability").requireSuccess().json();
    Map<Marketplace, Long> sellable = new EnumMap<>(Marketplace.class);
    for (JsonNode channel : availability.path("channels")) {
      for (Marketplace marketplace : Marketplace.values()) {
        if (channelId(marketplace).equals(channel.path("channelId").asText())) {
          sellable.put(marketplace, channel.path("sellable").asLong());
        }
      }
    }
    return sellable;
  }

  /** Waits until every shop shows what the engine computes its channel may sell. */
  void awaitShownAsComputed(String sku, int n) {
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              Map<Marketplace, Long> sellable = sellable(sku);
              for (Marketplace marketplace : Marketplace.values()) {
                assertThat(shops.get(marketplace).shown(listingKey(marketplace, n)))
                    .as("%s shows what %s may sell", marketplace.id(), sku)
                    .hasValue(sellable.get(marketplace));
              }
            });
  }

  /** Waits until every shop shows {@code quantity} of the SKU. */
  void awaitShown(int n, long quantity) {
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              for (Marketplace marketplace : Marketplace.values()) {
                assertThat(shops.get(marketplace).shown(listingKey(marketplace, n)))
                    .as("%s shows", marketplace.id())
                    .hasValue(quantity);
              }
            });
  }
}
