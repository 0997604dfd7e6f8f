package io.ecengine.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.ecengine.engine.order.OrderDetails;
import io.ecengine.engine.order.OrderEvent;
import io.ecengine.engine.order.OrderEvent.AllocationFailed;
import io.ecengine.engine.order.OrderEvent.AllocationStarted;
import io.ecengine.engine.order.OrderEvent.AllocationSucceeded;
import io.ecengine.engine.order.OrderEvent.OrderCancelled;
import io.ecengine.engine.order.OrderEvent.OrderPlaced;
import io.ecengine.engine.order.OrderEvent.ReturnLine;
import io.ecengine.engine.order.OrderEvent.ReturnRecorded;
import io.ecengine.engine.order.OrderEvent.ShipmentCommitted;
import io.ecengine.engine.order.OrderEvent.ShipmentRecorded;
import io.ecengine.engine.order.OrderLine;
import io.ecengine.engine.order.OrderStatus;
import io.ecengine.engine.order.ReturnCondition;
import io.ecengine.engine.report.KpiMath.MinuteCount;
import io.ecengine.engine.sku.AdjustmentReason;
import io.ecengine.engine.sku.HoldKind;
import io.ecengine.engine.sku.Reservation;
import io.ecengine.engine.sku.SkuEvent;
import io.ecengine.engine.sku.SkuEvent.ReservationCommitted;
import io.ecengine.engine.sku.SkuEvent.ReservationsPlaced;
import io.ecengine.engine.sku.SkuEvent.SafetyStockSet;
import io.ecengine.engine.sku.SkuEvent.SkuDefined;
import io.ecengine.engine.sku.SkuEvent.StockAdjusted;
import io.ecengine.engine.sku.SkuId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Order and SKU events through the journal and the KPI projections into the report tables, and the
 * report and overview read from them, on a real database. The figures are worked out by hand in the
 * comments.
 */
class KpiProjectionIntegrationTest {

  private static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");

  private static Instant hours(double h) {
    return T0.plusMillis((long) (h * 3_600_000));
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void reportsLeadTimeReturnsOversoldWaitingAndTurnover(Vendor vendor) throws Exception {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ActorTestKit testKit =
          ActorTestKit.create(
              "kpi-projection-" + vendor.name().toLowerCase(),
              db.settings()
                  .pekkoOverlay()
                  .withFallback(SkuProjectionIntegrationTest.TEST_CONFIG)
                  .withFallback(ConfigFactory.load()));
      try {
        Cluster cluster = Cluster.get(testKit.system());
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        KpiProjections.init(testKit.system(), db.database());
        OrderProjection.init(testKit.system(), db.database());
        SkuProjection.init(testKit.system(), db.database());
        Instant started = Instant.now();

        // ord-1: 2 mugs, held at once, shipped after 5 h, one mug back a day later.
        order(testKit, "ord-1", placed("ord-1", "tiktok", T0, new OrderLine("MUG", 2)));
        order(testKit, "ord-1", new AllocationStarted(1, Map.of("MUG", 2L), Map.of(), T0));
        order(testKit, "ord-1", new AllocationSucceeded(1, Map.of("MUG", HoldKind.STOCK), T0));
        order(
            testKit,
            "ord-1",
            new ShipmentRecorded("box-1", "yamato", "1", Map.of("MUG", 2L), hours(5)));
        order(testKit, "ord-1", new ShipmentCommitted("box-1", OrderStatus.SHIPPED, hours(5.001)));
        order(
            testKit,
            "ord-1",
            new ReturnRecorded(
                "ret-1", List.of(new ReturnLine("MUG", 1, ReturnCondition.SELLABLE)), hours(29)));
        // ord-2: 3 caps refused at first (waited 2 h), then held, shipped 30 h after placement.
        order(testKit, "ord-2", placed("ord-2", "rakuten", hours(1), new OrderLine("CAP", 3)));
        order(testKit, "ord-2", new AllocationStarted(1, Map.of("CAP", 3L), Map.of(), hours(1)));
        order(testKit, "ord-2", new AllocationFailed(1, List.of("CAP"), hours(1)));
        order(testKit, "ord-2", new AllocationStarted(2, Map.of("CAP", 3L), Map.of(), hours(3)));
        order(
            testKit, "ord-2", new AllocationSucceeded(2, Map.of("CAP", HoldKind.STOCK), hours(3)));
        order(
            testKit,
            "ord-2",
            new ShipmentRecorded("b-2", "sagawa", "2", Map.of("CAP", 3L), hours(31)));
        order(testKit, "ord-2", new ShipmentCommitted("b-2", OrderStatus.SHIPPED, hours(31)));
        // ord-3: a mug backordered beyond stock, then cancelled: oversold, but not sold.
        order(testKit, "ord-3", placed("ord-3", "tiktok", hours(2), new OrderLine("MUG", 1)));
        order(testKit, "ord-3", new AllocationStarted(1, Map.of("MUG", 1L), Map.of(), hours(2)));
        order(
            testKit,
            "ord-3",
            new AllocationSucceeded(1, Map.of("MUG", HoldKind.BACKORDER), hours(2)));
        order(testKit, "ord-3", new OrderCancelled(hours(4)));
        // ord-4: 5 caps refused and still waiting; placed twice (a redelivery), counted once.
        OrderPlaced fourth = placed("ord-4", "tiktok", hours(2), new OrderLine("CAP", 5));
        order(testKit, "ord-4", fourth);
        order(testKit, "ord-4", fourth);
        order(testKit, "ord-4", new AllocationStarted(1, Map.of("CAP", 5L), Map.of(), hours(2)));
        order(testKit, "ord-4", new AllocationFailed(1, List.of("CAP"), hours(2)));

        // MUG on hand: 10 received, 2 shipped, 1 damaged; safety stock 7 leaves nothing to sell.
        SkuId mug = new SkuId("acme", "MUG");
        sku(testKit, mug, new SkuDefined("Mug", T0));
        sku(testKit, mug, new StockAdjusted("adj-1", 10, AdjustmentReason.RECEIPT, T0));
        sku(
            testKit,
            mug,
            new ReservationsPlaced(
                List.of(new Reservation("r-1", 2, "tiktok", null, T0, null, 8))));
        sku(testKit, mug, new ReservationCommitted("r-1", 2, T0));
        sku(testKit, mug, new StockAdjusted("adj-2", -1, AdjustmentReason.DAMAGE, T0));
        sku(testKit, mug, new SafetyStockSet(7, T0));

        KpiStore kpis = new KpiStore(db.dataSource());
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(() -> assertReport(kpis.report("acme", T0, hours(48))));
        // A later period sees none of it.
        assertThat(kpis.report("acme", hours(48), hours(96)).oversold().orders()).isZero();
        assertThat(kpis.report("other", T0, hours(48)).unitsSold()).isEmpty();

        // Stock moves are stamped with their journal time: now. A period entirely after them sees
        // 7 on hand all along (10 received, 2 shipped, 1 damaged) and nothing shipped; once it
        // does, every move has been projected.
        Instant later = Instant.now().plus(Duration.ofHours(2));
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> {
                  KpiStore.Turnover after =
                      kpis.report("acme", later, later.plus(Duration.ofDays(1)))
                          .inventoryTurnover();
                  assertThat(after.averageOnHand()).isEqualTo(7.0);
                  assertThat(after.turnover()).isEqualTo(0.0);
                });
        Instant from = started.minus(Duration.ofHours(1));
        Instant to = Instant.now().plus(Duration.ofHours(1));
        KpiStore.Turnover turnover = kpis.report("acme", from, to).inventoryTurnover();
        assertThat(turnover.skus())
            .extracting(KpiStore.SkuTurnover::unitsShipped)
            .containsExactly(2L);
        // On hand went 0 → 10 → 8 → 7 within a few seconds of a two-hour period, so its average
        // is well under 10 and above 0.
        assertThat(turnover.averageOnHand()).isBetween(0.0, 10.0);
        assertThat(turnover.turnover()).isCloseTo(2 / turnover.averageOnHand(), within(1e-9));

        OverviewStore overview = new OverviewStore(db.dataSource());
        assertThat(overview.ordersPerMinute("acme", from))
            .extracting(MinuteCount::orders)
            .satisfies(
                counts ->
                    assertThat(counts.stream().mapToLong(Long::longValue).sum()).isEqualTo(4));
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> {
                  assertThat(overview.atRisk("acme", hours(1000), 10).items())
                      .extracting(OverviewStore.AtRisk::orderId)
                      .containsExactly("ord-4");
                  assertThat(overview.stockAlerts("acme", 3, 10).items())
                      .extracting(OverviewStore.StockAlert::sku, OverviewStore.StockAlert::state)
                      .containsExactly(tuple("MUG", "SAFETY_STOCK"));
                });
      } finally {
        testKit.shutdownTestKit();
      }
    }
  }

  /** The figures of the orders above, worked out by hand. */
  private static void assertReport(KpiStore.Report report) {
    // Lead times 5 h and 30 h: one of two within 24 h.
    assertThat(report.shippingLeadTime().stats().orders()).isEqualTo(2);
    assertThat(report.shippingLeadTime().stats().withinTarget()).isEqualTo(1);
    assertThat(report.shippingLeadTime().stats().shareWithinTarget()).isEqualTo(0.5);
    assertThat(report.shippingLeadTime().stats().max()).isEqualTo(Duration.ofHours(30));
    // 1 unit back of 5 shipped.
    assertThat(report.returnRate().unitsShipped()).isEqualTo(5);
    assertThat(report.returnRate().unitsReturned()).isEqualTo(1);
    assertThat(report.returnRate().rate()).isEqualTo(0.2);
    assertThat(report.returnRate().meetsTarget()).isFalse();
    // The cancelled order's mug is not sold; ord-4 counts once.
    assertThat(report.unitsSold())
        .extracting(
            KpiStore.UnitsSold::sku, KpiStore.UnitsSold::channelId, KpiStore.UnitsSold::units)
        .containsExactly(
            tuple("CAP", "rakuten", 3L), tuple("CAP", "tiktok", 5L), tuple("MUG", "tiktok", 2L));
    // 3 + 5 caps refused, 1 mug backordered, in 3 orders.
    assertThat(report.oversold().units()).isEqualTo(9);
    assertThat(report.oversold().orders()).isEqualTo(3);
    assertThat(report.oversold().lines())
        .extracting(
            KpiStore.OversoldLine::sku,
            KpiStore.OversoldLine::channelId,
            KpiStore.OversoldLine::reason,
            KpiStore.OversoldLine::units)
        .containsExactly(
            tuple("CAP", "rakuten", "short", 3L),
            tuple("CAP", "tiktok", "short", 5L),
            tuple("MUG", "tiktok", "backorder", 1L));
    // ord-2 waited 2 h and was held; ord-4 still waits.
    assertThat(report.waitedForStock().orders()).isEqualTo(2);
    assertThat(report.waitedForStock().allocatedLater()).isEqualTo(1);
    assertThat(report.waitedForStock().stillWaiting()).isEqualTo(1);
    assertThat(report.waitedForStock().meanWait()).isEqualTo(Duration.ofHours(2));
  }

  private static OrderPlaced placed(String orderId, String channel, Instant at, OrderLine line) {
    return new OrderPlaced(
        orderId,
        channel,
        "C-" + orderId,
        List.of(line),
        OrderDetails.NONE,
        at.plusSeconds(86_400),
        at);
  }

  private static void order(ActorTestKit testKit, String orderId, OrderEvent event) {
    write(testKit, JournalWriter.forOrder("acme", orderId), event);
  }

  private static void sku(ActorTestKit testKit, SkuId sku, SkuEvent event) {
    write(testKit, JournalWriter.forSku(sku), event);
  }

  private static <E> void write(
      ActorTestKit testKit, Behavior<JournalWriter.Write<E>> behavior, E event) {
    ActorRef<JournalWriter.Write<E>> writer = testKit.spawn(behavior);
    TestProbe<Done> done = testKit.createTestProbe();
    writer.tell(new JournalWriter.Write<>(event, done.ref()));
    done.expectMessage(Duration.ofSeconds(10), Done.done());
    testKit.stop(writer);
  }
}
