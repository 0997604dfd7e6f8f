package io.ecengine.loadtest.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a fault scenario checks afterwards, with counts:
 *
 * <ul>
 *   <li>every acknowledged order exists and has settled (not still allocating);
 *   <li>every acknowledged reservation is stored: sending it again answers 200, the replay of its
 *       first outcome, where a lost one would be created anew (201) or refused;
 *   <li>per SKU, reserved equals the acknowledged reservations plus the holds of allocated orders,
 *       and reserved never exceeds on hand (nothing oversold);
 *   <li>the journal shows no second writer: within every persistence id, once another incarnation
 *       has written, an earlier one never writes again.
 * </ul>
 */
final class Audit {

  /** The checks' findings; {@code failures} is empty when everything held. */
  record Outcome(List<String> lines, List<String> failures) {
    boolean passed() {
      return failures.isEmpty();
    }
  }

  private Audit() {}

  static Outcome run(Traffic traffic, String jdbcUrl, String user, String password)
      throws SQLException {
    List<String> lines = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    Traffic.Books books = traffic.books();

    if (traffic.unresolved() > 0) {
      failures.add(traffic.unresolved() + " writes never got a definitive answer");
    }

    Map<String, Long> held = new HashMap<>();
    Map<String, Integer> byStatus = new TreeMap<>();
    int missingOrders = 0;
    for (Map.Entry<String, List<Traffic.Line>> order : books.orders.entrySet()) {
      String status = settledStatus(traffic, order.getKey());
      if (status == null) {
        missingOrders++;
        continue;
      }
      byStatus.merge(status, 1, Integer::sum);
      if (status.equals("ALLOCATED")) {
        for (Traffic.Line line : order.getValue()) {
          held.merge(line.sku(), (long) line.quantity(), Long::sum);
        }
      } else if (!status.equals("AWAITING_STOCK")) {
        failures.add("Order " + order.getKey() + " is " + status);
      }
    }
    lines.add(
        String.format(
            Locale.ROOT,
            "orders: %d acknowledged, %d found (%s), %d missing",
            books.orders(),
            books.orders() - missingOrders,
            byStatus,
            missingOrders));
    if (missingOrders > 0) {
      failures.add(missingOrders + " acknowledged orders are missing");
    }

    Map<String, Long> acknowledged = new HashMap<>();
    books
        .reservations
        .values()
        .forEach(l -> acknowledged.merge(l.sku(), (long) l.quantity(), Long::sum));
    int present = 0;
    List<String> lost = new ArrayList<>();
    for (Map.Entry<String, Traffic.Line> reservation : books.reservations.entrySet()) {
      int status = traffic.replayReservation(reservation.getKey(), reservation.getValue());
      if (status == 200) {
        present++;
      } else {
        lost.add(reservation.getKey() + " answered " + status);
      }
    }
    lines.add(
        String.format(
            Locale.ROOT,
            "reservations: %d acknowledged, %d present (replay answered 200), %d missing",
            books.reservations(),
            present,
            lost.size()));
    if (!lost.isEmpty()) {
      failures.add(
          lost.size()
              + " acknowledged reservations are missing, e.g. "
              + lost.subList(0, Math.min(5, lost.size())));
    }

    long onHandTotal = 0;
    long reservedTotal = 0;
    long expectedTotal = 0;
    int oversold = 0;
    int mismatched = 0;
    int soldOut = 0;
    for (String sku : traffic.skus()) {
      JsonNode levels = traffic.get("/v1/skus/" + sku);
      if (levels == null) {
        failures.add("SKU " + sku + " could not be read");
        continue;
      }
      long onHand = levels.path("onHand").asLong();
      long reserved = levels.path("reserved").asLong();
      long expected = acknowledged.getOrDefault(sku, 0L) + held.getOrDefault(sku, 0L);
      if (levels.path("available").asLong() == 0) {
        soldOut++;
      }
      onHandTotal += onHand;
      reservedTotal += reserved;
      expectedTotal += expected;
      if (reserved > onHand) {
        oversold++;
        failures.add("SKU " + sku + " is oversold: reserved " + reserved + " > on hand " + onHand);
      }
      if (reserved != expected) {
        mismatched++;
        failures.add(
            "SKU "
                + sku
                + ": reserved "
                + reserved
                + " but acknowledged reservations and allocated orders hold "
                + expected);
      }
    }
    lines.add(
        String.format(
            Locale.ROOT,
            "SKUs: %d checked (%d sold out), on hand %d, reserved %d, acknowledged + allocated %d;"
                + " %d oversold, %d with reserved != acknowledged",
            traffic.skus().size(),
            soldOut,
            onHandTotal,
            reservedTotal,
            expectedTotal,
            oversold,
            mismatched));

    JournalWriters writers = journalWriters(jdbcUrl, user, password);
    lines.add(
        String.format(
            Locale.ROOT,
            "journal: %d rows of %d persistence ids by %d writer incarnations; %d writers wrote"
                + " again after another had taken over",
            writers.rows(),
            writers.persistenceIds(),
            writers.writers(),
            writers.interleaved().size()));
    if (!writers.interleaved().isEmpty()) {
      failures.add("Two writers interleaved in the journal: " + writers.interleaved());
    }
    return new Outcome(List.copyOf(lines), List.copyOf(failures));
  }

  private static String settledStatus(Traffic traffic, String orderId) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      JsonNode order = traffic.get("/v1/orders/" + orderId);
      if (order == null) {
        return null;
      }
      String status = order.path("status").asText();
      if (!status.equals("ALLOCATING") || System.nanoTime() > deadline) {
        return status;
      }
      Poll.pause(Duration.ofMillis(250));
    }
  }

  record JournalWriters(long rows, long persistenceIds, long writers, List<String> interleaved) {}

  /**
   * Reads who wrote each journal row. The writer column holds the id of the actor incarnation that
   * wrote the row; a run of rows by one incarnation that starts again after another incarnation
   * wrote means two incarnations were alive and writing at once.
   */
  static JournalWriters journalWriters(String url, String user, String password)
      throws SQLException {
    try (Connection connection = DriverManager.getConnection(url, user, password);
        Statement statement = connection.createStatement()) {
      long rows;
      long ids;
      long writers;
      try (ResultSet r =
          statement.executeQuery(
              "SELECT count(*), count(DISTINCT persistence_id), count(DISTINCT writer)"
                  + " FROM event_journal")) {
        r.next();
        rows = r.getLong(1);
        ids = r.getLong(2);
        writers = r.getLong(3);
      }
      List<String> interleaved = new ArrayList<>();
      try (ResultSet r =
          statement.executeQuery(
              "WITH ordered AS (SELECT persistence_id, writer, LAG(writer) OVER"
                  + " (PARTITION BY persistence_id ORDER BY sequence_number) AS previous"
                  + " FROM event_journal),"
                  + " runs AS (SELECT persistence_id, writer FROM ordered"
                  + " WHERE previous IS NULL OR previous <> writer)"
                  + " SELECT persistence_id, writer, count(*) FROM runs"
                  + " GROUP BY persistence_id, writer HAVING count(*) > 1 LIMIT 20")) {
        while (r.next()) {
          interleaved.add(r.getString(1) + " by " + r.getString(2) + " " + r.getLong(3) + " times");
        }
      }
      return new JournalWriters(rows, ids, writers, interleaved);
    }
  }
}
