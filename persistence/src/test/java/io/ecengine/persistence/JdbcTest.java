package io.ecengine.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JdbcTest {

  private static final String INSERT =
      "INSERT INTO webhook_deliveries"
          + " (marketplace, tenant_id, channel_id, delivery_id, received_at)"
          + " VALUES ('shopify', 'acme', 'shop', ?, CURRENT_TIMESTAMP)";

  /** Inserts the delivery ids as one JDBC batch, the way the stores write. */
  private static void insertBatch(Connection connection, String... deliveryIds)
      throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      for (String deliveryId : deliveryIds) {
        insert.setString(1, deliveryId);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private static long count(TestDatabase db) throws SQLException {
    try (Connection connection = db.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM webhook_deliveries")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aTransactionThatLosesARaceForANewRowStartsOverWithNothingOfItsFirstTryKept(Vendor vendor)
      throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      new WebhookDeliveries(db.dataSource())
          .firstTime("shopify", "acme", "shop", "taken", Instant.now());
      AtomicInteger attempts = new AtomicInteger();

      String result =
          Jdbc.inTransaction(
              db.dataSource(),
              connection -> {
                if (attempts.incrementAndGet() == 1) {
                  insertBatch(connection, "first-try", "taken");
                }
                insertBatch(connection, "second-try");
                return "done";
              });

      assertThat(result).isEqualTo("done");
      assertThat(attempts).hasValue(2);
      assertThat(count(db)).isEqualTo(2);
      WebhookDeliveries deliveries = new WebhookDeliveries(db.dataSource());
      assertThat(deliveries.firstTime("shopify", "acme", "shop", "first-try", Instant.now()))
          .isTrue();
      assertThat(deliveries.firstTime("shopify", "acme", "shop", "second-try", Instant.now()))
          .isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void otherFailuresAreNotRetriedAndLeaveNothingBehind(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      AtomicInteger attempts = new AtomicInteger();

      assertThatThrownBy(
              () ->
                  Jdbc.inTransaction(
                      db.dataSource(),
                      connection -> {
                        attempts.incrementAndGet();
                        insertBatch(connection, "written-then-undone");
                        try (Statement statement = connection.createStatement()) {
                          statement.executeQuery("SELECT no_such_column FROM webhook_deliveries");
                        }
                        return null;
                      }))
          .isInstanceOf(SQLException.class);

      assertThat(attempts).hasValue(1);
      assertThat(count(db)).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void givesUpOnARaceItKeepsLosing(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      new WebhookDeliveries(db.dataSource())
          .firstTime("shopify", "acme", "shop", "taken", Instant.now());
      AtomicInteger attempts = new AtomicInteger();

      assertThatThrownBy(
              () ->
                  Jdbc.inTransaction(
                      db.dataSource(),
                      connection -> {
                        attempts.incrementAndGet();
                        insertBatch(connection, "taken");
                        return null;
                      }))
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(Jdbc.isUniqueViolation((SQLException) e)).isTrue());
      assertThat(attempts).hasValue(5);
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void upsertUpdatesWhatExistsAndInsertsTheRest(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      PushLog log = new PushLog(db.dataSource());
      log.recordSent("acme", "shop", Map.of("B", 1L), Instant.parse("2026-01-01T00:00:00Z"));
      String update =
          "UPDATE channel_pushes SET last_sent_quantity = ?"
              + " WHERE tenant_id = 'acme' AND channel_id = 'shop' AND sku = ?";
      String insert =
          "INSERT INTO channel_pushes (last_sent_quantity, sku, tenant_id, channel_id)"
              + " VALUES (?, ?, 'acme', 'shop')";
      Jdbc.Binder<String> bind =
          (statement, sku) -> {
            statement.setLong(1, 7);
            statement.setString(2, sku);
          };

      int inserted =
          Jdbc.inTransaction(
              db.dataSource(),
              connection ->
                  Jdbc.upsert(connection, update, bind, insert, bind, List.of("A", "B", "C")));

      assertThat(inserted).isEqualTo(2);
      assertThat(log.lastSent("acme", "shop")).isEqualTo(Map.of("A", 7L, "B", 7L, "C", 7L));
    }
  }

  @Test
  void textForListsBecomesOneLineAndFits() {
    assertThat(Jdbc.oneLine(" a\r\n\tb ", 10)).isEqualTo("a b");
    assertThat(Jdbc.oneLine("abcdef", 3)).isEqualTo("abc");
    assertThat(Jdbc.oneLine("ab\uD83D\uDE00", 3)).isEqualTo("ab");
    assertThat(Jdbc.oneLine(null, 3)).isNull();
  }
}
