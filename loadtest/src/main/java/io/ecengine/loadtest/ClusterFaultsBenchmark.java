package io.ecengine.loadtest;

import io.ecengine.loadtest.cluster.ClusterFaults;
import io.ecengine.loadtest.cluster.Traffic;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long versions of the fault scenarios, outside {@code ./mvnw verify}: three nodes, more SKUs,
 * more clients, a longer burst before each fault and a longer freeze. Which scenarios run comes
 * from {@code ec.bench.faults} (crash, outage, rolling, frozen; all by default). Every scenario but
 * the outage gets a fresh schema of {@code ec.bench.db-url}, dropped afterwards; the outage starts
 * a PostgreSQL server of its own. The report goes to {@code target/cluster-faults-report.md}.
 */
final class ClusterFaultsBenchmark {

  private static final Logger log = LoggerFactory.getLogger(ClusterFaultsBenchmark.class);

  private ClusterFaultsBenchmark() {}

  /** Runs the chosen scenarios; true when every check of every one held. */
  static boolean run() throws Exception {
    String url = System.getProperty("ec.bench.db-url", "jdbc:postgresql://127.0.0.1:5432/test");
    String user = System.getProperty("ec.bench.db-user", "postgres");
    List<String> chosen =
        Arrays.asList(
            System.getProperty("ec.bench.faults", "crash,outage,rolling,frozen").split(","));
    Path work = Path.of("target", "cluster-faults-bench-" + System.currentTimeMillis());
    ClusterFaults.Settings settings =
        new ClusterFaults.Settings(
            3,
            48,
            2000,
            new Traffic.Settings(16, 4, 25, Duration.ofSeconds(8)),
            Duration.ofSeconds(20),
            Duration.ofSeconds(15),
            Duration.ofSeconds(10),
            Duration.ofSeconds(25),
            5,
            work);

    List<ClusterFaults.Result> results = new ArrayList<>();
    for (String fault : chosen) {
      switch (fault.trim()) {
        case "crash" ->
            results.add(inSchema(url, user, db -> ClusterFaults.nodeCrash(settings, db)));
        case "outage" -> results.add(ClusterFaults.databaseOutage(settings));
        case "rolling" ->
            results.add(inSchema(url, user, db -> ClusterFaults.rollingRestart(settings, db)));
        case "frozen" ->
            results.add(inSchema(url, user, db -> ClusterFaults.frozenNode(settings, db)));
        default ->
            throw new IllegalArgumentException(
                "Unknown fault " + fault + "; try crash, outage, rolling, frozen");
      }
    }

    StringBuilder body = new StringBuilder();
    body.append(
        String.format(
            "Three nodes (separate JVMs), %d SKUs, %d + %d clients at %d requests/s each;"
                + " node logs under %s.%n%n",
            settings.skus(),
            settings.traffic().reservationClients(),
            settings.traffic().orderClients(),
            (int) settings.traffic().requestsPerSecondPerClient(),
            work.toAbsolutePath()));
    boolean passed = true;
    for (ClusterFaults.Result result : results) {
      body.append("```\n").append(result.text()).append("```\n\n");
      passed &= result.passed();
    }
    Report.write(
        Path.of("target"), "cluster-faults-report", "Cluster faults", body.toString(), List.of());
    log.info("\n{}", body);
    log.info(
        "Report written to {}", Path.of("target", "cluster-faults-report.md").toAbsolutePath());
    return passed;
  }

  @FunctionalInterface
  private interface InSchema {
    ClusterFaults.Result run(ClusterFaults.Database db) throws Exception;
  }

  private static ClusterFaults.Result inSchema(String url, String user, InSchema scenario)
      throws Exception {
    String schema = "faults_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection admin = DriverManager.getConnection(url, user, "")) {
      try (Statement s = admin.createStatement()) {
        s.execute("CREATE SCHEMA " + schema);
      }
      try {
        String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        return scenario.run(new ClusterFaults.Database(schemaUrl, user, ""));
      } finally {
        try (Statement s = admin.createStatement()) {
          s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
      }
    }
  }
}
