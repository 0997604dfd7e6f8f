package io.ecengine.loadtest.channels;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecengine.engine.channel.marketplace.Marketplace;
import io.ecengine.http.Server;
import io.ecengine.loadtest.EngineClient;
import io.ecengine.loadtest.simulator.MarketplaceSimulator;
import io.ecengine.loadtest.simulator.SimShop;
import io.ecengine.persistence.PostgresTestDatabase;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A node stopped while its channels still have pushes to send, and a new node started on the same
 * PostgreSQL schema: the new node's channels compare what each marketplace was last sent with what
 * it should show, and send what the first node never did.
 */
class ChannelCrashRecoveryTest {

  private static final int SKUS = 4;
  // No order pulls: they would spend the slow Amazon channel's tokens meant for stock pushes.
  private static final Map<String, Object> NO_PULLS =
      Map.of("ec.channels.order-poll-interval", "10 minutes");

  @Test
  void aNodeStoppedWithPushesPendingLosesNoUpdate() {
    try (PostgresTestDatabase database = PostgresTestDatabase.create();
        MarketplaceSimulator sim = MarketplaceSimulator.start()) {
      String apiKey;
      FiveChannels channels;
      try (Server first = EngineNode.start(database.url(), "postgres", NO_PULLS)) {
        apiKey = EngineNode.newTenantKey(first, "crash");
        EngineClient shop = new EngineClient(EngineNode.base(first), apiKey);
        channels = FiveChannels.connect(shop, sim, EngineNode.base(first), "crash");
        // Amazon takes one SKU a call; with a burst of 4 and a token every 20 s, the first
        // pushes of the 4 SKUs go at once and the next ones wait long after the node stops.
        channels.reconfigure(Marketplace.AMAZON, Map.of("rateLimit", 0.05, "burst", SKUS));
        for (int s = 0; s < SKUS; s++) {
          shop.put("/v1/skus/C-" + s, Map.of("name", "Item " + s)).requireSuccess();
          shop.post(
                  "/v1/skus/C-" + s + "/adjustments",
                  Map.of("adjustmentId", "in-1", "delta", 10, "reason", "receipt"))
              .requireSuccess();
          channels.list("C-" + s, s);
        }
        IntStream.range(0, SKUS).forEach(s -> channels.awaitShown(s, 10));

        for (int s = 0; s < SKUS; s++) {
          shop.post(
                  "/v1/skus/C-" + s + "/adjustments",
                  Map.of("adjustmentId", "in-2", "delta", 5, "reason", "receipt"))
              .requireSuccess();
        }
      }
      SimShop amazon = channels.shop(Marketplace.AMAZON);
      long staleAtStop =
          IntStream.range(0, SKUS)
              .filter(
                  s ->
                      amazon.shown(FiveChannels.listingKey(Marketplace.AMAZON, s)).orElse(-1) != 15)
              .count();
      // The node stopped mid-sync: some update had not reached the marketplace.
      assertThat(staleAtStop).isPositive();

      try (Server second = EngineNode.start(database.url(), "postgres", NO_PULLS)) {
        EngineClient shop = new EngineClient(EngineNode.base(second), apiKey);
        for (int s = 0; s < SKUS; s++) {
          assertThat(shop.get("/v1/skus/C-" + s).requireSuccess().json().path("available").asLong())
              .isEqualTo(15);
        }
        IntStream.range(0, SKUS).forEach(s -> channels.awaitShown(s, 15));
        for (int s = 0; s < SKUS; s++) {
          String key = FiveChannels.listingKey(Marketplace.AMAZON, s);
          assertThat(amazon.history(key).get(amazon.history(key).size() - 1).quantity())
              .isEqualTo(15);
        }
      }
    }
  }
}
