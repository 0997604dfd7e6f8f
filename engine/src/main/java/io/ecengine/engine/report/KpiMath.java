package io.ecengine.engine.report;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The arithmetic behind the operations reports, free of storage and time sources so that every
 * figure can be checked by hand: lead-time statistics, rates against a target, the time-weighted
 * average of a stock level, turnover, and the burst marker on orders per minute.
 */
public final class KpiMath {

  private KpiMath() {}

  /**
   * How long orders took from placement to shipment. Percentiles are nearest-rank (the smallest
   * lead time that at least p % of the orders do not exceed), so each is one order's real figure.
   * All durations are null when no order shipped.
   */
  public record LeadTimes(
      long orders,
      long withinTarget,
      Double shareWithinTarget,
      Duration target,
      Duration mean,
      Duration median,
      Duration p90,
      Duration max) {}

  /**
   * Summarizes lead times against {@code target}; a lead time equal to the target counts as within
   * it. Negative lead times (a shipment stamped before its order, from clock skew between nodes)
   * count as zero.
   */
  public static LeadTimes leadTimes(List<Duration> leadTimes, Duration target) {
    if (leadTimes.isEmpty()) {
      return new LeadTimes(0, 0, null, target, null, null, null, null);
    }
    long[] millis = leadTimes.stream().mapToLong(d -> Math.max(0, d.toMillis())).sorted().toArray();
    long within = Arrays.stream(millis).filter(m -> m <= target.toMillis()).count();
    long sum = 0;
    for (long m : millis) {
      sum += m;
    }
    return new LeadTimes(
        millis.length,
        within,
        (double) within / millis.length,
        target,
        Duration.ofMillis(Math.round((double) sum / millis.length)),
        Duration.ofMillis(nearestRank(millis, 50)),
        Duration.ofMillis(nearestRank(millis, 90)),
        Duration.ofMillis(millis[millis.length - 1]));
  }

  /** The nearest-rank percentile of sorted values: the value at rank ceil(p/100 × n). */
  static long nearestRank(long[] sorted, int percent) {
    int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  /** {@code part / whole}, or null when {@code whole} is 0 (a rate of nothing is not 0 %). */
  public static Double rate(long part, long whole) {
    if (whole <= 0) {
      return null;
    }
    return (double) part / whole;
  }

  /** One change of a stock level: from {@code at} on, the level is {@code levelAfter}. */
  public record Step(Instant at, long levelAfter) {}

  /**
   * The time-weighted average of a stock level over {@code [from, to)}: the level is {@code
   * opening} at {@code from} and changes at each step (steps outside the period are ignored; steps
   * must be in the order they happened). Each level counts for as long as it lasted, so 10 units
   * for the first half of a day and 0 for the second half average 5, however many changes there
   * were. A step stamped earlier than the one before it (clock skew) is taken as happening at the
   * same moment as that one.
   */
  public static double timeWeightedAverage(
      long opening, List<Step> steps, Instant from, Instant to) {
    if (!to.isAfter(from)) {
      throw new IllegalArgumentException("The period must end after it starts");
    }
    double area = 0;
    long level = opening;
    Instant since = from;
    for (Step step : steps) {
      Instant at = step.at();
      if (at.isBefore(since)) {
        at = since;
      }
      if (!at.isBefore(to)) {
        break;
      }
      area += (double) level * millisBetween(since, at);
      level = step.levelAfter();
      since = at;
    }
    area += (double) level * millisBetween(since, to);
    return area / millisBetween(from, to);
  }

  private static long millisBetween(Instant a, Instant b) {
    return Duration.between(a, b).toMillis();
  }

  /**
   * Inventory turnover over a period: units that left stock by shipment divided by the average
   * stock on hand. Null when nothing was on hand on average, where turnover is undefined.
   */
  public static Double turnover(long unitsShipped, double averageOnHand) {
    if (averageOnHand <= 0) {
      return null;
    }
    return unitsShipped / averageOnHand;
  }

  /** How a burst is recognised in orders per minute. */
  public record BurstRule(int baselineMinutes, double factor, long minimumOrders) {
    /** Three times the usual rate, judged on the previous 15 minutes, and at least 5 orders. */
    public static final BurstRule DEFAULT = new BurstRule(15, 3.0, 5);

    public BurstRule {
      if (baselineMinutes < 1 || factor <= 1 || minimumOrders < 1) {
        throw new IllegalArgumentException(
            "A burst needs a baseline, a factor above 1 and a floor");
      }
    }
  }

  /**
   * Marks each minute that is a burst: its orders are at least {@code factor} times the median of
   * the {@code baselineMinutes} minutes before it (fewer at the start of the series), and at least
   * {@code minimumOrders}. The median rather than the mean keeps one earlier burst from raising the
   * bar for the next; the floor keeps a quiet shop's 1 → 3 orders from counting as a burst.
   */
  public static boolean[] bursts(long[] ordersPerMinute, BurstRule rule) {
    boolean[] burst = new boolean[ordersPerMinute.length];
    for (int i = 0; i < ordersPerMinute.length; i++) {
      long orders = ordersPerMinute[i];
      if (orders < rule.minimumOrders()) {
        continue;
      }
      int start = Math.max(0, i - rule.baselineMinutes());
      long[] before = Arrays.copyOfRange(ordersPerMinute, start, i);
      double baseline = before.length == 0 ? 0 : median(before);
      burst[i] = orders >= rule.factor() * baseline;
    }
    return burst;
  }

  static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
  }

  /** The orders of one minute, as stored by minute start. */
  public record MinuteCount(Instant minute, long orders) {}

  /**
   * A dense series of {@code minutes} minutes ending with the minute that holds {@code now}:
   * minutes without orders are 0, and counts outside the series are ignored.
   */
  public static List<MinuteCount> perMinute(List<MinuteCount> counts, Instant now, int minutes) {
    Instant last = truncateToMinute(now);
    Instant first = last.minus(Duration.ofMinutes(minutes - 1L));
    long[] series = new long[minutes];
    for (MinuteCount count : counts) {
      Instant minute = truncateToMinute(count.minute());
      if (minute.isBefore(first) || minute.isAfter(last)) {
        continue;
      }
      series[(int) Duration.between(first, minute).toMinutes()] += count.orders();
    }
    List<MinuteCount> out = new ArrayList<>(minutes);
    for (int i = 0; i < minutes; i++) {
      out.add(new MinuteCount(first.plus(Duration.ofMinutes(i)), series[i]));
    }
    return out;
  }

  /** The start of the minute (UTC) that holds {@code at}. */
  public static Instant truncateToMinute(Instant at) {
    return Instant.ofEpochSecond(Math.floorDiv(at.getEpochSecond(), 60) * 60);
  }
}
