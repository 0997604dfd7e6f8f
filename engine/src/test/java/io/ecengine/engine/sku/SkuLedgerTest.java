package io.ecengine.engine.sku;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecengine.engine.sku.SkuEvent.ReservationExpired;
import io.ecengine.engine.sku.SkuEvent.ReservationsPlaced;
import io.ecengine.engine.sku.SkuEvent.SkuDefined;
import io.ecengine.engine.sku.SkuEvent.SkuRenamed;
import io.ecengine.engine.sku.SkuEvent.StockAdjusted;
import io.ecengine.engine.sku.SkuOutcome.Done;
import io.ecengine.engine.sku.SkuOutcome.Rejected;
import io.ecengine.engine.sku.SkuOutcome.Rejection;
import io.ecengine.engine.sku.SkuRequest.Adjust;
import io.ecengine.engine.sku.SkuRequest.Commit;
import io.ecengine.engine.sku.SkuRequest.Define;
import io.ecengine.engine.sku.SkuRequest.Release;
import io.ecengine.engine.sku.SkuRequest.Reserve;
import io.ecengine.engine.sku.SkuRequest.SetSafetyStock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SkuLedgerTest {

  private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

  private SkuLedger ledger;

  @BeforeEach
  void newLedger() {
    ledger = SkuLedger.empty();
  }

  /** Decides the requests as one batch and applies the resulting events, like the entity does. */
  private List<SkuOutcome> run(Instant now, SkuRequest... requests) {
    SkuLedger.Batch batch = ledger.decideAll(List.of(requests), now);
    batch.events().forEach(ledger::apply);
    return batch.outcomes();
  }

  private SkuOutcome runOne(SkuRequest request) {
    return run(T0, request).get(0);
  }

  private void defineWithStock(long onHand) {
    runOne(new Define("Blue mug"));
    runOne(new Adjust("initial", onHand, AdjustmentReason.RECEIPT));
  }

  private static Reserve reserve(String id, long quantity) {
    return new Reserve(id, quantity, "shop-a", null);
  }

  private static Done done(SkuOutcome outcome) {
    assertThat(outcome).isInstanceOf(Done.class);
    return (Done) outcome;
  }

  private static Rejected rejected(SkuOutcome outcome, Rejection reason) {
    assertThat(outcome).isInstanceOf(Rejected.class);
    Rejected rejected = (Rejected) outcome;
    assertThat(rejected.reason()).isEqualTo(reason);
    return rejected;
  }

  @Test
  void definesSkuOnceAndRenamesItWhenDefinedAgainWithAnotherName() {
    SkuLedger.Batch first = ledger.decideAll(List.of(new Define("Blue mug")), T0);
    assertThat(first.events()).containsExactly(new SkuDefined("Blue mug", T0));
    first.events().forEach(ledger::apply);
    assertThat(done(first.outcomes().get(0)).created()).isTrue();
    assertThat(ledger.isDefined()).isTrue();

    SkuLedger.Batch same = ledger.decideAll(List.of(new Define("Blue mug")), T0);
    assertThat(same.events()).isEmpty();
    assertThat(done(same.outcomes().get(0)).created()).isFalse();

    SkuLedger.Batch rename = ledger.decideAll(List.of(new Define("Navy mug")), T0);
    assertThat(rename.events()).containsExactly(new SkuRenamed("Navy mug", T0));
    rename.events().forEach(ledger::apply);
    assertThat(ledger.levels().name()).isEqualTo("Navy mug");
  }

  @Test
  void adjustsOnHandUpAndDown() {
    defineWithStock(10);

    Done up = done(runOne(new Adjust("a-1", 5, AdjustmentReason.RECEIPT)));
    assertThat(up.levels().onHand()).isEqualTo(15);
    assertThat(up.created()).isTrue();

    Done down = done(runOne(new Adjust("a-2", -12, AdjustmentReason.DAMAGE)));
    assertThat(down.levels()).isEqualTo(new Levels("Blue mug", 3, 0, 0, 3));
  }

  @Test
  void retriedAdjustmentIsAnsweredWithItsFirstLevelsAndAppliedOnce() {
    defineWithStock(10);
    Done first = done(runOne(new Adjust("a-1", 5, AdjustmentReason.RECEIPT)));
    runOne(new Adjust("a-2", 1, AdjustmentReason.COUNT));

    SkuLedger.Batch retry =
        ledger.decideAll(List.of(new Adjust("a-1", 5, AdjustmentReason.RECEIPT)), T0);

    assertThat(retry.events()).isEmpty();
    Done answer = done(retry.outcomes().get(0));
    assertThat(answer.created()).isFalse();
    assertThat(answer.levels()).isEqualTo(first.levels());
    assertThat(ledger.onHand()).isEqualTo(16);
  }

  @Test
  void adjustmentIdReusedWithAnotherBodyIsRejected() {
    defineWithStock(10);
    runOne(new Adjust("a-1", 5, AdjustmentReason.RECEIPT));

    rejected(runOne(new Adjust("a-1", 6, AdjustmentReason.RECEIPT)), Rejection.ID_REUSED);
    rejected(runOne(new Adjust("a-1", 5, AdjustmentReason.COUNT)), Rejection.ID_REUSED);
    assertThat(ledger.onHand()).isEqualTo(15);
  }

  @Test
  void rejectsAdjustmentBelowReservedAndChangesNothing() {
    defineWithStock(10);
    runOne(reserve("r-1", 7));
    Levels before = ledger.levels();

    SkuLedger.Batch batch =
        ledger.decideAll(List.of(new Adjust("a-1", -4, AdjustmentReason.DAMAGE)), T0);

    assertThat(batch.events()).isEmpty();
    Rejected rejected = rejected(batch.outcomes().get(0), Rejection.BELOW_RESERVED);
    assertThat(rejected.levels()).isEqualTo(before);
    assertThat(ledger.levels()).isEqualTo(before);
    // The rejected id is not remembered, so a corrected request with the same id is accepted.
    assertThat(done(runOne(new Adjust("a-1", -3, AdjustmentReason.DAMAGE))).created()).isTrue();
    assertThat(ledger.levels()).isEqualTo(new Levels("Blue mug", 7, 7, 0, 0));
  }

  @Test
  void reservesWithinAvailable() {
    defineWithStock(10);

    SkuLedger.Batch batch = ledger.decideAll(List.of(reserve("r-1", 4)), T0);
    batch.events().forEach(ledger::apply);

    Done done = done(batch.outcomes().get(0));
    assertThat(done.created()).isTrue();
    assertThat(done.reservation())
        .isEqualTo(new Reservation("r-1", 4, "shop-a", null, T0, null, 6));
    assertThat(done.levels()).isEqualTo(new Levels("Blue mug", 10, 4, 0, 6));
    assertThat(ledger.activeReservations()).containsOnlyKeys("r-1");
  }

  @Test
  void reservesExactlyAllThatIsAvailable() {
    defineWithStock(10);

    assertThat(done(runOne(reserve("r-1", 10))).levels().available()).isZero();
  }

  @Test
  void rejectsReservationBeyondAvailableWithDetail() {
    defineWithStock(10);
    runOne(reserve("r-1", 4));

    SkuLedger.Batch batch = ledger.decideAll(List.of(reserve("r-2", 7)), T0);

    assertThat(batch.events()).isEmpty();
    Rejected rejected = rejected(batch.outcomes().get(0), Rejection.INSUFFICIENT_STOCK);
    assertThat(rejected.detail()).contains("7").contains("6");
    assertThat(rejected.levels().available()).isEqualTo(6);
    assertThat(ledger.activeReservations()).containsOnlyKeys("r-1");
  }

  @Test
  void safetyStockReducesAvailableWhichNeverGoesNegative() {
    defineWithStock(10);
    runOne(reserve("r-1", 4));

    Done set = done(runOne(new SetSafetyStock(5)));
    assertThat(set.levels()).isEqualTo(new Levels("Blue mug", 10, 4, 5, 1));
    rejected(runOne(reserve("r-2", 2)), Rejection.INSUFFICIENT_STOCK);

    Done tooMuch = done(runOne(new SetSafetyStock(50)));
    assertThat(tooMuch.levels().available()).isZero();
    assertThat(ledger.available()).isZero();
    rejected(runOne(reserve("r-3", 1)), Rejection.INSUFFICIENT_STOCK);
  }

  @Test
  void retriedReservationReturnsTheFirstReservationWithoutHoldingTwice() {
    defineWithStock(10);
    Reservation first = done(run(T0, reserve("r-1", 4)).get(0)).reservation();

    SkuLedger.Batch retry = ledger.decideAll(List.of(reserve("r-1", 4)), T0.plusSeconds(30));

    assertThat(retry.events()).isEmpty();
    Done answer = done(retry.outcomes().get(0));
    assertThat(answer.created()).isFalse();
    assertThat(answer.reservation()).isEqualTo(first);
    assertThat(ledger.reserved()).isEqualTo(4);
  }

  @Test
  void retriedReservationReturnsTheFirstReservationEvenAfterRelease() {
    defineWithStock(10);
    Reservation first = done(runOne(reserve("r-1", 4))).reservation();
    runOne(new Release("r-1"));

    SkuLedger.Batch retry = ledger.decideAll(List.of(reserve("r-1", 4)), T0);

    assertThat(retry.events()).isEmpty();
    Done answer = done(retry.outcomes().get(0));
    assertThat(answer.created()).isFalse();
    assertThat(answer.reservation()).isEqualTo(first);
    assertThat(ledger.reserved()).isZero();
  }

  @Test
  void retriedReservationReturnsTheFirstReservationEvenAfterCommit() {
    defineWithStock(10);
    Reservation first = done(runOne(reserve("r-1", 4))).reservation();
    runOne(new Commit("r-1"));

    Done answer = done(runOne(reserve("r-1", 4)));

    assertThat(answer.created()).isFalse();
    assertThat(answer.reservation()).isEqualTo(first);
    assertThat(ledger.levels()).isEqualTo(new Levels("Blue mug", 6, 0, 0, 6));
  }

  @Test
  void reservationIdReusedWithAnotherBodyIsRejected() {
    defineWithStock(10);
    runOne(reserve("r-1", 4));

    rejected(runOne(reserve("r-1", 5)), Rejection.ID_REUSED);
    rejected(runOne(new Reserve("r-1", 4, "shop-b", null)), Rejection.ID_REUSED);
    rejected(runOne(new Reserve("r-1", 4, "shop-a", 60L)), Rejection.ID_REUSED);
    runOne(new Release("r-1"));
    rejected(runOne(reserve("r-1", 5)), Rejection.ID_REUSED);
    assertThat(ledger.reserved()).isZero();
  }

  @Test
  void releaseFreesTheUnitsAndIsIdempotent() {
    defineWithStock(10);
    runOne(reserve("r-1", 4));

    Done first = done(runOne(new Release("r-1")));
    assertThat(first.created()).isTrue();
    assertThat(first.levels()).isEqualTo(new Levels("Blue mug", 10, 0, 0, 10));

    SkuLedger.Batch again = ledger.decideAll(List.of(new Release("r-1")), T0);
    assertThat(again.events()).isEmpty();
    assertThat(done(again.outcomes().get(0)).created()).isFalse();
    assertThat(ledger.levels()).isEqualTo(first.levels());
  }

  @Test
  void commitShipsTheUnitsAndIsIdempotent() {
    defineWithStock(10);
    runOne(reserve("r-1", 4));

    Done first = done(runOne(new Commit("r-1")));
    assertThat(first.created()).isTrue();
    assertThat(first.levels()).isEqualTo(new Levels("Blue mug", 6, 0, 0, 6));

    SkuLedger.Batch again = ledger.decideAll(List.of(new Commit("r-1")), T0);
    assertThat(again.events()).isEmpty();
    assertThat(done(again.outcomes().get(0)).created()).isFalse();
    assertThat(ledger.onHand()).isEqualTo(6);
  }

  @Test
  void commitAfterReleaseIsRejectedAsClosed() {
    defineWithStock(10);
    runOne(reserve("r-1", 4));
    runOne(new Release("r-1"));

    rejected(runOne(new Commit("r-1")), Rejection.RESERVATION_CLOSED);
    assertThat(ledger.onHand()).isEqualTo(10);
  }

  @Test
  void releaseAfterCommitIsRejectedAsClosed() {
    defineWithStock(10);
    runOne(reserve("r-1", 4));
    runOne(new Commit("r-1"));

    rejected(runOne(new Release("r-1")), Rejection.RESERVATION_CLOSED);
    assertThat(ledger.levels()).isEqualTo(new Levels("Blue mug", 6, 0, 0, 6));
  }

  @Test
  void releaseOrCommitOfUnknownReservationIsRejectedAsNotFound() {
    defineWithStock(10);

    rejected(runOne(new Release("nope")), Rejection.RESERVATION_NOT_FOUND);
    rejected(runOne(new Commit("nope")), Rejection.RESERVATION_NOT_FOUND);
  }

  @Test
  void requestsOnUndefinedSkuAreRejectedAsNotFound() {
    List<SkuRequest> requests =
        List.of(
            new Adjust("a-1", 5, AdjustmentReason.RECEIPT),
            new SetSafetyStock(1),
            reserve("r-1", 1),
            new Release("r-1"),
            new Commit("r-1"));

    SkuLedger.Batch batch = ledger.decideAll(requests, T0);

    assertThat(batch.events()).isEmpty();
    assertThat(batch.outcomes()).hasSize(requests.size());
    batch.outcomes().forEach(outcome -> rejected(outcome, Rejection.SKU_NOT_FOUND));
    assertThat(ledger.isDefined()).isFalse();
  }

  @Test
  void batchIsDecidedInArrivalOrderAndMergesConsecutiveReservationsIntoOneEvent() {
    defineWithStock(5);
    List<SkuRequest> requests = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      requests.add(reserve("r-" + i, 1));
    }

    SkuLedger.Batch batch = ledger.decideAll(requests, T0);

    assertThat(batch.outcomes()).hasSize(8);
    for (int i = 0; i < 5; i++) {
      Done done = done(batch.outcomes().get(i));
      assertThat(done.reservation().reservationId()).isEqualTo("r-" + i);
      assertThat(done.reservation().availableAfter()).isEqualTo(4 - i);
    }
    for (int i = 5; i < 8; i++) {
      rejected(batch.outcomes().get(i), Rejection.INSUFFICIENT_STOCK);
    }
    assertThat(batch.events()).hasSize(1);
    ReservationsPlaced placed = (ReservationsPlaced) batch.events().get(0);
    assertThat(placed.reservations())
        .extracting(Reservation::reservationId)
        .containsExactly("r-0", "r-1", "r-2", "r-3", "r-4");
    assertThat(placed.totalQuantity()).isEqualTo(5);
  }

  @Test
  void batchSeesTheEffectOfEarlierRequestsAndSplitsReservationEventsAroundOtherEvents() {
    defineWithStock(2);

    SkuLedger.Batch batch =
        ledger.decideAll(
            List.of(
                reserve("r-1", 2),
                reserve("r-2", 1),
                new Adjust("a-1", 3, AdjustmentReason.RECEIPT),
                reserve("r-2", 1),
                reserve("r-3", 2),
                reserve("r-1", 2)),
            T0);

    rejected(batch.outcomes().get(1), Rejection.INSUFFICIENT_STOCK);
    assertThat(done(batch.outcomes().get(3)).created()).isTrue();
    assertThat(done(batch.outcomes().get(4)).created()).isTrue();
    assertThat(done(batch.outcomes().get(5)).created()).isFalse();
    assertThat(batch.events())
        .hasExactlyElementsOfTypes(
            ReservationsPlaced.class, StockAdjusted.class, ReservationsPlaced.class);
    assertThat(((ReservationsPlaced) batch.events().get(2)).reservations()).hasSize(2);

    batch.events().forEach(ledger::apply);
    assertThat(ledger.levels()).isEqualTo(new Levels("Blue mug", 5, 5, 0, 0));
  }

  @Test
  void expiryReleasesOnlyHoldsThatAreDue() {
    defineWithStock(10);
    run(T0, new Reserve("short", 2, "shop-a", 60L));
    run(T0, new Reserve("long", 3, "shop-a", 600L));
    run(T0, new Reserve("forever", 1, "shop-a", null));
    assertThat(ledger.nextExpiry()).contains(T0.plusSeconds(60));

    SkuLedger.Batch early =
        ledger.decideAll(List.of(SkuRequest.ExpireDue.INSTANCE), T0.plusSeconds(59));
    assertThat(early.events()).isEmpty();

    Instant due = T0.plusSeconds(60);
    SkuLedger.Batch batch = ledger.decideAll(List.of(SkuRequest.ExpireDue.INSTANCE), due);
    assertThat(batch.events()).containsExactly(new ReservationExpired("short", 2, due));
    batch.events().forEach(ledger::apply);

    assertThat(ledger.activeReservations()).containsOnlyKeys("long", "forever");
    assertThat(ledger.levels()).isEqualTo(new Levels("Blue mug", 10, 4, 0, 6));
    assertThat(ledger.nextExpiry()).contains(T0.plusSeconds(600));
    // An expired hold counts as released: releasing it again is a harmless retry.
    assertThat(done(runOne(new Release("short"))).created()).isFalse();
    rejected(runOne(new Commit("short")), Rejection.RESERVATION_CLOSED);
  }

  @Test
  void decideAllDoesNotMutateTheLedger() {
    defineWithStock(10);
    runOne(reserve("r-1", 4));
    SkuLedger.Snapshot before = ledger.toSnapshot();

    SkuLedger.Batch batch =
        ledger.decideAll(
            List.of(
                new Define("Renamed"),
                new Adjust("a-9", 20, AdjustmentReason.RECEIPT),
                new SetSafetyStock(3),
                reserve("r-2", 5),
                new Release("r-1"),
                new Commit("r-2"),
                SkuRequest.ExpireDue.INSTANCE),
            T0.plusSeconds(3600));

    assertThat(batch.events()).hasSize(6);
    assertThat(ledger.toSnapshot()).isEqualTo(before);
    assertThat(ledger.reserved()).isEqualTo(4);
    assertThat(ledger.activeReservations()).containsOnlyKeys("r-1");
  }

  @Test
  void snapshotRoundTripPreservesLevelsReservationsAndIdempotencyMemory() {
    defineWithStock(20);
    runOne(new SetSafetyStock(2));
    Reservation kept = done(run(T0, new Reserve("r-1", 3, "shop-a", 120L)).get(0)).reservation();
    Reservation released = done(runOne(reserve("r-2", 4))).reservation();
    runOne(new Release("r-2"));
    runOne(reserve("r-3", 5));
    runOne(new Commit("r-3"));
    Done adjusted = done(runOne(new Adjust("a-1", -1, AdjustmentReason.COUNT)));

    SkuLedger restored = SkuLedger.fromSnapshot(ledger.toSnapshot());

    assertThat(restored.levels()).isEqualTo(ledger.levels());
    assertThat(restored.levels()).isEqualTo(new Levels("Blue mug", 14, 3, 2, 9));
    assertThat(restored.isDefined()).isTrue();
    assertThat(restored.activeReservations()).containsExactlyEntriesOf(Map.of("r-1", kept));
    assertThat(restored.nextExpiry()).contains(T0.plusSeconds(120));
    assertThat(restored.toSnapshot()).isEqualTo(ledger.toSnapshot());

    SkuLedger.Batch retries =
        restored.decideAll(
            List.of(
                reserve("r-2", 4),
                new Release("r-2"),
                new Commit("r-3"),
                new Release("r-3"),
                new Adjust("a-1", -1, AdjustmentReason.COUNT),
                new Adjust("initial", 20, AdjustmentReason.RECEIPT),
                new Adjust("a-1", -2, AdjustmentReason.COUNT)),
            T0);
    assertThat(retries.events()).isEmpty();
    assertThat(done(retries.outcomes().get(0)).reservation()).isEqualTo(released);
    assertThat(done(retries.outcomes().get(1)).created()).isFalse();
    assertThat(done(retries.outcomes().get(2)).created()).isFalse();
    rejected(retries.outcomes().get(3), Rejection.RESERVATION_CLOSED);
    assertThat(done(retries.outcomes().get(4)).levels()).isEqualTo(adjusted.levels());
    assertThat(done(retries.outcomes().get(5)).created()).isFalse();
    rejected(retries.outcomes().get(6), Rejection.ID_REUSED);
  }
}
