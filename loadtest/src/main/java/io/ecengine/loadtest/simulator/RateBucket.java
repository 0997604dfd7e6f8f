package io.ecengine.loadtest.simulator;

import java.time.Duration;

/**
 * A token bucket as a marketplace keeps it: {@code capacity} tokens at most, refilled at {@code
 * perSecond}, starting full. A call that finds too few tokens takes none, so over any span {@code
 * T} the bucket grants at most {@code capacity + perSecond * T}. Thread-safe.
 */
final class RateBucket {

  private final double perSecond;
  private final double capacity;
  private double tokens;
  private long updatedNanos;

  RateBucket(double perSecond, double capacity, long nowNanos) {
    if (!(perSecond > 0) || !(capacity >= 1)) {
      throw new IllegalArgumentException("A rate limit needs a positive rate and a burst of 1+");
    }
    this.perSecond = perSecond;
    this.capacity = capacity;
    this.tokens = capacity;
    this.updatedNanos = nowNanos;
  }

  double perSecond() {
    return perSecond;
  }

  double capacity() {
    return capacity;
  }

  /** Takes {@code cost} tokens; null when taken, otherwise how long until they would be there. */
  synchronized Duration tryTake(double cost, long nowNanos) {
    refill(nowNanos);
    if (tokens >= cost) {
      tokens -= cost;
      return null;
    }
    long waitNanos = (long) Math.ceil((cost - tokens) / perSecond * 1e9);
    return Duration.ofNanos(Math.max(1, waitNanos));
  }

  /** Gives tokens back (Shopify refunds the part of a query's cost it did not use). */
  synchronized void refund(double amount, long nowNanos) {
    refill(nowNanos);
    tokens = Math.min(capacity, tokens + amount);
  }

  synchronized double available(long nowNanos) {
    refill(nowNanos);
    return tokens;
  }

  private void refill(long nowNanos) {
    long elapsed = nowNanos - updatedNanos;
    if (elapsed > 0) {
      tokens = Math.min(capacity, tokens + elapsed / 1e9 * perSecond);
      updatedNanos = nowNanos;
    }
  }
}
