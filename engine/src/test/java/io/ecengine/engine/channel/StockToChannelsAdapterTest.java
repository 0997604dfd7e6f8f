package io.ecengine.engine.channel;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ecengine.engine.channel.marketplace.MarketplaceOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fast path's cache of a tenant's channels. */
class StockToChannelsAdapterTest {

  private static ActorTestKit kit;

  @BeforeAll
  static void start() {
    kit =
        ActorTestKit.create(
            ConfigFactory.parseString(
                """
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical.hostname = "127.0.0.1"
                pekko.remote.artery.canonical.port = 0
                pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                """));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /** A backend that knows only the channel list of a tenant, which has no channels. */
  private static final class NoChannels implements ChannelBackend {
    final AtomicInteger reads = new AtomicInteger();

    @Override
    public List<String> channelIds(String tenantId) {
      reads.incrementAndGet();
      return List.of();
    }

    @Override
    public Optional<ChannelSetup> load(String tenantId, String channelId) {
      return Optional.empty();
    }

    @Override
    public List<ChannelKey> allChannels() {
      return List.of();
    }

    @Override
    public void recordSent(String t, String c, Map<String, Long> quantities, Instant at) {}

    @Override
    public void recordErrors(String t, String c, Map<String, String> errors, Instant at) {}

    @Override
    public List<WriteBack> pendingWriteBacks(String t, String c, int maxAttempts, int limit) {
      return List.of();
    }

    @Override
    public List<MarketplaceOrder.Line> marketplaceLines(String t, String c, String orderId) {
      return List.of();
    }

    @Override
    public void writeBackSent(String t, WriteBack writeBack, Instant at) {}

    @Override
    public void writeBackFailed(String t, WriteBack writeBack, String error, Instant at) {}

    @Override
    public Optional<Instant> pulledSince(String t, String c) {
      return Optional.empty();
    }

    @Override
    public void markPulled(String t, String c, Instant since) {}
  }

  @Test
  void aChannelListReadThatCompletesAtOnceIsCachedAndReadAgainWhenStale() {
    NoChannels backend = new NoChannels();
    // A direct executor completes the read before its completion is attached, the case that
    // must not leave a failed read in the cache.
    StockToChannelsAdapter adapter =
        new StockToChannelsAdapter(kit.system(), backend, Runnable::run, Duration.ZERO);

    adapter.nudge("tenant-a", "SKU-1");
    adapter.nudgeConfirmed("tenant-a", "SKU-1", Duration.ofSeconds(1)).toCompletableFuture().join();
    adapter.nudgeConfirmed("tenant-a", "SKU-2", Duration.ofSeconds(1)).toCompletableFuture().join();

    // Every read finished and was forgotten, so a stale cache is read again each time.
    assertThat(backend.reads.get()).isEqualTo(3);
  }
}
