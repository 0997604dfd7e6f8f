package io.ecengine.engine.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecengine.engine.order.OrderDetails;
import io.ecengine.engine.order.OrderLine;
import io.ecengine.engine.order.OrderStatus;
import io.ecengine.engine.order.OrderView;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShipmentRulesTest {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final OrderDetails.ShipTo SHIP_TO =
      new OrderDetails.ShipTo("山田 太郎", "150-0001", "東京都", "渋谷区", "神南1-2-3", null, "0312345678");

  private static OrderView order(String id, OrderStatus status, Map<String, Long> shipped) {
    return order(
        id, status, shipped, new OrderDetails(null, SHIP_TO, LocalDate.of(2026, 3, 5), true, "のし"));
  }

  private static OrderView order(
      String id, OrderStatus status, Map<String, Long> shipped, OrderDetails details) {
    return new OrderView(
        id,
        "rakuten",
        "R-" + id,
        status,
        List.of(new OrderLine("GIFT-SET", 2), new OrderLine("MUG", 1)),
        details,
        T0,
        T0.plusSeconds(86400),
        Map.of(),
        List.of(),
        shipped,
        Map.of(),
        List.of(),
        List.of(),
        List.of(),
        Map.of("GIFT-SET", Map.of("TSHIRT-M", 2L), "MUG", Map.of("MUG", 1L)));
  }

  private static Shipment shipment(
      String id, String homeOrder, ShipmentStatus status, String address) {
    return shipment(id, homeOrder, status, address, null);
  }

  private static Shipment shipment(
      String id, String homeOrder, ShipmentStatus status, String address, TimeSlot slot) {
    Shipment.ShipmentOrder order =
        new Shipment.ShipmentOrder(
            homeOrder,
            "rakuten",
            "R",
            T0,
            List.of(),
            false,
            null,
            null,
            Shipment.OrderShipState.OPEN,
            null);
    return new Shipment(
        id,
        homeOrder,
        status,
        null,
        null,
        null,
        SHIP_TO,
        "b",
        address,
        1,
        null,
        slot,
        false,
        null,
        null,
        null,
        0,
        T0,
        T0,
        null,
        null,
        List.of(order));
  }

  @Test
  void anAllocatedOrderDraftsItsHomeShipmentWithWhatRemainsToShip() {
    ShipmentRules.Result<ShipmentRules.Draft> draft =
        ShipmentRules.draft(order("ord_1", OrderStatus.ALLOCATED, Map.of("MUG", 1L)));

    assertThat(draft.isOk()).isTrue();
    ShipmentRules.Draft d = draft.value();
    assertThat(d.shipmentId()).isEqualTo(ShipmentIds.home("ord_1"));
    assertThat(d.order().lines())
        .containsExactly(new Shipment.Line("GIFT-SET", 2, Map.of("TSHIRT-M", 2L)));
    assertThat(d.order().giftWrap()).isTrue();
    assertThat(d.order().deliveryDate()).isEqualTo(LocalDate.of(2026, 3, 5));
    assertThat(d.addressKey()).isEqualTo("1500001|渋谷区神南1-2-3");
    assertThat(d.buyerKey()).isEqualTo("山田太郎|0312345678");
  }

  @Test
  void theDraftAsksForTheTimeSlotTheOrderAskedFor() {
    OrderDetails evening =
        new OrderDetails(null, SHIP_TO, LocalDate.of(2026, 3, 5), false, null, "19-21");

    ShipmentRules.Draft draft =
        ShipmentRules.draft(order("ord_1", OrderStatus.ALLOCATED, Map.of(), evening)).value();

    assertThat(draft.timeSlot()).isEqualTo(TimeSlot.H19_21);
    assertThat(draft.candidate().timeSlot()).isEqualTo(TimeSlot.H19_21);
    assertThat(draft.order().deliveryDate()).isEqualTo(LocalDate.of(2026, 3, 5));
    assertThat(
            ShipmentRules.draft(order("ord_2", OrderStatus.ALLOCATED, Map.of())).value().timeSlot())
        .isNull();
  }

  @Test
  void aTimeSlotThisVersionDoesNotKnowStillGetsTheOrderAShipment() {
    OrderDetails unknown = new OrderDetails(null, SHIP_TO, null, false, null, "07-09");

    ShipmentRules.Result<ShipmentRules.Draft> draft =
        ShipmentRules.draft(order("ord_1", OrderStatus.ALLOCATED, Map.of(), unknown));

    assertThat(draft.isOk()).isTrue();
    assertThat(draft.value().timeSlot()).isNull();
  }

  @Test
  void onlyAllocatedOrdersWithUnitsLeftGetShipments() {
    assertThat(ShipmentRules.draft(order("o", OrderStatus.AWAITING_STOCK, Map.of())).refusal())
        .contains("AWAITING_STOCK");
    assertThat(
            ShipmentRules.draft(
                    order("o", OrderStatus.ALLOCATED, Map.of("GIFT-SET", 2L, "MUG", 1L)))
                .refusal())
        .contains("shipped already");
  }

  @Test
  void manualMergesNeedOpenShipmentsAtOneAddressUnlessForced() {
    Shipment target = shipment("S1", "o1", ShipmentStatus.PENDING, "k1");
    Shipment same = shipment("S2", "o2", ShipmentStatus.PENDING, "k1");
    Shipment elsewhere = shipment("S3", "o3", ShipmentStatus.PENDING, "k2");
    Shipment labeled = shipment("S4", "o4", ShipmentStatus.LABELED, "k1");

    assertThat(ShipmentRules.cannotMerge(target, List.of(same), false)).isEmpty();
    assertThat(ShipmentRules.cannotMerge(target, List.of(elsewhere), false))
        .get()
        .asString()
        .contains("force");
    assertThat(ShipmentRules.cannotMerge(target, List.of(elsewhere), true)).isEmpty();
    assertThat(ShipmentRules.cannotMerge(target, List.of(labeled), true))
        .get()
        .asString()
        .contains("LABELED");
    assertThat(ShipmentRules.cannotMerge(target, List.of(target), true))
        .get()
        .asString()
        .contains("itself");
    assertThat(ShipmentRules.cannotMerge(labeled, List.of(same), true)).isPresent();
  }

  @Test
  void manualMergesNeedTheSameTimeSlotUnlessForced() {
    Shipment target = shipment("S1", "o1", ShipmentStatus.PENDING, "k1", TimeSlot.MORNING);
    Shipment evening = shipment("S2", "o2", ShipmentStatus.PENDING, "k1", TimeSlot.H19_21);
    Shipment anytime = shipment("S3", "o3", ShipmentStatus.PENDING, "k1", null);
    Shipment morning = shipment("S4", "o4", ShipmentStatus.PENDING, "k1", TimeSlot.MORNING);

    assertThat(ShipmentRules.cannotMerge(target, List.of(evening), false))
        .get()
        .asString()
        .contains("time slot", "force");
    assertThat(ShipmentRules.cannotMerge(target, List.of(anytime), false)).isPresent();
    assertThat(ShipmentRules.cannotMerge(target, List.of(morning), false)).isEmpty();
    assertThat(ShipmentRules.cannotMerge(target, List.of(evening, anytime), true)).isEmpty();
  }

  @Test
  void splitsOnlyWhileNoLabelAndNeverTheShipmentsOwnOrder() {
    Shipment pending = shipment("S1", "o1", ShipmentStatus.PENDING, "k1");
    assertThat(ShipmentRules.cannotSplit(pending, Set.of("o1")))
        .get()
        .asString()
        .contains("own order");
    assertThat(ShipmentRules.cannotSplit(pending, Set.of("o9")))
        .get()
        .asString()
        .contains("not in");
    assertThat(
            ShipmentRules.cannotSplit(shipment("S1", "o1", ShipmentStatus.LABELED, "k1"), Set.of()))
        .get()
        .asString()
        .contains("label");
  }

  @Test
  void aMergedParcelAsksForWhatAnyOfItsOrdersAskedFor() {
    Shipment.ShipmentOrder a =
        new Shipment.ShipmentOrder(
            "a", "c", "A", T0, List.of(), false, "のし", null, Shipment.OrderShipState.OPEN, null);
    Shipment.ShipmentOrder b =
        new Shipment.ShipmentOrder(
            "b",
            "c",
            "B",
            T0,
            List.of(),
            true,
            "置き配",
            LocalDate.of(2026, 3, 5),
            Shipment.OrderShipState.OPEN,
            null);
    ShipmentRules.Requests requests = ShipmentRules.requests(List.of(a, b, a));
    assertThat(requests.giftWrap()).isTrue();
    assertThat(requests.note()).isEqualTo("のし / 置き配");
    assertThat(requests.deliveryDate()).isEqualTo(LocalDate.of(2026, 3, 5));
  }
}
