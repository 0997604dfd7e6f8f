package io.ecengine.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecengine.loadtest.cluster.ClusterFaults;
import io.ecengine.loadtest.cluster.ThrowawayPostgres;
import io.ecengine.loadtest.cluster.Traffic;
import io.ecengine.persistence.PostgresTestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Short versions of the fault scenarios: every node a separate JVM on its own ports, real HTTP
 * clients spread over the nodes, PostgreSQL underneath (a fresh schema of the test server, or a
 * server of its own for the outage). Each prints its report (in the test's output file) and fails
 * with it when a check did not hold. The longer versions run as {@code -Dbench.scenario=
 * cluster-faults}.
 */
class ClusterFaultsTest {

  private static final Path WORK = Path.of("target", "cluster-faults");

  private static ClusterFaults.Settings settings(int nodes, String name) {
    return settings(nodes, name, 300);
  }

  private static ClusterFaults.Settings settings(int nodes, String name, int stock) {
    return settings(nodes, name, stock, new Traffic.Settings(8, 2, 15, Duration.ofSeconds(8)));
  }

  private static ClusterFaults.Settings settings(
      int nodes, String name, int stock, Traffic.Settings traffic) {
    return new ClusterFaults.Settings(
        nodes,
        24,
        stock,
        traffic,
        Duration.ofSeconds(6),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(16),
        5,
        WORK.resolve(name + "-" + System.currentTimeMillis()));
  }

  private static ClusterFaults.Database schema(PostgresTestDatabase postgres) {
    return new ClusterFaults.Database(postgres.url(), "postgres", "");
  }

  private static void check(ClusterFaults.Result result) {
    System.out.println(result.text());
    assertThat(result.failures()).as(result.text()).isEmpty();
  }

  @Test
  void killedNodesSkusTakeWritesWithinFifteenSecondsAndNothingAcknowledgedIsLost()
      throws Exception {
    try (PostgresTestDatabase postgres = PostgresTestDatabase.create()) {
      ClusterFaults.Result result = ClusterFaults.nodeCrash(settings(3, "crash"), schema(postgres));
      check(result);
      assertThat(result.measured().get("killed node's SKUs writable again"))
          .isLessThanOrEqualTo(ClusterFaults.CRASH_RECOVERY_LIMIT);
    }
  }

  @Test
  void databaseOutageFailsFastAndRecoversWithinTenSeconds() throws Exception {
    if (ThrowawayPostgres.binaries().isEmpty()) {
      String message =
          "No PostgreSQL server binaries (initdb, pg_ctl) to start a server of its own";
      if (PostgresTestDatabase.onCi()) {
        Assertions.fail(message + " (CI=true, so this is a failure, not a skip)");
      }
      Assumptions.abort(message);
    }
    ClusterFaults.Result result = ClusterFaults.databaseOutage(settings(2, "outage"));
    check(result);
    assertThat(result.measured().get("writes again after the database returned"))
        .isLessThanOrEqualTo(ClusterFaults.DATABASE_RECOVERY_LIMIT);
  }

  @Test
  void rollingRestartFailsNoRequestBesidesRefusedConnectionsAndRetried503s() throws Exception {
    try (PostgresTestDatabase postgres = PostgresTestDatabase.create()) {
      // Steady rather than bursty load, for about a minute: more stock, so that writes still
      // succeed at the end, and fewer clients, so that a 2-core machine keeps up with the three
      // JVMs starting and stopping (the long version in the benchmarks runs the burst load).
      ClusterFaults.Settings steady =
          settings(3, "rolling", 3000, new Traffic.Settings(6, 2, 10, Duration.ofSeconds(8)));
      check(ClusterFaults.rollingRestart(steady, schema(postgres)));
    }
  }

  @Test
  void frozenNodeIsReplacedAndStopsWithoutWritingWhenItWakes() throws Exception {
    try (PostgresTestDatabase postgres = PostgresTestDatabase.create()) {
      check(ClusterFaults.frozenNode(settings(3, "frozen"), schema(postgres)));
    }
  }
}
