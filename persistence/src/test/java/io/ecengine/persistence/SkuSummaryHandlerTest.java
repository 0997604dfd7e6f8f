package io.ecengine.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecengine.engine.sku.AdjustmentReason;
import io.ecengine.engine.sku.Component;
import io.ecengine.engine.sku.HoldKind;
import io.ecengine.engine.sku.Reservation;
import io.ecengine.engine.sku.SkuEvent;
import io.ecengine.engine.sku.SkuEvent.HoldsFilled;
import io.ecengine.engine.sku.SkuEvent.IncomingAdded;
import io.ecengine.engine.sku.SkuEvent.IncomingReceived;
import io.ecengine.engine.sku.SkuEvent.ReservationCommitted;
import io.ecengine.engine.sku.SkuEvent.ReservationExpired;
import io.ecengine.engine.sku.SkuEvent.ReservationReleased;
import io.ecengine.engine.sku.SkuEvent.ReservationsPlaced;
import io.ecengine.engine.sku.SkuEvent.SafetyStockSet;
import io.ecengine.engine.sku.SkuEvent.ShareSet;
import io.ecengine.engine.sku.SkuEvent.SkuComponentsChanged;
import io.ecengine.engine.sku.SkuEvent.SkuDefined;
import io.ecengine.engine.sku.SkuEvent.SkuRenamed;
import io.ecengine.engine.sku.SkuEvent.StockAdjusted;
import io.ecengine.engine.sku.SkuEvent.StockPolicySet;
import io.ecengine.engine.sku.SkuId;
import io.ecengine.engine.sku.StockPolicy;
import io.ecengine.persistence.SkuSummaries.SkuSummary;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SkuSummaryHandlerTest {

  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
  private static final SkuId SHIRT = new SkuId("acme", "SHIRT-M");

  private final SkuSummaryHandler handler = new SkuSummaryHandler();
  private long sequenceNr;

  private void project(TestDatabase db, SkuId sku, SkuEvent event) throws Exception {
    sequenceNr++;
    String persistenceId = persistenceId(sku);
    EventEnvelope<SkuEvent> envelope =
        EventEnvelope.create(
            Offset.sequence(sequenceNr),
            persistenceId,
            sequenceNr,
            event,
            T0.plusSeconds(sequenceNr).toEpochMilli());
    try (PlainJdbcSession session = JdbcSessions.open(db.dataSource())) {
      handler.process(session, envelope);
      session.commit();
    }
  }

  /** As the SKU entity writes it; built by hand because the id holds a second separator. */
  private static String persistenceId(SkuId sku) {
    return "Sku|" + sku.entityId();
  }

  private static SkuSummary summary(TestDatabase db, SkuId sku) {
    return new SkuSummaries(db.dataSource()).get(sku.tenantId(), sku.sku()).orElseThrow();
  }

  private static Reservation hold(String id, long quantity) {
    return new Reservation(id, quantity, "tiktok-1", 900L, T0, T0.plusSeconds(900), 0);
  }

  private static Reservation hold(String id, long quantity, HoldKind kind) {
    return new Reservation(id, quantity, "tiktok-1", null, T0, null, 0, kind, 0);
  }

  private static SkuSummary ordinary(
      String name,
      long onHand,
      long reserved,
      long safetyStock,
      long available,
      long backordered,
      long preordered,
      long incoming) {
    return new SkuSummary(
        "SHIRT-M",
        name,
        onHand,
        reserved,
        safetyStock,
        available,
        backordered,
        preordered,
        incoming,
        false,
        List.of());
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void followsEveryKindOfSkuEvent(Vendor vendor) throws Exception {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      project(db, SHIRT, new SkuDefined("Shirt M", T0));
      assertThat(summary(db, SHIRT)).isEqualTo(new SkuSummary("SHIRT-M", "Shirt M", 0, 0, 0, 0));

      project(db, SHIRT, new StockAdjusted("adj-1", 20, AdjustmentReason.RECEIPT, T0));
      assertThat(summary(db, SHIRT)).isEqualTo(new SkuSummary("SHIRT-M", "Shirt M", 20, 0, 0, 20));

      project(db, SHIRT, new SafetyStockSet(3, T0));
      assertThat(summary(db, SHIRT)).isEqualTo(new SkuSummary("SHIRT-M", "Shirt M", 20, 0, 3, 17));

      project(
          db, SHIRT, new ReservationsPlaced(List.of(hold("r1", 4), hold("r2", 5), hold("r3", 1))));
      assertThat(summary(db, SHIRT)).isEqualTo(new SkuSummary("SHIRT-M", "Shirt M", 20, 10, 3, 7));

      project(db, SHIRT, new ReservationReleased("r1", 4, T0));
      assertThat(summary(db, SHIRT)).isEqualTo(new SkuSummary("SHIRT-M", "Shirt M", 20, 6, 3, 11));

      project(db, SHIRT, new ReservationExpired("r3", 1, T0));
      assertThat(summary(db, SHIRT)).isEqualTo(new SkuSummary("SHIRT-M", "Shirt M", 20, 5, 3, 12));

      project(db, SHIRT, new ReservationCommitted("r2", 5, T0));
      assertThat(summary(db, SHIRT)).isEqualTo(new SkuSummary("SHIRT-M", "Shirt M", 15, 0, 3, 12));

      project(db, SHIRT, new SkuRenamed("Shirt, medium", T0));
      assertThat(summary(db, SHIRT))
          .isEqualTo(new SkuSummary("SHIRT-M", "Shirt, medium", 15, 0, 3, 12));

      project(db, SHIRT, new StockAdjusted("adj-2", -4, AdjustmentReason.DAMAGE, T0));
      assertThat(summary(db, SHIRT))
          .isEqualTo(new SkuSummary("SHIRT-M", "Shirt, medium", 11, 0, 3, 8));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void followsSharesAndTheSalesThatTakeFromThem(Vendor vendor) throws Exception {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      project(db, SHIRT, new SkuDefined("Shirt M", T0));
      project(db, SHIRT, new StockAdjusted("adj-1", 20, AdjustmentReason.RECEIPT, T0));

      project(db, SHIRT, new ShareSet("tiktok-1", 8, 8, 2.5, T0));
      assertThat(summary(db, SHIRT))
          .isEqualTo(
              new SkuSummary("SHIRT-M", "Shirt M", 20, 0, 0, 12, 0, 0, 0, false, List.of(), 8));

      Reservation fromShare =
          new Reservation("r1", 3, "tiktok-1", null, T0, null, 12, HoldKind.STOCK, 0, 3, T0, 3);
      project(db, SHIRT, new ReservationsPlaced(List.of(fromShare, hold("r2", 2))));
      assertThat(summary(db, SHIRT))
          .isEqualTo(
              new SkuSummary("SHIRT-M", "Shirt M", 20, 5, 0, 10, 0, 0, 0, false, List.of(), 5));

      project(db, SHIRT, new ShareSet("tiktok-1", 0, -5, 0, T0));
      assertThat(summary(db, SHIRT))
          .isEqualTo(
              new SkuSummary("SHIRT-M", "Shirt M", 20, 5, 0, 15, 0, 0, 0, false, List.of(), 0));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void availableNeverGoesBelowZero(Vendor vendor) throws Exception {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      project(db, SHIRT, new SkuDefined("Shirt M", T0));
      project(db, SHIRT, new StockAdjusted("adj-1", 5, AdjustmentReason.COUNT, T0));
      project(db, SHIRT, new ReservationsPlaced(List.of(hold("r1", 4))));

      project(db, SHIRT, new SafetyStockSet(3, T0));

      assertThat(summary(db, SHIRT)).isEqualTo(new SkuSummary("SHIRT-M", "Shirt M", 5, 4, 3, 0));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void followsOwedHoldsAndIncomingDeliveries(Vendor vendor) throws Exception {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      project(db, SHIRT, new SkuDefined("Shirt M", T0));
      project(db, SHIRT, new StockAdjusted("adj-1", 10, AdjustmentReason.RECEIPT, T0));
      project(db, SHIRT, new StockPolicySet(StockPolicy.BACKORDER, 20, T0));
      assertThat(summary(db, SHIRT)).isEqualTo(ordinary("Shirt M", 10, 0, 0, 10, 0, 0, 0));

      project(db, SHIRT, new IncomingAdded("po-1", 30, T0.plusSeconds(86_400), T0));
      assertThat(summary(db, SHIRT)).isEqualTo(ordinary("Shirt M", 10, 0, 0, 10, 0, 0, 30));

      project(
          db,
          SHIRT,
          new ReservationsPlaced(
              List.of(
                  hold("r1", 6, HoldKind.STOCK),
                  hold("r2", 3, HoldKind.BACKORDER),
                  hold("r3", 2, HoldKind.PREORDER),
                  hold("r4", 1, HoldKind.BACKORDER))));
      // Owed holds lower available without touching on hand: 10 - 6 - 4 - 2 < 0.
      assertThat(summary(db, SHIRT)).isEqualTo(ordinary("Shirt M", 10, 6, 0, 0, 4, 2, 30));

      project(db, SHIRT, new IncomingReceived("po-1", 30, T0));
      assertThat(summary(db, SHIRT)).isEqualTo(ordinary("Shirt M", 40, 6, 0, 28, 4, 2, 0));

      project(db, SHIRT, new HoldsFilled(List.of("r2", "r3"), 3, 2, T0));
      assertThat(summary(db, SHIRT)).isEqualTo(ordinary("Shirt M", 40, 11, 0, 28, 1, 0, 0));

      project(db, SHIRT, new ReservationReleased("r4", 1, HoldKind.BACKORDER, T0));
      assertThat(summary(db, SHIRT)).isEqualTo(ordinary("Shirt M", 40, 11, 0, 29, 0, 0, 0));

      project(db, SHIRT, new ReservationsPlaced(List.of(hold("r5", 5, HoldKind.PREORDER))));
      project(db, SHIRT, new ReservationExpired("r5", 5, HoldKind.PREORDER, T0));
      assertThat(summary(db, SHIRT)).isEqualTo(ordinary("Shirt M", 40, 11, 0, 29, 0, 0, 0));

      project(db, SHIRT, new ReservationCommitted("r1", "c-1", 4, 2, T0));
      assertThat(summary(db, SHIRT)).isEqualTo(ordinary("Shirt M", 36, 7, 0, 29, 0, 0, 0));

      project(db, SHIRT, new SafetyStockSet(5, T0));
      assertThat(summary(db, SHIRT)).isEqualTo(ordinary("Shirt M", 36, 7, 5, 24, 0, 0, 0));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void keepsTheComponentsOfABundle(Vendor vendor) throws Exception {
    SkuId gift = new SkuId("acme", "GIFT-SET");
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      project(
          db,
          gift,
          new SkuDefined(
              "Gift set", List.of(new Component("SHIRT-M", 1), new Component("MUG", 2)), T0));
      assertThat(components(db, gift)).containsExactly("MUG x2", "SHIRT-M x1");
      assertThat(summary(db, gift).bundle()).isTrue();

      project(
          db,
          gift,
          new SkuComponentsChanged(List.of(new Component("MUG", 1), new Component("CARD", 1)), T0));
      assertThat(components(db, gift)).containsExactly("CARD x1", "MUG x1");
      assertThat(summary(db, gift).components())
          .containsExactly(new Component("CARD", 1), new Component("MUG", 1));

      project(db, gift, new SkuComponentsChanged(List.of(), T0));
      assertThat(components(db, gift)).isEmpty();
      assertThat(summary(db, gift).bundle()).isFalse();
      assertThat(summary(db, gift).components()).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aRepeatedDefinitionKeepsTheFiguresAndReplacesTheComponents(Vendor vendor) throws Exception {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      project(db, SHIRT, new SkuDefined("Shirt M", T0));
      project(db, SHIRT, new StockAdjusted("adj-1", 5, AdjustmentReason.COUNT, T0));

      project(db, SHIRT, new SkuDefined("Shirt M again", List.of(new Component("MUG", 1)), T0));

      assertThat(components(db, SHIRT)).containsExactly("MUG x1");
      try (Connection connection = db.dataSource().getConnection();
          PreparedStatement select =
              connection.prepareStatement(
                  "SELECT name, on_hand FROM sku_summary WHERE tenant_id = ? AND sku = ?")) {
        select.setString(1, SHIRT.tenantId());
        select.setString(2, SHIRT.sku());
        try (ResultSet row = select.executeQuery()) {
          assertThat(row.next()).isTrue();
          assertThat(row.getString(1)).isEqualTo("Shirt M again");
          assertThat(row.getLong(2)).isEqualTo(5);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void addsUpAComponentListedTwiceInsteadOfStopping(Vendor vendor) throws Exception {
    SkuId gift = new SkuId("acme", "GIFT-SET");
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      project(
          db,
          gift,
          new SkuDefined(
              "Gift set", List.of(new Component("MUG", 1), new Component("MUG", 2)), T0));

      assertThat(components(db, gift)).containsExactly("MUG x3");
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void keepsBundlesOfTenantsApart(Vendor vendor) throws Exception {
    SkuId acmeGift = new SkuId("acme", "GIFT-SET");
    SkuId globexGift = new SkuId("globex", "GIFT-SET");
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      project(db, acmeGift, new SkuDefined("Gift", List.of(new Component("MUG", 1)), T0));
      project(db, globexGift, new SkuDefined("Gift", List.of(new Component("PEN", 4)), T0));

      project(db, globexGift, new SkuComponentsChanged(List.of(new Component("INK", 1)), T0));

      assertThat(components(db, acmeGift)).containsExactly("MUG x1");
      assertThat(components(db, globexGift)).containsExactly("INK x1");
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void failsOnComponentsChangedForASkuThatWasNeverDefined(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      assertThatThrownBy(
              () ->
                  project(
                      db, SHIRT, new SkuComponentsChanged(List.of(new Component("MUG", 1)), T0)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("SHIRT-M");
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void stampsRowsWithTheJournalTimeOfTheLastEvent(Vendor vendor) throws Exception {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      project(db, SHIRT, new SkuDefined("Shirt M", T0));
      project(db, SHIRT, new StockAdjusted("adj-1", 5, AdjustmentReason.COUNT, T0));

      assertThat(updatedAt(db, SHIRT)).isEqualTo(T0.plusSeconds(sequenceNr));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void keepsTenantsApartEvenForTheSameSkuCode(Vendor vendor) throws Exception {
    SkuId globexShirt = new SkuId("globex", SHIRT.sku());
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      project(db, SHIRT, new SkuDefined("Acme shirt", T0));
      project(db, globexShirt, new SkuDefined("Globex shirt", T0));
      project(db, globexShirt, new StockAdjusted("adj-1", 9, AdjustmentReason.RECEIPT, T0));

      assertThat(summary(db, SHIRT).onHand()).isZero();
      assertThat(summary(db, globexShirt).onHand()).isEqualTo(9);
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void leavesNoTraceWhenTheTransactionRollsBack(Vendor vendor) throws Exception {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      project(db, SHIRT, new SkuDefined("Shirt M", T0));
      EventEnvelope<SkuEvent> adjusted =
          EventEnvelope.create(
              Offset.sequence(2),
              persistenceId(SHIRT),
              2,
              new StockAdjusted("adj-1", 7, AdjustmentReason.RECEIPT, T0),
              T0.toEpochMilli());

      try (PlainJdbcSession session = JdbcSessions.open(db.dataSource())) {
        handler.process(session, adjusted);
        session.rollback();
      }

      assertThat(summary(db, SHIRT).onHand()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void failsOnAnEventForASkuThatWasNeverDefined(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      assertThatThrownBy(
              () -> project(db, SHIRT, new StockAdjusted("adj-1", 5, AdjustmentReason.COUNT, T0)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("SHIRT-M");
      assertThat(new SkuSummaries(db.dataSource()).get("acme", "SHIRT-M")).isEmpty();
    }
  }

  /** The component rows of a bundle as "SKU xQUANTITY", in component SKU order. */
  private static List<String> components(TestDatabase db, SkuId bundle) throws SQLException {
    try (Connection connection = db.dataSource().getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT component_sku, quantity FROM sku_components"
                    + " WHERE tenant_id = ? AND bundle_sku = ? ORDER BY component_sku")) {
      select.setString(1, bundle.tenantId());
      select.setString(2, bundle.sku());
      List<String> components = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          components.add(rows.getString(1) + " x" + rows.getLong(2));
        }
      }
      return components;
    }
  }

  private static Instant updatedAt(TestDatabase db, SkuId sku) throws SQLException {
    try (Connection connection = db.dataSource().getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT updated_at FROM sku_summary WHERE tenant_id = ? AND sku = ?")) {
      select.setString(1, sku.tenantId());
      select.setString(2, sku.sku());
      try (ResultSet row = select.executeQuery()) {
        assertThat(row.next()).isTrue();
        return row.getObject(1, OffsetDateTime.class).toInstant();
      }
    }
  }
}
