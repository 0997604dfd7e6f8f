package io.ecengine.engine.sku;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotPacingTest {

  private static final Instant AT = Instant.parse("2026-12-04T10:00:00Z");

  @Test
  void aSmallLedgerSnapshotsAfterTheMinimumNumberOfRecords() {
    SnapshotPacing pacing = new SnapshotPacing(3);
    pacing.recorded(new SkuEvent.SkuRenamed("a", AT));
    pacing.recorded(new SkuEvent.SkuRenamed("b", AT));
    assertThat(pacing.due(1)).isFalse();
    pacing.recorded(new SkuEvent.SkuRenamed("c", AT));
    assertThat(pacing.due(1)).isTrue();
    assertThat(pacing.recordsSinceSnapshot()).isZero();
    assertThat(pacing.due(1)).isFalse();
  }

  @Test
  void aLargeLedgerWaitsUntilAsManyRecordsAsItHoldsWereWritten() {
    SnapshotPacing pacing = new SnapshotPacing(3);
    pacing.recorded(placed(40));
    assertThat(pacing.due(100)).isFalse();
    pacing.recorded(placed(59));
    assertThat(pacing.due(100)).isFalse();
    pacing.recorded(placed(1));
    assertThat(pacing.due(100)).isTrue();
  }

  @Test
  void eventsCountOneRecordPerHoldTheyName() {
    assertThat(placed(7).records()).isEqualTo(7);
    assertThat(new SkuEvent.HoldsFilled(List.of("r-1", "r-2"), 2, 0, AT).records()).isEqualTo(2);
    assertThat(new SkuEvent.SafetyStockSet(4, AT).records()).isEqualTo(1);
  }

  @Test
  void refusesAMinimumBelowOne() {
    assertThatThrownBy(() -> new SnapshotPacing(0)).isInstanceOf(IllegalArgumentException.class);
  }

  private static SkuEvent.ReservationsPlaced placed(int holds) {
    List<Reservation> reservations = new ArrayList<>();
    for (int i = 0; i < holds; i++) {
      reservations.add(sample("r-" + i));
    }
    return new SkuEvent.ReservationsPlaced(reservations);
  }

  private static Reservation sample(String id) {
    return new Reservation(id, 1, null, null, AT, null, 0, HoldKind.STOCK, 0);
  }
}
