package io.ecengine.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WriteFenceTest {

  private static final Duration NO_PAUSE_CHECK = Duration.ZERO;

  private static DatabaseSettings settings(Vendor vendor, PostgresTestDatabase postgres) {
    return vendor == Vendor.H2 ? TestDatabase.h2InMemory() : postgres.settings(2);
  }

  private static long rows(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet r = s.executeQuery("SELECT COUNT(*) FROM fenced")) {
      r.next();
      return r.getLong(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aClosedFenceRefusesConnectionsStatementsAndCommits(Vendor vendor) throws Exception {
    PostgresTestDatabase postgres =
        vendor == Vendor.POSTGRESQL ? PostgresTestDatabase.create() : null;
    WriteFence fence = WriteFence.open(NO_PAUSE_CHECK, Duration.ZERO);
    List<String> heard = new ArrayList<>();
    fence.onClose(heard::add);
    try (Database database =
        Database.create(settings(vendor, postgres), fence, Duration.ofSeconds(2))) {
      Connection open = database.dataSource().getConnection();
      try (Statement s = open.createStatement()) {
        s.execute("CREATE TABLE fenced (id INT PRIMARY KEY)");
        s.execute("INSERT INTO fenced VALUES (1)");
      }
      open.setAutoCommit(false);
      try (Statement s = open.createStatement()) {
        s.execute("INSERT INTO fenced VALUES (2)");
      }

      fence.close("downed by the test");
      fence.close("a second reason is ignored");

      assertThat(fence.isClosed()).isTrue();
      assertThat(fence.closedByPause()).isFalse();
      assertThat(fence.reason()).contains("downed by the test");
      assertThat(heard).containsExactly("downed by the test");
      assertThatThrownBy(open::commit)
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("downed by the test")
          .satisfies(e -> assertThat(Database.isUnavailable(e)).isTrue());
      assertThatThrownBy(() -> open.createStatement().execute("INSERT INTO fenced VALUES (3)"))
          .isInstanceOf(SQLException.class);
      Properties credentials = new Properties();
      credentials.setProperty("user", database.settings().user());
      credentials.setProperty("password", database.settings().password());
      String fencedUrl = fence.wrap(database.settings().url());
      assertThatThrownBy(() -> new FencedDriver().connect(fencedUrl, credentials))
          .isInstanceOf(SQLException.class);
      assertThat(fence.refused()).isGreaterThanOrEqualTo(2);
      // The pool took the refusal for a broken connection and closed it: the server rolled back.
      assertThat(open.isClosed()).isTrue();

      // Behind the fence's back: the refused commit left nothing.
      try (Connection direct =
          DriverManager.getConnection(database.settings().url(), credentials)) {
        assertThat(rows(direct)).isEqualTo(1);
      }
    } finally {
      fence.release();
      if (postgres != null) {
        postgres.close();
      }
    }
  }

  @Test
  void aPauseLongerThanTheLimitClosesTheFenceAtTheNextStatement() throws Exception {
    WriteFence fence = WriteFence.open(Duration.ofSeconds(3), Duration.ZERO);
    try {
      fence.check();
      assertThat(fence.isClosed()).isFalse();

      // As if this thread resumed ten seconds later, before the watch thread noticed anything.
      assertThatThrownBy(() -> fence.check(System.nanoTime() + Duration.ofSeconds(10).toNanos()))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("stood still");

      assertThat(fence.closedByPause()).isTrue();
      assertThatThrownBy(fence::check).isInstanceOf(SQLException.class);
    } finally {
      fence.release();
    }
  }

  @Test
  void aReleasedFenceNoLongerConnects() {
    WriteFence fence = WriteFence.open(NO_PAUSE_CHECK, Duration.ZERO);
    String url = fence.wrap(TestDatabase.h2InMemory().url());
    fence.release();

    assertThatThrownBy(() -> new FencedDriver().connect(url, new Properties()))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("released");
  }

  @Test
  void postgresAbortsATransactionThatStaysIdleAndItsRowsNeverLand() throws Exception {
    try (PostgresTestDatabase postgres = PostgresTestDatabase.create()) {
      WriteFence fence = WriteFence.open(NO_PAUSE_CHECK, Duration.ofSeconds(1));
      try (Database database = Database.create(postgres.settings(2), fence, Duration.ofSeconds(2));
          Connection watcher = database.dataSource().getConnection()) {
        try (Statement s = watcher.createStatement()) {
          s.execute("CREATE TABLE fenced (id INT PRIMARY KEY)");
        }
        Connection frozen = database.dataSource().getConnection();
        long pid;
        try (Statement s = frozen.createStatement();
            ResultSet r = s.executeQuery("SHOW idle_in_transaction_session_timeout")) {
          r.next();
          assertThat(r.getString(1)).isEqualTo("1s");
        }
        try (Statement s = frozen.createStatement();
            ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
          r.next();
          pid = r.getLong(1);
        }
        frozen.setAutoCommit(false);
        try (Statement s = frozen.createStatement()) {
          s.execute("INSERT INTO fenced VALUES (1)");
        }

        // The session sits idle inside its transaction, as a frozen node's would.
        await().atMost(Duration.ofSeconds(30)).until(() -> !sessionExists(watcher, pid));

        assertThatThrownBy(frozen::commit).isInstanceOf(SQLException.class);
        frozen.close();
        assertThat(rows(watcher)).isZero();
      } finally {
        fence.release();
      }
    }
  }

  private static boolean sessionExists(Connection connection, long pid) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet r = s.executeQuery("SELECT COUNT(*) FROM pg_stat_activity WHERE pid = " + pid)) {
      r.next();
      return r.getLong(1) > 0;
    }
  }

  @Test
  void tellsUnavailableDatabasesFromRealErrors() {
    assertThat(
            Database.isUnavailable(
                new IllegalStateException(new SQLTransientConnectionException("pool timed out"))))
        .isTrue();
    assertThat(Database.isUnavailable(new SQLException("refused", "08001"))).isTrue();
    assertThat(Database.isUnavailable(new SQLException("shutting down", "57P01"))).isTrue();
    assertThat(Database.isUnavailable(new SQLException("duplicate", "23505"))).isFalse();
    assertThat(Database.isUnavailable(new SQLException("syntax", "42601"))).isFalse();
    assertThat(Database.isUnavailable(new IllegalStateException("no SQL at all"))).isFalse();
  }
}
