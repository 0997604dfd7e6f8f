package io.ecengine.engine.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.ecengine.engine.sku.HoldKind;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The order's pure state and checks, with no actors: what the saga relies on to decide. */
class OrderTest {

  private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");
  private static final String ORDER_ID = OrderIds.of("rakuten-main", "R-1");

  private static Instant at(int minutes) {
    return T0.plusSeconds(60L * minutes);
  }

  private static OrderLine line(String sku, long quantity) {
    return new OrderLine(sku, quantity);
  }

  private static Order placed(OrderLine... lines) {
    Order order = Order.empty();
    order.apply(
        new OrderPlaced(
            ORDER_ID, "rakuten-main", "R-1", List.of(lines), OrderDetails.NONE, null, at(0)));
    return order;
  }

  /** An order of plain SKUs whose first attempt held everything from stock. */
  private static Order allocated(OrderLine... lines) {
    Order order = placed(lines);
    Map<String, Long> demand = Demand.perSku(List.of(lines));
    order.apply(new AllocationStarted(1, demand, Map.of(), at(1)));
    Map<String, HoldKind> holds = new TreeMap<>();
    demand.keySet().forEach(sku -> holds.put(sku, HoldKind.STOCK));
    order.apply(new AllocationSucceeded(1, holds, at(2)));
    return order;
  }

  private static void ship(Order order, String shipmentId, Map<String, Long> lines, int minute) {
    order.apply(new ShipmentRecorded(shipmentId, "yamato", "T-" + shipmentId, lines, at(minute)));
    order.apply(
        new ShipmentCommitted(shipmentId, order.statusIfCommitted(shipmentId), at(minute + 1)));
  }

  private static List<OrderStatus> statuses(Order order) {
    return order.history().stream().map(Order.StatusChange::status).toList();
  }

  @Nested
  class DemandOfLines {

    @Test
    void twoLinesOfTheSameSkuAreOneDemand() {
      assertThat(Demand.perSku(List.of(line("A", 2), line("B", 1), line("A", 3))))
          .containsExactlyInAnyOrderEntriesOf(Map.of("A", 5L, "B", 1L));
    }

    @Test
    void twoBundlesSharingAComponentSumOnTheComponent() {
      Map<String, Map<String, Long>> components =
          Map.of(
              "SET1", Map.of("C", 1L, "D", 2L),
              "SET2", Map.of("C", 2L, "E", 1L));

      assertThat(Demand.perComponent(List.of(line("SET1", 1), line("SET2", 2)), components))
          .containsExactlyInAnyOrderEntriesOf(Map.of("C", 5L, "D", 2L, "E", 2L));
    }

    @Test
    void aBundleAndALineOfItsComponentSumOnTheComponent() {
      Map<String, Map<String, Long>> components = Map.of("SET", Map.of("C", 2L));

      assertThat(Demand.perComponent(List.of(line("SET", 2), line("C", 1)), components))
          .containsExactlyInAnyOrderEntriesOf(Map.of("C", 5L));
    }

    @Test
    void aSkuThatIsNoBundleIsItsOwnSingleComponent() {
      assertThat(Demand.perComponent(List.of(line("X", 3), line("X", 1)), Map.of()))
          .containsExactlyInAnyOrderEntriesOf(Map.of("X", 4L));
    }

    @Test
    void shipmentAndReturnUnitsTranslateToComponentsLikeTheDemand() {
      Order order = placed(line("SET", 2), line("C", 1));
      order.apply(
          new AllocationStarted(
              1,
              Map.of("C", 5L, "D", 2L),
              Map.of("SET", Map.of("C", 2L, "D", 1L), "C", Map.of("C", 1L)),
              at(1)));

      assertThat(order.toComponents(Map.of("SET", 1L, "C", 1L)))
          .containsExactlyInAnyOrderEntriesOf(Map.of("C", 3L, "D", 1L));
    }
  }

  @Nested
  class Transitions {

    @Test
    void placedOrderIsAllocatingWithNoAttemptYet() {
      Order order = placed(line("A", 1));

      assertThat(order.exists()).isTrue();
      assertThat(order.status()).isEqualTo(OrderStatus.ALLOCATING);
      assertThat(order.attempt()).isZero();
      assertThat(order.attemptOpen()).isFalse();
      assertThat(order.history())
          .containsExactly(new Order.StatusChange(OrderStatus.ALLOCATING, at(0)));
      assertThat(Order.empty().exists()).isFalse();
    }

    @Test
    void failedAttemptWaitsForStockAndTheNextAttemptHoldsUnderANewReservationId() {
      Order order = placed(line("A", 2), line("C", 1));
      Map<String, Long> demand = Map.of("A", 2L, "C", 1L);

      order.apply(new AllocationStarted(1, demand, Map.of(), at(1)));
      assertThat(order.attemptOpen()).isTrue();
      assertThat(order.status()).isEqualTo(OrderStatus.ALLOCATING);
      String firstHold = order.currentReservationId();

      order.apply(new AllocationFailed(1, List.of("C"), at(2)));
      assertThat(order.attemptOpen()).isFalse();
      assertThat(order.status()).isEqualTo(OrderStatus.AWAITING_STOCK);
      assertThat(order.shortSkus()).containsExactly("C");
      assertThat(order.holds()).isEmpty();

      order.apply(new AllocationStarted(2, demand, Map.of(), at(3)));
      order.apply(
          new AllocationSucceeded(2, Map.of("A", HoldKind.STOCK, "C", HoldKind.STOCK), at(4)));

      assertThat(order.status()).isEqualTo(OrderStatus.ALLOCATED);
      assertThat(order.attempt()).isEqualTo(2);
      assertThat(order.shortSkus()).isEmpty();
      assertThat(order.holds()).containsOnlyKeys("A", "C");
      assertThat(order.currentReservationId()).isEqualTo(ORDER_ID + "#a2").isNotEqualTo(firstHold);
      assertThat(order.history())
          .containsExactly(
              new Order.StatusChange(OrderStatus.ALLOCATING, at(0)),
              new Order.StatusChange(OrderStatus.AWAITING_STOCK, at(2)),
              new Order.StatusChange(OrderStatus.ALLOCATED, at(4)));
    }

    @Test
    void aRepeatedStatusIsRecordedOnceInTheHistory() {
      Order order = placed(line("A", 1));
      order.apply(new AllocationStarted(1, Map.of("A", 1L), Map.of(), at(1)));
      order.apply(new AllocationFailed(1, List.of("A"), at(2)));
      order.apply(new AllocationStarted(2, Map.of("A", 1L), Map.of(), at(3)));
      order.apply(new AllocationFailed(2, List.of("A"), at(4)));

      assertThat(statuses(order))
          .containsExactly(OrderStatus.ALLOCATING, OrderStatus.AWAITING_STOCK);
    }

    @Test
    void owedHoldsMakeTheOrderPreorderedOrBackorderedUntilFilled() {
      Order order = placed(line("A", 1), line("B", 1));
      order.apply(new AllocationStarted(1, Map.of("A", 1L, "B", 1L), Map.of(), at(1)));
      order.apply(
          new AllocationSucceeded(
              1, Map.of("A", HoldKind.BACKORDER, "B", HoldKind.PREORDER), at(2)));
      assertThat(order.status()).isEqualTo(OrderStatus.PREORDERED);

      order.apply(new HoldsFilled(List.of("B"), order.statusIfFilled(List.of("B")), at(3)));
      assertThat(order.status()).isEqualTo(OrderStatus.BACKORDERED);
      assertThat(order.holds()).containsEntry("B", HoldKind.STOCK);

      order.apply(new HoldsFilled(List.of("A"), order.statusIfFilled(List.of("A")), at(4)));
      assertThat(order.status()).isEqualTo(OrderStatus.ALLOCATED);
      assertThat(order.holds())
          .containsOnly(Map.entry("A", HoldKind.STOCK), Map.entry("B", HoldKind.STOCK));
    }

    @Test
    void cancellationIsOpenUntilEveryHoldIsReleased() {
      Order order = allocated(line("A", 1));

      order.apply(new CancellationStarted(at(5)));
      assertThat(order.cancelling()).isTrue();
      assertThat(order.status()).isEqualTo(OrderStatus.ALLOCATED);
      assertThat(order.holds()).isNotEmpty();

      order.apply(new OrderCancelled(at(6)));
      assertThat(order.cancelling()).isFalse();
      assertThat(order.status()).isEqualTo(OrderStatus.CANCELLED);
      assertThat(order.holds()).isEmpty();
      assertThat(statuses(order))
          .containsExactly(OrderStatus.ALLOCATING, OrderStatus.ALLOCATED, OrderStatus.CANCELLED);
    }

    @Test
    void shipmentAndReturnAreOpenUntilCommittedAndApplied() {
      Order order = allocated(line("A", 2));

      order.apply(new ShipmentRecorded("S1", "yamato", "T1", Map.of("A", 2L), at(5)));
      assertThat(order.shipments().get("S1").committed()).isFalse();
      assertThat(order.status()).isEqualTo(OrderStatus.ALLOCATED);
      order.apply(new ShipmentCommitted("S1", OrderStatus.SHIPPED, at(6)));
      assertThat(order.shipments().get("S1").committed()).isTrue();
      assertThat(order.shipped()).containsExactly(Map.entry("A", 2L));

      List<ReturnLine> lines = List.of(new ReturnLine("A", 1, ReturnCondition.SELLABLE));
      order.apply(new ReturnRecorded("R1", lines, at(7)));
      assertThat(order.returns().get("R1").applied()).isFalse();
      order.apply(new ReturnApplied("R1", at(8)));

      assertThat(order.returns().get("R1").applied()).isTrue();
      assertThat(order.returned()).containsExactly(Map.entry("A", 1L));
      assertThat(statuses(order))
          .containsExactly(
              OrderStatus.ALLOCATING,
              OrderStatus.ALLOCATED,
              OrderStatus.SHIPPED,
              OrderStatus.RETURNED);
    }

    @Test
    void sameLinesIgnoresOrderAndSplitButNotQuantities() {
      Order order = placed(line("A", 2), line("B", 1));

      assertThat(order.sameLines(List.of(line("B", 1), line("A", 1), line("A", 1)))).isTrue();
      assertThat(order.sameLines(List.of(line("A", 2)))).isFalse();
      assertThat(order.sameLines(List.of(line("A", 3), line("B", 1)))).isFalse();
    }
  }

  @Nested
  class Shipping {

    @Test
    void nullShipsEverythingNotYetShipped() {
      Order order = allocated(line("A", 3), line("B", 1));
      ship(order, "S1", Map.of("A", 1L), 5);

      Order.Result<Map<String, Long>> rest = order.shipmentLines(null);

      assertThat(rest.isOk()).isTrue();
      assertThat(rest.value()).containsExactlyInAnyOrderEntriesOf(Map.of("A", 2L, "B", 1L));
    }

    @Test
    void refusesToShipMoreThanRemains() {
      Order order = allocated(line("A", 3));
      ship(order, "S1", Map.of("A", 2L), 5);

      assertThat(order.shipmentLines(Map.of("A", 1L)).isOk()).isTrue();
      assertThat(order.shipmentLines(Map.of("A", 2L)).error())
          .isEqualTo("Only 1 of A remain to ship.");
      assertThat(order.shipmentLines(Map.of("Z", 1L)).error())
          .isEqualTo("Only 0 of Z remain to ship.");
    }

    @Test
    void refusesOnceEverythingShipped() {
      Order order = allocated(line("A", 1));
      ship(order, "S1", Map.of("A", 1L), 5);

      assertThat(order.status()).isEqualTo(OrderStatus.SHIPPED);
      assertThat(order.shipmentLines(null).isOk()).isFalse();
      assertThat(order.shipmentLines(Map.of("A", 1L)).isOk()).isFalse();
    }

    @Test
    void refusesUnlessEveryUnitIsHeldFromStock() {
      Order allocating = placed(line("A", 1));
      Order waiting = placed(line("A", 1));
      waiting.apply(new AllocationStarted(1, Map.of("A", 1L), Map.of(), at(1)));
      waiting.apply(new AllocationFailed(1, List.of("A"), at(2)));
      Order backordered = placed(line("A", 1));
      backordered.apply(new AllocationStarted(1, Map.of("A", 1L), Map.of(), at(1)));
      backordered.apply(new AllocationSucceeded(1, Map.of("A", HoldKind.BACKORDER), at(2)));
      Order cancelled = allocated(line("A", 1));
      cancelled.apply(new CancellationStarted(at(3)));
      cancelled.apply(new OrderCancelled(at(4)));

      assertThat(allocating.shipmentLines(null).error()).contains("ALLOCATING");
      assertThat(waiting.shipmentLines(null).error()).contains("AWAITING_STOCK");
      assertThat(backordered.shipmentLines(Map.of("A", 1L)).error()).contains("BACKORDERED");
      assertThat(cancelled.shipmentLines(null).error()).isEqualTo("The order is cancelled.");
    }

    @Test
    void theRestOfAnOrderStillShipsAfterAReturnOfItsFirstParcel() {
      Order order = allocated(line("A", 2));
      ship(order, "S1", Map.of("A", 1L), 5);
      order.apply(
          new ReturnRecorded(
              "R1", List.of(new ReturnLine("A", 1, ReturnCondition.SELLABLE)), at(7)));
      order.apply(new ReturnApplied("R1", at(8)));
      assertThat(order.status()).isEqualTo(OrderStatus.RETURNED);

      Order.Result<Map<String, Long>> rest = order.shipmentLines(null);

      assertThat(rest.error()).isNull();
      assertThat(rest.value()).containsExactly(Map.entry("A", 1L));
    }

    @Test
    void theOrderIsShippedOnlyWhenTheShipmentCompletingItIsCommitted() {
      Order order = allocated(line("A", 2), line("B", 1));
      order.apply(new ShipmentRecorded("S1", "yamato", "T1", Map.of("A", 1L), at(5)));
      assertThat(order.statusIfCommitted("S1")).isEqualTo(OrderStatus.ALLOCATED);
      order.apply(new ShipmentCommitted("S1", OrderStatus.ALLOCATED, at(6)));

      order.apply(new ShipmentRecorded("S2", "yamato", "T2", Map.of("A", 1L), at(7)));
      order.apply(new ShipmentRecorded("S3", "yamato", "T3", Map.of("B", 1L), at(7)));

      // S3 is recorded but not committed, so committing S2 alone does not complete the order.
      assertThat(order.statusIfCommitted("S2")).isEqualTo(OrderStatus.ALLOCATED);
      order.apply(new ShipmentCommitted("S2", OrderStatus.ALLOCATED, at(8)));
      assertThat(order.statusIfCommitted("S3")).isEqualTo(OrderStatus.SHIPPED);
    }

    @Test
    void cannotCancelOnceAnyShipmentIsRecorded() {
      Order order = allocated(line("A", 2));
      assertThat(order.cannotCancel()).isEmpty();

      order.apply(new ShipmentRecorded("S1", "yamato", "T1", Map.of("A", 1L), at(5)));

      assertThat(order.cannotCancel()).isPresent();
    }
  }

  @Nested
  class Returns {

    private final ReturnCondition sellable = ReturnCondition.SELLABLE;
    private final ReturnCondition damaged = ReturnCondition.DAMAGED;

    @Test
    void acceptsReturnsWithinWhatShippedAndWasNotReturned() {
      Order order = allocated(line("A", 3), line("B", 1));
      ship(order, "S1", Map.of("A", 2L), 5);

      assertThat(order.cannotReturn(List.of(new ReturnLine("A", 2, sellable)))).isEmpty();
      assertThat(
              order.cannotReturn(
                  List.of(new ReturnLine("A", 1, sellable), new ReturnLine("A", 1, damaged))))
          .isEmpty();
      assertThat(order.cannotReturn(List.of(new ReturnLine("A", 3, sellable))))
          .contains("Only 2 of A shipped and are not returned.");
      assertThat(order.cannotReturn(List.of(new ReturnLine("B", 1, sellable))))
          .contains("Only 0 of B shipped and are not returned.");
    }

    @Test
    void linesOfOneReturnCountTogether() {
      Order order = allocated(line("A", 2));
      ship(order, "S1", Map.of("A", 2L), 5);

      assertThat(
              order.cannotReturn(
                  List.of(
                      new ReturnLine("A", 1, sellable),
                      new ReturnLine("A", 1, damaged),
                      new ReturnLine("A", 1, sellable))))
          .contains("Only 0 of A shipped and are not returned.");
    }

    @Test
    void earlierReturnsUseUpWhatCanComeBack() {
      Order order = allocated(line("A", 2));
      ship(order, "S1", Map.of("A", 2L), 5);
      order.apply(new ReturnRecorded("R1", List.of(new ReturnLine("A", 1, damaged)), at(7)));

      assertThat(order.cannotReturn(List.of(new ReturnLine("A", 1, sellable)))).isEmpty();
      assertThat(order.cannotReturn(List.of(new ReturnLine("A", 2, sellable))))
          .contains("Only 1 of A shipped and are not returned.");
    }
  }

  @Nested
  class OwedHolds {

    private Order withHolds(Map<String, HoldKind> holds) {
      Order order = placed(line("A", 1), line("B", 1));
      order.apply(new AllocationStarted(1, Map.of("A", 1L, "B", 1L), Map.of(), at(1)));
      order.apply(new AllocationSucceeded(1, holds, at(2)));
      return order;
    }

    @Test
    void fillingTheLastOwedHoldAllocatesTheOrder() {
      Order order = withHolds(Map.of("A", HoldKind.BACKORDER, "B", HoldKind.STOCK));

      assertThat(order.status()).isEqualTo(OrderStatus.BACKORDERED);
      assertThat(order.statusIfFilled(List.of("A"))).isEqualTo(OrderStatus.ALLOCATED);
      assertThat(order.statusIfFilled(List.of("B"))).isEqualTo(OrderStatus.BACKORDERED);
    }

    @Test
    void aPreorderOutranksABackorderUntilFilled() {
      Order order = withHolds(Map.of("A", HoldKind.BACKORDER, "B", HoldKind.PREORDER));

      assertThat(order.status()).isEqualTo(OrderStatus.PREORDERED);
      assertThat(order.statusIfFilled(List.of("A"))).isEqualTo(OrderStatus.PREORDERED);
      assertThat(order.statusIfFilled(List.of("B"))).isEqualTo(OrderStatus.BACKORDERED);
      assertThat(order.statusIfFilled(List.of("A", "B"))).isEqualTo(OrderStatus.ALLOCATED);
    }

    @Test
    void fillingChangesNothingForAnOrderWithoutOwedHolds() {
      Order order = allocated(line("A", 1));

      assertThat(order.statusIfFilled(List.of("A"))).isEqualTo(OrderStatus.ALLOCATED);
    }
  }

  @Nested
  class Ids {

    @Test
    void theSameChannelOrderIsAlwaysTheSameOrder() {
      String id = OrderIds.of("rakuten-main", "R-1");

      assertThat(OrderIds.of("rakuten-main", "R-1")).isEqualTo(id);
      assertThat(OrderIds.looksValid(id)).isTrue();
      assertThat(id).startsWith(OrderIds.PREFIX).hasSize(OrderIds.PREFIX.length() + 24);
    }

    @Test
    void differentChannelsOrSplitsGiveDifferentOrders() {
      assertThat(OrderIds.of("rakuten-main", "R-1")).isNotEqualTo(OrderIds.of("amazon-jp", "R-1"));
      assertThat(OrderIds.of("rakuten-main", "R-1"))
          .isNotEqualTo(OrderIds.of("rakuten-main", "R-2"));
      // The separator keeps "ab"+"c" apart from "a"+"bc".
      assertThat(OrderIds.of("ab", "c")).isNotEqualTo(OrderIds.of("a", "bc"));
    }

    @Test
    void looksValidRejectsOtherShapes() {
      assertThat(OrderIds.looksValid("ord_0123456789abcdef0123456")).isFalse();
      assertThat(OrderIds.looksValid("ord_0123456789ABCDEF01234567")).isFalse();
      assertThat(OrderIds.looksValid("xyz_0123456789abcdef01234567")).isFalse();
    }

    @Test
    void reservationIdsLeadBackToTheirOrder() {
      String orderId = OrderIds.of("shopify-1", "#1001");

      assertThat(Order.reservationId(orderId, 1)).isNotEqualTo(Order.reservationId(orderId, 2));
      assertThat(Order.orderIdOf(Order.reservationId(orderId, 1))).contains(orderId);
      assertThat(Order.orderIdOf(Order.reservationId(orderId, 12))).contains(orderId);
    }

    @Test
    void foreignReservationIdsBelongToNoOrder() {
      assertThat(Order.orderIdOf("cart-17")).isEmpty();
      assertThat(Order.orderIdOf("cart-17#a1")).isEmpty();
      assertThat(Order.orderIdOf(OrderIds.of("c", "1"))).isEmpty();
      assertThat(Order.orderIdOf("#a1")).isEmpty();
    }
  }

  @Nested
  class ShipBy {

    private final ZoneId tokyo = ZoneId.of("Asia/Tokyo");

    private Instant tokyo(String localDateTime) {
      return LocalDateTime.parse(localDateTime).atZone(tokyo).toInstant();
    }

    @Test
    void beforeTheCutoffTheClockStartsAtPlacement() {
      assertThat(ShippingSla.DEFAULT.shipBy(tokyo("2024-03-01T10:30")))
          .isEqualTo(tokyo("2024-03-02T10:30"));
      assertThat(ShippingSla.DEFAULT.shipBy(tokyo("2024-03-01T14:59:59")))
          .isEqualTo(tokyo("2024-03-02T14:59:59"));
    }

    @Test
    void atOrAfterTheCutoffTheClockStartsAtTheNextMidnight() {
      assertThat(ShippingSla.DEFAULT.shipBy(tokyo("2024-03-01T15:00")))
          .isEqualTo(tokyo("2024-03-03T00:00"));
      assertThat(ShippingSla.DEFAULT.shipBy(tokyo("2024-03-01T23:59")))
          .isEqualTo(tokyo("2024-03-03T00:00"));
    }

    @Test
    void theCutoffIsReadInTheChannelsZone() {
      // 05:59 and 06:00 UTC are both before 15:00 in UTC, but straddle 15:00 in Tokyo.
      Instant before = Instant.parse("2024-03-01T05:59:00Z");
      Instant after = Instant.parse("2024-03-01T06:00:00Z");

      assertThat(ShippingSla.DEFAULT.shipBy(before)).isEqualTo(before.plusSeconds(24 * 3600));
      assertThat(ShippingSla.DEFAULT.shipBy(after)).isEqualTo(tokyo("2024-03-03T00:00"));

      ShippingSla utc = new ShippingSla(24, LocalTime.of(15, 0), ZoneId.of("UTC"));
      assertThat(utc.shipBy(after)).isEqualTo(after.plusSeconds(24 * 3600));
    }

    @Test
    void hoursCountAsElapsedTimeAcrossADaylightSavingChange() {
      ShippingSla newYork = new ShippingSla(48, LocalTime.of(12, 0), ZoneId.of("America/New_York"));
      // Clocks go forward on 2024-03-10; the local day after the cutoff starts at midnight.
      ZonedDateTime placed = ZonedDateTime.parse("2024-03-09T13:00-05:00[America/New_York]");

      assertThat(newYork.shipBy(placed.toInstant()))
          .isEqualTo(Instant.parse("2024-03-10T05:00:00Z").plusSeconds(48 * 3600));
    }

    @Test
    void rejectsAPromiseShorterThanAnHourOrLongerThanThirtyDays() {
      ZoneId utc = ZoneId.of("UTC");

      assertThatThrownBy(() -> new ShippingSla(0, LocalTime.NOON, utc))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new ShippingSla(721, LocalTime.NOON, utc))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(new ShippingSla(720, LocalTime.NOON, utc).shipWithinHours()).isEqualTo(720);
    }
  }
}
