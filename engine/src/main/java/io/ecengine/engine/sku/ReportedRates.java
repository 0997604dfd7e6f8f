package io.ecengine.engine.sku;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The sales rates channels measured of one SKU at their marketplaces (see {@link
 * SkuEntity.ReportRate}), for a short while. Placed holds say how fast the engine learns of sales;
 * these say how fast the marketplaces make them, which differs when a marketplace's orders arrive
 * minutes late. Mutable and not thread-safe: one entity owns it.
 */
final class ReportedRates {

  /** A rate older than this no longer counts. */
  static final Duration FRESH = Duration.ofSeconds(10);

  private record Report(double perSecond, Instant at) {}

  private final Map<String, Report> reports = new HashMap<>();

  void report(String channelId, double perSecond, Instant at) {
    if (channelId == null || !(perSecond >= 0) || Double.isInfinite(perSecond)) {
      return;
    }
    reports.put(channelId, new Report(perSecond, at));
  }

  /**
   * The per-channel rates of placed holds, each raised to what its channel reported lately; a
   * channel that reported but has nothing placed is added.
   */
  Map<String, Double> merge(Map<String, Double> placed, Instant now) {
    Map<String, Double> merged = new HashMap<>(placed);
    reports.entrySet().removeIf(e -> Duration.between(e.getValue().at(), now).compareTo(FRESH) > 0);
    reports.forEach((channel, report) -> merged.merge(channel, report.perSecond(), Math::max));
    return merged;
  }
}
