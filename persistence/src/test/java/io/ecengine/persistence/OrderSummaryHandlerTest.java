package io.ecengine.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecengine.engine.order.OrderDetails;
import io.ecengine.engine.order.OrderEntity;
import io.ecengine.engine.order.OrderEvent;
import io.ecengine.engine.order.OrderEvent.AllocationFailed;
import io.ecengine.engine.order.OrderEvent.AllocationStarted;
import io.ecengine.engine.order.OrderEvent.AllocationSucceeded;
import io.ecengine.engine.order.OrderEvent.CancellationStarted;
import io.ecengine.engine.order.OrderEvent.HoldsFilled;
import io.ecengine.engine.order.OrderEvent.OrderCancelled;
import io.ecengine.engine.order.OrderEvent.OrderPlaced;
import io.ecengine.engine.order.OrderEvent.ReturnApplied;
import io.ecengine.engine.order.OrderEvent.ReturnLine;
import io.ecengine.engine.order.OrderEvent.ReturnRecorded;
import io.ecengine.engine.order.OrderEvent.ShipmentCommitted;
import io.ecengine.engine.order.OrderEvent.ShipmentRecorded;
import io.ecengine.engine.order.OrderLine;
import io.ecengine.engine.order.OrderStatus;
import io.ecengine.engine.order.ReturnCondition;
import io.ecengine.engine.sku.HoldKind;
import io.ecengine.persistence.OrderSummaries.Filter;
import io.ecengine.persistence.OrderSummaries.OrderSummary;
import io.ecengine.persistence.OrderSummaryHandler.OrderKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OrderSummaryHandlerTest {

  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
  private static final Instant SHIP_BY = Instant.parse("2026-01-06T09:00:00Z");
  private static final String ORDER = "ord_000000000000000000000001";

  private final OrderSummaryHandler handler = new OrderSummaryHandler();
  private long sequenceNr;

  /** Projects one event of an acme order; its journal time is T0 plus its sequence number. */
  private void project(TestDatabase db, String orderId, OrderEvent event) throws Exception {
    sequenceNr++;
    EventEnvelope<OrderEvent> envelope =
        EventEnvelope.create(
            Offset.sequence(sequenceNr),
            persistenceId("acme", orderId),
            sequenceNr,
            event,
            journalTime().toEpochMilli());
    try (PlainJdbcSession session = JdbcSessions.open(db.dataSource())) {
      handler.process(session, envelope);
      session.commit();
    }
  }

  /** The journal time of the last projected event. */
  private Instant journalTime() {
    return T0.plusSeconds(sequenceNr);
  }

  private static String persistenceId(String tenantId, String orderId) {
    return OrderEntity.persistenceId(OrderEntity.entityId(tenantId, orderId)).id();
  }

  private static OrderPlaced placed(String orderId, Instant shipBy, Instant at) {
    return new OrderPlaced(
        orderId,
        "tiktok-1",
        "TT-" + orderId,
        List.of(new OrderLine("SHIRT-M", 2)),
        OrderDetails.NONE,
        shipBy,
        at);
  }

  private static OrderSummary summary(TestDatabase db, String orderId) {
    return new OrderSummaries(db.dataSource())
        .list("acme", Filter.NONE, null, OrderSummaries.MAX_LIMIT).items().stream()
            .filter(o -> o.orderId().equals(orderId))
            .findFirst()
            .orElseThrow();
  }

  private static String status(TestDatabase db, String orderId) {
    return summary(db, orderId).status();
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void followsAnOrderFromPlacementToReturn(Vendor vendor) throws Exception {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      project(db, ORDER, placed(ORDER, SHIP_BY, T0));
      assertThat(summary(db, ORDER))
          .isEqualTo(
              new OrderSummary(
                  ORDER, "tiktok-1", "TT-" + ORDER, "ALLOCATING", T0, SHIP_BY, journalTime()));

      project(db, ORDER, new AllocationStarted(1, Map.of("SHIRT-M", 2L), Map.of(), T0));
      assertThat(status(db, ORDER)).isEqualTo("ALLOCATING");

      project(db, ORDER, new AllocationFailed(1, List.of("SHIRT-M"), T0));
      assertThat(status(db, ORDER)).isEqualTo("AWAITING_STOCK");

      project(db, ORDER, new AllocationStarted(2, Map.of("SHIRT-M", 2L), Map.of(), T0));
      project(db, ORDER, new AllocationSucceeded(2, Map.of("SHIRT-M", HoldKind.BACKORDER), T0));
      assertThat(status(db, ORDER)).isEqualTo("BACKORDERED");

      project(db, ORDER, new HoldsFilled(List.of("SHIRT-M"), OrderStatus.ALLOCATED, T0));
      assertThat(status(db, ORDER)).isEqualTo("ALLOCATED");

      project(db, ORDER, new ShipmentRecorded("s-1", "yamato", "1234", Map.of("SHIRT-M", 1L), T0));
      assertThat(status(db, ORDER)).isEqualTo("ALLOCATED");

      project(db, ORDER, new ShipmentCommitted("s-1", OrderStatus.ALLOCATED, T0));
      assertThat(status(db, ORDER)).isEqualTo("ALLOCATED");

      project(db, ORDER, new ShipmentCommitted("s-2", OrderStatus.SHIPPED, T0));
      assertThat(status(db, ORDER)).isEqualTo("SHIPPED");

      project(
          db,
          ORDER,
          new ReturnRecorded(
              "ret-1", List.of(new ReturnLine("SHIRT-M", 1, ReturnCondition.SELLABLE)), T0));
      assertThat(status(db, ORDER)).isEqualTo("SHIPPED");

      project(db, ORDER, new ReturnApplied("ret-1", T0));
      assertThat(summary(db, ORDER))
          .isEqualTo(
              new OrderSummary(
                  ORDER, "tiktok-1", "TT-" + ORDER, "RETURNED", T0, SHIP_BY, journalTime()));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aPreOrderedSkuOutranksABackorderedOne(Vendor vendor) throws Exception {
    String preordered = "ord_000000000000000000000002";
    String allocated = "ord_000000000000000000000003";
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      project(db, ORDER, placed(ORDER, SHIP_BY, T0));
      project(db, preordered, placed(preordered, SHIP_BY, T0));
      project(db, allocated, placed(allocated, SHIP_BY, T0));

      project(
          db,
          ORDER,
          new AllocationSucceeded(1, Map.of("A", HoldKind.STOCK, "B", HoldKind.BACKORDER), T0));
      project(
          db,
          preordered,
          new AllocationSucceeded(
              1, Map.of("A", HoldKind.BACKORDER, "B", HoldKind.PREORDER, "C", HoldKind.STOCK), T0));
      project(
          db,
          allocated,
          new AllocationSucceeded(1, Map.of("A", HoldKind.STOCK, "B", HoldKind.STOCK), T0));

      assertThat(status(db, ORDER)).isEqualTo("BACKORDERED");
      assertThat(status(db, preordered)).isEqualTo("PREORDERED");
      assertThat(status(db, allocated)).isEqualTo("ALLOCATED");
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void cancellationClosesTheOrderOnlyOnceEveryHoldIsReleased(Vendor vendor) throws Exception {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      project(db, ORDER, placed(ORDER, SHIP_BY, T0));
      project(db, ORDER, new AllocationSucceeded(1, Map.of("SHIRT-M", HoldKind.STOCK), T0));

      project(db, ORDER, new CancellationStarted(T0));
      assertThat(status(db, ORDER)).isEqualTo("ALLOCATED");

      project(db, ORDER, new OrderCancelled(T0));
      assertThat(status(db, ORDER)).isEqualTo("CANCELLED");
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void everyEventStampsTheRowWithItsJournalTime(Vendor vendor) throws Exception {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      project(db, ORDER, placed(ORDER, SHIP_BY, T0));
      Instant placedJournalTime = journalTime();

      project(db, ORDER, new AllocationStarted(1, Map.of("SHIRT-M", 2L), Map.of(), T0));

      assertThat(summary(db, ORDER).updatedAt())
          .isEqualTo(journalTime())
          .isAfter(placedJournalTime);
      assertThat(summary(db, ORDER).placedAt()).isEqualTo(T0);
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void keepsTimesToTheMicrosecond(Vendor vendor) throws Exception {
    Instant placedAt = Instant.parse("2026-01-05T09:00:00.123456789Z");
    Instant shipBy = Instant.parse("2026-01-06T09:00:00.987654321Z");
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      project(db, ORDER, placed(ORDER, shipBy, placedAt));

      OrderSummary summary = summary(db, ORDER);

      assertThat(summary.placedAt()).isEqualTo(Instant.parse("2026-01-05T09:00:00.123456Z"));
      assertThat(summary.shipBy()).isEqualTo(Instant.parse("2026-01-06T09:00:00.987654Z"));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void anOrderWithoutAShipByTimeIsDueWhenPlaced(Vendor vendor) throws Exception {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      project(db, ORDER, placed(ORDER, null, T0));

      assertThat(summary(db, ORDER).shipBy()).isEqualTo(T0);
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aRepeatedPlacementNeverResetsTheStatus(Vendor vendor) throws Exception {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      project(db, ORDER, placed(ORDER, SHIP_BY, T0));
      project(db, ORDER, new AllocationSucceeded(1, Map.of("SHIRT-M", HoldKind.STOCK), T0));

      project(db, ORDER, placed(ORDER, SHIP_BY.plusSeconds(60), T0));

      assertThat(summary(db, ORDER).status()).isEqualTo("ALLOCATED");
      assertThat(summary(db, ORDER).shipBy()).isEqualTo(SHIP_BY.plusSeconds(60));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void leavesNoTraceWhenTheTransactionRollsBack(Vendor vendor) throws Exception {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      project(db, ORDER, placed(ORDER, SHIP_BY, T0));
      EventEnvelope<OrderEvent> cancelled =
          EventEnvelope.create(
              Offset.sequence(99),
              persistenceId("acme", ORDER),
              2,
              new OrderCancelled(T0),
              T0.plusSeconds(99).toEpochMilli());

      try (PlainJdbcSession session = JdbcSessions.open(db.dataSource())) {
        handler.process(session, cancelled);
        session.rollback();
      }

      assertThat(status(db, ORDER)).isEqualTo("ALLOCATING");
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void failsOnAnEventForAnOrderThatWasNeverPlaced(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      assertThatThrownBy(() -> project(db, ORDER, new OrderCancelled(T0)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(ORDER);
      assertThat(new OrderSummaries(db.dataSource()).list("acme", null, null, 10).items())
          .isEmpty();
    }
  }

  @Test
  void readsTenantAndOrderFromThePersistenceId() {
    assertThat(OrderSummaryHandler.orderKeyOf(persistenceId("acme", ORDER)))
        .isEqualTo(new OrderKey("acme", ORDER));
    assertThatThrownBy(() -> OrderSummaryHandler.orderKeyOf("Sku|acme|SHIRT-M"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OrderSummaryHandler.orderKeyOf("Order|acme"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OrderSummaryHandler.orderKeyOf("Order|acme|"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
