package io.ecengine.loadtest;

import io.ecengine.engine.channel.marketplace.Marketplace;
import io.ecengine.loadtest.LiveBurstScenario.HotSku;
import io.ecengine.loadtest.LiveBurstScenario.Outcome;
import io.ecengine.loadtest.LiveBurstScenario.Run;
import io.ecengine.loadtest.LiveBurstScenario.Sample;
import io.ecengine.loadtest.LiveBurstScenario.Settings;
import io.ecengine.loadtest.simulator.Quota;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * The live-burst report: the two runs side by side as Markdown, and an HTML page with, for each hot
 * SKU and run, what every marketplace showed over time against the units really left.
 */
final class LiveBurstReport {

  /** The targets the benchmark is held to, each with whether this run met it. */
  record Check(String target, boolean met, String measured) {}

  private static final String[] COLOURS = {
    "#111111", "#888888", "#e4405f", "#bf0000", "#ff0033", "#ff9900", "#95bf47"
  };

  private LiveBurstReport() {}

  static List<Check> checks(Outcome outcome) {
    Run rt = outcome.realtime();
    Run batch = outcome.batch();
    List<Check> checks = new ArrayList<>();
    checks.add(
        new Check(
            "zero oversold units on the channel with a dedicated quota",
            rt.liveQuotaOversold() == 0,
            rt.liveQuotaOversold() + " units (batch sync: " + batch.liveQuotaOversold() + ")"));
    long rtShared = sharedOversold(rt);
    long batchShared = sharedOversold(batch);
    checks.add(
        new Check(
            "shared pool: at least 100x fewer oversold units than the batch sync",
            batchShared >= 100 * Math.max(1, rtShared) || (rtShared == 0 && batchShared > 0),
            String.format(
                Locale.ROOT,
                "%d vs %d units (%s)",
                rtShared,
                batchShared,
                rtShared == 0 ? "none oversold in real time" : ratio(batchShared, rtShared))));
    long slowest = -1;
    String where = "";
    Long engineKnew = null;
    for (HotSku hot : rt.hot()) {
      for (Map.Entry<Marketplace, Long> e : hot.zeroShownAfterMillis().entrySet()) {
        long ms = e.getValue() < 0 ? Long.MAX_VALUE : e.getValue();
        if (ms > slowest) {
          slowest = ms;
          where = hot.sku() + " on " + e.getKey().id();
          engineKnew = hot.engineSawSoldOutAfterMillis();
        }
      }
    }
    String bound =
        engineKnew == null
            ? ""
            : "; the engine had nothing left to sell "
                + engineKnew
                + " ms after the last unit, so "
                + (engineKnew * 2 >= slowest
                    ? "learning of the sales (marketplaces' order APIs) bounded it"
                    : "the pushes (marketplaces' rate limits) bounded it");
    boolean anySoldOut = rt.hot().stream().anyMatch(h -> h.lastUnitSoldAt() != null);
    checks.add(
        new Check(
            "sold-out shown on every marketplace within 2 s of the last unit selling",
            anySoldOut && slowest <= 2_000,
            !anySoldOut
                ? "no hot SKU sold out"
                : slowest == Long.MAX_VALUE
                    ? where + " still showed units at the end"
                    : "slowest " + slowest + " ms (" + where + ")" + bound));
    checks.add(
        new Check(
            "engine never reserves more than on hand (every run)",
            rt.skusOverReserved() == 0 && batch.skusOverReserved() == 0,
            rt.skusOverReserved() + " / " + batch.skusOverReserved() + " SKUs over-reserved"));
    checks.add(
        new Check(
            "every order the engine acknowledged is in it",
            rt.acknowledgedOrdersMissing() == 0 && batch.acknowledgedOrdersMissing() == 0,
            rt.acknowledgedOrdersMissing()
                + " / "
                + batch.acknowledgedOrdersMissing()
                + " acknowledged orders missing"));
    long maxHeapMiB = Runtime.getRuntime().maxMemory() / (1024 * 1024);
    checks.add(
        new Check(
            "heap bounded: under half the maximum heap at every sample",
            rt.heapMaxMiB() * 2 < maxHeapMiB && batch.heapMaxMiB() * 2 < maxHeapMiB,
            String.format(
                Locale.ROOT,
                "at most %d / %d MiB during the load, %d / %d MiB after it (max heap %d MiB)",
                rt.heapMaxMiB(),
                batch.heapMaxMiB(),
                rt.heapAfterMiB(),
                batch.heapAfterMiB(),
                maxHeapMiB)));
    long unexpected =
        rt.errors().entrySet().stream()
            .filter(e -> !designed(e.getKey()))
            .mapToLong(Map.Entry::getValue)
            .sum();
    checks.add(
        new Check(
            "no error other than the designed 503s (and marketplace throttling)",
            unexpected == 0,
            unexpected + " other errors in the real-time run"));
    return checks;
  }

  private static boolean designed(String kind) {
    return kind.contains("answered 503") || kind.startsWith("throttled by");
  }

  static long sharedOversold(Run run) {
    return run.hot().stream()
        .filter(h -> h.rule().equals("shared pool"))
        .mapToLong(HotSku::oversold)
        .sum();
  }

  private static String ratio(long batch, long realtime) {
    return String.format(Locale.ROOT, "%.1fx fewer", (double) batch / realtime);
  }

  static String markdown(Outcome outcome) {
    Settings s = outcome.settings();
    Run rt = outcome.realtime();
    Run batch = outcome.batch();
    StringBuilder md = new StringBuilder();
    md.append("# Live-burst benchmark\n\n");
    md.append("Run ").append(Instant.now()).append(" on ").append(Report.machine()).append(".\n");
    md.append(
        "The engine, the marketplace simulator and the buyers share this one machine and JVM.\n\n");
    md.append("## What ran\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "- %d SKUs listed on all five marketplaces; %d hot SKUs with %d units each, the others"
                + " %d units each.%n"
                + "- %s holds a dedicated quota of %d units of %s; the other hot SKUs share one pool"
                + " across all five channels.%n"
                + "- Buyers arrive at a fixed rate (open model): %s. Of the hot-SKU buyers %.0f %%"
                + " buy on %s, the rest evenly on the other four; cold-SKU buyers spread evenly."
                + " A marketplace sells only what it shows at that moment.%n"
                + "- Orders reach the engine as each marketplace delivers them: webhooks from TikTok"
                + " Shop and Shopify, pulls every %s from Rakuten, Yahoo! Shopping and Amazon (and"
                + " TikTok Shop's order details are read through its API).%n"
                + "- Marketplace rate limits as documented (simulator defaults): %s.%n"
                + "- Run 1: real-time pushes. Run 2: the same engine in batch mode, sending every"
                + " listing once every %s and nothing in between (%s's cadence).%n%n",
            s.skus(),
            s.hotSkus(),
            s.hotStock(),
            s.coldStock(),
            LiveBurstScenario.LIVE.id(),
            s.liveQuota(),
            "HOT-1",
            steps(s),
            s.liveShareOfHot() * 100,
            LiveBurstScenario.LIVE.id(),
            LiveBurstScenario.pretty(s.orderPollInterval()),
            limits(s),
            LiveBurstScenario.pretty(s.batchInterval()),
            "TEMPOSTAR"));

    md.append("## Side by side\n\n");
    md.append("| | ").append(rt.mode()).append(" | ").append(batch.mode()).append(" |\n");
    md.append("|---|---|---|\n");
    row(md, "Oversold units, all SKUs", rt, batch, r -> Long.toString(r.oversoldUnits()));
    row(
        md,
        "Oversold units, shared-pool hot SKUs",
        rt,
        batch,
        r -> Long.toString(sharedOversold(r)));
    row(
        md,
        "Oversold units on the dedicated quota",
        rt,
        batch,
        r -> Long.toString(r.liveQuotaOversold()));
    row(md, "Orders the marketplaces took", rt, batch, r -> Long.toString(r.marketplaceOrders()));
    row(md, "Orders in the engine at the end", rt, batch, r -> Long.toString(r.engineOrders()));
    row(
        md,
        "Orders by status",
        rt,
        batch,
        r -> r.ordersByStatus().toString().replace("{", "").replace("}", ""));
    row(
        md,
        "Orders that had to wait for stock",
        rt,
        batch,
        r ->
            (r.ordersWaitedForStock() < 0 ? "?" : Long.toString(r.ordersWaitedForStock()))
                + " ("
                + r.ordersByStatus().getOrDefault("AWAITING_STOCK", 0L)
                + " still waiting)");
    row(
        md,
        "Acknowledged orders missing",
        rt,
        batch,
        r -> Long.toString(r.acknowledgedOrdersMissing()));
    row(
        md,
        "SKUs with more reserved than on hand",
        rt,
        batch,
        r -> Long.toString(r.skusOverReserved()));
    row(md, "Webhook answer p50 / p95 / p99 ms", rt, batch, r -> pct(r.webhookLatencyMicros()));
    row(
        md,
        "Sale to order in engine p50 / p95 / p99 ms",
        rt,
        batch,
        r -> pct(r.saleToEngineMicros()));
    row(md, "Initial sync of every listing", rt, batch, r -> r.initialSync().toSeconds() + " s");
    row(
        md,
        "Heap used: max during load / after GC",
        rt,
        batch,
        r -> r.heapMaxMiB() + " / " + r.heapAfterMiB() + " MiB");
    row(
        md,
        "Everything imported before the drain ended",
        rt,
        batch,
        r -> r.drained() ? "yes" : "no");
    md.append('\n');

    md.append("## Targets\n\n| Target | Met | Measured |\n|---|---|---|\n");
    for (Check check : checks(outcome)) {
      md.append("| ")
          .append(check.target())
          .append(" | ")
          .append(check.met() ? "yes" : "**no**")
          .append(" | ")
          .append(check.measured())
          .append(" |\n");
    }
    md.append('\n');

    for (Run run : List.of(rt, batch)) {
      md.append("## ").append(run.mode()).append("\n\n");
      md.append("### Buyers per phase\n\n").append(Report.table(run.phases())).append('\n');
      md.append("### Hot SKUs: from the last real unit sold to 0 shown on each marketplace\n\n");
      md.append(
          "\"Engine sold out\" is when the engine itself first had nothing left to sell, after the"
              + " last real unit: the time it took to learn of the sales. The rest, up to each"
              + " marketplace's 0, is the push. \"In shares\" is what channels' shares of the last"
              + " units still set aside at the end: on show at one marketplace, or taken as sold"
              + " there and not placed yet.\n\n");
      md.append("| SKU | Rule | Stock | Sold | Oversold | In shares | Engine sold out |");
      for (Marketplace m : Marketplace.values()) {
        md.append(' ').append(m.id()).append(" |");
      }
      md.append("\n|---|---|---|---|---|---|---|");
      md.append("---|".repeat(Marketplace.values().length)).append('\n');
      for (HotSku hot : run.hot()) {
        md.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %d | %d | %d | %d | %s |",
                hot.sku(),
                hot.rule(),
                hot.stock(),
                hot.sold(),
                hot.oversold(),
                hot.sharedAtEnd(),
                hot.engineSawSoldOutAfterMillis() == null
                    ? "-"
                    : hot.engineSawSoldOutAfterMillis() + " ms"));
        for (Marketplace m : Marketplace.values()) {
          Long ms = hot.zeroShownAfterMillis().get(m);
          String cell =
              hot.lastUnitSoldAt() == null
                  ? "not sold out"
                  : ms == null || ms < 0 ? "still showing" : ms + " ms";
          md.append(' ')
              .append(cell)
              .append(" (sold ")
              .append(hot.soldOn().getOrDefault(m, 0L))
              .append(") |");
        }
        md.append('\n');
      }
      md.append("\n### Channels\n\n");
      md.append(
          "| Marketplace | Sales | Refused (not shown) | Calls | Throttled | Stock calls |"
              + " Stock calls/s | Orders imported |\n");
      md.append("|---|---|---|---|---|---|---|---|\n");
      for (LiveBurstScenario.ChannelResult c : run.channels()) {
        md.append(
            String.format(
                Locale.ROOT,
                "| %s | %d | %d | %d | %d | %d | %.2f | %d of %d |%n",
                c.marketplace().id(),
                c.sales(),
                c.refusedSales(),
                c.calls(),
                c.throttledCalls(),
                c.stockCalls(),
                c.stockCallsPerSecond(),
                c.ordersImported(),
                c.sales()));
      }
      md.append("\n### Errors by kind\n\n");
      if (run.errors().isEmpty()) {
        md.append("None.\n\n");
      } else {
        run.errors()
            .forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        md.append('\n');
      }
    }
    md.append(
        "Oversold units are units the marketplaces sold beyond the real stock of a SKU (sum over"
            + " SKUs of max(0, units sold on all marketplaces - units on hand)). The engine itself"
            + " never holds more than it has: an order beyond stock waits as AWAITING_STOCK.\n");
    return md.toString();
  }

  private static String steps(Settings s) {
    List<String> parts = new ArrayList<>();
    for (LiveBurstScenario.Step step : s.steps()) {
      parts.add(
          String.format(
              Locale.ROOT,
              "%s for %d s (%.0f %% on hot SKUs)",
              step.name(),
              step.duration().toSeconds(),
              step.hotShare() * 100));
    }
    return String.join(", then ", parts);
  }

  private static String limits(Settings s) {
    List<String> parts = new ArrayList<>();
    for (Quota quota : Quota.values()) {
      var limit = s.marketplaces().limit(quota);
      parts.add(
          String.format(
              Locale.ROOT,
              "%s %s/s (burst %d)",
              quota.name().toLowerCase(Locale.ROOT),
              trim(limit.perSecond()),
              limit.burst()));
    }
    return String.join(", ", parts);
  }

  private static String trim(double value) {
    return value == Math.rint(value)
        ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%.4f", value);
  }

  private static void row(
      StringBuilder md, String name, Run rt, Run batch, Function<Run, String> value) {
    md.append("| ")
        .append(name)
        .append(" | ")
        .append(value.apply(rt))
        .append(" | ")
        .append(value.apply(batch))
        .append(" |\n");
  }

  /** p50 / p95 / p99 of a histogram of microseconds, in milliseconds. */
  static String pct(Histogram h) {
    if (h.getTotalCount() == 0) {
      return "-";
    }
    return String.format(
        Locale.ROOT,
        "%.1f / %.1f / %.1f",
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(95) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0);
  }

  static void write(Path dir, Outcome outcome) throws IOException {
    Files.createDirectories(dir);
    String md = markdown(outcome);
    Files.writeString(dir.resolve("live-burst-report.md"), md);
    Files.writeString(dir.resolve("live-burst-report.html"), html(md, outcome));
  }

  private static String html(String md, Outcome outcome) {
    StringBuilder html = new StringBuilder();
    html.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Live-burst benchmark</title><style>")
        .append("body{font-family:sans-serif;margin:2em;max-width:1400px}")
        .append(".runs{display:flex;flex-wrap:wrap;gap:2em}")
        .append("pre{white-space:pre-wrap;background:#f6f6f6;padding:1em}")
        .append("</style></head><body><h1>Live-burst benchmark</h1>");
    html.append(
        "<p>For each hot SKU: the units really left (stock minus units sold on every marketplace;"
            + " below 0 is oversold), what the engine offers, and what each marketplace showed.</p>");
    List<String> skus = outcome.realtime().hot().stream().map(HotSku::sku).toList();
    for (String sku : skus) {
      html.append("<h2>").append(sku).append("</h2><div class=\"runs\">");
      for (Run run : List.of(outcome.realtime(), outcome.batch())) {
        html.append("<figure><figcaption>")
            .append(escape(run.mode()))
            .append("</figcaption>")
            .append(chart(run.samples().stream().filter(x -> x.sku().equals(sku)).toList()))
            .append("</figure>");
      }
      html.append("</div>");
    }
    html.append("<pre>").append(escape(md)).append("</pre></body></html>\n");
    return html.toString();
  }

  private static String chart(List<Sample> samples) {
    int width = 640;
    int height = 320;
    int pad = 40;
    if (samples.isEmpty()) {
      return "<p>No samples.</p>";
    }
    long maxX = samples.get(samples.size() - 1).millis();
    long maxY = 1;
    long minY = 0;
    for (Sample s : samples) {
      maxY = Math.max(maxY, Math.max(s.realLeft(), s.engineAvailable()));
      minY = Math.min(minY, s.realLeft());
      for (long v : s.shown().values()) {
        maxY = Math.max(maxY, v);
      }
    }
    List<String> names = new ArrayList<>(List.of("units really left", "engine available"));
    for (Marketplace m : Marketplace.values()) {
      names.add(m.id() + " shows");
    }
    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " role=\"img\"><rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>",
            width,
            height + 90));
    double sx = (width - 2.0 * pad) / Math.max(1, maxX);
    double sy = (height - 2.0 * pad) / Math.max(1, maxY - minY);
    long zeroY = Math.round(height - pad - (0 - minY) * sy);
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ccc\"/>",
            pad,
            zeroY,
            width - pad,
            zeroY));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" font-size=\"11\">%d</text><text x=\"%d\" y=\"%d\""
                + " font-size=\"11\">%d</text><text x=\"%d\" y=\"%d\" font-size=\"11\">%d s</text>",
            2,
            pad,
            maxY,
            2,
            zeroY,
            0,
            width - pad - 20,
            height - pad + 14,
            maxX / 1000));
    for (int line = 0; line < names.size(); line++) {
      StringBuilder points = new StringBuilder();
      for (Sample s : samples) {
        long y =
            switch (line) {
              case 0 -> s.realLeft();
              case 1 -> s.engineAvailable();
              default -> s.shown().getOrDefault(Marketplace.values()[line - 2], 0L);
            };
        points.append(
            String.format(
                Locale.ROOT, "%.1f,%.1f ", pad + s.millis() * sx, height - pad - (y - minY) * sy));
      }
      svg.append(
          String.format(
              Locale.ROOT,
              "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" points=\"%s\"/>",
              COLOURS[line],
              line == 0 ? "2.5" : "1.5",
              points.toString().trim()));
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\""
                  + " y=\"%d\" font-size=\"12\">%s</text>",
              pad + (line % 3) * 200,
              height + 10 + (line / 3) * 18,
              COLOURS[line],
              pad + (line % 3) * 200 + 14,
              height + 19 + (line / 3) * 18,
              escape(names.get(line))));
    }
    svg.append("</svg>");
    return svg.toString();
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
