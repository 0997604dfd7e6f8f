package io.ecengine.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecengine.engine.fulfillment.BuyerIdentity;
import io.ecengine.engine.fulfillment.Carrier;
import io.ecengine.engine.fulfillment.FulfillmentSettings;
import io.ecengine.engine.fulfillment.JapaneseAddress;
import io.ecengine.engine.fulfillment.LabelAccount;
import io.ecengine.engine.fulfillment.MergeMode;
import io.ecengine.engine.fulfillment.MergeRule;
import io.ecengine.engine.fulfillment.Shipment;
import io.ecengine.engine.fulfillment.ShipmentIds;
import io.ecengine.engine.fulfillment.ShipmentRules;
import io.ecengine.engine.fulfillment.ShipmentStatus;
import io.ecengine.engine.fulfillment.TimeSlot;
import io.ecengine.engine.order.OrderDetails;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Shipments in the database, on H2 and on PostgreSQL. */
class ShipmentStoreTest {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final MergeRule SAME_CHANNEL =
      new MergeRule(MergeMode.SAME_CHANNEL, Duration.ofHours(6));
  private static final MergeRule ACROSS =
      new MergeRule(MergeMode.ACROSS_CHANNELS, Duration.ofHours(6));

  private final MutableClock clock = new MutableClock(T0);

  private static OrderDetails.ShipTo home(String line) {
    return new OrderDetails.ShipTo("山田 太郎", "150-0001", "東京都", "渋谷区", line, null, "0312345678");
  }

  private static ShipmentRules.Draft draft(
      String orderId, String channel, OrderDetails.ShipTo to, Instant placedAt) {
    return draft(orderId, channel, to, placedAt, null);
  }

  private static ShipmentRules.Draft draft(
      String orderId, String channel, OrderDetails.ShipTo to, Instant placedAt, TimeSlot slot) {
    Shipment.ShipmentOrder order =
        new Shipment.ShipmentOrder(
            orderId,
            channel,
            "C-" + orderId,
            placedAt,
            List.of(new Shipment.Line("TSHIRT-M", 2, Map.of("TSHIRT-M", 1L))),
            orderId.endsWith("g"),
            "note " + orderId,
            null,
            Shipment.OrderShipState.OPEN,
            null);
    return new ShipmentRules.Draft(
        ShipmentIds.home(orderId),
        order,
        to,
        BuyerIdentity.key(to.name(), to.phone()),
        JapaneseAddress.normalize(to).key(),
        slot);
  }

  private static void orderRow(TestDatabase db, String tenant, String orderId, String status)
      throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO orders (tenant_id, order_id, channel_id, channel_order_id, status,"
                    + " placed_at, ship_by, updated_at) VALUES (?, ?, 'rakuten', ?, ?, ?, ?, ?)")) {
      insert.setString(1, tenant);
      insert.setString(2, orderId);
      insert.setString(3, "C-" + orderId);
      insert.setString(4, status);
      insert.setObject(5, Jdbc.toDb(T0));
      insert.setObject(6, Jdbc.toDb(T0));
      insert.setObject(7, Jdbc.toDb(T0));
      insert.executeUpdate();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void anOrderGetsItsHomeShipmentOnceHoweverOftenAsked(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ShipmentStore store = new ShipmentStore(db.dataSource(), clock);
      ShipmentRules.Draft draft = draft("ord_a", "rakuten", home("神南1-2-3"), T0);

      ShipmentStore.Created first = store.create("acme", draft, MergeRule.DEFAULT);
      ShipmentStore.Created again = store.create("acme", draft, MergeRule.DEFAULT);

      assertThat(first.created()).isTrue();
      assertThat(again.created()).isFalse();
      Shipment shipment = again.shipment();
      assertThat(shipment.shipmentId()).isEqualTo(ShipmentIds.home("ord_a"));
      assertThat(shipment.status()).isEqualTo(ShipmentStatus.PENDING);
      assertThat(shipment.orders())
          .singleElement()
          .satisfies(
              o -> {
                assertThat(o.orderId()).isEqualTo("ord_a");
                assertThat(o.lines())
                    .containsExactly(new Shipment.Line("TSHIRT-M", 2, Map.of("TSHIRT-M", 1L)));
                assertThat(o.placedAt()).isEqualTo(T0);
              });
      assertThat(shipment.shipTo().address1()).isEqualTo("神南1-2-3");
      assertThat(shipment.note()).isEqualTo("note ord_a");
      assertThat(store.ofOrder("acme", "ord_a")).contains(shipment);
      assertThat(store.get("other", shipment.shipmentId())).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void theMergeRuleCombinesOrdersOfOneBuyerAtOneAddress(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ShipmentStore store = new ShipmentStore(db.dataSource(), clock);
      store.create("acme", draft("ord_a", "rakuten", home("神南1-2-3"), T0), SAME_CHANNEL);
      ShipmentStore.Created sameAddress =
          store.create(
              "acme",
              draft("ord_bg", "rakuten", home("神南１丁目２番３号"), T0.plusSeconds(600)),
              SAME_CHANNEL);
      ShipmentStore.Created otherChannel =
          store.create(
              "acme", draft("ord_c", "yahoo", home("神南1-2-3"), T0.plusSeconds(900)), SAME_CHANNEL);
      ShipmentStore.Created tooLate =
          store.create(
              "acme",
              draft("ord_d", "rakuten", home("神南1-2-3"), T0.plus(Duration.ofHours(7))),
              SAME_CHANNEL);

      assertThat(sameAddress.merged()).isTrue();
      Shipment merged = sameAddress.shipment();
      assertThat(merged.shipmentId()).isEqualTo(ShipmentIds.home("ord_a"));
      assertThat(merged.orders())
          .extracting(Shipment.ShipmentOrder::orderId)
          .containsExactly("ord_a", "ord_bg");
      assertThat(merged.giftWrap()).isTrue();
      assertThat(merged.note()).isEqualTo("note ord_a / note ord_bg");
      assertThat(store.get("acme", ShipmentIds.home("ord_bg")).orElseThrow().status())
          .isEqualTo(ShipmentStatus.MERGED);
      assertThat(otherChannel.merged()).isFalse();
      assertThat(tooLate.merged()).isFalse();

      // Across channels the yahoo order would have joined too.
      ShipmentStore.Created across =
          store.create(
              "acme", draft("ord_e", "amazon", home("神南1-2-3"), T0.plusSeconds(1200)), ACROSS);
      assertThat(across.shipment().shipmentId()).isEqualTo(ShipmentIds.home("ord_a"));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void anOrdersTimeSlotGoesWithItsParcelWhichTakesOnlyOrdersAskingTheSame(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ShipmentStore store = new ShipmentStore(db.dataSource(), clock);
      Shipment evening =
          store
              .create(
                  "acme", draft("ord_a", "rakuten", home("神南1-2-3"), T0, TimeSlot.H19_21), ACROSS)
              .shipment();
      ShipmentStore.Created alsoEvening =
          store.create(
              "acme",
              draft("ord_b", "rakuten", home("神南1-2-3"), T0.plusSeconds(60), TimeSlot.H19_21),
              ACROSS);
      ShipmentStore.Created anytime =
          store.create(
              "acme", draft("ord_c", "rakuten", home("神南1-2-3"), T0.plusSeconds(120)), ACROSS);

      assertThat(evening.timeSlot()).isEqualTo(TimeSlot.H19_21);
      assertThat(alsoEvening.merged()).isTrue();
      assertThat(alsoEvening.shipment().shipmentId()).isEqualTo(evening.shipmentId());
      assertThat(alsoEvening.shipment().timeSlot()).isEqualTo(TimeSlot.H19_21);
      assertThat(anytime.merged()).isFalse();
      assertThat(anytime.shipment().timeSlot()).isNull();

      // Split back out, the order's own parcel still asks for its slot.
      List<Shipment> split = store.split("acme", evening.shipmentId(), Set.of("ord_b"));
      assertThat(split.get(1).shipmentId()).isEqualTo(ShipmentIds.home("ord_b"));
      assertThat(split.get(1).status()).isEqualTo(ShipmentStatus.PENDING);
      assertThat(split.get(1).timeSlot()).isEqualTo(TimeSlot.H19_21);
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void concurrentOrdersOfOneBuyerEndUpInOneParcelAndNoneIsLost(Vendor vendor) throws Exception {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ShipmentStore store = new ShipmentStore(db.dataSource(), clock);
      int orders = 12;
      ExecutorService pool = Executors.newFixedThreadPool(4);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<ShipmentStore.Created>> results = new ArrayList<>();
      for (int i = 0; i < orders; i++) {
        ShipmentRules.Draft draft =
            draft("ord_" + i, "rakuten", home("神南1-2-3"), T0.plusSeconds(i));
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return store.create("acme", draft, SAME_CHANNEL);
                }));
      }
      start.countDown();
      for (Future<ShipmentStore.Created> result : results) {
        result.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();

      ShipmentStore.Page page = store.list("acme", ShipmentStore.Filter.NONE, null, 100);
      Set<String> seen = new HashSet<>();
      page.items()
          .forEach(s -> s.orders().forEach(o -> assertThat(seen.add(o.orderId())).isTrue()));
      assertThat(seen).hasSize(orders);
      // Every order found the one open parcel at its door, however the transactions interleaved.
      assertThat(page.items()).hasSize(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void mergesByHandAreUndoneBySplitsUntilTheLabel(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ShipmentStore store = new ShipmentStore(db.dataSource(), clock);
      String a =
          store
              .create("acme", draft("ord_a", "rakuten", home("神南1-2-3"), T0), MergeRule.DEFAULT)
              .shipment()
              .shipmentId();
      String b =
          store
              .create("acme", draft("ord_b", "yahoo", home("神南1-2-3"), T0), MergeRule.DEFAULT)
              .shipment()
              .shipmentId();
      String c =
          store
              .create("acme", draft("ord_c", "yahoo", home("宇田川町1"), T0), MergeRule.DEFAULT)
              .shipment()
              .shipmentId();

      assertThatThrownBy(() -> store.merge("acme", a, List.of(c), false))
          .isInstanceOf(ShipmentStore.Refused.class)
          .hasMessageContaining("another address");
      Shipment merged = store.merge("acme", a, List.of(b), false);
      assertThat(store.merge("acme", a, List.of(b), false)).isEqualTo(merged);
      assertThat(merged.orders())
          .extracting(Shipment.ShipmentOrder::orderId)
          .containsExactly("ord_a", "ord_b");
      assertThat(store.merge("acme", a, List.of(c), true).orders()).hasSize(3);

      List<Shipment> split = store.split("acme", a, Set.of("ord_b"));
      assertThat(split.get(0).orders())
          .extracting(Shipment.ShipmentOrder::orderId)
          .containsExactly("ord_a", "ord_c");
      assertThat(split.get(1).shipmentId()).isEqualTo(b);
      assertThat(split.get(1).status()).isEqualTo(ShipmentStatus.PENDING);
      assertThat(store.split("acme", a, Set.of("ord_b"))).hasSize(1);
      assertThatThrownBy(() -> store.split("acme", a, Set.of("ord_a")))
          .isInstanceOf(ShipmentStore.Refused.class)
          .hasMessageContaining("own order");

      List<Shipment> all = store.split("acme", a, null);
      assertThat(all).extracting(Shipment::shipmentId).containsExactly(a, c);
      assertThat(store.get("acme", c).orElseThrow().orders()).hasSize(1);

      // Once labelled, a merge can no longer be undone.
      store.merge("acme", a, List.of(b), false);
      ShipmentStore.Wave wave =
          store.createWave("acme", "w1", Carrier.YAMATO, List.of(a), null, 0, "h");
      assertThat(
              store.markLabeled(
                  "acme", "w1", Map.of(a, store.get("acme", a).orElseThrow().version())))
          .isTrue();
      assertThat(wave.shipmentIds()).containsExactly(a);
      assertThatThrownBy(() -> store.split("acme", a, null))
          .isInstanceOf(ShipmentStore.Refused.class)
          .hasMessageContaining("label");
      assertThatThrownBy(() -> store.merge("acme", a, List.of(c), true))
          .isInstanceOf(ShipmentStore.Refused.class);
      assertThatThrownBy(() -> store.merge("acme", "S000000000000000", List.of(c), true))
          .isInstanceOf(ShipmentStore.NotFound.class);
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void wavesLabelsAndTrackingNumbersShipTheParcel(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ShipmentStore store = new ShipmentStore(db.dataSource(), clock);
      String a =
          store
              .create("acme", draft("ord_a", "rakuten", home("神南1-2-3"), T0), MergeRule.DEFAULT)
              .shipment()
              .shipmentId();
      String b =
          store
              .create(
                  "acme",
                  draft("ord_b", "rakuten", home("神南1-2-4"), T0.plusSeconds(1)),
                  MergeRule.DEFAULT)
              .shipment()
              .shipmentId();
      store.create(
          "acme", draft("ord_c", "yahoo", home("神南1-2-5"), T0.plusSeconds(2)), MergeRule.DEFAULT);

      ShipmentStore.Wave wave =
          store.createWave("acme", "w1", Carrier.YAMATO, null, "rakuten", 10, "h1");
      assertThat(wave.shipmentIds()).containsExactly(a, b);
      assertThat(store.createWave("acme", "w1", Carrier.YAMATO, null, "rakuten", 10, "h1"))
          .isEqualTo(wave);
      assertThatThrownBy(() -> store.createWave("acme", "w1", Carrier.SAGAWA, null, null, 10, "h2"))
          .isInstanceOf(ShipmentStore.Refused.class);
      assertThatThrownBy(
              () -> store.createWave("acme", "w2", Carrier.YAMATO, List.of(a), null, 0, "h3"))
          .isInstanceOf(ShipmentStore.Refused.class)
          .hasMessageContaining("in wave w1");
      assertThat(store.list("acme", new ShipmentStore.Filter(null, "w1", null), null, 10).items())
          .hasSize(2);

      Map<String, Long> versions = Map.of(a, version(store, a), b, version(store, b));
      store.update(
          "acme",
          b,
          new ShipmentStore.Changes(2, null, false, TimeSlot.MORNING, false, null, null, null));
      assertThat(store.markLabeled("acme", "w1", versions)).isFalse();
      assertThat(store.get("acme", a).orElseThrow().status()).isEqualTo(ShipmentStatus.PENDING);
      assertThat(
              store.markLabeled("acme", "w1", Map.of(a, version(store, a), b, version(store, b))))
          .isTrue();
      assertThat(store.get("acme", b).orElseThrow().status()).isEqualTo(ShipmentStatus.LABELED);
      assertThat(store.get("acme", b).orElseThrow().parcelCount()).isEqualTo(2);
      assertThatThrownBy(
              () ->
                  store.update(
                      "acme",
                      b,
                      new ShipmentStore.Changes(3, null, false, null, false, null, null, null)))
          .isInstanceOf(ShipmentStore.Refused.class);

      assertThat(store.recordTracking("acme", a, Carrier.YAMATO, "444413758703", true))
          .isEqualTo(ShipmentStore.TrackingOutcome.RECORDED);
      assertThat(store.recordTracking("acme", a, Carrier.YAMATO, "444413758703", true))
          .isEqualTo(ShipmentStore.TrackingOutcome.UNCHANGED);
      assertThatThrownBy(
              () -> store.recordTracking("acme", a, Carrier.YAMATO, "512547514334", true))
          .isInstanceOf(ShipmentStore.Refused.class)
          .hasMessageContaining("already has");
      assertThatThrownBy(
              () -> store.recordTracking("acme", b, Carrier.YAMATO, "444413758703", true))
          .isInstanceOf(ShipmentStore.Refused.class)
          .hasMessageContaining("already recorded for shipment " + a);
      assertThatThrownBy(
              () -> store.recordTracking("acme", b, Carrier.SAGAWA, "512547514334", true))
          .isInstanceOf(ShipmentStore.Refused.class);

      assertThat(store.shipping(10)).containsExactly(new ShipmentStore.PendingShipment("acme", a));
      Shipment shipped =
          store.orderAnswered("acme", a, "ord_a", Shipment.OrderShipState.SHIPPED, null);
      assertThat(shipped.status()).isEqualTo(ShipmentStatus.SHIPPED);
      assertThat(shipped.shippedAt()).isNotNull();
      assertThat(store.shipping(10)).isEmpty();
      assertThat(
              store
                  .list(
                      "acme",
                      new ShipmentStore.Filter(ShipmentStatus.SHIPPED, null, null),
                      null,
                      10)
                  .items())
          .extracting(Shipment::shipmentId)
          .containsExactly(a);
    }
  }

  private static long version(ShipmentStore store, String id) {
    return store.get("acme", id).orElseThrow().version();
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void cancelledOrdersLeaveTheirParcelAndAllocatedOnesAreFound(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ShipmentStore store = new ShipmentStore(db.dataSource(), clock);
      orderRow(db, "acme", "ord_a", "ALLOCATED");
      orderRow(db, "acme", "ord_b", "ALLOCATED");
      orderRow(db, "acme", "ord_c", "ALLOCATED");
      orderRow(db, "quiet", "ord_q", "ALLOCATED");
      new FulfillmentSettingsStore(db.dataSource(), clock)
          .put("quiet", new FulfillmentSettings(false, MergeRule.DEFAULT, LabelAccount.NONE));
      assertThat(store.allocatedWithoutShipment(10))
          .containsExactly(
              Map.entry("acme", "ord_a"), Map.entry("acme", "ord_b"), Map.entry("acme", "ord_c"));

      String a =
          store
              .create("acme", draft("ord_a", "rakuten", home("神南1-2-3"), T0), MergeRule.DEFAULT)
              .shipment()
              .shipmentId();
      store.create("acme", draft("ord_b", "rakuten", home("神南1-2-3"), T0), MergeRule.DEFAULT);
      store.merge("acme", a, List.of(ShipmentIds.home("ord_b")), false);
      assertThat(store.allocatedWithoutShipment(10)).containsExactly(Map.entry("acme", "ord_c"));

      try (Connection c = db.dataSource().getConnection();
          PreparedStatement update =
              c.prepareStatement(
                  "UPDATE orders SET status = 'CANCELLED' WHERE order_id = 'ord_b'")) {
        update.executeUpdate();
      }
      assertThat(store.staleOrders(10))
          .containsExactly(new ShipmentStore.StaleOrder("acme", "ord_b", a, "CANCELLED"));
      store.detach("acme", "ord_b", "was cancelled");
      store.detach("acme", "ord_b", "was cancelled");
      assertThat(store.staleOrders(10)).isEmpty();
      assertThat(store.get("acme", a).orElseThrow().orders())
          .extracting(Shipment.ShipmentOrder::orderId)
          .containsExactly("ord_a");
      assertThat(store.get("acme", ShipmentIds.home("ord_b")).orElseThrow().status())
          .isEqualTo(ShipmentStatus.CANCELLED);
      assertThat(store.ofOrder("acme", "ord_b")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void listsPageByCreationTimeAndFilterByChannel(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ShipmentStore store = new ShipmentStore(db.dataSource(), clock);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        clock.advance(Duration.ofSeconds(1));
        ids.add(
            store
                .create(
                    "acme",
                    draft("ord_" + i, i % 2 == 0 ? "rakuten" : "yahoo", home("神南1-2-" + i), T0),
                    MergeRule.DEFAULT)
                .shipment()
                .shipmentId());
      }
      ShipmentStore.Page first = store.list("acme", ShipmentStore.Filter.NONE, null, 2);
      ShipmentStore.Page second =
          store.list("acme", ShipmentStore.Filter.NONE, first.nextCursor(), 2);
      ShipmentStore.Page third =
          store.list("acme", ShipmentStore.Filter.NONE, second.nextCursor(), 2);
      List<String> paged = new ArrayList<>();
      for (ShipmentStore.Page page : List.of(first, second, third)) {
        page.items().forEach(s -> paged.add(s.shipmentId()));
      }
      assertThat(paged).isEqualTo(ids);
      assertThat(third.nextCursor()).isNull();
      assertThat(
              store.list("acme", new ShipmentStore.Filter(null, null, "yahoo"), null, 10).items())
          .hasSize(2);
      assertThat(
              store
                  .list(
                      "acme",
                      new ShipmentStore.Filter(ShipmentStatus.LABELED, null, null),
                      null,
                      10)
                  .items())
          .isEmpty();
      assertThatThrownBy(() -> store.list("acme", ShipmentStore.Filter.NONE, "garbage", 10))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void settingsRoundTrip(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      FulfillmentSettingsStore settings = new FulfillmentSettingsStore(db.dataSource(), clock);
      assertThat(settings.get("acme")).isEqualTo(FulfillmentSettings.DEFAULT);
      FulfillmentSettings set =
          new FulfillmentSettings(
              true,
              new MergeRule(MergeMode.ACROSS_CHANNELS, Duration.ofHours(3)),
              new LabelAccount(
                  new LabelAccount.Shipper(
                      "エコ商店", "03-1234-5678", "1000005", "東京都千代田区丸の内1-1-1", null),
                  "012345678901",
                  null,
                  "01",
                  null,
                  "雑貨"));
      settings.put("acme", set);
      assertThat(settings.get("acme")).isEqualTo(set);
      FulfillmentSettings off =
          new FulfillmentSettings(false, MergeRule.DEFAULT, LabelAccount.NONE);
      settings.put("acme", off);
      assertThat(settings.get("acme")).isEqualTo(off);
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void deliveryDatesAndSlotsAreStored(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ShipmentStore store = new ShipmentStore(db.dataSource(), clock);
      String a =
          store
              .create("acme", draft("ord_a", "rakuten", home("神南1-2-3"), T0), MergeRule.DEFAULT)
              .shipment()
              .shipmentId();
      Shipment changed =
          store.update(
              "acme",
              a,
              new ShipmentStore.Changes(
                  1,
                  LocalDate.of(2026, 3, 5),
                  false,
                  TimeSlot.H19_21,
                  false,
                  true,
                  "置き配",
                  home("神南1-2-9")));
      assertThat(changed.deliveryDate()).isEqualTo(LocalDate.of(2026, 3, 5));
      assertThat(changed.timeSlot()).isEqualTo(TimeSlot.H19_21);
      assertThat(changed.giftWrap()).isTrue();
      assertThat(changed.note()).isEqualTo("置き配");
      assertThat(changed.addressKey()).isEqualTo("1500001|渋谷区神南1-2-9");
      Shipment cleared =
          store.update(
              "acme", a, new ShipmentStore.Changes(null, null, true, null, true, null, null, null));
      assertThat(cleared.deliveryDate()).isNull();
      assertThat(cleared.timeSlot()).isNull();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void ordersAnsweringAtOnceSettleTheirShipmentOnce(Vendor vendor) throws Exception {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ShipmentStore store = new ShipmentStore(db.dataSource(), clock);
      ExecutorService pool = Executors.newFixedThreadPool(3);
      for (int round = 0; round < 5; round++) {
        List<String> orders = List.of("ord_x" + round, "ord_y" + round, "ord_z" + round);
        String target = null;
        for (String order : orders) {
          String id =
              store
                  .create("acme", draft(order, "rakuten", home("神南1-2-" + round), T0), ACROSS)
                  .shipment()
                  .shipmentId();
          target = target == null ? id : target;
        }
        String shipment = target;
        assertThat(store.get("acme", shipment).orElseThrow().orders()).hasSize(3);
        store.recordTracking("acme", shipment, Carrier.YAMATO, "44441375870" + 3, false);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Shipment>> answers = new ArrayList<>();
        for (String order : orders) {
          answers.add(
              pool.submit(
                  () -> {
                    start.await();
                    return store.orderAnswered(
                        "acme", shipment, order, Shipment.OrderShipState.SHIPPED, null);
                  }));
        }
        start.countDown();
        for (Future<Shipment> answer : answers) {
          answer.get(60, TimeUnit.SECONDS);
        }
        assertThat(store.get("acme", shipment).orElseThrow().status())
            .as("round " + round)
            .isEqualTo(ShipmentStatus.SHIPPED);
        try (Connection c = db.dataSource().getConnection();
            PreparedStatement clear =
                c.prepareStatement("UPDATE shipments SET tracking_number = NULL")) {
          clear.executeUpdate();
        }
      }
      pool.shutdown();
    }
  }
}
