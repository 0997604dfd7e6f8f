package io.ecengine.engine.sku;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecengine.engine.sku.SkuEvent.HoldsFilled;
import io.ecengine.engine.sku.SkuEvent.IncomingAdded;
import io.ecengine.engine.sku.SkuEvent.IncomingReceived;
import io.ecengine.engine.sku.SkuEvent.ReservationCommitted;
import io.ecengine.engine.sku.SkuEvent.ReservationExpired;
import io.ecengine.engine.sku.SkuEvent.ReservationReleased;
import io.ecengine.engine.sku.SkuEvent.ReservationsPlaced;
import io.ecengine.engine.sku.SkuEvent.SafetyStockSet;
import io.ecengine.engine.sku.SkuEvent.SkuComponentsChanged;
import io.ecengine.engine.sku.SkuEvent.SkuDefined;
import io.ecengine.engine.sku.SkuEvent.SkuRenamed;
import io.ecengine.engine.sku.SkuEvent.StockAdjusted;
import io.ecengine.engine.sku.SkuEvent.StockPolicySet;
import io.ecengine.engine.sku.SkuOutcome.Done;
import io.ecengine.engine.sku.SkuOutcome.Rejected;
import io.ecengine.engine.sku.SkuOutcome.Rejection;
import io.ecengine.engine.sku.SkuRequest.AddIncoming;
import io.ecengine.engine.sku.SkuRequest.Adjust;
import io.ecengine.engine.sku.SkuRequest.Commit;
import io.ecengine.engine.sku.SkuRequest.Define;
import io.ecengine.engine.sku.SkuRequest.ReceiveIncoming;
import io.ecengine.engine.sku.SkuRequest.Release;
import io.ecengine.engine.sku.SkuRequest.Reserve;
import io.ecengine.engine.sku.SkuRequest.SetPolicy;
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

  /** Like {@link #run}, but returns the whole batch to look at its events. */
  private SkuLedger.Batch runBatch(SkuRequest... requests) {
    SkuLedger.Batch batch = ledger.decideAll(List.of(requests), T0);
    batch.events().forEach(ledger::apply);
    return batch;
  }

  private void definePolicy(long onHand, StockPolicy policy, long backorderLimit) {
    runOne(new Define("Blue mug"));
    if (onHand > 0) {
      runOne(new Adjust("initial", onHand, AdjustmentReason.RECEIPT));
    }
    runOne(new SetPolicy(policy, backorderLimit));
  }

  private static Levels levels(
      long onHand,
      long reserved,
      long safetyStock,
      long available,
      long backordered,
      long preordered,
      long incoming) {
    return new Levels(
        "Blue mug",
        onHand,
        reserved,
        safetyStock,
        available,
        backordered,
        preordered,
        incoming,
        List.of());
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

  // Bundles.

  private static final List<Component> GIFT_SET =
      List.of(new Component("mug", 2), new Component("saucer", 1));

  @Test
  void definesBundleWhoseLevelsListItsComponents() {
    SkuLedger.Batch batch = ledger.decideAll(List.of(new Define("Gift set", GIFT_SET)), T0);

    assertThat(batch.events()).containsExactly(new SkuDefined("Gift set", GIFT_SET, T0));
    batch.events().forEach(ledger::apply);
    assertThat(done(batch.outcomes().get(0)).created()).isTrue();
    assertThat(ledger.isBundle()).isTrue();
    assertThat(ledger.levels().components()).containsExactlyElementsOf(GIFT_SET);
    assertThat(ledger.levels().available()).isZero();
  }

  @Test
  void bundleRejectsEveryRequestThatWouldGiveItStock() {
    runOne(new Define("Gift set", GIFT_SET));
    List<SkuRequest> requests =
        List.of(
            new Adjust("a-1", 5, AdjustmentReason.RECEIPT),
            reserve("r-1", 1),
            new SetSafetyStock(1),
            new Commit("r-1"),
            new Commit("r-1", 1L, "c-1"),
            new Release("r-1"),
            new SetPolicy(StockPolicy.BACKORDER, 5),
            new AddIncoming("po-1", 5, null),
            new ReceiveIncoming("po-1"));

    SkuLedger.Batch batch = ledger.decideAll(requests, T0);

    assertThat(batch.events()).isEmpty();
    assertThat(batch.outcomes()).hasSize(requests.size());
    // Its holds live on the components; the caller is told so, and takes it from there.
    batch.outcomes().forEach(outcome -> rejected(outcome, Rejection.BUNDLE_HAS_NO_STOCK));
  }

  @Test
  void bundleCannotListItselfEvenAfterTheLedgerIsRestored() {
    ledger = SkuLedger.empty("gift-set");
    List<Component> withItself = List.of(new Component("mug", 1), new Component("gift-set", 1));

    SkuLedger.Batch batch = ledger.decideAll(List.of(new Define("Gift set", withItself)), T0);

    assertThat(batch.events()).isEmpty();
    rejected(batch.outcomes().get(0), Rejection.BUNDLE_LISTS_ITSELF);
    assertThat(ledger.isDefined()).isFalse();
    runOne(new Define("Gift set", GIFT_SET));
    rejected(runOne(new Define("Gift set", withItself)), Rejection.BUNDLE_LISTS_ITSELF);
    assertThat(ledger.levels().components()).containsExactlyElementsOf(GIFT_SET);
    SkuLedger restored = SkuLedger.fromSnapshot(ledger.toSnapshot(), "gift-set");
    rejected(
        restored.decideAll(List.of(new Define("Gift set", withItself)), T0).outcomes().get(0),
        Rejection.BUNDLE_LISTS_ITSELF);
  }

  @Test
  void malformedBundlesAreRefusedWhenTheRequestIsBuilt() {
    assertThatThrownBy(
            () -> new Define("Set", List.of(new Component("mug", 1), new Component("mug", 2))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mug");
    assertThatThrownBy(() -> new Component("mug", 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Component(" ", 1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(new Define("Mug").components()).isEmpty();
    assertThat(new Define("Mug", null)).isEqualTo(new Define("Mug"));
  }

  @Test
  void ordinarySkuWithStockHoldsOrIncomingCannotBecomeBundle() {
    definePolicy(3, StockPolicy.BACKORDER, 5);

    SkuLedger.Batch withStock = ledger.decideAll(List.of(new Define("Gift set", GIFT_SET)), T0);
    assertThat(withStock.events()).as("not even renamed").isEmpty();
    rejected(withStock.outcomes().get(0), Rejection.KIND_CHANGE);

    runOne(reserve("r-1", 5));
    runOne(new Adjust("a-1", -3, AdjustmentReason.DAMAGE));
    assertThat(ledger.levels()).isEqualTo(levels(0, 0, 0, 0, 5, 0, 0));
    rejected(runOne(new Define("Blue mug", GIFT_SET)), Rejection.KIND_CHANGE);

    runOne(new Release("r-1"));
    runOne(new AddIncoming("po-1", 4, null));
    rejected(runOne(new Define("Blue mug", GIFT_SET)), Rejection.KIND_CHANGE);

    runOne(new ReceiveIncoming("po-1"));
    runOne(new Adjust("a-2", -4, AdjustmentReason.COUNT));
    Done bundle = done(runOne(new Define("Blue mug", GIFT_SET)));
    assertThat(bundle.levels().components()).containsExactlyElementsOf(GIFT_SET);
  }

  @Test
  void emptySkuTurnsIntoBundleAndBackWithOneEventPerChange() {
    runOne(new Define("Blue mug"));

    SkuLedger.Batch toBundle = ledger.decideAll(List.of(new Define("Gift set", GIFT_SET)), T0);
    assertThat(toBundle.events())
        .containsExactly(new SkuRenamed("Gift set", T0), new SkuComponentsChanged(GIFT_SET, T0));
    toBundle.events().forEach(ledger::apply);
    assertThat(done(toBundle.outcomes().get(0)).created()).isFalse();

    List<Component> reordered = List.of(GIFT_SET.get(1), GIFT_SET.get(0));
    assertThat(ledger.decideAll(List.of(new Define("Gift set", reordered)), T0).events()).isEmpty();

    List<Component> bigger = List.of(new Component("mug", 4), new Component("saucer", 1));
    SkuLedger.Batch changed = runBatch(new Define("Gift set", bigger));
    assertThat(changed.events()).containsExactly(new SkuComponentsChanged(bigger, T0));

    SkuLedger.Batch back = runBatch(new Define("Gift set"));
    assertThat(back.events()).containsExactly(new SkuComponentsChanged(List.of(), T0));
    assertThat(ledger.isBundle()).isFalse();
    assertThat(done(runOne(new Adjust("a-1", 2, AdjustmentReason.RECEIPT))).levels().onHand())
        .isEqualTo(2);
  }

  @Test
  void bundleAvailableIsTheFewestCompleteSetsItsComponentsAllow() {
    assertThat(Levels.bundleAvailable(GIFT_SET, Map.of("mug", 7L, "saucer", 5L))).isEqualTo(3);
    assertThat(Levels.bundleAvailable(GIFT_SET, Map.of("mug", 20L, "saucer", 4L))).isEqualTo(4);
    assertThat(Levels.bundleAvailable(GIFT_SET, Map.of("mug", 1L, "saucer", 5L))).isZero();
    assertThat(Levels.bundleAvailable(GIFT_SET, Map.of("mug", 8L))).as("missing").isZero();
    assertThat(Levels.bundleAvailable(GIFT_SET, Map.of("mug", 8L, "saucer", -2L))).isZero();
    assertThatThrownBy(() -> Levels.bundleAvailable(List.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // Stock policies, owed holds and incoming stock.

  @Test
  void rejectIsTheDefaultPolicyAndSettingAPolicyIsAnEventOnlyWhenItChanges() {
    defineWithStock(2);
    rejected(runOne(reserve("r-1", 3)), Rejection.INSUFFICIENT_STOCK);

    SkuLedger.Batch set = runBatch(new SetPolicy(StockPolicy.BACKORDER, 5));

    assertThat(set.events()).containsExactly(new StockPolicySet(StockPolicy.BACKORDER, 5, T0));
    assertThat(done(set.outcomes().get(0)).created()).isFalse();
    SkuLedger.Batch same = ledger.decideAll(List.of(new SetPolicy(StockPolicy.BACKORDER, 5)), T0);
    assertThat(same.events()).isEmpty();
    assertThat(done(same.outcomes().get(0)).created()).isFalse();
    assertThat(ledger.decideAll(List.of(new SetPolicy(StockPolicy.BACKORDER, 6)), T0).events())
        .hasSize(1);
    assertThat(done(runOne(reserve("r-1", 3))).reservation().kind()).isEqualTo(HoldKind.BACKORDER);
  }

  @Test
  void backorderPolicyAcceptsOwedHoldsUpToTheLimit() {
    definePolicy(2, StockPolicy.BACKORDER, 5);

    Done first = done(runOne(reserve("r-1", 3)));

    assertThat(first.reservation())
        .isEqualTo(new Reservation("r-1", 3, "shop-a", null, T0, null, 0, HoldKind.BACKORDER, 0));
    assertThat(first.levels()).isEqualTo(levels(2, 0, 0, 0, 3, 0, 0));
    // The 2 on hand are owed to r-1, so r-2 cannot take them and is backordered too.
    assertThat(done(runOne(reserve("r-2", 2))).reservation().kind()).isEqualTo(HoldKind.BACKORDER);
    Rejected beyond = rejected(runOne(reserve("r-3", 1)), Rejection.INSUFFICIENT_STOCK);
    assertThat(beyond.detail()).contains("0 more may be backordered");
    assertThat(ledger.levels()).isEqualTo(levels(2, 0, 0, 0, 5, 0, 0));
  }

  @Test
  void owedHoldsTakeNoOnHandButLowerAvailableAndAreFilledInTheSameBatchAsTheStock() {
    definePolicy(10, StockPolicy.BACKORDER, 10);
    assertThat(done(runOne(reserve("r-1", 8))).reservation().kind()).isEqualTo(HoldKind.STOCK);
    Reservation owed = done(runOne(reserve("r-2", 5))).reservation();
    assertThat(owed.kind()).isEqualTo(HoldKind.BACKORDER);
    assertThat(owed.availableAfter()).isZero();
    assertThat(ledger.levels()).isEqualTo(levels(10, 8, 0, 0, 5, 0, 0));

    SkuLedger.Batch arrival =
        ledger.decideAll(List.of(new Adjust("a-1", 3, AdjustmentReason.RECEIPT)), T0);

    assertThat(arrival.events())
        .containsExactly(
            new StockAdjusted("a-1", 3, AdjustmentReason.RECEIPT, T0),
            new HoldsFilled(List.of("r-2"), 5, 0, T0));
    Reservation filled = new Reservation("r-2", 5, "shop-a", null, T0, null, 0, HoldKind.STOCK, 0);
    assertThat(arrival.filledHolds()).containsExactly(filled);
    Levels after = levels(13, 13, 0, 0, 0, 0, 0);
    assertThat(done(arrival.outcomes().get(0)).levels()).isEqualTo(after);
    arrival.events().forEach(ledger::apply);
    assertThat(ledger.levels()).isEqualTo(after);
    assertThat(ledger.activeReservations().get("r-2")).isEqualTo(filled);
    // A retry of the adjustment is answered like the first time, fill included.
    SkuLedger.Batch retry =
        ledger.decideAll(List.of(new Adjust("a-1", 3, AdjustmentReason.RECEIPT)), T0);
    assertThat(retry.events()).isEmpty();
    assertThat(done(retry.outcomes().get(0)).levels()).isEqualTo(after);
    assertThat(
            SkuLedger.fromSnapshot(ledger.toSnapshot())
                .decideAll(List.of(new Adjust("a-1", 3, AdjustmentReason.RECEIPT)), T0)
                .outcomes())
        .containsExactly(retry.outcomes().get(0));
  }

  @Test
  void fillingIsStrictlyFirstInFirstOut() {
    definePolicy(0, StockPolicy.BACKORDER, 20);
    runOne(reserve("big", 5));
    runOne(reserve("small", 1));

    // Room for the small hold but not for the older big one: nothing is filled.
    SkuLedger.Batch three = runBatch(new Adjust("a-1", 3, AdjustmentReason.RECEIPT));
    assertThat(three.events()).hasExactlyElementsOfTypes(StockAdjusted.class);
    assertThat(three.filledHolds()).isEmpty();
    assertThat(ledger.levels()).isEqualTo(levels(3, 0, 0, 0, 6, 0, 0));

    SkuLedger.Batch five = runBatch(new Adjust("a-2", 2, AdjustmentReason.RECEIPT));
    assertThat(five.events()).contains(new HoldsFilled(List.of("big"), 5, 0, T0));
    assertThat(ledger.levels()).isEqualTo(levels(5, 5, 0, 0, 1, 0, 0));

    runBatch(new Adjust("a-3", 1, AdjustmentReason.RECEIPT));
    assertThat(ledger.levels()).isEqualTo(levels(6, 6, 0, 0, 0, 0, 0));
    assertThat(ledger.activeReservations().keySet()).containsExactly("big", "small");
    assertThat(ledger.activeReservations().values())
        .extracting(Reservation::kind)
        .containsOnly(HoldKind.STOCK);
  }

  @Test
  void releasingTheOldestOwedHoldLetsTheNextBeFilledInTheSameBatch() {
    definePolicy(0, StockPolicy.BACKORDER, 20);
    runOne(reserve("big", 5));
    runOne(reserve("small", 1));
    runOne(new Adjust("a-1", 3, AdjustmentReason.RECEIPT));

    SkuLedger.Batch batch = runBatch(new Release("big"));

    assertThat(batch.events())
        .containsExactly(
            new ReservationReleased("big", 5, HoldKind.BACKORDER, T0),
            new HoldsFilled(List.of("small"), 1, 0, T0));
    assertThat(done(batch.outcomes().get(0)).levels()).isEqualTo(levels(3, 1, 0, 2, 0, 0, 0));
  }

  @Test
  void fillingKeepsSafetyStockAndLoweringItFillsOwedHolds() {
    definePolicy(0, StockPolicy.BACKORDER, 10);
    runOne(new SetSafetyStock(2));
    runOne(reserve("r-1", 3));
    runOne(new Adjust("a-1", 4, AdjustmentReason.RECEIPT));
    assertThat(ledger.levels()).isEqualTo(levels(4, 0, 2, 0, 3, 0, 0));

    SkuLedger.Batch lowered = runBatch(new SetSafetyStock(1));

    assertThat(lowered.events())
        .containsExactly(new SafetyStockSet(1, T0), new HoldsFilled(List.of("r-1"), 3, 0, T0));
    assertThat(ledger.levels()).isEqualTo(levels(4, 3, 1, 0, 0, 0, 0));
  }

  @Test
  void owedHoldsExpireAndAreReleasedLikeOthers() {
    definePolicy(0, StockPolicy.BACKORDER, 10);
    run(T0, new Reserve("r-1", 2, "shop-a", 60L));
    run(T0, reserve("r-2", 3));
    Instant due = T0.plusSeconds(60);

    SkuLedger.Batch expired = ledger.decideAll(List.of(SkuRequest.ExpireDue.INSTANCE), due);

    assertThat(expired.events())
        .containsExactly(new ReservationExpired("r-1", 2, HoldKind.BACKORDER, due));
    expired.events().forEach(ledger::apply);
    assertThat(ledger.backordered()).isEqualTo(3);
    runOne(new Release("r-2"));
    assertThat(ledger.levels()).isEqualTo(levels(0, 0, 0, 0, 0, 0, 0));
  }

  @Test
  void leavingBackorderKeepsWhatIsOwedButAcceptsNoMore() {
    definePolicy(0, StockPolicy.BACKORDER, 10);
    runOne(reserve("r-1", 4));
    runOne(new SetPolicy(StockPolicy.REJECT, 0));

    rejected(runOne(reserve("r-2", 1)), Rejection.INSUFFICIENT_STOCK);
    assertThat(ledger.backordered()).isEqualTo(4);
    runOne(new Adjust("a-1", 4, AdjustmentReason.RECEIPT));
    assertThat(ledger.activeReservations().get("r-1").kind()).isEqualTo(HoldKind.STOCK);
  }

  @Test
  void preorderPolicyPromisesIncomingStockAndReceiptFillsThePromises() {
    definePolicy(0, StockPolicy.PREORDER, 0);
    Instant expected = T0.plusSeconds(86_400);
    rejected(runOne(reserve("r-0", 1)), Rejection.INSUFFICIENT_STOCK);

    SkuLedger.Batch announced = runBatch(new AddIncoming("po-1", 10, expected));
    assertThat(announced.events()).containsExactly(new IncomingAdded("po-1", 10, expected, T0));
    assertThat(done(announced.outcomes().get(0)).levels()).isEqualTo(levels(0, 0, 0, 0, 0, 0, 10));

    assertThat(done(runOne(reserve("r-1", 6))).reservation().kind()).isEqualTo(HoldKind.PREORDER);
    Rejected beyond = rejected(runOne(reserve("r-2", 5)), Rejection.INSUFFICIENT_STOCK);
    assertThat(beyond.detail()).contains("4 incoming not yet promised");
    assertThat(done(runOne(reserve("r-2", 4))).reservation().kind()).isEqualTo(HoldKind.PREORDER);
    assertThat(ledger.levels()).isEqualTo(levels(0, 0, 0, 0, 0, 10, 10));

    SkuLedger.Batch arrival = runBatch(new ReceiveIncoming("po-1"));

    assertThat(arrival.events())
        .containsExactly(
            new IncomingReceived("po-1", 10, T0),
            new HoldsFilled(List.of("r-1", "r-2"), 0, 10, T0));
    assertThat(done(arrival.outcomes().get(0)).created()).isTrue();
    assertThat(ledger.levels()).isEqualTo(levels(10, 10, 0, 0, 0, 0, 0));
  }

  @Test
  void incomingIsIdempotentByIdAndAnIdReusedWithAnotherBodyIsRejected() {
    defineWithStock(1);
    Instant expected = T0.plusSeconds(3600);
    runOne(new AddIncoming("po-1", 5, expected));

    SkuLedger.Batch again = ledger.decideAll(List.of(new AddIncoming("po-1", 5, expected)), T0);

    assertThat(again.events()).isEmpty();
    assertThat(done(again.outcomes().get(0)).created()).isFalse();
    rejected(runOne(new AddIncoming("po-1", 6, expected)), Rejection.ID_REUSED);
    rejected(runOne(new AddIncoming("po-1", 5, null)), Rejection.ID_REUSED);
    runOne(new ReceiveIncoming("po-1"));
    SkuLedger.Batch afterReceipt =
        ledger.decideAll(List.of(new AddIncoming("po-1", 5, expected)), T0);
    assertThat(afterReceipt.events()).isEmpty();
    assertThat(done(afterReceipt.outcomes().get(0)).created()).isFalse();
    rejected(runOne(new AddIncoming("po-1", 5, T0)), Rejection.ID_REUSED);
    assertThat(ledger.levels()).isEqualTo(levels(6, 0, 0, 6, 0, 0, 0));
  }

  @Test
  void receivingRaisesOnHandOnceAndAnUnknownDeliveryIsNotFound() {
    defineWithStock(1);
    runOne(new AddIncoming("po-1", 5, null));

    assertThat(done(runOne(new ReceiveIncoming("po-1"))).levels())
        .isEqualTo(levels(6, 0, 0, 6, 0, 0, 0));

    SkuLedger.Batch retry = ledger.decideAll(List.of(new ReceiveIncoming("po-1")), T0);
    assertThat(retry.events()).isEmpty();
    assertThat(done(retry.outcomes().get(0)).created()).isFalse();
    assertThat(ledger.onHand()).isEqualTo(6);
    Rejected unknown = rejected(runOne(new ReceiveIncoming("po-2")), Rejection.INCOMING_NOT_FOUND);
    assertThat(unknown.levels()).isEqualTo(ledger.levels());
  }

  @Test
  void owedHoldCannotBeShippedUntilItIsFilled() {
    definePolicy(0, StockPolicy.BACKORDER, 5);
    runOne(reserve("r-1", 2));

    rejected(runOne(new Commit("r-1")), Rejection.NOT_IN_STOCK);
    rejected(runOne(new Commit("r-1", 1L, "c-1")), Rejection.NOT_IN_STOCK);
    runOne(new Adjust("a-1", 2, AdjustmentReason.RECEIPT));
    assertThat(done(runOne(new Commit("r-1", 1L, "c-1"))).created()).isTrue();
    assertThat(ledger.levels()).isEqualTo(levels(1, 1, 0, 0, 0, 0, 0));
  }

  @Test
  void returnedUnitsRaiseOnHandAndFillBackorders() {
    definePolicy(0, StockPolicy.BACKORDER, 5);
    runOne(reserve("r-1", 1));

    SkuLedger.Batch returned = runBatch(new Adjust("ret-1", 2, AdjustmentReason.RETURN));

    assertThat(returned.events())
        .containsExactly(
            new StockAdjusted("ret-1", 2, AdjustmentReason.RETURN, T0),
            new HoldsFilled(List.of("r-1"), 1, 0, T0));
    assertThat(ledger.levels()).isEqualTo(levels(2, 1, 0, 1, 0, 0, 0));
  }

  // Partial commits.

  @Test
  void partialCommitShipsPartOfAHoldWhichStaysOpenUntilEmpty() {
    defineWithStock(10);
    Reservation placed = done(runOne(reserve("r-1", 5))).reservation();

    SkuLedger.Batch part = runBatch(new Commit("r-1", 2L, "c-1"));

    assertThat(part.events()).containsExactly(new ReservationCommitted("r-1", "c-1", 2, 3, T0));
    assertThat(((ReservationCommitted) part.events().get(0)).closed()).isFalse();
    Done first = done(part.outcomes().get(0));
    assertThat(first.created()).isTrue();
    assertThat(first.reservation()).isEqualTo(placed);
    assertThat(first.levels()).isEqualTo(levels(8, 3, 0, 5, 0, 0, 0));
    assertThat(ledger.activeReservations().get("r-1"))
        .isEqualTo(new Reservation("r-1", 3, "shop-a", null, T0, null, 5, HoldKind.STOCK, 2));

    SkuLedger.Batch rest = runBatch(new Commit("r-1", 3L, "c-2"));

    ReservationCommitted last = (ReservationCommitted) rest.events().get(0);
    assertThat(last).isEqualTo(new ReservationCommitted("r-1", "c-2", 3, 0, T0));
    assertThat(last.closed()).isTrue();
    assertThat(ledger.activeReservations()).isEmpty();
    assertThat(ledger.levels()).isEqualTo(levels(5, 0, 0, 5, 0, 0, 0));
    rejected(runOne(new Release("r-1")), Rejection.RESERVATION_CLOSED);
    // A retried reservation is still recognised by what it first asked for.
    assertThat(done(runOne(reserve("r-1", 5))).created()).isFalse();
    rejected(runOne(reserve("r-1", 3)), Rejection.ID_REUSED);
  }

  @Test
  void retriedCommitIdIsAnsweredWithTheFirstOutcomeAndAReusedOneIsRejected() {
    defineWithStock(10);
    runOne(reserve("r-1", 5));
    runOne(reserve("r-2", 2));
    Done first = done(runOne(new Commit("r-1", 2L, "c-1")));
    runOne(new Adjust("a-1", 4, AdjustmentReason.RECEIPT));

    SkuLedger.Batch retry = ledger.decideAll(List.of(new Commit("r-1", 2L, "c-1")), T0);

    assertThat(retry.events()).isEmpty();
    Done answer = done(retry.outcomes().get(0));
    assertThat(answer.created()).isFalse();
    assertThat(answer.levels()).isEqualTo(first.levels());
    assertThat(answer.reservation()).isEqualTo(first.reservation());
    rejected(runOne(new Commit("r-1", 3L, "c-1")), Rejection.ID_REUSED);
    rejected(runOne(new Commit("r-2", 2L, "c-1")), Rejection.ID_REUSED);
    // The first commit left units in the hold, so "all of it" is a different request.
    rejected(runOne(new Commit("r-1", null, "c-1")), Rejection.ID_REUSED);
    assertThat(ledger.levels()).isEqualTo(levels(12, 5, 0, 7, 0, 0, 0));
  }

  @Test
  void commitIdIsRememberedAfterItsHoldIsClosed() {
    defineWithStock(10);
    runOne(reserve("r-1", 5));
    Done whole = done(runOne(new Commit("r-1", null, "c-1")));
    runOne(new Adjust("a-1", 1, AdjustmentReason.RECEIPT));

    Done retried = done(runOne(new Commit("r-1", null, "c-1")));
    assertThat(retried.created()).isFalse();
    assertThat(retried.levels()).isEqualTo(whole.levels());
    // The same shipment given by its size is the same request.
    assertThat(done(runOne(new Commit("r-1", 5L, "c-1"))).created()).isFalse();
    rejected(runOne(new Commit("r-1", 4L, "c-1")), Rejection.ID_REUSED);

    runOne(reserve("r-2", 4));
    runOne(new Commit("r-2", 1L, "c-2"));
    runOne(new Release("r-2"));
    assertThat(done(runOne(new Commit("r-2", 1L, "c-2"))).created()).isFalse();
    rejected(runOne(new Commit("r-2", 1L, "c-3")), Rejection.RESERVATION_CLOSED);
    assertThat(ledger.onHand()).isEqualTo(5);
  }

  @Test
  void commitBeyondWhatTheHoldHasIsRejectedAndChangesNothing() {
    defineWithStock(10);
    runOne(reserve("r-1", 5));
    runOne(new Commit("r-1", 2L, "c-1"));
    Levels before = ledger.levels();

    SkuLedger.Batch batch = ledger.decideAll(List.of(new Commit("r-1", 4L, "c-2")), T0);

    assertThat(batch.events()).isEmpty();
    Rejected rejected = rejected(batch.outcomes().get(0), Rejection.EXCEEDS_HOLD);
    assertThat(rejected.detail()).contains("4").contains("3");
    assertThat(rejected.levels()).isEqualTo(before);
    // The rejected commitId is not remembered: a corrected request with it is accepted.
    assertThat(done(runOne(new Commit("r-1", 3L, "c-2"))).created()).isTrue();
    assertThat(ledger.activeReservations()).isEmpty();
  }

  @Test
  void releaseOrWholeCommitAfterAPartialCommitTakesTheRest() {
    defineWithStock(10);
    runOne(reserve("r-1", 5));
    runOne(reserve("r-2", 4));
    runOne(new Commit("r-1", 2L, "c-1"));
    runOne(new Commit("r-2", 1L, "c-2"));

    SkuLedger.Batch release = runBatch(new Release("r-1"));
    assertThat(release.events())
        .containsExactly(new ReservationReleased("r-1", 3, HoldKind.STOCK, T0));

    SkuLedger.Batch ship = runBatch(new Commit("r-2"));
    assertThat(ship.events()).containsExactly(new ReservationCommitted("r-2", null, 3, 0, T0));
    assertThat(ledger.levels()).isEqualTo(levels(4, 0, 0, 4, 0, 0, 0));
    assertThat(done(runOne(new Commit("r-2"))).created()).isFalse();
    rejected(runOne(new Commit("r-2", 1L, "c-9")), Rejection.RESERVATION_CLOSED);
  }

  @Test
  void newRequestsRefuseValuesThatCouldCorruptTheLedger() {
    assertThatThrownBy(() -> new Commit("r-1", 0L, "c-1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Commit("r-1", 2L, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("commitId");
    assertThat(new Commit("r-1")).isEqualTo(new Commit("r-1", null, null));
    assertThatThrownBy(() -> new SetPolicy(StockPolicy.BACKORDER, -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SetPolicy(null, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AddIncoming("po-1", 0, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // Batches and snapshots with the new state.

  @Test
  void decideAllLeavesOwedHoldsIncomingAndCommitMemoryUntouched() {
    definePolicy(2, StockPolicy.BACKORDER, 10);
    runOne(reserve("r-1", 2));
    runOne(reserve("r-2", 3));
    runOne(new AddIncoming("po-1", 4, null));
    SkuLedger.Snapshot before = ledger.toSnapshot();

    SkuLedger.Batch batch =
        ledger.decideAll(
            List.of(
                new Commit("r-1", 1L, "c-1"),
                new ReceiveIncoming("po-1"),
                new SetPolicy(StockPolicy.PREORDER, 0),
                new AddIncoming("po-2", 3, null),
                reserve("r-3", 3),
                new Release("r-1")),
            T0);

    assertThat(batch.events())
        .hasExactlyElementsOfTypes(
            ReservationCommitted.class,
            IncomingReceived.class,
            HoldsFilled.class,
            StockPolicySet.class,
            IncomingAdded.class,
            ReservationsPlaced.class,
            ReservationReleased.class);
    assertThat(done(batch.outcomes().get(4)).reservation().kind()).isEqualTo(HoldKind.PREORDER);
    assertThat(batch.filledHolds()).extracting(Reservation::reservationId).containsExactly("r-2");
    assertThat(ledger.toSnapshot()).isEqualTo(before);
    assertThat(ledger.activeReservations().get("r-2").kind()).isEqualTo(HoldKind.BACKORDER);
    assertThat(ledger.levels()).isEqualTo(levels(2, 2, 0, 0, 3, 0, 4));
  }

  @Test
  void snapshotRoundTripPreservesPolicyOwedHoldsIncomingAndTheNewIdMemories() {
    ledger = SkuLedger.empty("blue-mug");
    definePolicy(4, StockPolicy.BACKORDER, 10);
    runOne(reserve("r-1", 3));
    runOne(new Commit("r-1", 1L, "c-1"));
    runOne(reserve("r-2", 4));
    runOne(new AddIncoming("po-1", 6, T0.plusSeconds(60)));
    runOne(new AddIncoming("po-2", 2, null));
    runOne(new ReceiveIncoming("po-2"));

    SkuLedger restored = SkuLedger.fromSnapshot(ledger.toSnapshot(), "blue-mug");

    assertThat(restored.levels()).isEqualTo(ledger.levels());
    assertThat(restored.levels()).isEqualTo(levels(5, 2, 0, 0, 4, 0, 6));
    assertThat(restored.activeReservations()).containsExactlyEntriesOf(ledger.activeReservations());
    assertThat(restored.toSnapshot()).isEqualTo(ledger.toSnapshot());
    SkuLedger.Batch batch =
        restored.decideAll(
            List.of(
                new Commit("r-1", 1L, "c-1"),
                new ReceiveIncoming("po-2"),
                new AddIncoming("po-1", 6, T0.plusSeconds(60)),
                new Define("Blue mug", List.of(new Component("blue-mug", 1))),
                reserve("r-3", 6),
                reserve("r-4", 1)),
            T0);
    assertThat(batch.events()).hasSize(1);
    assertThat(done(batch.outcomes().get(0)).created()).isFalse();
    assertThat(done(batch.outcomes().get(1)).created()).isFalse();
    assertThat(done(batch.outcomes().get(2)).created()).isFalse();
    rejected(batch.outcomes().get(3), Rejection.BUNDLE_LISTS_ITSELF);
    assertThat(done(batch.outcomes().get(4)).reservation().kind()).isEqualTo(HoldKind.BACKORDER);
    rejected(batch.outcomes().get(5), Rejection.INSUFFICIENT_STOCK);
  }

  @Test
  void valuesStoredBeforeTheseFeaturesReadAsAnOrdinarySkuWithHoldsOnStock() {
    Reservation old = new Reservation("r-1", 2, "shop-a", null, T0, null, 1, null, 0);
    assertThat(old.kind()).isEqualTo(HoldKind.STOCK);
    assertThat(new SkuDefined("Blue mug", null, T0)).isEqualTo(new SkuDefined("Blue mug", T0));
    assertThat(new ReservationCommitted("r-1", 2, T0).closed()).isTrue();
    assertThat(new ReservationReleased("r-1", 2, null, T0).kind()).isEqualTo(HoldKind.STOCK);
    SkuLedger.Snapshot snapshot =
        new SkuLedger.Snapshot(
            true,
            "Blue mug",
            3,
            0,
            List.of(old),
            List.of(),
            List.of(),
            null,
            null,
            0,
            null,
            null,
            null,
            null,
            null);

    SkuLedger restored = SkuLedger.fromSnapshot(snapshot);

    assertThat(restored.levels()).isEqualTo(new Levels("Blue mug", 3, 2, 0, 1));
    rejected(
        restored.decideAll(List.of(reserve("r-2", 2)), T0).outcomes().get(0),
        Rejection.INSUFFICIENT_STOCK);
  }

  @Test
  void countsTheUnitsAChannelsListingSoldItselfAfterAGivenTime() {
    defineWithStock(20);
    Instant before = T0.minusSeconds(60);
    run(
        T0,
        new Reserve("ord-1", 3, "tiktok", null, 3, T0.minusSeconds(10)),
        new Reserve("ord-2", 4, "tiktok", null, 1, T0.minusSeconds(30)),
        new Reserve("ord-3", 2, "rakuten", null, 2, T0.minusSeconds(10)),
        new Reserve("ord-4", 2, "tiktok", null, 2, null),
        new Reserve("cart-1", 1, null, 60L));
    assertThat(ledger.listedSince("tiktok", before)).isEqualTo(4);
    // Sold before the time asked about, or at an unknown time: not counted.
    assertThat(ledger.listedSince("tiktok", T0.minusSeconds(20))).isEqualTo(3);
    assertThat(ledger.listedSince("rakuten", before)).isEqualTo(2);
    assertThat(ledger.listedSince("amazon", before)).isZero();

    // Shipping part of a hold leaves no more listed units held than the hold still has.
    runOne(new Commit("ord-1", 2L, "ship-1"));
    assertThat(ledger.listedSince("tiktok", before)).isEqualTo(2);
    runOne(new Release("ord-2"));
    assertThat(ledger.listedSince("tiktok", before)).isEqualTo(1);
  }

  @Test
  void listedUnitsMustBeWithinTheHoldAndBelongToAChannel() {
    assertThatThrownBy(() -> new Reserve("r", 2, "tiktok", null, 3, T0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Reserve("r", 2, null, null, 1, T0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Reserve("r", 2, "tiktok", null, -1, T0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
