package io.ecengine.loadtest.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecengine.engine.channel.marketplace.Marketplace;
import io.ecengine.http.Server;
import io.ecengine.loadtest.EngineClient;
import io.ecengine.loadtest.simulator.MarketplaceSimulator;
import io.ecengine.loadtest.simulator.OrderRecord;
import io.ecengine.loadtest.simulator.SimShop;
import io.ecengine.loadtest.simulator.WebhookRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TikTok Shop and Shopify announce orders by webhook, but their channels also pull orders every
 * {@code ec.channels.order-reconcile-interval}: an order whose webhook never arrived is imported
 * all the same. Here Shopify's webhooks are refused by the engine (the shop delivers them to a
 * channel id that does not exist) and TikTok Shop's are never sent, and the engine's pull of the
 * other marketplaces ({@code order-poll-interval}) is set to an hour, so only the reconciling pull
 * can bring the orders in.
 */
class MissedWebhooksTest {

  private static final String SKU = "MUG";
  private static final int ITEM = 1;

  private MarketplaceSimulator sim;
  private Server node;
  private EngineClient shop;

  @BeforeEach
  void start() {
    // One attempt per webhook: a refused delivery is not retried into the test's time.
    sim =
        MarketplaceSimulator.start(
            MarketplaceSimulator.Settings.defaults().withWebhookRetries(1, Duration.ofSeconds(1)));
    node =
        EngineNode.startOnH2(
            Map.of(
                "ec.channels.order-reconcile-interval", "1s",
                "ec.channels.order-poll-interval", "1 hour"));
    shop = EngineNode.newTenant(node, "missed-webhooks");
  }

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
  void ordersWhoseWebhooksNeverArrivedAreImportedByTheReconcilingPull() {
    shop.put("/v1/skus/" + SKU, Map.of("name", "Mug")).requireSuccess();
    shop.post(
            "/v1/skus/" + SKU + "/adjustments",
            Map.of("adjustmentId", "in-1", "delta", 10, "reason", "receipt"))
        .requireSuccess();
    SimShop shopify = connect(Marketplace.SHOPIFY, "missed.myshopify.com");
    SimShop tiktok = connect(Marketplace.TIKTOK_SHOP, "missed-tiktok");
    // A webhook subscription left pointing at a channel id that does not exist: every delivery
    // is answered 401. TikTok Shop's shop is never given a URL, so it sends nothing.
    shopify.deliverWebhooksTo(EngineNode.base(node) + "/webhooks/shopify/shopify-retired");
    await()
        .atMost(FiveChannels.CONVERGE)
        .untilAsserted(
            () -> {
              assertThat(shown(shopify)).isEqualTo(10);
              assertThat(shown(tiktok)).isEqualTo(10);
            });

    String shopifyOrder = sell(shopify, 2);
    String tiktokOrder = sell(tiktok, 1);

    await()
        .atMost(FiveChannels.CONVERGE)
        .untilAsserted(
            () -> {
              assertThat(orderStatus(Marketplace.SHOPIFY, shopifyOrder)).isEqualTo("ALLOCATED");
              assertThat(orderStatus(Marketplace.TIKTOK_SHOP, tiktokOrder)).isEqualTo("ALLOCATED");
            });
    JsonNode mug = shop.get("/v1/skus/" + SKU).requireSuccess().json();
    assertThat(mug.path("reserved").asLong()).isEqualTo(3);
    assertThat(mug.path("available").asLong()).isEqualTo(7);
    // Each marketplace is told what the other sold.
    await()
        .atMost(FiveChannels.CONVERGE)
        .untilAsserted(
            () -> {
              assertThat(shown(shopify)).isEqualTo(7);
              assertThat(shown(tiktok)).isEqualTo(7);
            });

    // No webhook got through: the orders came in by the pull alone.
    await()
        .atMost(FiveChannels.CONVERGE)
        .untilAsserted(
            () ->
                assertThat(shopify.webhookDeliveries())
                    .extracting(WebhookRecord::orderId)
                    .contains(shopifyOrder));
    assertThat(shopify.webhookDeliveries())
        .filteredOn(delivery -> delivery.orderId().equals(shopifyOrder))
        .extracting(WebhookRecord::status)
        .containsOnly(401);
    assertThat(tiktok.webhookDeliveries()).isEmpty();
  }

  /** A shop on the simulator with a channel of the same id as in {@link FiveChannels}. */
  private SimShop connect(Marketplace marketplace, String shopKey) {
    SimShop simShop = sim.shop(marketplace, shopKey);
    shop.put(
            "/v1/channels/" + FiveChannels.channelId(marketplace),
            Map.of(
                "marketplace",
                marketplace.id(),
                "baseUrl",
                simShop.baseUrl(),
                "credentials",
                simShop.credentials()))
        .requireSuccess();
    String key = FiveChannels.listingKey(marketplace, ITEM);
    simShop.list(key, 0);
    shop.put(
            "/v1/channels/" + FiveChannels.channelId(marketplace) + "/listings/" + SKU,
            Map.of("ids", simShop.listingIds(key)))
        .requireSuccess();
    return simShop;
  }

  private static long shown(SimShop simShop) {
    return simShop.shown(FiveChannels.listingKey(simShop.marketplace(), ITEM)).orElse(-1);
  }

  /** Sells on the marketplace and returns the id of the order it created. */
  private static String sell(SimShop simShop, int quantity) {
    String key = FiveChannels.listingKey(simShop.marketplace(), ITEM);
    assertThat(simShop.trySell(key, quantity, "buyer-" + simShop.marketplace().id())).isTrue();
    List<OrderRecord> orders = simShop.orders();
    return orders.get(orders.size() - 1).orderId();
  }

  /** The engine's status of a marketplace order, from the order list; null while unknown. */
  private String orderStatus(Marketplace marketplace, String channelOrderId) {
    JsonNode items =
        shop.get("/v1/orders?channelId=" + FiveChannels.channelId(marketplace) + "&limit=100")
            .requireSuccess()
            .json()
            .path("items");
    for (JsonNode item : items) {
      if (channelOrderId.equals(item.path("channelOrderId").asText())) {
        return item.path("status").asText();
      }
    }
    return null;
  }
}
