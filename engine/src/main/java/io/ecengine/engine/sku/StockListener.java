package io.ecengine.engine.sku;

import java.util.List;

/**
 * Learns that a SKU has more to sell, less to sell, or filled owed holds, so that other parts of
 * the engine (order allocation, stock push) can react without the SKU knowing them.
 *
 * <p>The SKU calls it on its own thread right after the write that changed the stock is durable,
 * and only then: after a write whose events raised {@code available}, or that turned owed holds
 * into holds on stock. Implementations must return at once (hand the news to an actor or a queue)
 * and must not throw; a failure is logged and otherwise ignored.
 *
 * <p>Delivery is at most once: if the node crashes between the write and the call, that
 * notification is lost and recovery does not repeat it. Consumers therefore also need their own
 * periodic check of the state they wait for.
 */
@FunctionalInterface
public interface StockListener {

  /**
   * {@code levels} are the SKU's figures after the write; {@code filledHolds} are the owed holds
   * the write turned into holds on stock, oldest first, or empty.
   */
  void stockChanged(SkuId sku, Levels levels, List<Reservation> filledHolds);

  /**
   * Called after every write that changed {@code available}, in either direction, before {@link
   * #stockChanged} when both apply. Stock pushes need decreases too; order allocation does not.
   */
  default void availableChanged(SkuId sku, Levels levels) {}

  /** Tells both listeners, this one first. */
  default StockListener andThen(StockListener next) {
    StockListener first = this;
    return new StockListener() {
      @Override
      public void stockChanged(SkuId sku, Levels levels, List<Reservation> filledHolds) {
        first.stockChanged(sku, levels, filledHolds);
        next.stockChanged(sku, levels, filledHolds);
      }

      @Override
      public void availableChanged(SkuId sku, Levels levels) {
        first.availableChanged(sku, levels);
        next.availableChanged(sku, levels);
      }
    };
  }

  /** Ignores every change. */
  StockListener NONE = (sku, levels, filledHolds) -> {};
}
