package io.ecengine.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.ecengine.engine.sku.Component;
import io.ecengine.persistence.SkuSummaries.Page;
import io.ecengine.persistence.SkuSummaries.SkuSummary;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SkuSummariesTest {

  private static void insert(TestDatabase db, String tenantId, String sku, long onHand)
      throws SQLException {
    try (Connection connection = db.dataSource().getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO sku_summary (tenant_id, sku, name, on_hand, reserved, safety_stock,"
                    + " available, updated_at) VALUES (?, ?, ?, ?, 0, 0, ?, ?)")) {
      insert.setString(1, tenantId);
      insert.setString(2, sku);
      insert.setString(3, "Name of " + sku);
      insert.setLong(4, onHand);
      insert.setLong(5, onHand);
      insert.setObject(6, OffsetDateTime.now(ZoneOffset.UTC));
      insert.executeUpdate();
    }
  }

  /**
   * A bundle row with on hand and reserved set, as a SKU that became a bundle might have them, to
   * show that they are not reported.
   */
  private static void insertBundle(
      TestDatabase db, String tenantId, String sku, Component... components) throws SQLException {
    try (Connection connection = db.dataSource().getConnection();
        PreparedStatement insertRow =
            connection.prepareStatement(
                "INSERT INTO sku_summary (tenant_id, sku, name, on_hand, reserved, safety_stock,"
                    + " available, is_bundle, updated_at) VALUES (?, ?, ?, 9, 4, 0, 5, TRUE, ?)");
        PreparedStatement insertComponent =
            connection.prepareStatement(
                "INSERT INTO sku_components (tenant_id, bundle_sku, component_sku, quantity)"
                    + " VALUES (?, ?, ?, ?)")) {
      insertRow.setString(1, tenantId);
      insertRow.setString(2, sku);
      insertRow.setString(3, "Name of " + sku);
      insertRow.setObject(4, OffsetDateTime.now(ZoneOffset.UTC));
      insertRow.executeUpdate();
      for (Component component : components) {
        insertComponent.setString(1, tenantId);
        insertComponent.setString(2, sku);
        insertComponent.setString(3, component.sku());
        insertComponent.setLong(4, component.quantity());
        insertComponent.executeUpdate();
      }
    }
  }

  private static List<String> skus(Page page) {
    return page.items().stream().map(SkuSummary::sku).toList();
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void pagesThroughATenantsSkusInSkuOrder(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      for (String sku : List.of("b-2", "A-1", "a-1", "c-3", "B-2")) {
        insert(db, "acme", sku, 1);
      }
      insert(db, "globex", "a-0", 1);
      SkuSummaries summaries = new SkuSummaries(db.dataSource());

      Page first = summaries.list("acme", null, 2);
      Page second = summaries.list("acme", first.nextCursor(), 2);
      Page last = summaries.list("acme", second.nextCursor(), 2);

      assertThat(skus(first)).containsExactly("A-1", "B-2");
      assertThat(first.nextCursor()).isEqualTo("B-2");
      assertThat(skus(second)).containsExactly("a-1", "b-2");
      assertThat(second.nextCursor()).isEqualTo("b-2");
      assertThat(skus(last)).containsExactly("c-3");
      assertThat(last.nextCursor()).isNull();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void anExactlyFullPageHasNoNextCursor(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      insert(db, "acme", "a", 3);
      insert(db, "acme", "b", 4);
      SkuSummaries summaries = new SkuSummaries(db.dataSource());

      Page page = summaries.list("acme", null, 2);

      assertThat(page.items())
          .containsExactly(
              new SkuSummary("a", "Name of a", 3, 0, 0, 3),
              new SkuSummary("b", "Name of b", 4, 0, 0, 4));
      assertThat(page.nextCursor()).isNull();
      assertThat(summaries.list("acme", "b", 2).items()).isEmpty();
      assertThat(summaries.list("nobody", null, 2).items()).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aBundleSellsTheFewestCompleteSetsItsComponentsAllow(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      insert(db, "acme", "MUG", 7);
      insert(db, "acme", "SHIRT-M", 5);
      insertBundle(db, "acme", "GIFT-SET", new Component("SHIRT-M", 1), new Component("MUG", 2));

      SkuSummary gift = new SkuSummaries(db.dataSource()).get("acme", "GIFT-SET").orElseThrow();

      assertThat(gift)
          .isEqualTo(
              new SkuSummary(
                  "GIFT-SET",
                  "Name of GIFT-SET",
                  0,
                  0,
                  0,
                  3,
                  0,
                  0,
                  0,
                  true,
                  List.of(new Component("MUG", 2), new Component("SHIRT-M", 1))));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aBundleWithAComponentThatHasNoRowHasNothingToSell(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      insert(db, "acme", "MUG", 7);
      insert(db, "globex", "CARD", 100);
      insertBundle(db, "acme", "GIFT-SET", new Component("MUG", 1), new Component("CARD", 1));

      SkuSummary gift = new SkuSummaries(db.dataSource()).get("acme", "GIFT-SET").orElseThrow();

      assertThat(gift.available()).isZero();
      assertThat(gift.components())
          .containsExactly(new Component("CARD", 1), new Component("MUG", 1));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aBundleListedAsAComponentCountsAsNoneInStock(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      insert(db, "acme", "MUG", 7);
      insertBundle(db, "acme", "MUG-PAIR", new Component("MUG", 2));
      insertBundle(db, "acme", "TWO-PAIRS", new Component("MUG-PAIR", 2));
      SkuSummaries summaries = new SkuSummaries(db.dataSource());

      assertThat(summaries.get("acme", "MUG-PAIR").orElseThrow().available()).isEqualTo(3);
      assertThat(summaries.get("acme", "TWO-PAIRS").orElseThrow().available()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void everyPageWorksOutItsBundlesFromComponentsAnywhere(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      insert(db, "acme", "A", 10);
      insertBundle(db, "acme", "B-BUNDLE", new Component("A", 3));
      insert(db, "acme", "C", 4);
      insertBundle(db, "acme", "D-BUNDLE", new Component("C", 1), new Component("A", 5));
      insert(db, "globex", "A", 1);
      insertBundle(db, "globex", "B-BUNDLE", new Component("Z", 1));
      SkuSummaries summaries = new SkuSummaries(db.dataSource());

      Page first = summaries.list("acme", null, 2);
      Page second = summaries.list("acme", first.nextCursor(), 2);

      assertThat(first.items())
          .extracting(SkuSummary::sku, SkuSummary::available, SkuSummary::bundle)
          .containsExactly(tuple("A", 10L, false), tuple("B-BUNDLE", 3L, true));
      assertThat(first.items().get(1).components()).containsExactly(new Component("A", 3));
      assertThat(second.items())
          .extracting(SkuSummary::sku, SkuSummary::available, SkuSummary::bundle)
          .containsExactly(tuple("C", 4L, false), tuple("D-BUNDLE", 2L, true));
      assertThat(second.items().get(1).components())
          .containsExactly(new Component("A", 5), new Component("C", 1));
      assertThat(second.nextCursor()).isNull();
      assertThat(summaries.list("globex", null, 10).items())
          .extracting(SkuSummary::sku, SkuSummary::available)
          .containsExactly(tuple("A", 1L), tuple("B-BUNDLE", 0L));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void rejectsLimitsOutsideTheAllowedRange(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      SkuSummaries summaries = new SkuSummaries(db.dataSource());

      assertThatThrownBy(() -> summaries.list("acme", null, 0))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> summaries.list("acme", null, SkuSummaries.MAX_LIMIT + 1))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
