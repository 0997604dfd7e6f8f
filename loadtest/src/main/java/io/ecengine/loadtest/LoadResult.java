package io.ecengine.loadtest;

import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/** What one load phase measured: completed calls, outcome counts and latency in microseconds. */
public record LoadResult(
    String name,
    int clients,
    double seconds,
    long completed,
    Map<String, Long> outcomes,
    Histogram latencyMicros) {

  public double perSecond() {
    return completed / seconds;
  }

  public double percentileMillis(double percentile) {
    return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
  }

  public Map<String, Long> sortedOutcomes() {
    return new TreeMap<>(outcomes);
  }

  public String summary() {
    return String.format(
        "%-28s %8.0f/s  p50 %7.2f ms  p95 %7.2f ms  p99 %7.2f ms  max %8.2f ms  %s",
        name,
        perSecond(),
        percentileMillis(50),
        percentileMillis(95),
        percentileMillis(99),
        latencyMicros.getMaxValue() / 1000.0,
        sortedOutcomes());
  }
}
