package io.ecengine.loadtest.channels;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Checks call arrival times against a rate limit: in every window of the calls, their number is at
 * most {@code burst + perSecond * (span + jitter)}. The jitter allows for calls sent on time
 * arriving closer together than they were sent (scheduling on a loaded machine); it is far smaller
 * than any overshoot that ignoring the limit would cause.
 */
final class RateLimitCheck {

  static final Duration JITTER = Duration.ofMillis(500);

  private RateLimitCheck() {}

  static void assertWithin(String what, List<Instant> arrivals, double perSecond, int burst) {
    List<Instant> sorted = arrivals.stream().sorted().toList();
    for (int i = 0; i < sorted.size(); i++) {
      for (int j = i; j < sorted.size(); j++) {
        double span = Duration.between(sorted.get(i), sorted.get(j)).toNanos() / 1e9;
        double allowed = burst + perSecond * (span + JITTER.toNanos() / 1e9);
        int calls = j - i + 1;
        if (calls > allowed) {
          assertThat(calls)
              .as(
                  "%s: %d calls between %s and %s (%.3f s), at %.2f/s with a burst of %d",
                  what, calls, sorted.get(i), sorted.get(j), span, perSecond, burst)
              .isLessThanOrEqualTo((int) Math.floor(allowed));
        }
      }
    }
  }
}
