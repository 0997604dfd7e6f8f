package io.ecengine.loadtest;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Writes a benchmark's results as Markdown and as an HTML page with a bar chart. */
final class Report {

  private Report() {}

  static String machine() {
    String cpu = "unknown CPU";
    try {
      cpu =
          Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
              .filter(l -> l.startsWith("model name"))
              .map(l -> l.substring(l.indexOf(':') + 1).trim())
              .findFirst()
              .orElse(cpu);
    } catch (IOException | RuntimeException e) {
      // Not Linux: the CPU model stays unknown.
    }
    long memory =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize()
            / (1024 * 1024 * 1024);
    return String.format(
        Locale.ROOT,
        "%d cores (%s), %d GiB RAM, Java %s, %s, max heap %d MiB",
        Runtime.getRuntime().availableProcessors(),
        cpu,
        memory,
        System.getProperty("java.version"),
        System.getProperty("os.name"),
        Runtime.getRuntime().maxMemory() / (1024 * 1024));
  }

  static String table(List<LoadResult> phases) {
    StringBuilder md = new StringBuilder();
    md.append("| Phase | Clients | Calls/s | p50 ms | p95 ms | p99 ms | max ms | Outcomes |\n");
    md.append("|---|---|---|---|---|---|---|---|\n");
    for (LoadResult p : phases) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %.0f | %.2f | %.2f | %.2f | %.2f | %s |%n",
              p.name(),
              p.clients() == 0 ? "open" : Integer.toString(p.clients()),
              p.perSecond(),
              p.percentileMillis(50),
              p.percentileMillis(95),
              p.percentileMillis(99),
              p.latencyMicros().getMaxValue() / 1000.0,
              p.sortedOutcomes()));
    }
    return md.toString();
  }

  static void write(
      Path dir, String name, String title, String markdownBody, List<LoadResult> phases)
      throws IOException {
    Files.createDirectories(dir);
    String md =
        "# "
            + title
            + "\n\n"
            + "Run "
            + Instant.now()
            + " on "
            + machine()
            + ".\n\n"
            + markdownBody;
    Files.writeString(dir.resolve(name + ".md"), md);
    Files.writeString(dir.resolve(name + ".html"), html(title, md, phases));
  }

  private static String html(String title, String md, List<LoadResult> phases) {
    double max = phases.stream().mapToDouble(LoadResult::perSecond).max().orElse(1);
    int barHeight = 28;
    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns='http://www.w3.org/2000/svg' width='900' height='%d'>",
            phases.size() * (barHeight + 12) + 10));
    for (int i = 0; i < phases.size(); i++) {
      LoadResult p = phases.get(i);
      double width = 560 * p.perSecond() / max;
      int y = 10 + i * (barHeight + 12);
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x='0' y='%d' font-size='13'>%s</text>"
                  + "<rect x='250' y='%d' width='%.1f' height='%d' fill='#3b7dd8'/>"
                  + "<text x='%.1f' y='%d' font-size='13'>%.0f/s, p99 %.1f ms</text>",
              y + 18,
              escape(p.name()),
              y,
              width,
              barHeight,
              256 + width,
              y + 18,
              p.perSecond(),
              p.percentileMillis(99)));
    }
    svg.append("</svg>");
    String body = md.lines().map(Report::escape).collect(Collectors.joining("\n"));
    return "<!doctype html><html><head><meta charset='utf-8'><title>"
        + escape(title)
        + "</title></head><body style='font-family:sans-serif'><h1>"
        + escape(title)
        + "</h1><h2>Throughput</h2>"
        + svg
        + "<h2>Details</h2><pre>"
        + body
        + "</pre></body></html>";
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
