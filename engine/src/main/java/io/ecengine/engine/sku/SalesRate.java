package io.ecengine.engine.sku;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * How fast a SKU sells: the units of the holds placed over the last {@link #WINDOW}, per second and
 * per channel. It tells a channel that a shared pool is about to run out within seconds, which is
 * when showing the same units on every marketplace turns into overselling them.
 *
 * <p>Kept in memory from the holds as they are placed (and replayed), in one-second buckets, so a
 * read costs at most a few dozen buckets however hot the SKU is. Mutable; one ledger owns it.
 */
final class SalesRate {

  /** How far back a rate looks. Short, so that it follows a live stream's bursts. */
  static final Duration WINDOW = Duration.ofSeconds(5);

  // Epoch second -> units placed in it, per channel id ("" for holds without one).
  private final TreeMap<Long, Map<String, Long>> buckets = new TreeMap<>();

  /** Counts {@code units} placed at {@code at}; buckets far older than the newest are dropped. */
  void record(Instant at, String channelId, long units) {
    if (at == null || units <= 0) {
      return;
    }
    long second = at.getEpochSecond();
    buckets
        .computeIfAbsent(second, s -> new HashMap<>())
        .merge(channelId == null ? "" : channelId, units, Long::sum);
    // Holds arrive in time order, so the newest bucket is the one to measure the window from.
    long oldest = buckets.lastKey() - WINDOW.toSeconds();
    buckets.headMap(oldest, false).clear();
  }

  /** Units per second placed over the window before {@code now}, for all channels together. */
  double perSecond(Instant now) {
    return units(now, null) / (double) WINDOW.toSeconds();
  }

  /** Units per second placed for one channel over the window before {@code now}. */
  double perSecond(Instant now, String channelId) {
    return units(now, channelId == null ? "" : channelId) / (double) WINDOW.toSeconds();
  }

  /** Units per second placed over the window before {@code now}, per channel id that sold. */
  Map<String, Double> perSecondByChannel(Instant now) {
    Map<String, Long> units = new HashMap<>();
    long to = now.getEpochSecond();
    for (Map<String, Long> bucket :
        buckets.subMap(to - WINDOW.toSeconds(), false, to, true).values()) {
      bucket.forEach((channel, n) -> units.merge(channel, n, Long::sum));
    }
    Map<String, Double> rates = new HashMap<>();
    units.forEach(
        (channel, n) -> {
          if (!channel.isEmpty()) {
            rates.put(channel, n / (double) WINDOW.toSeconds());
          }
        });
    return rates;
  }

  private long units(Instant now, String channelOrAll) {
    long to = now.getEpochSecond();
    long total = 0;
    // The current second counts, and so the window spans WINDOW seconds before it, not after.
    for (Map<String, Long> bucket :
        buckets.subMap(to - WINDOW.toSeconds(), false, to, true).values()) {
      if (channelOrAll == null) {
        for (long units : bucket.values()) {
          total += units;
        }
      } else {
        total += bucket.getOrDefault(channelOrAll, 0L);
      }
    }
    return total;
  }

  SalesRate copy() {
    SalesRate c = new SalesRate();
    buckets.forEach((second, bucket) -> c.buckets.put(second, new HashMap<>(bucket)));
    return c;
  }
}
