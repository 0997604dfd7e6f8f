package io.ecengine.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/** What the channel stores share: time stamps both vendors store alike, and batched upserts. */
final class Jdbc {

  static final String UNIQUE_VIOLATION = "23505";

  /**
   * Failures that mean "another writer got in the way, try again": a duplicate key, a deadlock the
   * database broke by aborting this transaction (PostgreSQL's 40P01), and a serialization failure
   * (40001, which H2 also reports for a deadlock).
   */
  private static final Set<String> RETRYABLE = Set.of(UNIQUE_VIOLATION, "40P01", "40001");

  /** Rows per JDBC batch: large enough to save round trips, small enough to keep locks short. */
  static final int BATCH_SIZE = 500;

  /** Attempts at a transaction that keeps losing races to other writers. */
  private static final int ATTEMPTS = 5;

  private Jdbc() {}

  /** Binds one row's parameters to a statement. */
  @FunctionalInterface
  interface Binder<T> {
    void bind(PreparedStatement statement, T row) throws SQLException;
  }

  /** Work done on a connection inside a transaction. */
  @FunctionalInterface
  interface Work<R> {
    R run(Connection connection) throws SQLException;
  }

  /** Truncated to what both databases store, so a value read back equals the one written. */
  static OffsetDateTime toDb(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
  }

  static Instant fromDb(OffsetDateTime value) {
    return value == null ? null : value.toInstant();
  }

  /**
   * True when the statement failed on a duplicate key. A failed batch reports it on a chained or
   * wrapped exception on some drivers, so the whole chain is searched.
   */
  static boolean isUniqueViolation(SQLException e) {
    return hasState(e, Set.of(UNIQUE_VIOLATION));
  }

  private static boolean hasState(SQLException e, Set<String> states) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        for (SQLException next = sql; next != null; next = next.getNextException()) {
          if (next.getSQLState() != null && states.contains(next.getSQLState())) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * Runs {@code work} in one transaction, again from the start when it loses a race to another
   * writer: a row it meant to insert was inserted first (the retry finds and updates it), or the
   * database broke a deadlock by aborting it.
   */
  static <R> R inTransaction(DataSource dataSource, Work<R> work) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(false);
        try {
          R result = work.run(connection);
          connection.commit();
          return result;
        } catch (SQLException | RuntimeException e) {
          connection.rollback();
          if (attempt >= ATTEMPTS
              || !(e instanceof SQLException sql)
              || !hasState(sql, RETRYABLE)) {
            throw e;
          }
        } finally {
          connection.setAutoCommit(true);
        }
      }
    }
  }

  /**
   * Upserts {@code rows} on the caller's transaction: updates them all in batches, then inserts in
   * batches those that no update found. Portable, where MERGE and ON CONFLICT are not; a row that
   * another writer inserts in between fails the insert with a unique violation, which {@link
   * #inTransaction} answers by starting over.
   *
   * <p>Callers pass the rows in key order, so that writers updating the same rows lock them in the
   * same order. Two writers creating the same rows can still deadlock: when the other one commits
   * while this one's updates run, this one holds the later rows and goes back to insert the earlier
   * ones. The database breaks that by aborting one of them, which starts over and then finds every
   * row in place.
   *
   * @return how many rows were inserted
   */
  static <T> int upsert(
      Connection connection,
      String updateSql,
      Binder<T> bindUpdate,
      String insertSql,
      Binder<T> bindInsert,
      List<T> rows)
      throws SQLException {
    List<T> missing = new ArrayList<>();
    try (PreparedStatement update = connection.prepareStatement(updateSql)) {
      for (int from = 0; from < rows.size(); from += BATCH_SIZE) {
        List<T> batch = rows.subList(from, Math.min(rows.size(), from + BATCH_SIZE));
        for (T row : batch) {
          bindUpdate.bind(update, row);
          update.addBatch();
        }
        int[] counts = update.executeBatch();
        for (int i = 0; i < counts.length; i++) {
          if (counts[i] == Statement.SUCCESS_NO_INFO) {
            throw new SQLException("The JDBC driver did not report which rows it updated");
          }
          if (counts[i] == 0) {
            missing.add(batch.get(i));
          }
        }
      }
    }
    if (missing.isEmpty()) {
      return 0;
    }
    try (PreparedStatement insert = connection.prepareStatement(insertSql)) {
      for (int from = 0; from < missing.size(); from += BATCH_SIZE) {
        for (T row : missing.subList(from, Math.min(missing.size(), from + BATCH_SIZE))) {
          bindInsert.bind(insert, row);
          insert.addBatch();
        }
        insert.executeBatch();
      }
    }
    return missing.size();
  }

  /** Whether a string holds a control character (tab, line breaks and the like). */
  static boolean hasControlCharacter(String value) {
    return value.codePoints().anyMatch(Character::isISOControl);
  }

  /** The length as both vendors count it at worst: H2 counts UTF-16 units, not code points. */
  static boolean longerThan(String value, int maxLength) {
    return value.length() > maxLength;
  }

  /**
   * Text from an error or an operator, made fit for a column shown in lists: runs of control
   * characters (line breaks from a stack of messages) become one space, and what does not fit is
   * cut, never between the two halves of a character.
   */
  static String oneLine(String text, int maxLength) {
    if (text == null) {
      return null;
    }
    String oneLine = text.replaceAll("\\p{Cc}+", " ").strip();
    if (oneLine.length() <= maxLength) {
      return oneLine;
    }
    int end = maxLength;
    if (Character.isHighSurrogate(oneLine.charAt(end - 1))) {
      end--;
    }
    return oneLine.substring(0, end);
  }
}
