package io.ecengine.engine.order;

import static io.ecengine.engine.order.SagaNode.REPLY_TIMEOUT;
import static io.ecengine.engine.order.SagaNode.accepted;
import static io.ecengine.engine.order.SagaNode.lines;
import static io.ecengine.engine.order.SagaNode.orderId;
import static io.ecengine.engine.order.SagaNode.orderPersistenceId;
import static io.ecengine.engine.order.SagaNode.skuPersistenceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecengine.engine.order.OrderEntity.Accepted;
import io.ecengine.engine.order.OrderEntity.Refusal;
import io.ecengine.engine.order.OrderEntity.Refused;
import io.ecengine.engine.order.OrderEntity.Reply;
import io.ecengine.engine.order.OrderEvent.AllocationFailed;
import io.ecengine.engine.order.OrderEvent.AllocationStarted;
import io.ecengine.engine.order.OrderEvent.AllocationSucceeded;
import io.ecengine.engine.order.OrderEvent.CancellationStarted;
import io.ecengine.engine.order.OrderEvent.OrderCancelled;
import io.ecengine.engine.order.OrderEvent.OrderPlaced;
import io.ecengine.engine.order.OrderEvent.ReturnLine;
import io.ecengine.engine.order.OrderEvent.ShipmentCommitted;
import io.ecengine.engine.order.OrderEvent.ShipmentRecorded;
import io.ecengine.engine.sku.Component;
import io.ecengine.engine.sku.Levels;
import io.ecengine.engine.sku.Reservation;
import io.ecengine.engine.sku.SkuEvent.ReservationCommitted;
import io.ecengine.engine.sku.SkuEvent.ReservationReleased;
import io.ecengine.engine.sku.SkuEvent.ReservationsPlaced;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The order saga against real SKU and waitlist entities on one cluster node. Every scenario checks
 * the order's status and every SKU's figures: reserved must equal what live orders hold, never more
 * and never less. Crash points are injected as journal write failures, so the entity restarts from
 * its journal exactly there.
 */
class OrderSagaTest {

  private static final ReturnCondition SELLABLE = ReturnCondition.SELLABLE;
  private static final ReturnCondition DAMAGED = ReturnCondition.DAMAGED;

  private static SagaNode node;

  @BeforeAll
  static void startNode() {
    node = SagaNode.start("OrderSagaTest");
  }

  @AfterAll
  static void stopNode() {
    node.stop();
  }

  @AfterEach
  void healJournal() {
    node.journal.resetPolicy();
  }

  // Assertions shared by the scenarios ------------------------------------------------------------

  private static void assertStock(String tenant, String sku, long onHand, long reserved) {
    Levels levels = node.levels(tenant, sku);
    assertThat(levels.onHand()).as("on hand of %s", sku).isEqualTo(onHand);
    assertThat(levels.reserved()).as("reserved of %s", sku).isEqualTo(reserved);
    assertThat(levels.available()).as("available of %s", sku).isEqualTo(onHand - reserved);
  }

  /**
   * Reserved on each SKU equals the units the given orders hold: everything not yet shipped of an
   * order whose units are held from stock, translated into components for bundles.
   */
  private static void assertReservedMatchesOrders(
      String tenant, List<String> skus, List<String> orderIds) {
    Map<String, Long> held = new TreeMap<>();
    for (String orderId : orderIds) {
      OrderView order = node.get(tenant, orderId);
      if (!holdsStock(order.status())) {
        continue;
      }
      Map<String, Long> remaining = Demand.perSku(order.lines());
      order.shipped().forEach((sku, units) -> remaining.merge(sku, -units, Long::sum));
      remaining.forEach(
          (lineSku, units) -> {
            List<Component> components = node.levels(tenant, lineSku).components();
            if (components.isEmpty()) {
              held.merge(lineSku, units, Long::sum);
            } else {
              components.forEach(c -> held.merge(c.sku(), c.quantity() * units, Long::sum));
            }
          });
    }
    for (String sku : skus) {
      assertThat(node.levels(tenant, sku).reserved())
          .as("reserved of %s against the orders %s", sku, orderIds)
          .isEqualTo(held.getOrDefault(sku, 0L));
    }
  }

  private static boolean holdsStock(OrderStatus status) {
    return status == OrderStatus.ALLOCATED
        || status == OrderStatus.SHIPPED
        || status == OrderStatus.RETURNED;
  }

  /** Placing the same channel order again finds the order instead of making a second one. */
  private static void assertRetriedPlaceFindsTheSameOrder(
      String tenant, String channelOrderId, List<OrderLine> lines, OrderStatus status) {
    Reply again = node.placeAsync(tenant, channelOrderId, lines).receiveMessage(REPLY_TIMEOUT);

    assertThat(again).isInstanceOf(Accepted.class);
    assertThat(((Accepted) again).created()).isFalse();
    assertThat(((Accepted) again).order().orderId()).isEqualTo(orderId(channelOrderId));
    assertThat(((Accepted) again).order().status()).isEqualTo(status);
  }

  private static Refused refused(Reply reply) {
    assertThat(reply).isInstanceOf(Refused.class);
    return (Refused) reply;
  }

  private static List<String> reservationIds(List<ReservationsPlaced> placed) {
    return placed.stream()
        .flatMap(p -> p.reservations().stream())
        .map(Reservation::reservationId)
        .toList();
  }

  private static String waitlistPersistenceId(String tenant, String sku) {
    return WaitlistEntity.TYPE_KEY.name() + "|" + tenant + "|" + sku;
  }

  // Allocation ------------------------------------------------------------------------------------

  @Nested
  class Allocation {

    @Test
    void oneShortSkuLeavesTheOrderWaitingAndReleasesTheHoldsOfTheOthers() {
      String t = "all-or-nothing";
      node.define(t, "A", 5);
      node.define(t, "B", 5);
      node.define(t, "C", 0);
      List<OrderLine> lines = lines("A", 2, "B", 1, "C", 1);

      OrderView order = node.place(t, "AON-1", lines);

      assertThat(order.status()).isEqualTo(OrderStatus.AWAITING_STOCK);
      assertThat(order.shortSkus()).containsExactly("C");
      assertThat(order.holds()).isEmpty();
      assertStock(t, "A", 5, 0);
      assertStock(t, "B", 5, 0);
      assertStock(t, "C", 0, 0);
      // A really held its units and gave them back: compensation, not a refusal up front.
      String hold = Order.reservationId(order.orderId(), 1);
      assertThat(reservationIds(node.persisted(skuPersistenceId(t, "A"), ReservationsPlaced.class)))
          .containsExactly(hold);
      assertThat(node.persisted(skuPersistenceId(t, "A"), ReservationReleased.class))
          .extracting(ReservationReleased::reservationId)
          .containsExactly(hold);
      assertRetriedPlaceFindsTheSameOrder(t, "AON-1", lines, OrderStatus.AWAITING_STOCK);
    }

    @Test
    void concurrentOrdersForTheLastUnitAllocateExactlyOne() {
      String t = "last-unit";
      node.define(t, "LAST", 1);
      List<TestProbe<Reply>> probes = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        probes.add(node.placeAsync(t, "LU-" + i, lines("LAST", 1)));
      }

      List<OrderView> orders =
          probes.stream().map(p -> accepted(p.receiveMessage(REPLY_TIMEOUT))).toList();

      assertThat(orders)
          .extracting(OrderView::status)
          .containsOnly(OrderStatus.ALLOCATED, OrderStatus.AWAITING_STOCK)
          .filteredOn(OrderStatus.ALLOCATED::equals)
          .hasSize(1);
      assertStock(t, "LAST", 1, 1);
      assertReservedMatchesOrders(
          t, List.of("LAST"), orders.stream().map(OrderView::orderId).toList());
    }

    @Test
    void aBundleAndALineOfItsComponentAreOneDemandOnTheComponent() {
      String t = "shared-component";
      node.define(t, "C", 3);
      node.defineBundle(t, "SET", new Component("C", 2));

      OrderView first = node.place(t, "SC-1", lines("SET", 1, "C", 1));
      OrderView second = node.place(t, "SC-2", lines("SET", 1));

      assertThat(first.status()).isEqualTo(OrderStatus.ALLOCATED);
      assertThat(second.status()).isEqualTo(OrderStatus.AWAITING_STOCK);
      assertThat(second.shortSkus()).containsExactly("C");
      assertStock(t, "C", 3, 3);
      assertReservedMatchesOrders(t, List.of("C"), List.of(first.orderId(), second.orderId()));
    }

    @Test
    void twoBundlesSharingAComponentHoldTheSumOnIt() {
      String t = "two-bundles";
      node.define(t, "C", 2);
      node.define(t, "D", 1);
      node.define(t, "E", 1);
      node.defineBundle(t, "SET1", new Component("C", 1), new Component("D", 1));
      node.defineBundle(t, "SET2", new Component("C", 1), new Component("E", 1));

      OrderView order = node.place(t, "TB-1", lines("SET1", 1, "SET2", 1));

      assertThat(order.status()).isEqualTo(OrderStatus.ALLOCATED);
      assertStock(t, "C", 2, 2);
      assertStock(t, "D", 1, 1);
      assertStock(t, "E", 1, 1);
    }

    @Test
    void aBundleWhoseComponentRunsOutWaitsAndIsAllocatedWhenTheComponentArrives() {
      String t = "bundle-runs-out";
      node.define(t, "P", 5);
      node.define(t, "Q", 3);
      node.defineBundle(t, "KIT", new Component("P", 1), new Component("Q", 2));

      OrderView first = node.place(t, "KIT-1", lines("KIT", 1));
      OrderView second = node.place(t, "KIT-2", lines("KIT", 1));

      assertThat(first.status()).isEqualTo(OrderStatus.ALLOCATED);
      assertThat(second.status()).isEqualTo(OrderStatus.AWAITING_STOCK);
      assertThat(second.shortSkus()).containsExactly("Q");
      assertStock(t, "P", 5, 1);
      assertStock(t, "Q", 3, 2);

      node.receive(t, "Q", 1, "delivery-1");

      node.awaitStatus(t, second.orderId(), OrderStatus.ALLOCATED);
      assertStock(t, "P", 5, 2);
      assertStock(t, "Q", 4, 4);

      accepted(node.ship(t, second.orderId(), "KIT-2-S1", null));
      assertStock(t, "P", 4, 1);
      assertStock(t, "Q", 2, 2);
      assertReservedMatchesOrders(t, List.of("P", "Q"), List.of(first.orderId(), second.orderId()));
    }

    @Test
    void waitingOrdersAreAllocatedInArrivalOrderWhenStockArrives() {
      String t = "fifo";
      node.define(t, "X", 0);
      List<String> orderIds = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        OrderView order = node.place(t, "FIFO-" + i, lines("X", 1));
        assertThat(order.status()).isEqualTo(OrderStatus.AWAITING_STOCK);
        orderIds.add(order.orderId());
      }
      await()
          .atMost(REPLY_TIMEOUT)
          .untilAsserted(
              () ->
                  assertThat(
                          node.persisted(
                              waitlistPersistenceId(t, "X"), WaitlistEntity.OrderJoined.class))
                      .extracting(WaitlistEntity.OrderJoined::orderId)
                      .containsExactlyElementsOf(orderIds));

      node.receive(t, "X", 2, "delivery-1");

      node.awaitStatus(t, orderIds.get(0), OrderStatus.ALLOCATED);
      node.awaitStatus(t, orderIds.get(1), OrderStatus.ALLOCATED);
      assertThat(node.get(t, orderIds.get(2)).status()).isEqualTo(OrderStatus.AWAITING_STOCK);
      assertStock(t, "X", 2, 2);

      node.receive(t, "X", 1, "delivery-2");

      node.awaitStatus(t, orderIds.get(2), OrderStatus.ALLOCATED);
      assertStock(t, "X", 3, 3);
      assertReservedMatchesOrders(t, List.of("X"), orderIds);
    }
  }

  // Cancel, ship, return --------------------------------------------------------------------------

  @Nested
  class Lifecycle {

    @Test
    void cancellingAWaitingOrderReleasesEverythingAndCancellingAgainChangesNothing() {
      String t = "cancel-waiting";
      node.define(t, "A", 5);
      node.define(t, "C", 0);
      OrderView waiting = node.place(t, "CW-1", lines("A", 2, "C", 1));
      OrderView later = node.place(t, "CW-2", lines("C", 1));
      assertThat(waiting.status()).isEqualTo(OrderStatus.AWAITING_STOCK);

      OrderView cancelled = accepted(node.cancel(t, waiting.orderId()));
      Reply again = node.cancel(t, waiting.orderId());

      assertThat(cancelled.status()).isEqualTo(OrderStatus.CANCELLED);
      assertThat(((Accepted) again).created()).isFalse();
      assertThat(((Accepted) again).order().status()).isEqualTo(OrderStatus.CANCELLED);
      assertThat(((Accepted) again).order().history())
          .extracting(Order.StatusChange::status)
          .containsExactly(
              OrderStatus.ALLOCATING, OrderStatus.AWAITING_STOCK, OrderStatus.CANCELLED);
      assertStock(t, "A", 5, 0);

      // The cancelled order was first in line for C; the unit that arrives goes to the next one.
      node.receive(t, "C", 1, "delivery-1");

      node.awaitStatus(t, later.orderId(), OrderStatus.ALLOCATED);
      assertThat(node.get(t, waiting.orderId()).status()).isEqualTo(OrderStatus.CANCELLED);
      assertStock(t, "A", 5, 0);
      assertStock(t, "C", 1, 1);
    }

    @Test
    void anOrderThatShippedAnythingRefusesCancellation() {
      String t = "ship-then-cancel";
      node.define(t, "A", 5);
      OrderView order = node.place(t, "SC-1", lines("A", 2));
      accepted(node.ship(t, order.orderId(), "S1", Map.of("A", 1L)));

      Refused refused = refused(node.cancel(t, order.orderId()));

      assertThat(refused.reason()).isEqualTo(Refusal.NOT_ALLOWED);
      assertThat(node.get(t, order.orderId()).status()).isEqualTo(OrderStatus.ALLOCATED);
      assertStock(t, "A", 4, 1);
    }

    @Test
    void aPartialShipmentThenTheRestShipsEverythingAndLowersOnHand() {
      String t = "partial-ship";
      node.define(t, "A", 10);
      node.define(t, "B", 4);
      OrderView order = node.place(t, "PS-1", lines("A", 3, "B", 1));

      OrderView afterFirst = accepted(node.ship(t, order.orderId(), "S1", Map.of("A", 1L)));

      assertThat(afterFirst.status()).isEqualTo(OrderStatus.ALLOCATED);
      assertStock(t, "A", 9, 2);
      assertStock(t, "B", 4, 1);

      OrderView afterRest = accepted(node.ship(t, order.orderId(), "S2", null));

      assertThat(afterRest.status()).isEqualTo(OrderStatus.SHIPPED);
      assertThat(afterRest.shipped()).containsExactlyInAnyOrderEntriesOf(Map.of("A", 3L, "B", 1L));
      assertStock(t, "A", 7, 0);
      assertStock(t, "B", 3, 0);

      // A retried shipment is the same shipment; a new one finds nothing left.
      assertThat(accepted(node.ship(t, order.orderId(), "S2", null)).status())
          .isEqualTo(OrderStatus.SHIPPED);
      assertThat(refused(node.ship(t, order.orderId(), "S3", null)).reason())
          .isEqualTo(Refusal.NOT_ALLOWED);
      assertStock(t, "A", 7, 0);
      assertStock(t, "B", 3, 0);
    }

    @Test
    void overShippingIsRefusedAndHoldsNothingBack() {
      String t = "over-ship";
      node.define(t, "A", 5);
      OrderView order = node.place(t, "OS-1", lines("A", 2));

      assertThat(refused(node.ship(t, order.orderId(), "S1", Map.of("A", 3L))).reason())
          .isEqualTo(Refusal.NOT_ALLOWED);
      assertStock(t, "A", 5, 2);
    }

    @Test
    void aPartialReturnPutsSellableUnitsBackOnHandButNotDamagedOnes() {
      String t = "partial-return";
      node.define(t, "A", 10);
      OrderView order = node.place(t, "PR-1", lines("A", 3));
      accepted(node.ship(t, order.orderId(), "S1", null));
      assertStock(t, "A", 7, 0);

      OrderView returned =
          accepted(
              node.returnUnits(
                  t,
                  order.orderId(),
                  "R1",
                  new ReturnLine("A", 1, SELLABLE),
                  new ReturnLine("A", 1, DAMAGED)));

      assertThat(returned.status()).isEqualTo(OrderStatus.RETURNED);
      assertThat(returned.returned()).containsExactly(Map.entry("A", 2L));
      assertStock(t, "A", 8, 0);

      // The same return again changes nothing; more than is left to return is refused.
      accepted(
          node.returnUnits(
              t,
              order.orderId(),
              "R1",
              new ReturnLine("A", 1, SELLABLE),
              new ReturnLine("A", 1, DAMAGED)));
      assertThat(
              refused(node.returnUnits(t, order.orderId(), "R2", new ReturnLine("A", 2, SELLABLE)))
                  .reason())
          .isEqualTo(Refusal.NOT_ALLOWED);
      assertStock(t, "A", 8, 0);
    }

    @Test
    void theRestOfAnOrderStillShipsAfterItsFirstParcelCameBack() {
      String t = "return-then-ship";
      node.define(t, "A", 10);
      OrderView order = node.place(t, "RS-1", lines("A", 2));
      accepted(node.ship(t, order.orderId(), "S1", Map.of("A", 1L)));
      accepted(node.returnUnits(t, order.orderId(), "R1", new ReturnLine("A", 1, SELLABLE)));
      assertStock(t, "A", 10, 1);

      OrderView shipped = accepted(node.ship(t, order.orderId(), "S2", null));

      assertThat(shipped.shipped()).containsExactly(Map.entry("A", 2L));
      assertThat(shipped.returned()).containsExactly(Map.entry("A", 1L));
      assertStock(t, "A", 9, 0);
    }

    @Test
    void twoOrdersShippedInOneParcelBothCommit() {
      String t = "one-parcel";
      node.define(t, "A", 10);
      OrderView first = node.place(t, "OP-1", lines("A", 1));
      OrderView second = node.place(t, "OP-2", lines("A", 2));

      OrderView firstShipped = accepted(node.ship(t, first.orderId(), "PARCEL-1", null));
      OrderView secondShipped = accepted(node.ship(t, second.orderId(), "PARCEL-1", null));

      assertThat(firstShipped.status()).isEqualTo(OrderStatus.SHIPPED);
      assertThat(secondShipped.status()).isEqualTo(OrderStatus.SHIPPED);
      assertStock(t, "A", 7, 0);
    }
  }

  // A cancelled order stays cancelled -------------------------------------------------------------

  @Nested
  class CancelledOrders {

    /**
     * Stores an order's history as if an earlier incarnation had written it, then wakes the order
     * and sends a shipment right behind the wake-up: if recovery resumed an allocation, the
     * shipment would wait for it and be accepted.
     */
    private void assertStaysCancelledAfterRecovery(String t, List<Object> history) {
      String orderId = ((OrderPlaced) history.get(0)).orderId();
      node.journal.persistForRecovery(orderPersistenceId(t, orderId), history);

      assertThat(node.get(t, orderId).status()).isEqualTo(OrderStatus.CANCELLED);
      Reply ship = node.ship(t, orderId, "S1", null);

      assertThat(refused(ship).reason()).isEqualTo(Refusal.NOT_ALLOWED);
      assertThat(node.get(t, orderId).status()).isEqualTo(OrderStatus.CANCELLED);
      assertThat(node.persisted(orderPersistenceId(t, orderId), AllocationStarted.class))
          .hasSameSizeAs(history.stream().filter(AllocationStarted.class::isInstance).toList());
      assertStock(t, "A", 5, 0);
    }

    private OrderPlaced placed(String channelOrderId) {
      return new OrderPlaced(
          orderId(channelOrderId),
          SagaNode.CHANNEL,
          channelOrderId,
          lines("A", 1),
          OrderDetails.NONE,
          null,
          Instant.now());
    }

    @Test
    void anOrderCancelledBeforeItsFirstAttemptIsNotAllocatedWhenItRecovers() {
      String t = "cancelled-before-attempt";
      node.define(t, "A", 5);
      Instant now = Instant.now();

      assertStaysCancelledAfterRecovery(
          t, List.of(placed("CB-1"), new CancellationStarted(now), new OrderCancelled(now)));
    }

    @Test
    void anOrderCancelledWithAnAttemptOpenIsNotAllocatedWhenItRecovers() {
      // The attempt stayed open because a SKU could not be reached; the cancel came in between.
      String t = "cancelled-open-attempt";
      node.define(t, "A", 5);
      Instant now = Instant.now();

      assertStaysCancelledAfterRecovery(
          t,
          List.of(
              placed("CO-1"),
              new AllocationStarted(1, Map.of("A", 1L), Map.of("A", Map.of("A", 1L)), now),
              new CancellationStarted(now),
              new OrderCancelled(now)));
    }

    @Test
    void aCancelRightBehindThePlacementWins() {
      String t = "cancel-behind-place";
      node.define(t, "A", 5);
      String orderId = orderId("CP-1");

      TestProbe<Reply> placing = node.placeAsync(t, "CP-1", lines("A", 1));
      TestProbe<Reply> cancelling = node.send(t, orderId, OrderEntity.Cancel::new);

      assertThat(accepted(cancelling.receiveMessage(REPLY_TIMEOUT)).status())
          .isEqualTo(OrderStatus.CANCELLED);
      placing.receiveMessage(REPLY_TIMEOUT);
      assertThat(refused(node.ship(t, orderId, "S1", null)).reason())
          .isEqualTo(Refusal.NOT_ALLOWED);
      assertThat(node.get(t, orderId).status()).isEqualTo(OrderStatus.CANCELLED);
      assertStock(t, "A", 5, 0);
    }
  }

  // Crash points ----------------------------------------------------------------------------------

  @Nested
  class CrashPoints {

    @Test
    void failedWriteOfThePlacementLeavesNoOrderUntilThePlacementIsRetried() {
      String t = "crash-order-placed";
      node.define(t, "A", 5);
      String orderId = orderId("CR-0");
      List<OrderLine> lines = lines("A", 2);
      AtomicBoolean crashed =
          node.failFirstWrite(orderPersistenceId(t, orderId), OrderPlaced.class);

      node.placeAsync(t, "CR-0", lines);
      await().atMost(REPLY_TIMEOUT).untilTrue(crashed);

      // Answered after the restart: the journal has nothing, so neither has the order.
      assertThat(refused(node.ask(t, orderId, OrderEntity.Get::new)).reason())
          .isEqualTo(Refusal.NOT_FOUND);
      assertStock(t, "A", 5, 0);

      Reply again = node.placeAsync(t, "CR-0", lines).receiveMessage(REPLY_TIMEOUT);

      assertThat(((Accepted) again).created()).isTrue();
      assertThat(((Accepted) again).order().status()).isEqualTo(OrderStatus.ALLOCATED);
      assertThat(node.journal.persistedInStorage(orderPersistenceId(t, orderId)).get(0))
          .isInstanceOf(OrderPlaced.class);
      assertThat(node.persisted(orderPersistenceId(t, orderId), OrderPlaced.class)).hasSize(1);
      assertStock(t, "A", 5, 2);
    }

    @Test
    void failedWriteOfTheAttemptStartIsRetriedAndAllocatesOnce() {
      String t = "crash-attempt-started";
      node.define(t, "A", 5);
      node.define(t, "B", 5);
      String orderId = orderId("CR-1");
      List<OrderLine> lines = lines("A", 2, "B", 1);
      AtomicBoolean crashed =
          node.failFirstWrite(orderPersistenceId(t, orderId), AllocationStarted.class);

      node.placeAsync(t, "CR-1", lines);

      node.awaitStatus(t, orderId, OrderStatus.ALLOCATED);
      assertThat(crashed).isTrue();
      assertThat(node.persisted(orderPersistenceId(t, orderId), AllocationStarted.class))
          .extracting(AllocationStarted::attempt)
          .containsExactly(1);
      assertStock(t, "A", 5, 2);
      assertStock(t, "B", 5, 1);
      assertRetriedPlaceFindsTheSameOrder(t, "CR-1", lines, OrderStatus.ALLOCATED);
    }

    @Test
    void failedWriteOfTheSuccessAfterTheSkusHeldReleasesThemAndHoldsOnceAnew() {
      String t = "crash-allocation-succeeded";
      node.define(t, "A", 5);
      node.define(t, "B", 5);
      String orderId = orderId("CR-2");
      List<OrderLine> lines = lines("A", 2, "B", 1);
      AtomicBoolean crashed =
          node.failFirstWrite(orderPersistenceId(t, orderId), AllocationSucceeded.class);

      node.placeAsync(t, "CR-2", lines);

      OrderView order = node.awaitStatus(t, orderId, OrderStatus.ALLOCATED);
      assertThat(crashed).isTrue();
      assertThat(order.holds()).containsOnlyKeys("A", "B");
      assertThat(node.persisted(orderPersistenceId(t, orderId), AllocationStarted.class))
          .extracting(AllocationStarted::attempt)
          .containsExactly(1, 2);
      // The holds of the attempt whose outcome was lost are released, not left behind.
      assertThat(node.persisted(skuPersistenceId(t, "A"), ReservationReleased.class))
          .extracting(ReservationReleased::reservationId)
          .containsExactly(Order.reservationId(orderId, 1));
      assertStock(t, "A", 5, 2);
      assertStock(t, "B", 5, 1);
      assertRetriedPlaceFindsTheSameOrder(t, "CR-2", lines, OrderStatus.ALLOCATED);
    }

    @Test
    void failedWriteOfTheFailureLeavesNothingHeldAndTheOrderStillWaitsForStock() {
      String t = "crash-allocation-failed";
      node.define(t, "A", 5);
      node.define(t, "C", 0);
      String orderId = orderId("CR-3");
      List<OrderLine> lines = lines("A", 2, "C", 1);
      AtomicBoolean crashed =
          node.failFirstWrite(orderPersistenceId(t, orderId), AllocationFailed.class);

      node.placeAsync(t, "CR-3", lines);

      node.awaitStatus(t, orderId, OrderStatus.AWAITING_STOCK);
      assertThat(crashed).isTrue();
      assertThat(node.persisted(orderPersistenceId(t, orderId), AllocationFailed.class))
          .extracting(AllocationFailed::attempt)
          .containsExactly(2);
      assertStock(t, "A", 5, 0);
      assertStock(t, "C", 0, 0);
      assertRetriedPlaceFindsTheSameOrder(t, "CR-3", lines, OrderStatus.AWAITING_STOCK);

      // It is still on the waitlist: stock arriving allocates it.
      node.receive(t, "C", 1, "delivery-1");

      node.awaitStatus(t, orderId, OrderStatus.ALLOCATED);
      assertStock(t, "A", 5, 2);
      assertStock(t, "C", 1, 1);
    }

    @Test
    void failedWriteOfTheCancellationReleasesOnceAndCancels() {
      String t = "crash-order-cancelled";
      node.define(t, "A", 5);
      String orderId = orderId("CR-4");
      List<OrderLine> lines = lines("A", 2);
      assertThat(node.place(t, "CR-4", lines).status()).isEqualTo(OrderStatus.ALLOCATED);
      AtomicBoolean crashed =
          node.failFirstWrite(orderPersistenceId(t, orderId), OrderCancelled.class);

      node.send(t, orderId, OrderEntity.Cancel::new);

      node.awaitStatus(t, orderId, OrderStatus.CANCELLED);
      assertThat(crashed).isTrue();
      assertThat(node.persisted(orderPersistenceId(t, orderId), OrderCancelled.class)).hasSize(1);
      assertThat(node.get(t, orderId).history())
          .extracting(Order.StatusChange::status)
          .containsExactly(OrderStatus.ALLOCATING, OrderStatus.ALLOCATED, OrderStatus.CANCELLED);
      assertStock(t, "A", 5, 0);
      assertThat(accepted(node.cancel(t, orderId)).status()).isEqualTo(OrderStatus.CANCELLED);
      assertRetriedPlaceFindsTheSameOrder(t, "CR-4", lines, OrderStatus.CANCELLED);
    }

    @Test
    void failedWriteOfTheShipmentCommitLowersOnHandOnce() {
      String t = "crash-shipment-committed";
      node.define(t, "A", 10);
      String orderId = orderId("CR-5");
      List<OrderLine> lines = lines("A", 3);
      assertThat(node.place(t, "CR-5", lines).status()).isEqualTo(OrderStatus.ALLOCATED);
      AtomicBoolean crashed =
          node.failFirstWrite(orderPersistenceId(t, orderId), ShipmentCommitted.class);

      node.send(
          t,
          orderId,
          replyTo -> new OrderEntity.Ship("S1", "yamato", "T-S1", Map.of("A", 1L), replyTo));

      await()
          .atMost(REPLY_TIMEOUT)
          .untilAsserted(
              () ->
                  assertThat(node.get(t, orderId).shipments())
                      .singleElement()
                      .extracting(Order.Shipment::committed)
                      .isEqualTo(true));
      assertThat(crashed).isTrue();
      assertThat(node.get(t, orderId).status()).isEqualTo(OrderStatus.ALLOCATED);
      assertThat(node.persisted(skuPersistenceId(t, "A"), ReservationCommitted.class)).hasSize(1);
      assertStock(t, "A", 9, 2);
      assertRetriedPlaceFindsTheSameOrder(t, "CR-5", lines, OrderStatus.ALLOCATED);

      assertThat(accepted(node.ship(t, orderId, "S2", null)).status())
          .isEqualTo(OrderStatus.SHIPPED);
      assertStock(t, "A", 7, 0);
    }

    @Test
    void failedWriteOfTheShipmentRecordShipsNothingUntilTheShipmentIsSentAgain() {
      String t = "crash-shipment-recorded";
      node.define(t, "A", 10);
      String orderId = orderId("CR-8");
      assertThat(node.place(t, "CR-8", lines("A", 3)).status()).isEqualTo(OrderStatus.ALLOCATED);
      AtomicBoolean crashed =
          node.failFirstWrite(orderPersistenceId(t, orderId), ShipmentRecorded.class);

      node.send(t, orderId, replyTo -> new OrderEntity.Ship("S1", "yamato", "T-S1", null, replyTo));
      await().atMost(REPLY_TIMEOUT).untilTrue(crashed);

      // Answered after the restart: a shipment that was never stored is not carried out.
      OrderView afterCrash = node.get(t, orderId);
      assertThat(afterCrash.shipments()).isEmpty();
      assertThat(afterCrash.status()).isEqualTo(OrderStatus.ALLOCATED);
      assertStock(t, "A", 10, 3);

      assertThat(accepted(node.ship(t, orderId, "S1", null)).status())
          .isEqualTo(OrderStatus.SHIPPED);
      assertThat(node.persisted(orderPersistenceId(t, orderId), ShipmentRecorded.class)).hasSize(1);
      assertStock(t, "A", 7, 0);
    }

    @Test
    void failedWriteOfTheSecondSkusReservationIsRetriedAndHoldsOnce() {
      String t = "crash-second-sku";
      node.define(t, "A", 5);
      node.define(t, "B", 5);
      String orderId = orderId("CR-6");
      List<OrderLine> lines = lines("A", 1, "B", 1);
      AtomicBoolean crashed =
          node.failFirstWrite(skuPersistenceId(t, "B"), ReservationsPlaced.class);

      OrderView order = node.place(t, "CR-6", lines);

      assertThat(crashed).isTrue();
      assertThat(order.status()).isEqualTo(OrderStatus.ALLOCATED);
      assertStock(t, "A", 5, 1);
      assertStock(t, "B", 5, 1);
      assertReservedMatchesOrders(t, List.of("A", "B"), List.of(orderId));
      assertRetriedPlaceFindsTheSameOrder(t, "CR-6", lines, OrderStatus.ALLOCATED);
    }

    @Test
    void failedWriteOfACompensatingReleaseIsRetriedAndReleasesEverything() {
      String t = "crash-compensation";
      node.define(t, "A", 5);
      node.define(t, "C", 0);
      String orderId = orderId("CR-7");
      List<OrderLine> lines = lines("A", 2, "C", 1);
      AtomicBoolean crashed =
          node.failFirstWrite(skuPersistenceId(t, "A"), ReservationReleased.class);

      OrderView order = node.place(t, "CR-7", lines);

      assertThat(crashed).isTrue();
      assertThat(order.status()).isEqualTo(OrderStatus.AWAITING_STOCK);
      assertStock(t, "A", 5, 0);
      assertStock(t, "C", 0, 0);
      assertReservedMatchesOrders(t, List.of("A", "C"), List.of(orderId));
      assertRetriedPlaceFindsTheSameOrder(t, "CR-7", lines, OrderStatus.AWAITING_STOCK);
    }
  }
}
