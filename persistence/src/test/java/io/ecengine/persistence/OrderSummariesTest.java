package io.ecengine.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecengine.persistence.OrderSummaries.Filter;
import io.ecengine.persistence.OrderSummaries.OrderSummary;
import io.ecengine.persistence.OrderSummaries.Page;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OrderSummariesTest {

  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

  private static void insert(
      TestDatabase db, String tenantId, String orderId, String channelId, String status, int hour)
      throws SQLException {
    insert(db, tenantId, orderId, channelId, status, T0.plusSeconds(hour * 3600L));
  }

  private static void insert(
      TestDatabase db,
      String tenantId,
      String orderId,
      String channelId,
      String status,
      Instant shipBy)
      throws SQLException {
    try (Connection connection = db.dataSource().getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO orders (tenant_id, order_id, channel_id, channel_order_id, status,"
                    + " placed_at, ship_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, tenantId);
      insert.setString(2, orderId);
      insert.setString(3, channelId);
      insert.setString(4, "ch-" + orderId);
      insert.setString(5, status);
      insert.setObject(6, T0.atOffset(ZoneOffset.UTC));
      insert.setObject(7, shipBy.atOffset(ZoneOffset.UTC));
      insert.setObject(8, T0.atOffset(ZoneOffset.UTC));
      insert.executeUpdate();
    }
  }

  private static List<String> ids(Page page) {
    return page.items().stream().map(OrderSummary::orderId).toList();
  }

  /** Every order id the filter lets through, fetched a page of {@code limit} at a time. */
  private static List<String> allPages(
      OrderSummaries summaries, Filter filter, int limit, int expectedPages) {
    List<String> ids = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Page page = summaries.list("acme", filter, cursor, limit);
      ids.addAll(ids(page));
      cursor = page.nextCursor();
      pages++;
    } while (cursor != null && pages <= expectedPages);
    assertThat(pages).as("pages").isEqualTo(expectedPages);
    return ids;
  }

  private static List<String> shippingBefore(OrderSummaries summaries, Instant bound) {
    return ids(summaries.list("acme", new Filter(null, null, bound), null, 10));
  }

  /** Five acme orders over three ship-by hours, two of them sharing hour 1. */
  private static void insertAcmeOrders(TestDatabase db) throws SQLException {
    insert(db, "acme", "ord-c", "shopify-1", "ALLOCATED", 1);
    insert(db, "acme", "ord-a", "tiktok-1", "AWAITING_STOCK", 2);
    insert(db, "acme", "ord-b", "tiktok-1", "ALLOCATED", 1);
    insert(db, "acme", "ord-e", "rakuten-1", "SHIPPED", 0);
    insert(db, "acme", "ord-d", "tiktok-1", "ALLOCATED", 3);
    insert(db, "globex", "ord-0", "tiktok-1", "ALLOCATED", 0);
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void pagesThroughOrdersByShipByThenOrderId(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      insertAcmeOrders(db);
      OrderSummaries summaries = new OrderSummaries(db.dataSource());

      Page first = summaries.list("acme", Filter.NONE, null, 2);
      Page second = summaries.list("acme", Filter.NONE, first.nextCursor(), 2);
      Page last = summaries.list("acme", Filter.NONE, second.nextCursor(), 2);

      assertThat(ids(first)).containsExactly("ord-e", "ord-b");
      assertThat(ids(second)).containsExactly("ord-c", "ord-a");
      assertThat(ids(last)).containsExactly("ord-d");
      assertThat(last.nextCursor()).isNull();
      assertThat(first.items().get(0))
          .isEqualTo(new OrderSummary("ord-e", "rakuten-1", "ch-ord-e", "SHIPPED", T0, T0, T0));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aCursorIsTheShipByInMicrosecondsAndTheOrderId(Vendor vendor) throws SQLException {
    Instant shipBy = Instant.parse("2026-01-05T09:00:00.000007Z");
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      insert(db, "acme", "ord-a", "tiktok-1", "ALLOCATED", shipBy);
      insert(db, "acme", "ord-b", "tiktok-1", "ALLOCATED", shipBy);
      OrderSummaries summaries = new OrderSummaries(db.dataSource());

      Page first = summaries.list("acme", null, null, 1);
      Page second = summaries.list("acme", null, first.nextCursor(), 1);

      assertThat(first.nextCursor()).isEqualTo("1767603600000007:ord-a");
      assertThat(ids(second)).containsExactly("ord-b");
      assertThat(second.nextCursor()).isNull();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void filtersByStatus(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      insertAcmeOrders(db);
      OrderSummaries summaries = new OrderSummaries(db.dataSource());

      assertThat(allPages(summaries, new Filter("ALLOCATED", null, null), 2, 2))
          .containsExactly("ord-b", "ord-c", "ord-d");
      assertThat(allPages(summaries, new Filter("CANCELLED", null, null), 2, 1)).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void filtersByChannel(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      insertAcmeOrders(db);
      OrderSummaries summaries = new OrderSummaries(db.dataSource());

      assertThat(allPages(summaries, new Filter(null, "tiktok-1", null), 1, 3))
          .containsExactly("ord-b", "ord-a", "ord-d");
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void filtersByShipByStrictlyBefore(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      insertAcmeOrders(db);
      OrderSummaries summaries = new OrderSummaries(db.dataSource());

      Filter beforeHourTwo = new Filter(null, null, T0.plusSeconds(2 * 3600));

      assertThat(allPages(summaries, beforeHourTwo, 2, 2))
          .containsExactly("ord-e", "ord-b", "ord-c");
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void combinesFilters(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      insertAcmeOrders(db);
      OrderSummaries summaries = new OrderSummaries(db.dataSource());

      Filter filter = new Filter("ALLOCATED", "tiktok-1", T0.plusSeconds(3 * 3600));

      assertThat(allPages(summaries, filter, 5, 1)).containsExactly("ord-b");
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aShipByBoundFinerThanStoredTimesKeepsExactlyTheEarlierOrders(Vendor vendor)
      throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      insert(db, "acme", "ord-a", "tiktok-1", "ALLOCATED", T0.plusNanos(1_000));
      OrderSummaries summaries = new OrderSummaries(db.dataSource());

      assertThat(shippingBefore(summaries, T0.plusNanos(999))).isEmpty();
      assertThat(shippingBefore(summaries, T0.plusNanos(1_000))).isEmpty();
      assertThat(shippingBefore(summaries, T0.plusNanos(1_001))).containsExactly("ord-a");
      assertThat(shippingBefore(summaries, Instant.MAX)).containsExactly("ord-a");
      assertThat(shippingBefore(summaries, Instant.MIN)).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void rejectsCursorsItDidNotMake(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      OrderSummaries summaries = new OrderSummaries(db.dataSource());

      for (String cursor :
          List.of(
              "",
              "ord-a",
              "1767603600000000",
              "1767603600000000:",
              ":ord-a",
              "soon:ord-a",
              "99999999999999999999:ord-a",
              Long.MAX_VALUE + ":ord-a",
              Long.MIN_VALUE + ":ord-a")) {
        assertThatThrownBy(() -> summaries.list("acme", Filter.NONE, cursor, 10))
            .as(cursor)
            .isInstanceOf(IllegalArgumentException.class);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void rejectsLimitsOutsideTheAllowedRange(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      OrderSummaries summaries = new OrderSummaries(db.dataSource());

      assertThatThrownBy(() -> summaries.list("acme", Filter.NONE, null, 0))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(
              () -> summaries.list("acme", Filter.NONE, null, OrderSummaries.MAX_LIMIT + 1))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void showsOnlyTheTenantsOwnOrders(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      insertAcmeOrders(db);
      OrderSummaries summaries = new OrderSummaries(db.dataSource());

      assertThat(ids(summaries.list("globex", Filter.NONE, null, 10))).containsExactly("ord-0");
      assertThat(summaries.list("nobody", Filter.NONE, null, 10).items()).isEmpty();
    }
  }
}
