package io.ecengine.engine.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecengine.engine.channel.PushQueue.Pending;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * The bucket on a simulated clock: it never grants more than {@code burst + rate * T} tokens over a
 * span {@code T}, its {@link TokenBucket#waitFor} is exact, and a burst of stock changes drained
 * through it reaches the marketplace complete within that budget of calls.
 */
class TokenBucketProperties {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  /** A try at some nanoseconds after the previous one; a negative gap pauses for its magnitude. */
  @Property(tries = 1000)
  void neverGrantsMoreThanBurstPlusRateTimesTheSpan(
      @ForAll @DoubleRange(min = 0.05, max = 50) double rate,
      @ForAll @IntRange(min = 1, max = 20) int burst,
      @ForAll("gaps") List<Long> gaps) {
    TokenBucket bucket = new TokenBucket(rate, burst);
    Instant now = T0;
    long granted = 0;

    for (long gap : gaps) {
      if (gap < 0) {
        bucket.pauseUntil(now.plusNanos(-gap));
        continue;
      }
      now = now.plusNanos(gap);
      if (bucket.tryTake(now)) {
        granted++;
      }
    }

    double span = Duration.between(T0, now).toNanos() / 1e9;
    assertThat((double) granted).isLessThanOrEqualTo(burst + rate * span);
  }

  @Property(tries = 1000)
  void aTokenIsThereExactlyWhenWaitForSays(
      @ForAll @DoubleRange(min = 0.05, max = 50) double rate,
      @ForAll @IntRange(min = 1, max = 20) int burst,
      @ForAll("gaps") List<Long> gaps) {
    TokenBucket bucket = new TokenBucket(rate, burst);
    Instant now = T0;
    for (long gap : gaps) {
      if (gap < 0) {
        bucket.pauseUntil(now.plusNanos(-gap));
      } else {
        now = now.plusNanos(gap);
        bucket.tryTake(now);
      }
    }

    Duration wait = bucket.waitFor(now);

    if (!wait.isZero()) {
      assertThat(bucket.tryTake(now.plus(wait).minusNanos(1))).as("one nanosecond early").isFalse();
    }
    assertThat(bucket.tryTake(now.plus(wait))).isTrue();
  }

  @Property(tries = 300)
  void aGreedyCallerGetsTheWholeBudget(
      @ForAll @DoubleRange(min = 0.05, max = 50) double rate,
      @ForAll @IntRange(min = 1, max = 20) int burst,
      @ForAll @IntRange(min = 0, max = 600) int seconds) {
    TokenBucket bucket = new TokenBucket(rate, burst);
    Instant end = T0.plusSeconds(seconds);
    Instant now = T0;
    long granted = 0;

    while (!now.isAfter(end)) {
      if (bucket.tryTake(now)) {
        granted++;
      } else {
        now = now.plus(bucket.waitFor(now));
      }
    }

    // Rounding the interval up to whole nanoseconds may cost at most one token over ten minutes.
    assertThat(granted)
        .isBetween(burst + (long) Math.floor(rate * seconds) - 1, burst + (long) (rate * seconds));
  }

  /**
   * Ten thousand stock changes arrive at once; one actor drains the queue through the bucket,
   * waiting as {@code waitFor} says, and some calls are throttled with a Retry-After.
   */
  @Property(tries = 40)
  void aBurstOfTenThousandChangesDrainsWithinTheCallBudgetAndEndsWithTheLatestQuantities(
      @ForAll @DoubleRange(min = 0.5, max = 10) double rate,
      @ForAll @IntRange(min = 1, max = 10) int burst,
      @ForAll("batchSizes") int batchSize,
      @ForAll @IntRange(min = 100, max = 5_000) int skus,
      @ForAll @IntRange(min = 0, max = 20) int throttlePercent,
      @ForAll long seed) {
    Random random = new Random(seed);
    PushQueue queue = new PushQueue(5);
    TokenBucket bucket = new TokenBucket(rate, burst);
    Map<String, Long> marketplace = new HashMap<>();
    for (int i = 0; i < skus; i += 2) {
      marketplace.put("sku-" + i, (long) random.nextInt(50));
    }
    Map<String, Long> latest = new HashMap<>(marketplace);
    for (int i = 0; i < 10_000; i++) {
      String sku = "sku-" + random.nextInt(skus);
      long quantity = random.nextInt(50);
      queue.offer(sku, quantity, marketplace.getOrDefault(sku, -1L), T0);
      latest.put(sku, quantity);
    }

    Instant now = T0;
    long calls = 0;
    while (queue.size() > 0) {
      now = now.plus(bucket.waitFor(now));
      assertThat(bucket.tryTake(now)).isTrue();
      List<Pending> batch = queue.nextBatch(batchSize);
      calls++;
      if (random.nextInt(100) < throttlePercent) {
        batch.forEach(queue::requeue);
        bucket.pauseUntil(now.plusSeconds(1 + random.nextInt(5)));
        continue;
      }
      batch.forEach(change -> marketplace.put(change.sku(), change.quantity()));
      queue.markSent(batch);
    }

    double span = Duration.between(T0, now).toNanos() / 1e9;
    assertThat((double) calls).isLessThanOrEqualTo(burst + rate * span);
    assertThat(marketplace).isEqualTo(latest);
    assertThat(queue.inFlight()).isZero();
    assertThat(queue.oldestPending()).isEmpty();
  }

  @Provide
  Arbitrary<List<Long>> gaps() {
    Arbitrary<Long> gap =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.just(0L)),
            Tuple.of(6, Arbitraries.longs().between(1, 2_000_000_000L)),
            Tuple.of(1, Arbitraries.longs().between(-10_000_000_000L, -1)));
    return gap.list().ofMaxSize(300);
  }

  @Provide
  Arbitrary<Integer> batchSizes() {
    return Arbitraries.of(1, 7, 50, 250, 400, 1_000);
  }
}
