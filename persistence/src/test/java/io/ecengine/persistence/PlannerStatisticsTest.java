package io.ecengine.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class PlannerStatisticsTest {

  @Test
  void analyzesEveryTableOfItsSchemaAndNoOther() throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(Vendor.POSTGRESQL)) {
      DataSource ds = db.dataSource();
      execute(
          ds,
          "INSERT INTO orders (tenant_id, order_id, channel_id, channel_order_id, status,"
              + " placed_at, ship_by, updated_at) SELECT 'acme', 'o-' || n, 'web', 'w-' || n,"
              + " 'ALLOCATED', now(), now(), now() FROM generate_series(1, 500) n");
      PlannerStatistics statistics = new PlannerStatistics(ds);

      int tables = statistics.analyze();

      assertThat(tables)
          .isEqualTo(
              count(ds, "SELECT count(*) FROM pg_tables" + " WHERE schemaname = current_schema()"));
      assertThat(tables).isGreaterThan(20);
      // The planner now knows how many orders there are: pg_class holds what ANALYZE counted.
      assertThat(
              count(
                  ds,
                  "SELECT reltuples::bigint FROM pg_class c JOIN pg_namespace n"
                      + " ON n.oid = c.relnamespace WHERE n.nspname = current_schema()"
                      + " AND c.relname = 'orders'"))
          .isEqualTo(500);
      assertThat(statistics.serverKeepsThemFresh())
          .isEqualTo(
              count(
                      ds,
                      "SELECT CASE WHEN current_setting('autovacuum') = 'on'"
                          + " THEN 1 ELSE 0 END")
                  == 1);
    }
  }

  private static void execute(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static long count(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet row = s.executeQuery(sql)) {
      row.next();
      return row.getLong(1);
    }
  }
}
