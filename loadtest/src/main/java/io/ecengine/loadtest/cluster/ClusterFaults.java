package io.ecengine.loadtest.cluster;

import com.typesafe.config.ConfigFactory;
import io.ecengine.engine.sku.SkuId;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.cluster.sharding.typed.HashCodeMessageExtractor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fault scenarios, each against a cluster of real node processes under real HTTP traffic:
 *
 * <ul>
 *   <li>{@link #nodeCrash}: kill -9 of one node in the middle of a burst;
 *   <li>{@link #databaseOutage}: the PostgreSQL server stopped for a while under load, then
 *       started;
 *   <li>{@link #rollingRestart}: every node stopped gracefully (SIGTERM) and started again in turn;
 *   <li>{@link #frozenNode}: one node stopped with SIGSTOP for longer than the downing time, then
 *       woken with SIGCONT.
 * </ul>
 *
 * Each returns a {@link Result} that says what was injected, what was measured and checked, with
 * counts, and what failed. Requirements that carry a number (writes again within 15 s of a crash,
 * recovery within 10 s of the database returning) are measured and checked here.
 */
public final class ClusterFaults {

  private static final Logger log = LoggerFactory.getLogger(ClusterFaults.class);

  /** Writes to a crashed node's SKUs must be accepted again within this time. */
  public static final Duration CRASH_RECOVERY_LIMIT = Duration.ofSeconds(15);

  /** The engine must take writes again within this time of the database returning. */
  public static final Duration DATABASE_RECOVERY_LIMIT = Duration.ofSeconds(10);

  /** The largest share of requests a rolling restart may answer 503 (each one sent again). */
  public static final double ROLLING_UNAVAILABLE_SHARE = 0.01;

  /** What the nodes answer 503 after, when an entity does not reply (ec.http.ask-timeout). */
  static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

  /** Lines of node logs that mean two writers met in the journal. */
  static final List<String> DUPLICATE_WRITER_SIGNS =
      List.of("duplicate key value", "violates unique constraint", "23505");

  /** A database the scenario may create tables in (a fresh schema: see {@code currentSchema}). */
  public record Database(String url, String user, String password) {}

  /** How big and how long. */
  public record Settings(
      int nodes,
      int skus,
      int stock,
      Traffic.Settings traffic,
      Duration before,
      Duration after,
      Duration outage,
      Duration freeze,
      int poolSize,
      Path workDir) {}

  /** What a scenario did and found. */
  public record Result(
      String name, List<String> report, List<String> failures, Map<String, Duration> measured) {
    public boolean passed() {
      return failures.isEmpty();
    }

    public String text() {
      StringBuilder b = new StringBuilder("== " + name + " ==\n");
      report.forEach(line -> b.append("  ").append(line).append('\n'));
      b.append(failures.isEmpty() ? "  PASSED\n" : "  FAILED:\n");
      failures.forEach(f -> b.append("    - ").append(f).append('\n'));
      return b.toString();
    }
  }

  private ClusterFaults() {}

  // Node crash ---------------------------------------------------------------------------------

  /**
   * Three nodes under a burst of reservations and orders; node 1 (the oldest member, which also
   * hosts the shard coordinators) is killed with kill -9. Checks that its SKUs take writes again
   * within {@link #CRASH_RECOVERY_LIMIT}, that every acknowledged write is there and that nothing
   * is oversold.
   */
  public static Result nodeCrash(Settings settings, Database db) throws Exception {
    Run run = new Run("node crash (kill -9 during a burst)");
    try (LocalCluster cluster = startCluster(settings, db, "crash");
        Traffic traffic = shop(cluster, settings, "cf-crash")) {
      run.line("cluster: %d nodes, %s", cluster.size(), cluster.nodes());
      traffic.start();
      Poll.pause(settings.before());
      int victim = 0;
      List<String> victimSkus = skusOn(cluster, victim, traffic);
      run.line(
          "injected: kill -9 of %s after %d s of load; it ran %d of the %d test SKUs",
          cluster.node(victim),
          settings.before().toSeconds(),
          victimSkus.size(),
          traffic.skus().size());
      run.line(traffic.newWindow("after the kill").toString());
      long killedAt = System.nanoTime();
      cluster.node(victim).kill();
      Map<String, Duration> recovery =
          traffic.probe(victimSkus, -1, killedAt, Duration.ofSeconds(90));
      Duration slowest = slowest(recovery, victimSkus, run);
      run.measured.put("killed node's SKUs writable again", slowest);
      run.line(
          "measured: every SKU of the killed node took a write again %s after the kill (limit %s;"
              + " %s)",
          seconds(slowest), seconds(CRASH_RECOVERY_LIMIT), spread(recovery));
      if (recovery.size() < victimSkus.size() || slowest.compareTo(CRASH_RECOVERY_LIMIT) > 0) {
        run.fail(
            "the killed node's SKUs took %s to accept writes again (limit %s)",
            seconds(slowest), seconds(CRASH_RECOVERY_LIMIT));
      }
      if (victimSkus.isEmpty()) {
        run.fail("no test SKU ran on the killed node; the check proved nothing");
      }
      Poll.pause(settings.after());
      int survivor = victim + 1;
      run.line(
          "members seen by %s afterwards: %s",
          cluster.node(survivor).name(), cluster.upMembers(survivor));
      finish(run, traffic, db);
    }
    return run.result();
  }

  // Database outage ----------------------------------------------------------------------------

  /**
   * A throwaway PostgreSQL server, stopped (its processes killed) for {@code outage} under load and
   * started again. Checks that requests meanwhile fail fast (503, nothing slower than the ask
   * timeout allows, no 500), that every node takes writes again within {@link
   * #DATABASE_RECOVERY_LIMIT} of the server accepting connections, and that no acknowledged write
   * was lost.
   */
  public static Result databaseOutage(Settings settings) throws Exception {
    Run run = new Run("database outage (PostgreSQL stopped under load)");
    try (ThrowawayPostgres postgres = ThrowawayPostgres.start()) {
      Database db = new Database(postgres.url(), "postgres", "");
      run.line("database: a PostgreSQL server of its own on port %d", postgres.port());
      try (LocalCluster cluster = startCluster(settings, db, "outage");
          Traffic traffic = shop(cluster, settings, "cf-outage")) {
        run.line("cluster: %d nodes, %s", cluster.size(), cluster.nodes());
        traffic.start();
        Poll.pause(settings.before());
        run.line(traffic.newWindow("database down").toString());
        long stoppedAt = System.nanoTime();
        postgres.stopServer();
        run.line(
            "injected: pg_ctl stop -m immediate after %d s of load; the server stays down for %d s",
            settings.before().toSeconds(), settings.outage().toSeconds());
        // Readiness is asked half-way through the outage, so that the asking does not lengthen it.
        Poll.pause(remaining(settings.outage().dividedBy(2), stoppedAt));
        boolean anyReady = false;
        for (int i = 0; i < cluster.size(); i++) {
          anyReady |= cluster.ready(i);
        }
        Poll.pause(remaining(settings.outage(), stoppedAt));
        Traffic.Window down = traffic.newWindow("database back");
        run.line(down.toString());
        run.line(
            "readiness while the database was down: %s",
            anyReady ? "some node READY" : "every node 503");
        postgres.startServer();
        long backAt = System.nanoTime();
        run.line(
            "injected: pg_ctl start (accepting connections %s after the stop)",
            seconds(Duration.ofNanos(backAt - stoppedAt)));

        Map<String, Duration> recovery = new ConcurrentHashMap<>();
        List<Thread> probes = new ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
          int node = i;
          Thread thread =
              new Thread(
                  () ->
                      traffic
                          .probe(traffic.skus(), node, backAt, Duration.ofSeconds(90))
                          .forEach((sku, took) -> recovery.put(sku + "@node" + (node + 1), took)));
          thread.start();
          probes.add(thread);
        }
        for (Thread thread : probes) {
          thread.join();
        }
        Duration slowest =
            recovery.values().stream().max(Duration::compareTo).orElse(Duration.ofDays(1));
        int expected = traffic.skus().size() * cluster.size();
        run.measured.put("writes again after the database returned", slowest);
        run.line(
            "measured: all %d SKUs took a write through each of the %d nodes %s after the database"
                + " accepted connections again (limit %s; %s)",
            traffic.skus().size(),
            cluster.size(),
            seconds(slowest),
            seconds(DATABASE_RECOVERY_LIMIT),
            spread(recovery));
        if (recovery.size() < expected || slowest.compareTo(DATABASE_RECOVERY_LIMIT) > 0) {
          run.fail(
              "%d of %d SKU/node pairs took writes again, the slowest after %s (limit %s)",
              recovery.size(), expected, seconds(slowest), seconds(DATABASE_RECOVERY_LIMIT));
        }
        Duration bound = ASK_TIMEOUT.plusSeconds(2);
        run.measured.put("slowest answer while the database was down", down.maxLatency());
        run.line(
            "checked: while the database was down %d requests were answered 503, the slowest answer"
                + " took %s (bound: ask timeout %s + 2 s), %d timed out, %d unexpected",
            down.count(Traffic.Result.UNAVAILABLE),
            seconds(down.maxLatency()),
            seconds(ASK_TIMEOUT),
            down.count(Traffic.Result.TIMED_OUT),
            down.count(Traffic.Result.UNEXPECTED));
        if (down.count(Traffic.Result.UNAVAILABLE) == 0) {
          run.fail("no request was answered 503 while the database was down");
        }
        if (down.maxLatency().compareTo(bound) > 0 || down.count(Traffic.Result.TIMED_OUT) > 0) {
          run.fail("a request hung for %s while the database was down", seconds(down.maxLatency()));
        }
        if (down.count(Traffic.Result.UNEXPECTED) > 0) {
          run.fail("unexpected answers while the database was down: %s", down.unexpectedSamples());
        }
        if (anyReady) {
          run.fail("a node reported ready while its database was down");
        }
        Poll.pause(settings.after());
        finish(run, traffic, db);
      }
    }
    return run.result();
  }

  // Rolling restart ----------------------------------------------------------------------------

  /**
   * Steady load while every node in turn gets SIGTERM, stops, and is started again. The clients
   * (spread over the ready nodes, sending a request elsewhere only when its connection is refused)
   * must see no other failure: no 503, no timeout, no broken connection, no unexpected answer.
   */
  public static Result rollingRestart(Settings settings, Database db) throws Exception {
    Run run = new Run("rolling restart (SIGTERM, start again, node after node)");
    try (LocalCluster cluster = startCluster(settings, db, "rolling");
        Traffic traffic = shop(cluster, settings, "cf-rolling")) {
      run.line("cluster: %d nodes, %s", cluster.size(), cluster.nodes());
      traffic.start();
      Poll.pause(settings.before());
      traffic.newWindow("rolling restart");
      for (int i = 0; i < cluster.size(); i++) {
        NodeProcess node = cluster.node(i);
        long stopAt = System.nanoTime();
        node.terminate();
        if (!node.awaitExit(Duration.ofSeconds(90))) {
          run.fail("%s did not stop within 90 s of SIGTERM", node);
          node.kill();
          node.awaitExit(Duration.ofSeconds(10));
        }
        Duration stopped = Duration.ofNanos(System.nanoTime() - stopAt);
        NodeProcess again = cluster.restart(i);
        Duration ready = cluster.awaitReady(i, Duration.ofSeconds(180));
        cluster.awaitMembersUp(cluster.size(), Duration.ofSeconds(90));
        run.line(
            "injected: SIGTERM to %s: stopped after %s (exit %d); started again as pid %d, ready"
                + " after %s, %d members up",
            node.name(),
            seconds(stopped),
            node.exitValue(),
            again.pid(),
            seconds(ready),
            cluster.size());
        Poll.pause(settings.after());
      }
      Traffic.Window window = traffic.newWindow("after");
      run.line(window.toString());
      long failed =
          window.count(Traffic.Result.TIMED_OUT)
              + window.count(Traffic.Result.BROKEN)
              + window.count(Traffic.Result.UNEXPECTED);
      // A 503 with Retry-After is the designed answer to a request that waited longer than the
      // ask timeout while its shard moved; on a starved machine a handful do. The client sends
      // them again with the same id (settled below), so they may be a small share, never more.
      long unavailable = window.count(Traffic.Result.UNAVAILABLE);
      run.line(
          "checked: %d requests during the restarts; %d refused connections (sent again to another"
              + " node); %d answered 503 (at most %.0f %% allowed); %d other failures",
          window.total(),
          window.count(Traffic.Result.REFUSED),
          unavailable,
          ROLLING_UNAVAILABLE_SHARE * 100,
          failed);
      if (failed > 0) {
        run.fail("clients saw %d failures besides refused connections: %s", failed, window);
      }
      if (unavailable > window.total() * ROLLING_UNAVAILABLE_SHARE) {
        run.fail("clients saw %d answers 503, over the share allowed: %s", unavailable, window);
      }
      if (window.count(Traffic.Result.ACKED) == 0) {
        run.fail("no request succeeded during the restarts");
      }
      finish(run, traffic, db);
    }
    return run.result();
  }

  // Frozen node --------------------------------------------------------------------------------

  /**
   * One node frozen with SIGSTOP for {@code freeze} (longer than the downing time) under load, then
   * woken with SIGCONT. Checks that the others remove it and take over its SKUs while it is frozen,
   * that it stops itself on waking without writing (exit status 75, no duplicate-key errors in any
   * log, no second writer in the journal), and that no acknowledged write was lost.
   */
  public static Result frozenNode(Settings settings, Database db) throws Exception {
    Run run = new Run("frozen node (SIGSTOP longer than the downing time, then SIGCONT)");
    try (LocalCluster cluster = startCluster(settings, db, "frozen");
        Traffic traffic = shop(cluster, settings, "cf-frozen")) {
      run.line("cluster: %d nodes, %s", cluster.size(), cluster.nodes());
      traffic.start();
      Poll.pause(settings.before());
      int victim = cluster.size() - 1;
      int survivor = 0;
      NodeProcess frozen = cluster.node(victim);
      List<String> victimSkus = skusOn(cluster, victim, traffic);
      run.line(traffic.newWindow("frozen").toString());
      long frozenAt = System.nanoTime();
      frozen.freeze();
      run.line(
          "injected: SIGSTOP to %s for %d s; it ran %d of the %d test SKUs",
          frozen, settings.freeze().toSeconds(), victimSkus.size(), traffic.skus().size());
      Duration removed =
          Poll.until(
              frozen.name() + " to be removed",
              settings.freeze(),
              () ->
                  !cluster
                      .clusterView(survivor)
                      .path("members")
                      .toString()
                      .contains(frozen.address()));
      run.measured.put("frozen node removed", removed);
      Map<String, Duration> recovery = traffic.probe(victimSkus, -1, frozenAt, settings.freeze());
      Duration slowest = slowest(recovery, victimSkus, run);
      run.measured.put("frozen node's SKUs writable again", slowest);
      run.line(
          "measured: the others removed it %s after the freeze; its SKUs took writes on the others"
              + " %s after the freeze (%s)",
          seconds(removed), seconds(slowest), spread(recovery));
      if (recovery.size() < victimSkus.size()) {
        run.fail(
            "only %d of %d SKUs moved while the node was frozen",
            recovery.size(), victimSkus.size());
      }
      Poll.pause(remaining(settings.freeze(), frozenAt));
      long wokenAt = System.nanoTime();
      frozen.resume();
      boolean exited = frozen.awaitExit(Duration.ofSeconds(60));
      Duration stoppedAfter = Duration.ofNanos(System.nanoTime() - wokenAt);
      List<String> fenceLines =
          frozen.logLines().stream().filter(l -> l.contains("stops using the database")).toList();
      run.line(
          "injected: SIGCONT after %s; it %s (exit status %s); fence: %s",
          seconds(Duration.ofNanos(wokenAt - frozenAt)),
          exited ? "stopped itself " + seconds(stoppedAfter) + " later" : "still runs after 60 s",
          exited ? Integer.toString(frozen.exitValue()) : "-",
          fenceLines.isEmpty() ? "no message" : fenceLines.get(0).trim());
      if (!exited || frozen.exitValue() != 75) {
        run.fail("the woken node did not stop itself with exit status 75");
      }
      if (fenceLines.isEmpty()) {
        run.fail("the woken node did not log that it stopped using the database");
      }
      Poll.pause(settings.after());
      List<String> duplicates = cluster.logLinesContaining(DUPLICATE_WRITER_SIGNS);
      run.line(
          "checked: %d log lines of any node mention a duplicate key (%s)",
          duplicates.size(), String.join(", ", DUPLICATE_WRITER_SIGNS));
      if (!duplicates.isEmpty()) {
        run.fail(
            "duplicate writers in the logs: %s",
            duplicates.subList(0, Math.min(3, duplicates.size())));
      }
      finish(run, traffic, db);
    }
    return run.result();
  }

  // Shared steps -------------------------------------------------------------------------------

  private static LocalCluster startCluster(Settings settings, Database db, String name)
      throws IOException {
    return LocalCluster.start(
        new LocalCluster.Settings(
            settings.nodes(),
            db.url(),
            db.user(),
            db.password(),
            settings.poolSize(),
            settings.workDir().resolve(name),
            Map.of()));
  }

  private static Traffic shop(LocalCluster cluster, Settings settings, String tenant) {
    return Traffic.setUp(cluster, settings.traffic(), tenant, settings.skus(), settings.stock());
  }

  /** Stops the traffic, settles every open write, audits, and records the outcome. */
  private static void finish(Run run, Traffic traffic, Database db) throws SQLException {
    traffic.stop();
    Traffic.Window last = traffic.newWindow("settle");
    run.line(last.toString());
    int settled = traffic.settle(Duration.ofSeconds(120));
    run.line(
        "settled: %d writes whose outcome was open (503, timeout, broken connection) were sent"
            + " again with the same id until answered; %d left open",
        settled, traffic.unresolved());
    Audit.Outcome audit = Audit.run(traffic, db.url(), db.user(), db.password());
    audit.lines().forEach(run::line);
    audit.failures().forEach(f -> run.fail("%s", f));
    Traffic.Window whole = traffic.whole();
    run.line(
        "checked: %d answers in the whole run, %d of them neither success, sold out nor 503"
            + " (a 500 or another error)",
        whole.total(), whole.count(Traffic.Result.UNEXPECTED));
    if (whole.count(Traffic.Result.UNEXPECTED) > 0) {
      run.fail("unexpected answers: %s", whole.unexpectedSamples());
    }
  }

  /** The test SKUs whose shards run on node {@code index}. */
  private static List<String> skusOn(LocalCluster cluster, int index, Traffic traffic) {
    int shards = ConfigFactory.load().getInt("pekko.cluster.sharding.number-of-shards");
    HashCodeMessageExtractor<Object> extractor = new HashCodeMessageExtractor<>(shards);
    List<String> hosted = cluster.skuShards(index);
    String tenant = traffic.tenantId();
    List<String> skus = new ArrayList<>();
    for (String sku : traffic.skus()) {
      if (hosted.contains(extractor.shardId(new SkuId(tenant, sku).entityId()))) {
        skus.add(sku);
      }
    }
    return skus;
  }

  private static Duration slowest(
      Map<String, Duration> times, Collection<String> expected, Run run) {
    if (times.size() < expected.size()) {
      run.line(
          "%d of %d probed SKUs never took a write",
          expected.size() - times.size(), expected.size());
      return Duration.ofDays(1);
    }
    return times.values().stream().max(Duration::compareTo).orElse(Duration.ZERO);
  }

  private static String spread(Map<String, Duration> times) {
    List<Duration> sorted = times.values().stream().sorted().toList();
    if (sorted.isEmpty()) {
      return "nothing probed";
    }
    return String.format(
        Locale.ROOT,
        "%d probed, first %s, median %s",
        sorted.size(),
        seconds(sorted.get(0)),
        seconds(sorted.get(sorted.size() / 2)));
  }

  private static Duration remaining(Duration total, long sinceNanos) {
    Duration left = total.minusNanos(System.nanoTime() - sinceNanos);
    return left.isNegative() ? Duration.ZERO : left;
  }

  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  /** Collects the report of one scenario. */
  private static final class Run {
    private final String name;
    private final List<String> lines = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final Map<String, Duration> measured = new LinkedHashMap<>();

    Run(String name) {
      this.name = name;
      log.info("Scenario: {}", name);
    }

    void line(String format, Object... args) {
      String line = args.length == 0 ? format : String.format(Locale.ROOT, format, args);
      lines.add(line);
      log.info("[{}] {}", name, line);
    }

    void fail(String format, Object... args) {
      String failure = String.format(Locale.ROOT, format, args);
      failures.add(failure);
      log.warn("[{}] FAILED: {}", name, failure);
    }

    Result result() {
      return new Result(name, List.copyOf(lines), List.copyOf(failures), Map.copyOf(measured));
    }
  }
}
