package io.ecengine.engine.sku;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecengine.engine.sku.SkuLedger.HoldEnd;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.statistics.Statistics;

/**
 * Random batches of requests are decided and applied like the entity does it, and every outcome is
 * checked against a small independent model of the stock, so that an oversell, a lost hold or a
 * wrong answer shows up as a counterexample.
 */
class SkuLedgerProperties {

  private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

  @Property(tries = 300)
  void batchesKeepTheStockInvariantsAndNeverOversell(
      @ForAll("batches") List<Tuple2<Integer, List<SkuRequest>>> batches) {
    SkuLedger ledger = SkuLedger.empty();
    Model model = new Model();
    Instant now = START;
    ledger.decideAll(List.of(new Define("sku")), now).events().forEach(ledger::apply);

    for (Tuple2<Integer, List<SkuRequest>> batch : batches) {
      now = now.plusSeconds(batch.get1());
      List<SkuRequest> requests = batch.get2();
      SkuLedger.Snapshot before = ledger.toSnapshot();

      SkuLedger.Batch decided = ledger.decideAll(requests, now);

      assertThat(ledger.toSnapshot()).as("decideAll must not mutate").isEqualTo(before);
      assertThat(decided.outcomes()).hasSize(requests.size());
      for (int i = 0; i < requests.size(); i++) {
        checkOutcome(model, requests.get(i), decided.outcomes().get(i), now);
      }
      decided.events().forEach(ledger::apply);
      checkInvariants(ledger, model);
    }

    // Guards against a generator that never reaches the interesting cases.
    Statistics.label("outcome")
        .coverage(
            coverage -> {
              coverage.check("Reserve", "created").count(n -> n > 0);
              coverage.check("Reserve", "done").count(n -> n > 0);
              coverage.check("Reserve", "INSUFFICIENT_STOCK").count(n -> n > 0);
              coverage.check("Reserve", "ID_REUSED").count(n -> n > 0);
              coverage.check("Adjust", "BELOW_RESERVED").count(n -> n > 0);
              coverage.check("Commit", "created").count(n -> n > 0);
              coverage.check("Release", "RESERVATION_CLOSED").count(n -> n > 0);
            });
    Statistics.label("expired").coverage(coverage -> coverage.check(true).count(n -> n > 0));
  }

  private static void checkOutcome(
      Model model, SkuRequest request, SkuOutcome actual, Instant now) {
    long availableBefore = model.available();
    Expected expected = model.decide(request, now);
    Statistics.label("outcome").collect(request.getClass().getSimpleName(), expected.label());

    if (expected.rejection() != null) {
      assertThat(actual).as("outcome of %s", request).isInstanceOf(Rejected.class);
      assertThat(((Rejected) actual).reason())
          .as("reason for %s", request)
          .isEqualTo(expected.rejection());
      return;
    }
    assertThat(actual).as("outcome of %s", request).isInstanceOf(Done.class);
    Done done = (Done) actual;
    assertThat(done.created()).as("created flag of %s", request).isEqualTo(expected.created());
    if (!(request instanceof Adjust) || done.created()) {
      // A retried adjustment answers with its first levels; the rest report the current ones.
      assertThat(done.levels()).as("levels after %s", request).isEqualTo(model.levels());
    }
    if (request instanceof Reserve reserve && done.created()) {
      assertThat(reserve.quantity()).as("accepted quantity").isLessThanOrEqualTo(availableBefore);
      assertThat(done.reservation().availableAfter())
          .isEqualTo(availableBefore - reserve.quantity());
    }
  }

  private static void checkInvariants(SkuLedger ledger, Model model) {
    long sumOfHolds =
        ledger.activeReservations().values().stream().mapToLong(Reservation::quantity).sum();
    assertThat(ledger.reserved()).as("reserved == sum of active holds").isEqualTo(sumOfHolds);
    assertThat(ledger.available()).as("available").isNotNegative();
    assertThat(ledger.onHand()).as("on hand >= reserved").isGreaterThanOrEqualTo(ledger.reserved());
    assertThat(ledger.levels()).isEqualTo(model.levels());
    assertThat(ledger.activeReservations().keySet())
        .containsExactlyInAnyOrderElementsOf(model.active.keySet());
  }

  @Provide
  Arbitrary<List<Tuple2<Integer, List<SkuRequest>>>> batches() {
    Arbitrary<Integer> secondsBetweenBatches = Arbitraries.integers().between(0, 4);
    Arbitrary<List<SkuRequest>> batch = request().list().ofMinSize(1).ofMaxSize(20);
    return Combinators.combine(secondsBetweenBatches, batch)
        .as(Tuple::of)
        .list()
        .ofMinSize(1)
        .ofMaxSize(15);
  }

  private static Arbitrary<SkuRequest> request() {
    Arbitrary<String> reservationIds = Arbitraries.integers().between(0, 29).map(i -> "r" + i);
    Arbitrary<String> adjustmentIds = Arbitraries.integers().between(0, 29).map(i -> "a" + i);
    Arbitrary<Long> expiry = Arbitraries.longs().between(1, 6).injectNull(0.5);
    Arbitrary<SkuRequest> reserve =
        Combinators.combine(
                reservationIds,
                Arbitraries.longs().between(1, 8),
                Arbitraries.of("shop-a", "shop-b"),
                expiry)
            .as(Reserve::new);
    Arbitrary<SkuRequest> adjust =
        Combinators.combine(
                adjustmentIds,
                Arbitraries.longs().between(-10, 15).filter(d -> d != 0),
                Arbitraries.of(AdjustmentReason.class))
            .as(Adjust::new);
    Arbitrary<SkuRequest> release = reservationIds.map(Release::new);
    Arbitrary<SkuRequest> commit = reservationIds.map(Commit::new);
    Arbitrary<SkuRequest> safetyStock = Arbitraries.longs().between(0, 6).map(SetSafetyStock::new);
    Arbitrary<SkuRequest> expire = Arbitraries.just(SkuRequest.ExpireDue.INSTANCE);
    return Arbitraries.frequencyOf(
        Tuple.of(6, reserve),
        Tuple.of(3, adjust),
        Tuple.of(2, release),
        Tuple.of(2, commit),
        Tuple.of(1, safetyStock),
        Tuple.of(1, expire));
  }

  /** What the model expects: a rejection, or a Done with the given created flag. */
  private record Expected(Rejection rejection, boolean created) {
    static Expected rejected(Rejection reason) {
      return new Expected(reason, false);
    }

    static Expected done(boolean created) {
      return new Expected(null, created);
    }

    String label() {
      return rejection != null ? rejection.name() : created ? "created" : "done";
    }
  }

  private record Hold(long quantity, Instant expiresAt) {}

  /** The stock rules written down plainly, independent of the ledger's own bookkeeping. */
  private static final class Model {
    long onHand;
    long safetyStock;
    final Map<String, Hold> active = new LinkedHashMap<>();
    final Map<String, HoldEnd> closed = new HashMap<>();
    final Map<String, Reserve> reservations = new HashMap<>();
    final Map<String, Adjust> adjustments = new HashMap<>();

    long reserved() {
      return active.values().stream().mapToLong(Hold::quantity).sum();
    }

    long available() {
      return Math.max(0, onHand - reserved() - safetyStock);
    }

    Levels levels() {
      return new Levels("sku", onHand, reserved(), safetyStock, available());
    }

    Expected decide(SkuRequest request, Instant now) {
      if (request instanceof Adjust adjust) {
        return adjust(adjust);
      } else if (request instanceof SetSafetyStock set) {
        safetyStock = set.quantity();
        return Expected.done(false);
      } else if (request instanceof Reserve reserve) {
        return reserve(reserve, now);
      } else if (request instanceof Release release) {
        return close(release.reservationId(), HoldEnd.RELEASED);
      } else if (request instanceof Commit commit) {
        return close(commit.reservationId(), HoldEnd.COMMITTED);
      } else if (request == SkuRequest.ExpireDue.INSTANCE) {
        return expire(now);
      }
      throw new IllegalArgumentException("Unexpected request " + request);
    }

    private Expected expire(Instant now) {
      List<String> due =
          active.entrySet().stream()
              .filter(e -> e.getValue().expiresAt() != null)
              .filter(e -> !e.getValue().expiresAt().isAfter(now))
              .map(Map.Entry::getKey)
              .toList();
      due.forEach(
          id -> {
            active.remove(id);
            closed.put(id, HoldEnd.EXPIRED);
          });
      Statistics.label("expired").collect(!due.isEmpty());
      return Expected.done(false);
    }

    private Expected adjust(Adjust adjust) {
      Adjust first = adjustments.get(adjust.adjustmentId());
      if (first != null) {
        boolean same = first.delta() == adjust.delta() && first.reason() == adjust.reason();
        return same ? Expected.done(false) : Expected.rejected(Rejection.ID_REUSED);
      }
      if (onHand + adjust.delta() < reserved()) {
        return Expected.rejected(Rejection.BELOW_RESERVED);
      }
      onHand += adjust.delta();
      adjustments.put(adjust.adjustmentId(), adjust);
      return Expected.done(true);
    }

    private Expected reserve(Reserve reserve, Instant now) {
      Reserve first = reservations.get(reserve.reservationId());
      if (first != null) {
        boolean same =
            first.quantity() == reserve.quantity()
                && first.channelId().equals(reserve.channelId())
                && Objects.equals(first.expiresInSeconds(), reserve.expiresInSeconds());
        return same ? Expected.done(false) : Expected.rejected(Rejection.ID_REUSED);
      }
      if (reserve.quantity() > available()) {
        return Expected.rejected(Rejection.INSUFFICIENT_STOCK);
      }
      Instant expiresAt =
          reserve.expiresInSeconds() == null ? null : now.plusSeconds(reserve.expiresInSeconds());
      active.put(reserve.reservationId(), new Hold(reserve.quantity(), expiresAt));
      reservations.put(reserve.reservationId(), reserve);
      return Expected.done(true);
    }

    private Expected close(String reservationId, HoldEnd end) {
      Hold hold = active.remove(reservationId);
      if (hold != null) {
        closed.put(reservationId, end);
        if (end == HoldEnd.COMMITTED) {
          onHand -= hold.quantity();
        }
        return Expected.done(true);
      }
      HoldEnd previous = closed.get(reservationId);
      if (previous == null) {
        return Expected.rejected(Rejection.RESERVATION_NOT_FOUND);
      }
      boolean sameEnd = previous == end || (end == HoldEnd.RELEASED && previous == HoldEnd.EXPIRED);
      return sameEnd ? Expected.done(false) : Expected.rejected(Rejection.RESERVATION_CLOSED);
    }
  }
}
