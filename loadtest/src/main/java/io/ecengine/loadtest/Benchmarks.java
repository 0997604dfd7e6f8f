package io.ecengine.loadtest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the benchmarks: {@code ./mvnw -q install -DskipTests && ./mvnw -q -pl loadtest
 * exec:exec -Dbench.scenario=hot-sku} (or {@code live-burst}, {@code intake}, or {@code
 * cluster-faults} for the long versions of the fault scenarios, see {@link
 * ClusterFaultsBenchmark}). Settings come from system properties (ec.bench.clients,
 * ec.bench.seconds, ec.bench.rate, ec.bench.db-url, ec.bench.db-user).
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
      case "intake" -> intake();
      case "cluster-faults" -> System.exit(ClusterFaultsBenchmark.run() ? 0 : 1);
      default ->
          throw new IllegalArgumentException(
              "Unknown scenario "
                  + scenario
                  + "; try hot-sku, live-burst, intake or cluster-faults");
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

  /**
   * The real-time half of live-burst, shortened, at {@code ec.bench.rate} buyers a second: how fast
   * the engine takes in the marketplaces' orders. The engine reads its settings as it always does,
   * so one run with an environment override and one without compare that setting.
   */
  private static void intake() throws Exception {
    double rate = Double.parseDouble(System.getProperty("ec.bench.rate", "200"));
    LiveBurstScenario.Settings settings =
        LiveBurstScenario.intake(
            rate,
            System.getProperty("ec.bench.db-url", "jdbc:postgresql://127.0.0.1:5432/test"),
            System.getProperty("ec.bench.db-user", "postgres"));
    LiveBurstScenario.Run run = LiveBurstScenario.runOnce(settings, true);
    String body = intakeReport(com.typesafe.config.ConfigFactory.load(), run);
    Path dir = Path.of("target");
    Report.write(dir, "intake-report", "Order intake at " + rate + " buyers/s", body, run.phases());
    log.info("\n{}", body);
    log.info("Report written to {}", dir.toAbsolutePath().resolve("intake-report.md"));
    System.exit(run.skusOverReserved() == 0 && run.acknowledgedOrdersMissing() == 0 ? 0 : 1);
  }

  static String intakeReport(com.typesafe.config.Config engine, LiveBurstScenario.Run run) {
    StringBuilder md = new StringBuilder();
    md.append(Report.table(run.phases()));
    md.append(
        String.format(
            Locale.ROOT,
            "%n| Measure | p50 / p95 / p99 (ms) |%n|---|---|%n"
                + "| webhook answered (TikTok Shop, Shopify) | %s |%n"
                + "| sale to order in the engine (all marketplaces) | %s |%n%n"
                + "Marketplace orders %d, in the engine %d (every order pulled or delivered before"
                + " the drain ended: %s). Oversold units %d, acknowledged orders missing %d, SKUs"
                + " holding more than they have %d. Errors: %s.%n%n"
                + "Engine settings that shape intake: webhook signers kept %s, ask timeout %s.%n",
            LiveBurstReport.pct(run.webhookLatencyMicros()),
            LiveBurstReport.pct(run.saleToEngineMicros()),
            run.marketplaceOrders(),
            run.engineOrders(),
            run.drained() ? "yes" : "no",
            run.oversoldUnits(),
            run.acknowledgedOrdersMissing(),
            run.skusOverReserved(),
            run.errors().isEmpty() ? "none" : run.errors(),
            engine.getDuration("ec.webhooks.signers-max-age").toMillis() + " ms",
            engine.getDuration("ec.http.ask-timeout").toMillis() + " ms"));
    return md.toString();
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
    String body = hotSkuReport(settings, outcome);
    Path dir = Path.of("target");
    Report.write(dir, "hot-sku-report", "Hot SKU benchmark", body, outcome.phases());
    log.info("\n{}", body);
    log.info("Report written to {}", dir.toAbsolutePath().resolve("hot-sku-report.md"));
    System.exit(outcome.engineReserved() == outcome.engineAcknowledged() ? 0 : 1);
  }

  /** The phases, the ratios the targets are about, whether each target was met, and the checks. */
  static String hotSkuReport(HotSkuScenario.Settings settings, HotSkuScenario.Outcome outcome) {
    LoadResult engine = outcome.engine();
    LoadResult sql = outcome.sql();
    LoadResult health = outcome.health();
    LoadResult open = outcome.open();
    double overSql = engine.perSecond() / sql.perSecond();
    double ofHealth = engine.perSecond() / health.perSecond();
    StringBuilder md = new StringBuilder();
    md.append(Report.table(outcome.phases()));
    md.append("\nBeside the hot SKU (last phase), open model over 8 connections:\n\n");
    md.append(Report.table(outcome.beside()));
    md.append("\n## Targets\n\n| Target | Met | Measured |\n|---|---|---|\n");
    target(
        md,
        "reservations/s ≥ 10× the plain-SQL UPDATE at " + settings.clients() + " clients",
        overSql >= 10,
        String.format(
            Locale.ROOT, "%.1f× (%.0f/s vs %.0f/s)", overSql, engine.perSecond(), sql.perSecond()));
    target(
        md,
        "p99 ≤ 50 ms",
        open.percentileMillis(99) <= 50,
        String.format(
            Locale.ROOT,
            "%.1f ms in the open model at %.0f/s (from each call's intended start); %.1f ms with"
                + " %d clients in a closed loop, where every client always waits behind the others",
            open.percentileMillis(99),
            open.perSecond(),
            engine.percentileMillis(99),
            settings.clients()));
    target(
        md,
        "at least half the throughput of GET /health under the same client",
        ofHealth >= 0.5,
        String.format(
            Locale.ROOT,
            "%.2f (%.0f/s vs %.0f/s)",
            ofHealth,
            engine.perSecond(),
            health.perSecond()));
    for (LoadResult other : outcome.beside()) {
      target(
          md,
          "while the SKU is hot, " + other.name() + ": p99 ≤ 50 ms, none refused",
          other.percentileMillis(99) <= 50
              && other.outcomes().keySet().stream().allMatch(o -> o.startsWith("2")),
          String.format(
              Locale.ROOT, "p99 %.1f ms, %s", other.percentileMillis(99), other.sortedOutcomes()));
    }
    target(
        md,
        "no oversell: every acknowledged reservation is on the SKU, no more",
        outcome.engineReserved() == outcome.engineAcknowledged(),
        outcome.engineAcknowledged() + " acknowledged, " + outcome.engineReserved() + " reserved");
    md.append(
        String.format(
            Locale.ROOT,
            "%nHeap used (engine and clients in one JVM): at most %d MiB at the end of a phase,"
                + " %d MiB after a collection at the end.%n%nPlain SQL acknowledged %d, the stock"
                + " row went down by %d.%n",
            outcome.heapMaxMiB(),
            outcome.heapAfterGcMiB(),
            outcome.sqlAcknowledged(),
            outcome.sqlStockTaken()));
    return md.toString();
  }

  private static void target(StringBuilder md, String target, boolean met, String measured) {
    md.append("| ")
        .append(target)
        .append(" | ")
        .append(met ? "yes" : "**no**")
        .append(" | ")
        .append(measured)
        .append(" |\n");
  }
}
