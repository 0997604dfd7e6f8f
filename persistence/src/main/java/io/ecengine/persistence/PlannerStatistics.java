package io.ecengine.persistence;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps PostgreSQL's planner statistics of the engine's tables fresh when the server does not.
 *
 * <p>Every table starts empty, and the queries of the read side, the fulfilment pass and the
 * channels are only fast with plans chosen from real row counts: planned for empty tables, a join
 * of shipments with orders walks every order of the tenant for every open shipment, which after a
 * burst is millions of rows every pass. PostgreSQL's autovacuum analyzes a table as it grows; a
 * server with autovacuum off never does, and the engine slows down with its own data. On such a
 * server the engine analyzes its tables itself, every few minutes (an ANALYZE reads a sample of
 * each table, so its cost does not grow with the table). With autovacuum on it does nothing.
 */
public final class PlannerStatistics {

  private static final Logger log = LoggerFactory.getLogger(PlannerStatistics.class);

  private final DataSource dataSource;

  public PlannerStatistics(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Whether the server analyzes tables by itself (autovacuum on). */
  public boolean serverKeepsThemFresh() {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT current_setting('autovacuum')")) {
      return row.next() && "on".equalsIgnoreCase(row.getString(1));
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read the autovacuum setting", e);
    }
  }

  /** Analyzes every table of the connection's schema; returns how many. */
  public int analyze() {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rows =
          statement.executeQuery(
              "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables"
                  + " WHERE schemaname = current_schema()")) {
        while (rows.next()) {
          tables.add(rows.getString(1));
        }
      }
      for (String table : tables) {
        statement.execute("ANALYZE " + table);
      }
      log.debug("Analyzed {} tables", tables.size());
      return tables.size();
    } catch (SQLException e) {
      throw new IllegalStateException("Could not analyze the engine's tables", e);
    }
  }
}
