package io.ecengine.persistence;

import io.ecengine.engine.order.OrderEntity;
import io.ecengine.engine.order.OrderEvent;
import io.ecengine.engine.sku.SkuEntity;
import io.ecengine.engine.sku.SkuEvent;
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
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * Runs the two projections that feed the reports: {@code order-kpi} over order events and {@code
 * stock-kpi} over SKU events, one instance per journal tag each, spread over the cluster. They are
 * separate from the summary projections so that a report table can be rebuilt (delete its rows and
 * its offsets) without touching what the API lists.
 */
public final class KpiProjections {

  public static final String ORDERS = "order-kpi";
  public static final String STOCK = "stock-kpi";

  private static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final double RANDOM_FACTOR = 0.2;

  private KpiProjections() {}

  /** Starts both projections; call once per node after the cluster is formed. */
  public static void init(ActorSystem<?> system, Database database) {
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            ORDERS,
            OrderEntity.TAGS.size(),
            index ->
                ProjectionBehavior.create(orders(system, database, OrderEntity.TAGS.get(index))),
            ShardedDaemonProcessSettings.create(system),
            Optional.of(ProjectionBehavior.stopMessage()));
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            STOCK,
            SkuEntity.TAGS.size(),
            index -> ProjectionBehavior.create(stock(system, database, SkuEntity.TAGS.get(index))),
            ShardedDaemonProcessSettings.create(system),
            Optional.of(ProjectionBehavior.stopMessage()));
  }

  static GroupedProjection<Offset, EventEnvelope<OrderEvent>> orders(
      ActorSystem<?> system, Database database, String tag) {
    return JdbcProjection.groupedWithin(
            ProjectionId.of(ORDERS, tag),
            EventSourcedProvider.<OrderEvent>eventsByTag(system, JdbcReadJournal.Identifier(), tag),
            JdbcSessions.projectionFactory(database),
            InGroups.of(() -> new OrderKpiHandler(tag)),
            system)
        .withGroup(InGroups.SIZE, InGroups.WITHIN)
        .withRestartBackoff(MIN_BACKOFF, MAX_BACKOFF, RANDOM_FACTOR);
  }

  static GroupedProjection<Offset, EventEnvelope<SkuEvent>> stock(
      ActorSystem<?> system, Database database, String tag) {
    return JdbcProjection.groupedWithin(
            ProjectionId.of(STOCK, tag),
            EventSourcedProvider.<SkuEvent>eventsByTag(system, JdbcReadJournal.Identifier(), tag),
            JdbcSessions.projectionFactory(database),
            InGroups.of(StockKpiHandler::new),
            system)
        .withGroup(InGroups.SIZE, InGroups.WITHIN)
        .withRestartBackoff(MIN_BACKOFF, MAX_BACKOFF, RANDOM_FACTOR);
  }
}
