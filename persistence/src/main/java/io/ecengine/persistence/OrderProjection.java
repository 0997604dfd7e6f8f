package io.ecengine.persistence;

import io.ecengine.engine.order.OrderEntity;
import io.ecengine.engine.order.OrderEvent;
import java.time.Duration;
import java.util.Optional;
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
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * Runs the order-summary projection: one instance per order journal tag, spread over the cluster by
 * a sharded daemon process, so each tag is followed by exactly one node at a time.
 */
public final class OrderProjection {

  public static final String NAME = "order-summary";

  private static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final double RANDOM_FACTOR = 0.2;

  private OrderProjection() {}

  /** Starts the projection instances; call once per node after the cluster is formed. */
  public static void init(ActorSystem<?> system, Database database) {
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            NAME,
            OrderEntity.TAGS.size(),
            index ->
                ProjectionBehavior.create(create(system, database, OrderEntity.TAGS.get(index))),
            ShardedDaemonProcessSettings.create(system),
            Optional.of(ProjectionBehavior.stopMessage()));
  }

  /** The projection for one tag; its offset is stored under (order-summary, tag). */
  static GroupedProjection<Offset, EventEnvelope<OrderEvent>> create(
      ActorSystem<?> system, Database database, String tag) {
    SourceProvider<Offset, EventEnvelope<OrderEvent>> source =
        EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), tag);
    // A failing envelope (database down, a row missing) restarts the projection from the last
    // committed group instead of stopping it for good.
    return JdbcProjection.groupedWithin(
            ProjectionId.of(NAME, tag),
            source,
            JdbcSessions.projectionFactory(database),
            InGroups.of(OrderSummaryHandler::new),
            system)
        .withGroup(InGroups.SIZE, InGroups.WITHIN)
        .withRestartBackoff(MIN_BACKOFF, MAX_BACKOFF, RANDOM_FACTOR);
  }
}
