package io.ecengine.engine.order;

import io.ecengine.engine.sku.Levels;
import io.ecengine.engine.sku.Reservation;
import io.ecengine.engine.sku.SkuId;
import io.ecengine.engine.sku.StockListener;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Connects SKUs to the orders waiting on them: when a SKU's available rises its waitlist offers the
 * stock to waiting orders, and when an owed hold (backorder, pre-order) is filled from stock the
 * order that owns it hears so at once.
 */
public final class StockToOrdersAdapter implements StockListener {

  private final ClusterSharding sharding;
  private final WaitlistEntity.Client waitlists;

  public StockToOrdersAdapter(ActorSystem<?> system, WaitlistEntity.Client waitlists) {
    this.sharding = ClusterSharding.get(system);
    this.waitlists = waitlists;
  }

  @Override
  public void stockChanged(SkuId sku, Levels levels, List<Reservation> filledHolds) {
    if (levels.available() > 0) {
      waitlists.stockRose(sku.tenantId(), sku.sku());
    }
    for (Reservation hold : filledHolds) {
      Order.orderIdOf(hold.reservationId())
          .ifPresent(
              orderId ->
                  sharding
                      .entityRefFor(
                          OrderEntity.TYPE_KEY, OrderEntity.entityId(sku.tenantId(), orderId))
                      .tell(new OrderEntity.HoldFilled(sku.sku())));
    }
  }
}
