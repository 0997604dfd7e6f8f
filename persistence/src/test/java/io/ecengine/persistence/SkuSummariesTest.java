package io.ecengine.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
