package io.ecengine.engine.channel;

import io.ecengine.engine.channel.marketplace.MarketplaceOrder;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Turns orders read from a marketplace into the engine's orders. Importing an order twice is
 * harmless: the same marketplace order is always the same engine order.
 */
public interface OrderIntake {

  /** Completes once every order is placed; fails if any could not be, to be pulled again. */
  CompletionStage<Void> importOrders(
      String tenantId, String channelId, List<MarketplaceOrder> orders);

  /** Takes nothing: for tests of channels that never pull orders. */
  OrderIntake NONE =
      (tenantId, channelId, orders) -> java.util.concurrent.CompletableFuture.completedFuture(null);
}
