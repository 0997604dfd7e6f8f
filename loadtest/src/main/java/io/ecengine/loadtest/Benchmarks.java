package io.ecengine.loadtest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the benchmarks: {@code ./mvnw -q install -DskipTests && ./mvnw -q -pl loadtest
 * exec:exec -Dbench.scenario=hot-sku} (or {@code live-burst}, or {@code cluster-faults} for the
 * long versions of the fault scenarios, see {@link ClusterFaultsBenchmark}). Settings come from
 * system properties (ec.bench.clients, ec.bench.seconds, ec.bench.db-url, ec.bench.db-user).
 */
public final class Benchmarks {

  private static final Logger log = LoggerFactory.getLogger(Benchmarks.class);

  private Benchmarks() {}

  public static void main(String[] args) throws Exception {
    io.ecengine.http.Main.commonPoolWithThreads();
    if (java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() < 2) {
      log.warn(
          "The common pool has one thread: every async callback starts a thread; results"
              + " will be far too slow. Run through exec:exec, which sets the flag.");
    }
    String scenario = args.length == 0 ? "hot-sku" : args[0];
    switch (scenario) {
      case "hot-sku" -> hotSku();
      case "live-burst" -> liveBurst();
      case "cluster-faults" -> System.exit(ClusterFaultsBenchmark.run() ? 0 : 1);
      default ->
          throw new IllegalArgumentException(
              "Unknown scenario " + scenario + "; try hot-sku, live-burst or cluster-faults");
    }
  }

  private static void liveBurst() throws Exception {
    LiveBurstScenario.Settings settings =
        LiveBurstScenario.benchmark(
            System.getProperty("ec.bench.db-url", "jdbc:postgresql://127.0.0.1:5432/test"),
            System.getProperty("ec.bench.db-user", "postgres"));
    LiveBurstScenario.Outcome outcome = LiveBurstScenario.run(settings);
    Path dir = Path.of("target");
    LiveBurstReport.write(dir, outcome);
    log.info("\n{}", LiveBurstReport.markdown(outcome));
    log.info("Report written to {}", dir.toAbsolutePath().resolve("live-burst-report.md"));
    boolean engineSound =
        outcome.realtime().skusOverReserved() == 0
            && outcome.batch().skusOverReserved() == 0
            && outcome.realtime().acknowledgedOrdersMissing() == 0
            && outcome.batch().acknowledgedOrdersMissing() == 0;
    System.exit(engineSound ? 0 : 1);
  }

  private static void hotSku() throws Exception {
    HotSkuScenario.Settings settings =
        new HotSkuScenario.Settings(
            Integer.getInteger("ec.bench.clients", 64),
            Duration.ofSeconds(Integer.getInteger("ec.bench.warmup-seconds", 10)),
            Duration.ofSeconds(Integer.getInteger("ec.bench.seconds", 30)),
            System.getProperty("ec.bench.db-url", "jdbc:postgresql://127.0.0.1:5432/test"),
            System.getProperty("ec.bench.db-user", "postgres"),
            100_000_000L);
    HotSkuScenario.Outcome outcome = HotSkuScenario.run(settings);

    LoadResult engine = outcome.phases().get(0);
    LoadResult sql = outcome.phases().get(1);
    LoadResult health = outcome.phases().get(2);
    String body =
        Report.table(outcome.phases())
            + String.format(
                Locale.ROOT,
                "%nRatios at %d clients: engine / plain SQL = %.1f×; engine / GET /health ="
                    + " %.2f.%n%nChecks: %d reservations acknowledged, %d reserved on the SKU"
                    + " (oversell: %s); plain SQL acknowledged %d, stock row went down by %d.%n",
                settings.clients(),
                engine.perSecond() / sql.perSecond(),
                engine.perSecond() / health.perSecond(),
                outcome.engineAcknowledged(),
                outcome.engineReserved(),
                outcome.engineReserved() == outcome.engineAcknowledged() ? "none" : "MISMATCH",
                outcome.sqlAcknowledged(),
                outcome.sqlStockTaken());
    Path dir = Path.of("target");
    Report.write(dir, "hot-sku-report", "Hot SKU benchmark", body, outcome.phases());
    log.info("\n{}", body);
    log.info("Report written to {}", dir.toAbsolutePath().resolve("hot-sku-report.md"));
    System.exit(outcome.engineReserved() == outcome.engineAcknowledged() ? 0 : 1);
  }
}
