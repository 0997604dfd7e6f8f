package io.ecengine.engine.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecengine.engine.order.OrderEntity.Refusal;
import io.ecengine.engine.order.OrderEntity.Refused;
import io.ecengine.engine.order.OrderEntity.Reply;
import io.ecengine.engine.order.OrderEvent.ReturnLine;
import io.ecengine.engine.sku.Levels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Random order lifecycles against real SKUs: whatever is placed, cancelled, shipped, returned or
 * received, once the sagas settle each SKU's figures are exactly what the orders account for. One
 * node serves every try; each try is its own tenant.
 */
class OrderLifecycleProperties {

  private static final List<String> SKUS = List.of("S0", "S1", "S2");
  private static final AtomicInteger TRIES = new AtomicInteger();

  private static SagaNode node;

  @BeforeContainer
  static void startNode() {
    node = SagaNode.start("OrderLifecycleProperties");
  }

  @AfterContainer
  static void stopNode() {
    node.stop();
  }

  /** One thing that happens to the tenant; {@code pick} chooses among the orders placed so far. */
  sealed interface Step {}

  record PlaceOrder(List<OrderLine> lines) implements Step {}

  record CancelOrder(int pick) implements Step {}

  record ShipEverythingLeft(int pick) implements Step {}

  record ReturnOneUnit(int pick, ReturnCondition condition) implements Step {}

  record Receipt(String sku, int units) implements Step {}

  /** An order as the test placed it. */
  private record Placed(String orderId, List<OrderLine> lines) {}

  @Property(tries = 15)
  void stockFiguresMatchWhatTheOrdersAccountFor(
      @ForAll @Size(3) List<@IntRange(min = 0, max = 6) Integer> initialStock,
      @ForAll("steps") List<Step> steps) {
    String tenant = "lifecycle-" + TRIES.incrementAndGet();
    Map<String, Long> receipts = new TreeMap<>();
    for (int i = 0; i < SKUS.size(); i++) {
      node.define(tenant, SKUS.get(i), initialStock.get(i));
      receipts.put(SKUS.get(i), (long) initialStock.get(i));
    }
    List<Placed> orders = new ArrayList<>();

    for (int i = 0; i < steps.size(); i++) {
      run(tenant, i, steps.get(i), orders, receipts);
    }

    // Settling takes well under a second; waiting longer only slows down failures and shrinking.
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(() -> assertStockAgreesWithOrders(tenant, orders, receipts));
    orders.forEach(
        o -> Statistics.label("final status").collect(node.get(tenant, o.orderId()).status()));
  }

  private static void run(
      String tenant, int index, Step step, List<Placed> orders, Map<String, Long> receipts) {
    if (step instanceof PlaceOrder place) {
      OrderView order = node.place(tenant, "P-" + index, place.lines());
      orders.add(new Placed(order.orderId(), place.lines()));
    } else if (step instanceof Receipt receipt) {
      node.receive(tenant, receipt.sku(), receipt.units(), "receipt-" + index);
      receipts.merge(receipt.sku(), (long) receipt.units(), Long::sum);
    } else if (!orders.isEmpty()) {
      Placed order = orders.get(pickOf(step) % orders.size());
      Reply reply;
      if (step instanceof CancelOrder) {
        reply = node.cancel(tenant, order.orderId());
      } else if (step instanceof ShipEverythingLeft) {
        reply = node.ship(tenant, order.orderId(), "ship-" + index, null);
      } else {
        ReturnCondition condition = ((ReturnOneUnit) step).condition();
        reply =
            node.returnUnits(
                tenant,
                order.orderId(),
                "return-" + index,
                new ReturnLine(order.lines().get(0).sku(), 1, condition));
      }
      // Refusals are part of the game (cancel after shipping, return before it); nothing else is.
      if (reply instanceof Refused refused) {
        assertThat(refused.reason()).as(refused.detail()).isEqualTo(Refusal.NOT_ALLOWED);
      }
    }
  }

  private static int pickOf(Step step) {
    if (step instanceof CancelOrder c) {
      return c.pick();
    } else if (step instanceof ShipEverythingLeft s) {
      return s.pick();
    }
    return ((ReturnOneUnit) step).pick();
  }

  /**
   * For every SKU: reserved is what allocated orders still hold, on hand is what came in minus what
   * shipped plus what came back sellable, and neither available nor on hand beyond reserved is ever
   * negative.
   */
  private static void assertStockAgreesWithOrders(
      String tenant, List<Placed> orders, Map<String, Long> receipts) {
    Map<String, Long> held = new TreeMap<>();
    Map<String, Long> shipped = new TreeMap<>();
    Map<String, Long> sellableBack = new TreeMap<>();
    for (Placed placed : orders) {
      OrderView order = node.get(tenant, placed.orderId());
      assertThat(order.status()).as("status of %s", placed).isNotEqualTo(OrderStatus.ALLOCATING);
      if (order.status() == OrderStatus.ALLOCATED) {
        Map<String, Long> remaining = Demand.perSku(order.lines());
        order.shipped().forEach((sku, units) -> remaining.merge(sku, -units, Long::sum));
        remaining.forEach((sku, units) -> held.merge(sku, units, Long::sum));
      }
      order.shipments().stream()
          .filter(Order.Shipment::committed)
          .forEach(s -> s.lines().forEach((sku, units) -> shipped.merge(sku, units, Long::sum)));
      order.returns().stream()
          .filter(Order.Return::applied)
          .flatMap(r -> r.lines().stream())
          .filter(line -> line.condition() == ReturnCondition.SELLABLE)
          .forEach(line -> sellableBack.merge(line.sku(), line.quantity(), Long::sum));
    }
    for (String sku : SKUS) {
      Levels levels = node.levels(tenant, sku);
      assertThat(levels.onHand())
          .as("on hand of %s", sku)
          .isGreaterThanOrEqualTo(levels.reserved());
      assertThat(levels.available()).as("available of %s", sku).isNotNegative();
      assertThat(levels.reserved())
          .as("reserved of %s against allocated orders", sku)
          .isEqualTo(held.getOrDefault(sku, 0L));
      assertThat(levels.onHand())
          .as("on hand of %s against receipts, shipments and returns", sku)
          .isEqualTo(
              receipts.get(sku)
                  - shipped.getOrDefault(sku, 0L)
                  + sellableBack.getOrDefault(sku, 0L));
    }
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<String> sku = Arbitraries.of(SKUS);
    Arbitrary<OrderLine> line =
        Combinators.combine(sku, Arbitraries.integers().between(1, 2))
            .as((s, quantity) -> new OrderLine(s, quantity));
    Arbitrary<Integer> pick = Arbitraries.integers().between(0, 99);

    Arbitrary<Step> place = line.list().ofMinSize(1).ofMaxSize(3).map(PlaceOrder::new);
    Arbitrary<Step> cancel = pick.map(CancelOrder::new);
    Arbitrary<Step> ship = pick.map(ShipEverythingLeft::new);
    Arbitrary<Step> returnUnit =
        Combinators.combine(pick, Arbitraries.of(ReturnCondition.class)).as(ReturnOneUnit::new);
    Arbitrary<Step> receipt =
        Combinators.combine(sku, Arbitraries.integers().between(1, 4)).as(Receipt::new);

    return Arbitraries.frequencyOf(
            Tuple.of(3, place),
            Tuple.of(1, cancel),
            Tuple.of(3, ship),
            Tuple.of(2, returnUnit),
            Tuple.of(2, receipt))
        .list()
        .ofMinSize(1)
        .ofMaxSize(15);
  }
}
