package io.ecengine.http.intake;

import io.ecengine.engine.channel.OrderIntake;
import io.ecengine.engine.channel.marketplace.MarketplaceOrder;
import io.ecengine.engine.order.OrderDetails;
import io.ecengine.engine.order.OrderEntity;
import io.ecengine.engine.order.OrderIds;
import io.ecengine.engine.order.OrderLine;
import io.ecengine.engine.order.ShippingSla;
import io.ecengine.persistence.ChannelSlas;
import io.ecengine.persistence.MarketplaceOrderStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Places the orders marketplaces report (by webhook or by pull) as engine orders, through the same
 * order actor as {@code POST /v1/orders}: the order id comes from the channel and the marketplace's
 * order number, so an order delivered twice, or pulled after its webhook, is one order.
 *
 * <p>Two rules differ from orders placed through the API, because a marketplace order has already
 * happened and refusing it would only hide it:
 *
 * <ul>
 *   <li>A paused channel still imports its orders: pausing stops new sales (the marketplace is told
 *       0), not the ones made before the marketplace heard of it.
 *   <li>A line no listing matches is kept, under the SKU code {@code UNLISTED:<key>=<id>} (the
 *       marketplace's id for it). No SKU of that name exists, so the order waits as AWAITING_STOCK,
 *       short of it, where an operator sees it; nothing is lost. Listing the item and re-importing
 *       does not rewrite the order; the operator cancels and re-places it.
 * </ul>
 */
public final class MarketplaceOrderIntake implements OrderIntake {

  private static final Logger log = LoggerFactory.getLogger(MarketplaceOrderIntake.class);

  /** The prefix of the SKU code given to lines no listing matches. */
  public static final String UNLISTED = "UNLISTED:";

  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final ListingIndex listings;
  private final MarketplaceOrderStore orders;
  private final ChannelSlas slas;
  private final Executor blocking;

  public MarketplaceOrderIntake(
      ActorSystem<?> system,
      Duration askTimeout,
      ListingIndex listings,
      MarketplaceOrderStore orders,
      ChannelSlas slas,
      Executor blocking) {
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = askTimeout;
    this.listings = listings;
    this.orders = orders;
    this.slas = slas;
    this.blocking = blocking;
  }

  /**
   * Places a page of marketplace orders: what they need from the database (their listings, the
   * channel's SLA, the record of their lines) is read and written once for the page, then every
   * order is placed. The stage fails if any order could not be placed; the others are placed all
   * the same, and placing them again is harmless.
   */
  @Override
  public CompletionStage<Void> importOrders(
      String tenantId, String channelId, List<MarketplaceOrder> marketplaceOrders) {
    if (marketplaceOrders.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.supplyAsync(
            () -> prepareAll(tenantId, channelId, marketplaceOrders), blocking)
        .thenCompose(
            prepared -> {
              List<CompletableFuture<?>> placed = new ArrayList<>();
              prepared.forEach(
                  (order, lines) ->
                      placed.add(
                          lines.failure() != null
                              ? CompletableFuture.failedFuture(lines.failure())
                              : place(tenantId, channelId, order, lines).toCompletableFuture()));
              return CompletableFuture.allOf(placed.toArray(CompletableFuture[]::new));
            });
  }

  /** Places one marketplace order; the answer says whether it was new. */
  public CompletionStage<OrderEntity.Accepted> importOrder(
      String tenantId, String channelId, MarketplaceOrder order) {
    return CompletableFuture.supplyAsync(
            () -> prepareAll(tenantId, channelId, List.of(order)).get(order), blocking)
        .thenCompose(
            prepared -> {
              if (prepared.failure() != null) {
                throw new java.util.concurrent.CompletionException(prepared.failure());
              }
              return place(tenantId, channelId, order, prepared);
            });
  }

  private CompletionStage<OrderEntity.Accepted> place(
      String tenantId, String channelId, MarketplaceOrder order, Prepared prepared) {
    return sharding
        .entityRefFor(
            OrderEntity.TYPE_KEY,
            OrderEntity.entityId(tenantId, OrderIds.of(channelId, order.channelOrderId())))
        .<OrderEntity.Reply>ask(
            replyTo ->
                new OrderEntity.Place(
                    channelId,
                    order.channelOrderId(),
                    prepared.lines(),
                    details(order),
                    prepared.shipBy(),
                    order.placedAt(),
                    replyTo),
            askTimeout)
        .thenApply(
            reply -> {
              if (reply instanceof OrderEntity.Accepted accepted) {
                return accepted;
              }
              OrderEntity.Refused refused = (OrderEntity.Refused) reply;
              // The same marketplace order with other lines: the marketplace changed it after
              // we imported it. The first import stands; an operator adjusts by hand.
              log.warn(
                  "Marketplace order {} of channel {} (tenant {}) was refused: {}",
                  order.channelOrderId(),
                  channelId,
                  tenantId,
                  refused.detail());
              throw new IllegalStateException(refused.detail());
            });
  }

  /** An order ready to place, or why it cannot be. */
  private record Prepared(List<OrderLine> lines, Instant shipBy, RuntimeException failure) {}

  private Map<MarketplaceOrder, Prepared> prepareAll(
      String tenantId, String channelId, List<MarketplaceOrder> marketplaceOrders) {
    ShippingSla sla = slas.get(tenantId, channelId).orElse(ShippingSla.DEFAULT);
    Map<MarketplaceOrder, Prepared> prepared = new LinkedHashMap<>();
    List<MarketplaceOrderStore.Imported> toRecord = new ArrayList<>();
    for (MarketplaceOrder order : marketplaceOrders) {
      Map<String, Long> quantities = new LinkedHashMap<>();
      int unmapped = 0;
      for (MarketplaceOrder.Line line : order.lines()) {
        if (line.quantity() < 1) {
          continue;
        }
        String sku = listings.skuFor(tenantId, channelId, line.ids()).orElse(null);
        if (sku == null) {
          unmapped++;
          sku = unlisted(line);
        }
        quantities.merge(sku, line.quantity(), Long::sum);
      }
      if (quantities.isEmpty()) {
        prepared.put(
            order,
            new Prepared(
                null,
                null,
                new IllegalArgumentException("Order " + order.channelOrderId() + " has no units")));
        continue;
      }
      toRecord.add(new MarketplaceOrderStore.Imported(order, unmapped));
      List<OrderLine> lines = new ArrayList<>();
      quantities.forEach((sku, quantity) -> lines.add(new OrderLine(sku, quantity)));
      Instant placedAt = order.placedAt() != null ? order.placedAt() : Instant.now();
      prepared.put(order, new Prepared(lines, sla.shipBy(placedAt), null));
    }
    orders.saveAll(tenantId, channelId, toRecord);
    return prepared;
  }

  private static String unlisted(MarketplaceOrder.Line line) {
    String id =
        line.ids().ids().entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .map(e -> e.getKey() + "=" + e.getValue())
            .findFirst()
            .orElse("unknown");
    // SKU codes appear in URL paths and entity ids: no '/', white space or control characters.
    String safe = id.replaceAll("[/\\s\\p{Cc}]", "_");
    return UNLISTED + (safe.length() > 100 ? safe.substring(0, 100) : safe);
  }

  private static OrderDetails details(MarketplaceOrder order) {
    OrderDetails.Buyer buyer =
        order.buyerName() == null && order.buyerEmail() == null && order.phone() == null
            ? null
            : new OrderDetails.Buyer(
                cut(order.buyerName(), 200), cut(order.buyerEmail(), 254), cut(order.phone(), 40));
    OrderDetails.ShipTo shipTo =
        order.postalCode() == null && order.address1() == null
            ? null
            : new OrderDetails.ShipTo(
                cut(order.buyerName(), 200),
                cut(order.postalCode(), 200),
                cut(order.prefecture(), 200),
                cut(order.city(), 200),
                cut(order.address1(), 200),
                cut(order.address2(), 200),
                cut(order.phone(), 200));
    return new OrderDetails(buyer, shipTo, null, false, null);
  }

  // Marketplaces send what they send; an over-long field is cut, never a reason to refuse.
  private static String cut(String text, int max) {
    if (text == null) {
      return null;
    }
    String clean = text.replaceAll("\\p{Cc}", " ");
    return clean.length() > max ? clean.substring(0, max) : clean;
  }
}
