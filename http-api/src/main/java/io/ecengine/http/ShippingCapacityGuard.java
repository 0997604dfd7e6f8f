package io.ecengine.http;

import io.ecengine.engine.channel.ChannelEntity;
import io.ecengine.engine.channel.ChannelKey;
import io.ecengine.engine.channel.ShippingCapacity;
import io.ecengine.engine.order.ShippingSla;
import io.ecengine.persistence.ChannelSlas;
import io.ecengine.persistence.ChannelStore;
import io.ecengine.persistence.ShippingCapacityStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shipping capacity guard (出荷キャパ): from time to time, for every tenant with a capacity set,
 * compares the orders still to ship with what the warehouse can ship within each configured
 * channel's SLA, pauses the channels that would take on orders that ship late, and resumes them
 * once the backlog has fallen. A paused channel pushes 0 and refuses new orders; its pause reason
 * says why.
 *
 * <p>Every node runs the check. The database updates are conditional (pause only a running channel,
 * resume only one the guard paused), so two nodes checking at once change each channel once.
 */
public final class ShippingCapacityGuard {

  private static final Logger log = LoggerFactory.getLogger(ShippingCapacityGuard.class);

  private final ShippingCapacityStore capacities;
  private final ChannelStore channels;
  private final ChannelSlas slas;
  private final ClusterSharding sharding;
  private final Executor blocking;

  public ShippingCapacityGuard(
      ActorSystem<?> system,
      ShippingCapacityStore capacities,
      ChannelStore channels,
      ChannelSlas slas,
      Executor blocking) {
    this.capacities = capacities;
    this.channels = channels;
    this.slas = slas;
    this.sharding = ClusterSharding.get(system);
    this.blocking = blocking;
  }

  /** Checks every tenant every {@code interval}, on the blocking dispatcher. */
  public void start(ActorSystem<?> system, Duration interval) {
    system
        .scheduler()
        .scheduleWithFixedDelay(
            interval, interval, this::checkAllSafely, system.executionContext());
  }

  private void checkAllSafely() {
    blocking.execute(
        () -> {
          try {
            capacities.tenants().forEach(this::check);
          } catch (RuntimeException e) {
            log.warn("The shipping capacity check failed; it runs again shortly", e);
          }
        });
  }

  /** Checks one tenant now: pauses or resumes its configured channels as the backlog requires. */
  public void check(String tenantId) {
    Optional<ShippingCapacityStore.Setting> found = capacities.get(tenantId);
    if (found.isEmpty()) {
      return;
    }
    ShippingCapacity capacity = found.get().capacity();
    long open = capacities.openOrders(tenantId);
    for (String channelId : found.get().channelIds()) {
      ShippingSla sla = slas.get(tenantId, channelId).orElse(null);
      boolean changed =
          switch (capacity.decide(open, sla)) {
            case PAUSE -> channels.autoPause(tenantId, channelId, reason(capacity, open, sla));
            case RESUME -> channels.autoResume(tenantId, channelId);
            case KEEP -> false;
          };
      if (changed) {
        log.info(
            "Shipping capacity: channel {} of tenant {} {} ({} open orders, limit {})",
            channelId,
            tenantId,
            capacity.decide(open, sla) == ShippingCapacity.Decision.PAUSE ? "paused" : "resumed",
            open,
            capacity.limitFor(sla));
        sharding
            .entityRefFor(ChannelEntity.TYPE_KEY, new ChannelKey(tenantId, channelId).entityId())
            .tell(ChannelEntity.Reload.INSTANCE);
      }
    }
  }

  private static String reason(ShippingCapacity capacity, long open, ShippingSla sla) {
    int hours = sla == null ? ShippingCapacity.DEFAULT_SLA_HOURS : sla.shipWithinHours();
    return "shipping capacity: "
        + open
        + " open orders exceed the "
        + capacity.limitFor(sla)
        + " that ship within the "
        + hours
        + " h SLA at "
        + capacity.ordersPerDay()
        + " a day";
  }
}
