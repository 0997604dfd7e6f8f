package io.ecengine.engine.channel;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A rate limit for calls to one marketplace account: up to {@code burst} calls at once, then one
 * every {@code 1 / ratePerSecond} seconds. The caller passes the time in, so tests run on a
 * simulated clock and the owning actor decides when to wake up ({@link #waitFor}).
 *
 * <p>It keeps the time at which the bucket would next be full rather than a fractional token count
 * (the "generic cell rate algorithm"), all in whole nanoseconds with the interval between tokens
 * rounded up, so that rounding can only make it slower than the rate, never faster: over any span
 * {@code T} it grants at most {@code burst + ratePerSecond * T} tokens. It starts full.
 *
 * <p>Mutable and not thread-safe: one actor owns it.
 */
public final class TokenBucket {

  private static final double NANOS_PER_SECOND = 1_000_000_000d;

  private final double ratePerSecond;
  private final int burst;
  private final long intervalNanos;
  private final long toleranceNanos;

  // When the bucket would be full again if nothing more were taken; null until first used, which
  // counts as full. A token may be taken while this is at most toleranceNanos ahead of now.
  private Instant fullAt;

  public TokenBucket(double ratePerSecond, int burst) {
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException("rate must be positive and finite, was " + ratePerSecond);
    }
    if (burst < 1) {
      throw new IllegalArgumentException("burst must be at least 1, was " + burst);
    }
    double exact = NANOS_PER_SECOND / ratePerSecond;
    if (exact >= Long.MAX_VALUE / burst) {
      throw new IllegalArgumentException("rate " + ratePerSecond + " is too slow to represent");
    }
    long interval = Math.max(1, (long) Math.ceil(exact));
    // Guards against the division rounding the interval below 1 / rate.
    while (interval * ratePerSecond < NANOS_PER_SECOND) {
      interval++;
    }
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.intervalNanos = interval;
    this.toleranceNanos = Math.multiplyExact(interval, (long) burst - 1);
  }

  public double ratePerSecond() {
    return ratePerSecond;
  }

  public int burst() {
    return burst;
  }

  /** Takes one token if there is one at {@code now}. */
  public boolean tryTake(Instant now) {
    Objects.requireNonNull(now, "now");
    Instant from = fullAt == null || fullAt.isBefore(now) ? now : fullAt;
    if (nanosBetween(now, from) > toleranceNanos) {
      return false;
    }
    fullAt = from.plusNanos(intervalNanos);
    return true;
  }

  /** How long from {@code now} until a token can be taken; zero when one can be taken now. */
  public Duration waitFor(Instant now) {
    Objects.requireNonNull(now, "now");
    if (fullAt == null) {
      return Duration.ZERO;
    }
    long ahead = nanosBetween(now, fullAt);
    return ahead <= toleranceNanos ? Duration.ZERO : Duration.ofNanos(ahead - toleranceNanos);
  }

  /**
   * No token before {@code until}, as a throttled marketplace asks (Retry-After). At {@code until}
   * the bucket holds one token and refills at the rate from there, instead of allowing a full
   * burst: marketplaces often throttle below their documented rate, and a burst right after a
   * throttle is the likeliest call to be throttled again. An earlier {@code until} than a pause
   * already in force changes nothing.
   */
  public void pauseUntil(Instant until) {
    Objects.requireNonNull(until, "until");
    Instant pausedFullAt = until.plusNanos(toleranceNanos);
    if (fullAt == null || fullAt.isBefore(pausedFullAt)) {
      fullAt = pausedFullAt;
    }
  }

  // Saturates instead of overflowing, for pauses centuries away.
  private static long nanosBetween(Instant from, Instant to) {
    try {
      return Duration.between(from, to).toNanos();
    } catch (ArithmeticException tooFar) {
      return from.isBefore(to) ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
  }
}
