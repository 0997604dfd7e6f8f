package io.ecengine.loadtest.cluster;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds; the scenarios' way to wait for the cluster, never a sleep. */
final class Poll {

  private static final Duration INTERVAL = Duration.ofMillis(200);

  private Poll() {}

  /** Waits until {@code condition} is true and returns how long that took. */
  static Duration until(String what, Duration timeout, BooleanSupplier condition) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (true) {
      boolean met;
      try {
        met = condition.getAsBoolean();
      } catch (RuntimeException e) {
        met = false;
      }
      if (met) {
        return Duration.ofNanos(System.nanoTime() - start);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Timed out after " + timeout + " waiting for " + what);
      }
      pause(INTERVAL);
    }
  }

  /** Pauses the calling load thread, for pacing and back-off (never to wait for a result). */
  static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }
}
