package io.ecengine.engine.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

  private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

  @Test
  void startsFullThenRefusesUntilTheNextTokenIsDue() {
    TokenBucket bucket = new TokenBucket(2, 3);

    assertThat(bucket.tryTake(T0)).isTrue();
    assertThat(bucket.tryTake(T0)).isTrue();
    assertThat(bucket.tryTake(T0)).isTrue();
    assertThat(bucket.tryTake(T0)).isFalse();
    assertThat(bucket.waitFor(T0)).isEqualTo(Duration.ofMillis(500));
    assertThat(bucket.tryTake(T0.plusMillis(499))).isFalse();
    assertThat(bucket.tryTake(T0.plusMillis(500))).isTrue();
    assertThat(bucket.tryTake(T0.plusMillis(500))).isFalse();
  }

  @Test
  void refillsNoFurtherThanTheBurst() {
    TokenBucket bucket = new TokenBucket(10, 2);
    Instant later = T0.plusSeconds(60);

    assertThat(bucket.tryTake(later)).isTrue();
    assertThat(bucket.tryTake(later)).isTrue();
    assertThat(bucket.tryTake(later)).isFalse();
  }

  @Test
  void aFullBucketNeedsNoWait() {
    TokenBucket bucket = new TokenBucket(1, 1);

    assertThat(bucket.waitFor(T0)).isZero();
    bucket.tryTake(T0);
    assertThat(bucket.waitFor(T0.plusMillis(250))).isEqualTo(Duration.ofMillis(750));
    assertThat(bucket.waitFor(T0.plusSeconds(5))).isZero();
  }

  @Test
  void slowRatesWaitWholeMinutes() {
    // Amazon's getOrders: one call a minute, burst 20.
    TokenBucket bucket = new TokenBucket(1 / 60d, 20);
    for (int i = 0; i < 20; i++) {
      assertThat(bucket.tryTake(T0)).isTrue();
    }

    assertThat(bucket.tryTake(T0)).isFalse();
    assertThat(bucket.waitFor(T0)).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void roundsTheIntervalUpSoItNeverRunsFasterThanTheRate() {
    TokenBucket bucket = new TokenBucket(3, 1);
    bucket.tryTake(T0);

    assertThat(bucket.waitFor(T0)).isEqualTo(Duration.ofNanos(333_333_334));
  }

  @Test
  void pauseRefusesEveryTokenBeforeItsEndThenAllowsOneAtATime() {
    TokenBucket bucket = new TokenBucket(1, 5);
    Instant until = T0.plusSeconds(30);

    bucket.pauseUntil(until);

    assertThat(bucket.tryTake(T0)).isFalse();
    assertThat(bucket.waitFor(T0)).isEqualTo(Duration.ofSeconds(30));
    assertThat(bucket.tryTake(until.minusNanos(1))).isFalse();
    assertThat(bucket.tryTake(until)).isTrue();
    assertThat(bucket.tryTake(until)).as("no burst right after a throttle").isFalse();
    assertThat(bucket.tryTake(until.plusSeconds(1))).isTrue();
  }

  @Test
  void anEarlierPauseDoesNotShortenALaterOne() {
    TokenBucket bucket = new TokenBucket(1, 5);

    bucket.pauseUntil(T0.plusSeconds(30));
    bucket.pauseUntil(T0.plusSeconds(10));

    assertThat(bucket.waitFor(T0)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aPauseInThePastChangesNothing() {
    TokenBucket bucket = new TokenBucket(1, 2);

    bucket.pauseUntil(T0.minusSeconds(100));

    assertThat(bucket.tryTake(T0)).isTrue();
    assertThat(bucket.tryTake(T0)).isTrue();
  }

  @Test
  void aPauseCenturiesAwayDoesNotOverflow() {
    TokenBucket bucket = new TokenBucket(1, 2);

    bucket.pauseUntil(T0.plus(Duration.ofDays(365L * 400)));

    assertThat(bucket.tryTake(T0)).isFalse();
  }

  @Test
  void rejectsRatesAndBurstsThatCannotWork() {
    assertThatThrownBy(() -> new TokenBucket(0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucket(-1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucket(Double.NaN, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucket(Double.POSITIVE_INFINITY, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucket(1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucket(1e-12, 1_000))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
