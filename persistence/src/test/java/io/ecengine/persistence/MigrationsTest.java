package io.ecengine.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MigrationsTest {

  /** Pekko's tables are quoted on H2 (and lower-case anyway on PostgreSQL). */
  private static final List<String> PEKKO_TABLES =
      List.of(
          "\"event_journal\"",
          "\"event_tag\"",
          "\"snapshot\"",
          "\"durable_state\"",
          "\"pekko_projection_offset_store\"",
          "\"pekko_projection_management\"");

  private static final List<String> READ_SIDE_TABLES =
      List.of(
          "tenants",
          "api_keys",
          "sku_summary",
          "sku_components",
          "orders",
          "channel_slas",
          "channels",
          "listings",
          "allocation_rules",
          "channel_pushes",
          "webhook_deliveries",
          "fulfillment_settings",
          "shipments",
          "shipment_orders",
          "shipment_waves",
          "shipment_locks");

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void createsEveryTableInAnEmptyDatabase(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor);
        Connection connection = db.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      List<String> tables = new ArrayList<>(PEKKO_TABLES);
      tables.addAll(READ_SIDE_TABLES);
      for (String table : tables) {
        try (ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
          assertThat(rows.next()).as(table).isTrue();
          assertThat(rows.getLong(1)).as(table).isZero();
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void migratingAgainChangesNothing(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      MigrateResult again = db.database().migrate();

      assertThat(again.success).isTrue();
      assertThat(again.migrationsExecuted).isZero();
      assertThat(again.initialSchemaVersion).isEqualTo("12");
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void indexesTagsByTagThenEvent(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor);
        Connection connection = db.dataSource().getConnection()) {
      Map<String, List<String>> indexes =
          indexColumns(connection.getMetaData(), connection.getSchema(), "event_tag");

      assertThat(indexes).containsValue(List.of("tag", "event_id"));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void indexesOrdersForTheOrderList(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor);
        Connection connection = db.dataSource().getConnection()) {
      String table = vendor == Vendor.H2 ? "ORDERS" : "orders";
      Map<String, List<String>> indexes =
          indexColumns(connection.getMetaData(), connection.getSchema(), table);

      assertThat(indexes)
          .containsValue(List.of("tenant_id", "order_id"))
          .containsValue(List.of("tenant_id", "ship_by", "order_id"))
          .containsValue(List.of("tenant_id", "status", "ship_by"));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void indexesListingsBySkuToFindTheChannelsListingIt(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor);
        Connection connection = db.dataSource().getConnection()) {
      String table = vendor == Vendor.H2 ? "LISTINGS" : "listings";
      Map<String, List<String>> indexes =
          indexColumns(connection.getMetaData(), connection.getSchema(), table);

      assertThat(indexes)
          .containsValue(List.of("tenant_id", "channel_id", "sku"))
          .containsValue(List.of("tenant_id", "sku"));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void upgradesSkuRowsWrittenBeforeVersionThree(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.unmigrated(vendor)) {
      Database database = db.database();
      Flyway.configure()
          .dataSource(database.dataSource())
          .locations(vendor.migrationLocation())
          .target("2")
          .load()
          .migrate();
      try (Connection connection = database.dataSource().getConnection();
          Statement statement = connection.createStatement()) {
        statement.executeUpdate(
            "INSERT INTO sku_summary (tenant_id, sku, name, on_hand, reserved, safety_stock,"
                + " available, updated_at)"
                + " VALUES ('acme', 'MUG', 'Mug', 5, 1, 0, 4, CURRENT_TIMESTAMP)");
      }

      MigrateResult result = database.migrate();

      assertThat(result.migrationsExecuted).isEqualTo(9);
      assertThat(new SkuSummaries(database.dataSource()).get("acme", "MUG"))
          .contains(new SkuSummaries.SkuSummary("MUG", "Mug", 5, 1, 0, 4));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void keepsTablesInTheConnectionsSchema(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor);
        Connection connection = db.dataSource().getConnection()) {
      String schema = connection.getSchema();
      if (vendor == Vendor.POSTGRESQL) {
        assertThat(schema).startsWith("it_");
      }
      try (ResultSet tables =
          connection.getMetaData().getTables(null, schema, "event_journal", null)) {
        assertThat(tables.next()).isTrue();
      }
    }
  }

  private static Map<String, List<String>> indexColumns(
      DatabaseMetaData metaData, String schema, String table) throws SQLException {
    Map<String, TreeMap<Short, String>> byIndex = new TreeMap<>();
    try (ResultSet rows = metaData.getIndexInfo(null, schema, table, false, false)) {
      while (rows.next()) {
        String index = rows.getString("INDEX_NAME");
        String column = rows.getString("COLUMN_NAME");
        if (index != null && column != null) {
          byIndex
              .computeIfAbsent(index, name -> new TreeMap<>())
              .put(rows.getShort("ORDINAL_POSITION"), column.toLowerCase());
        }
      }
    }
    Map<String, List<String>> columns = new TreeMap<>();
    byIndex.forEach((index, ordered) -> columns.put(index, List.copyOf(ordered.values())));
    return columns;
  }
}
