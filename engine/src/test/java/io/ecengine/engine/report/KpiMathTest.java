package io.ecengine.engine.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ecengine.engine.report.KpiMath.BurstRule;
import io.ecengine.engine.report.KpiMath.LeadTimes;
import io.ecengine.engine.report.KpiMath.MinuteCount;
import io.ecengine.engine.report.KpiMath.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KpiMathTest {

  private static final Duration DAY = Duration.ofHours(24);
  private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

  @Test
  void leadTimesCountTheTargetItselfAsWithin() {
    LeadTimes stats =
        KpiMath.leadTimes(
            List.of(Duration.ofHours(2), Duration.ofHours(24), Duration.ofHours(30)), DAY);
    assertThat(stats.orders()).isEqualTo(3);
    assertThat(stats.withinTarget()).isEqualTo(2);
    assertThat(stats.shareWithinTarget()).isCloseTo(2.0 / 3, within(1e-9));
    assertThat(stats.mean()).isEqualTo(Duration.ofHours(56).dividedBy(3));
    assertThat(stats.median()).isEqualTo(Duration.ofHours(24));
    assertThat(stats.max()).isEqualTo(Duration.ofHours(30));
  }

  @Test
  void percentilesAreNearestRankOverTheSortedLeadTimes() {
    List<Duration> tenOrders =
        List.of(10L, 1L, 9L, 2L, 8L, 3L, 7L, 4L, 6L, 5L).stream().map(Duration::ofHours).toList();
    LeadTimes stats = KpiMath.leadTimes(tenOrders, DAY);
    assertThat(stats.median()).isEqualTo(Duration.ofHours(5));
    assertThat(stats.p90()).isEqualTo(Duration.ofHours(9));
    assertThat(KpiMath.leadTimes(List.of(Duration.ofMinutes(7)), DAY).p90())
        .isEqualTo(Duration.ofMinutes(7));
  }

  @Test
  void noShippedOrderGivesNoShareRatherThanZero() {
    LeadTimes stats = KpiMath.leadTimes(List.of(), DAY);
    assertThat(stats.orders()).isZero();
    assertThat(stats.shareWithinTarget()).isNull();
    assertThat(stats.median()).isNull();
  }

  @Test
  void aShipmentStampedBeforeItsOrderCountsAsImmediate() {
    LeadTimes stats = KpiMath.leadTimes(List.of(Duration.ofSeconds(-3)), DAY);
    assertThat(stats.max()).isEqualTo(Duration.ZERO);
    assertThat(stats.withinTarget()).isEqualTo(1);
  }

  @Test
  void rateOfNothingIsUndefined() {
    assertThat(KpiMath.rate(3, 100)).isEqualTo(0.03);
    assertThat(KpiMath.rate(0, 0)).isNull();
  }

  @Test
  void averageOnHandWeighsEachLevelByHowLongItLasted() {
    Instant to = T0.plus(DAY);
    // 10 units for 6 hours, 40 for 12 hours, 0 for the last 6: (60 + 480 + 0) / 24 = 22.5
    double average =
        KpiMath.timeWeightedAverage(
            10,
            List.of(
                new Step(T0.plus(Duration.ofHours(6)), 40), new Step(T0.plusSeconds(18 * 3600), 0)),
            T0,
            to);
    assertThat(average).isCloseTo(22.5, within(1e-9));
  }

  @Test
  void averageOnHandWithoutChangesIsTheOpeningLevel() {
    assertThat(KpiMath.timeWeightedAverage(7, List.of(), T0, T0.plus(DAY))).isEqualTo(7.0);
  }

  @Test
  void stepsAfterThePeriodAreIgnoredAndSkewedStepsDoNotCountBackwards() {
    Instant to = T0.plus(Duration.ofHours(10));
    double average =
        KpiMath.timeWeightedAverage(
            0,
            List.of(
                new Step(T0.plus(Duration.ofHours(5)), 10),
                new Step(T0.plus(Duration.ofHours(4)), 20),
                new Step(to.plusSeconds(1), 1000)),
            T0,
            to);
    // 0 for 5 h, then 10 for no time (the skewed step lands on the same moment), then 20 for 5 h.
    assertThat(average).isCloseTo(10.0, within(1e-9));
  }

  @Test
  void anEmptyPeriodIsRefused() {
    assertThatThrownBy(() -> KpiMath.timeWeightedAverage(1, List.of(), T0, T0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void turnoverIsUnitsShippedOverAverageOnHand() {
    assertThat(KpiMath.turnover(45, 22.5)).isEqualTo(2.0);
    assertThat(KpiMath.turnover(45, 0)).isNull();
  }

  @Test
  void burstIsAMinuteFarAboveTheUsualRate() {
    long[] orders = {2, 3, 2, 2, 3, 40, 45, 3, 4};
    boolean[] bursts = KpiMath.bursts(orders, BurstRule.DEFAULT);
    assertThat(bursts).containsExactly(false, false, false, false, false, true, true, false, false);
  }

  @Test
  void burstNeedsTheFloorSoAQuietShopDoesNotFlicker() {
    long[] orders = {0, 1, 0, 4};
    assertThat(KpiMath.bursts(orders, BurstRule.DEFAULT)).containsOnly(false);
    assertThat(KpiMath.bursts(new long[] {0, 0, 5}, BurstRule.DEFAULT))
        .containsExactly(false, false, true);
  }

  @Test
  void theMedianBaselineIsNotRaisedByOneEarlierBurst() {
    long[] orders = {3, 3, 60, 3, 3, 12};
    assertThat(KpiMath.bursts(orders, BurstRule.DEFAULT)[5]).isTrue();
  }

  @Test
  void perMinuteFillsQuietMinutesAndDropsOutsideCounts() {
    Instant now = T0.plusSeconds(5 * 60 + 30);
    List<MinuteCount> series =
        KpiMath.perMinute(
            List.of(
                new MinuteCount(T0.plusSeconds(3 * 60), 4),
                new MinuteCount(T0.plusSeconds(3 * 60), 1),
                new MinuteCount(T0.plusSeconds(5 * 60), 2),
                new MinuteCount(T0.minusSeconds(60), 99)),
            now,
            4);
    assertThat(series).extracting(MinuteCount::orders).containsExactly(0L, 5L, 0L, 2L);
    assertThat(series.get(0).minute()).isEqualTo(T0.plusSeconds(2 * 60));
  }

  @Test
  void minutesAreCutOnTheUtcMinute() {
    assertThat(KpiMath.truncateToMinute(Instant.parse("2026-06-01T10:15:59.999Z")))
        .isEqualTo(Instant.parse("2026-06-01T10:15:00Z"));
    assertThat(KpiMath.truncateToMinute(Instant.parse("1969-12-31T23:59:30Z")))
        .isEqualTo(Instant.parse("1969-12-31T23:59:00Z"));
  }
}
