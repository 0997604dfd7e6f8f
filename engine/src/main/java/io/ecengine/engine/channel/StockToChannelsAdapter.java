package io.ecengine.engine.channel;

import io.ecengine.engine.sku.Levels;
import io.ecengine.engine.sku.Reservation;
import io.ecengine.engine.sku.SkuId;
import io.ecengine.engine.sku.StockListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fast path from a SKU's write to the channels: nudges every channel of the SKU's tenant right
 * after the write, and the channels that list the SKU read it and queue a push.
 *
 * <p>It runs on the SKU's thread, so it never waits for the database: the tenant's channel ids come
 * from a cache that is refreshed in the background. A tenant seen for the first time is looked up
 * once and told when the answer arrives. Channels created on this node invalidate the cache;
 * elsewhere they are seen within {@code maxAge}. The journal projection uses the same cache, so it
 * does not cover that gap: a new channel reconciles once more after {@code maxAge} instead.
 */
public final class StockToChannelsAdapter implements StockListener {

  private static final Logger log = LoggerFactory.getLogger(StockToChannelsAdapter.class);

  private record Cached(List<String> channelIds, long loadedAtNanos) {}

  private final ClusterSharding sharding;
  private final ChannelBackend backend;
  private final Executor blocking;
  private final long maxAgeNanos;
  private final Map<String, Cached> channelsByTenant = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<List<String>>> loading = new ConcurrentHashMap<>();

  public StockToChannelsAdapter(
      ActorSystem<?> system, ChannelBackend backend, Executor blocking, Duration maxAge) {
    this.sharding = ClusterSharding.get(system);
    this.backend = backend;
    this.blocking = blocking;
    this.maxAgeNanos = maxAge.toNanos();
  }

  @Override
  public void stockChanged(SkuId sku, Levels levels, List<Reservation> filledHolds) {
    // Rises are also told through availableChanged, which is what channels need.
  }

  @Override
  public void availableChanged(SkuId sku, Levels levels) {
    nudge(sku.tenantId(), sku.sku());
  }

  /** Tells every channel of the tenant that the SKU changed. */
  public void nudge(String tenantId, String sku) {
    Cached cached = channelsByTenant.get(tenantId);
    if (cached == null) {
      refresh(tenantId).thenAccept(ids -> tell(tenantId, ids, sku));
      return;
    }
    if (System.nanoTime() - cached.loadedAtNanos() > maxAgeNanos) {
      refresh(tenantId);
    }
    tell(tenantId, cached.channelIds(), sku);
  }

  /**
   * Tells every channel of the tenant that the SKU changed and completes once each has taken the
   * nudge, reading the tenant's channels afresh when the cache is cold: for the journal projection,
   * which must not move its offset past a change no channel has heard of.
   */
  public CompletionStage<Void> nudgeConfirmed(String tenantId, String sku, Duration timeout) {
    Cached cached = channelsByTenant.get(tenantId);
    CompletionStage<List<String>> ids =
        cached != null && System.nanoTime() - cached.loadedAtNanos() <= maxAgeNanos
            ? CompletableFuture.completedFuture(cached.channelIds())
            : refresh(tenantId);
    return ids.thenCompose(
        channelIds ->
            CompletableFuture.allOf(
                channelIds.stream()
                    .map(
                        channelId ->
                            sharding
                                .entityRefFor(
                                    ChannelEntity.TYPE_KEY,
                                    new ChannelKey(tenantId, channelId).entityId())
                                .<ChannelEntity.Ack>ask(
                                    replyTo -> new ChannelEntity.StockChanged(sku, replyTo),
                                    timeout)
                                .toCompletableFuture())
                    .toArray(CompletableFuture[]::new)));
  }

  /** Forgets the tenant's channel list, after a channel was created or deleted. */
  public void invalidate(String tenantId) {
    loading.remove(tenantId);
    channelsByTenant.remove(tenantId);
  }

  private void tell(String tenantId, List<String> channelIds, String sku) {
    for (String channelId : channelIds) {
      sharding
          .entityRefFor(ChannelEntity.TYPE_KEY, new ChannelKey(tenantId, channelId).entityId())
          .tell(new ChannelEntity.StockChanged(sku, null));
    }
  }

  private CompletableFuture<List<String>> refresh(String tenantId) {
    // The read is started outside the map: a read that completes at once would otherwise run its
    // completion (which removes the entry) inside computeIfAbsent, which the map refuses, and the
    // failed future would stay in the map for good.
    CompletableFuture<List<String>> mine = new CompletableFuture<>();
    CompletableFuture<List<String>> running = loading.putIfAbsent(tenantId, mine);
    if (running != null) {
      return running;
    }
    CompletableFuture<List<String>> read;
    try {
      read = CompletableFuture.supplyAsync(() -> backend.channelIds(tenantId), blocking);
    } catch (RuntimeException refused) {
      read = CompletableFuture.failedFuture(refused);
    }
    read.whenComplete(
        (ids, error) -> {
          // A read that an invalidation overtook may predate a new channel: it answers the
          // callers that waited for it, but is not cached for the next ones.
          boolean current = loading.remove(tenantId, mine);
          if (error != null) {
            log.warn("Could not read the channels of tenant {}", tenantId, error);
            mine.completeExceptionally(error);
          } else {
            if (current) {
              channelsByTenant.put(tenantId, new Cached(List.copyOf(ids), System.nanoTime()));
            }
            mine.complete(ids);
          }
        });
    return mine;
  }
}
