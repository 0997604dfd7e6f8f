package io.ecengine.persistence;

import io.ecengine.engine.channel.StockToChannelsAdapter;
import io.ecengine.engine.sku.SkuEntity;
import io.ecengine.engine.sku.SkuEvent;
import io.ecengine.engine.sku.SkuId;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.GroupedProjection;
import org.apache.pekko.projection.javadsl.Handler;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * The safety net under the fast path from SKUs to channels: follows the SKU journal and nudges the
 * channels of every SKU that had events, at least once. Its offset moves only after every channel
 * of the tenant confirmed the nudge, so a change whose fast-path notification died with a crashed
 * node still reaches the channels when the projection resumes.
 *
 * <p>Envelopes are taken in groups and each SKU is nudged once per group: a hot SKU with hundreds
 * of writes a second costs the channels one read per group, not one per write.
 */
public final class ChannelFeedProjection {

  public static final String NAME = "channel-feed";

  private static final String PERSISTENCE_ID_PREFIX = SkuEntity.TYPE_KEY.name() + "|";
  private static final int GROUP_SIZE = 1000;
  private static final Duration GROUP_WITHIN = Duration.ofMillis(200);
  private static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final double RANDOM_FACTOR = 0.2;

  private ChannelFeedProjection() {}

  /** Starts one instance per SKU tag, spread over the cluster. */
  public static void init(
      ActorSystem<?> system,
      Database database,
      StockToChannelsAdapter channels,
      Duration askTimeout) {
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            NAME,
            SkuEntity.TAGS.size(),
            index ->
                ProjectionBehavior.create(
                    create(system, database, channels, askTimeout, SkuEntity.TAGS.get(index))),
            ShardedDaemonProcessSettings.create(system),
            Optional.of(ProjectionBehavior.stopMessage()));
  }

  static GroupedProjection<Offset, EventEnvelope<SkuEvent>> create(
      ActorSystem<?> system,
      Database database,
      StockToChannelsAdapter channels,
      Duration askTimeout,
      String tag) {
    SourceProvider<Offset, EventEnvelope<SkuEvent>> source =
        EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), tag);
    return JdbcProjection.groupedWithinAsync(
            ProjectionId.of(NAME, tag),
            source,
            JdbcSessions.projectionFactory(database),
            () -> new Nudger(channels, askTimeout),
            system)
        .withGroup(GROUP_SIZE, GROUP_WITHIN)
        .withRestartBackoff(MIN_BACKOFF, MAX_BACKOFF, RANDOM_FACTOR);
  }

  private static final class Nudger extends Handler<List<EventEnvelope<SkuEvent>>> {

    private final StockToChannelsAdapter channels;
    private final Duration askTimeout;

    Nudger(StockToChannelsAdapter channels, Duration askTimeout) {
      this.channels = channels;
      this.askTimeout = askTimeout;
    }

    @Override
    public CompletionStage<Done> process(List<EventEnvelope<SkuEvent>> envelopes) {
      Set<SkuId> skus = new LinkedHashSet<>();
      for (EventEnvelope<SkuEvent> envelope : envelopes) {
        String persistenceId = envelope.persistenceId();
        if (persistenceId.startsWith(PERSISTENCE_ID_PREFIX)) {
          skus.add(SkuId.fromEntityId(persistenceId.substring(PERSISTENCE_ID_PREFIX.length())));
        }
      }
      return CompletableFuture.allOf(
              skus.stream()
                  .map(
                      sku ->
                          channels
                              .nudgeConfirmed(sku.tenantId(), sku.sku(), askTimeout)
                              .toCompletableFuture())
                  .toArray(CompletableFuture[]::new))
          .thenApply(done -> Done.getInstance());
    }
  }
}
