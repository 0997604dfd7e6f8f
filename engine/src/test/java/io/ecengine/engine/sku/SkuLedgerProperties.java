package io.ecengine.engine.sku;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecengine.engine.sku.SkuLedger.HoldEnd;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
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
 * checked against a small independent model of the stock, so that an oversell, a lost hold, a hold
 * beyond what the policy allows, a fill out of order or a wrong answer shows up as a
 * counterexample.
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
    // The entity decides in place; that must end exactly where deciding then applying ends.
    SkuLedger inPlace = SkuLedger.empty();
    inPlace.decideAllInPlace(List.of(new Define("sku")), now);

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
      SkuLedger.Batch decidedInPlace = inPlace.decideAllInPlace(requests, now);
      assertThat(decidedInPlace).isEqualTo(decided);
      assertThat(inPlace.toSnapshot()).isEqualTo(ledger.toSnapshot());
      assertThat(ledger.nextExpiry())
          .isEqualTo(
              ledger.activeReservations().values().stream()
                  .map(Reservation::expiresAt)
                  .filter(java.util.Objects::nonNull)
                  .min(Instant::compareTo));
    }

    // Guards against a generator that never reaches the interesting cases.
    Statistics.label("outcome")
        .coverage(
            coverage -> {
              coverage.check("Reserve", "created STOCK").count(n -> n > 0);
              coverage.check("Reserve", "created BACKORDER").count(n -> n > 0);
              coverage.check("Reserve", "created PREORDER").count(n -> n > 0);
              coverage.check("Reserve", "done").count(n -> n > 0);
              coverage.check("Reserve", "INSUFFICIENT_STOCK").count(n -> n > 0);
              coverage.check("Reserve", "ID_REUSED").count(n -> n > 0);
              coverage.check("Adjust", "BELOW_RESERVED").count(n -> n > 0);
              coverage.check("Commit", "created partial").count(n -> n > 0);
              coverage.check("Commit", "created closing").count(n -> n > 0);
              coverage.check("Commit", "done").count(n -> n > 0);
              coverage.check("Commit", "ID_REUSED").count(n -> n > 0);
              coverage.check("Commit", "EXCEEDS_HOLD").count(n -> n > 0);
              coverage.check("Commit", "NOT_IN_STOCK").count(n -> n > 0);
              coverage.check("Release", "RESERVATION_CLOSED").count(n -> n > 0);
              coverage.check("AddIncoming", "ID_REUSED").count(n -> n > 0);
              coverage.check("ReceiveIncoming", "created").count(n -> n > 0);
              coverage.check("ReceiveIncoming", "done").count(n -> n > 0);
              coverage.check("ReceiveIncoming", "INCOMING_NOT_FOUND").count(n -> n > 0);
            });
    Statistics.label("expired").coverage(coverage -> coverage.check(true).count(n -> n > 0));
    Statistics.label("filled").coverage(coverage -> coverage.check(true).count(n -> n > 0));
  }

  private static void checkOutcome(
      Model model, SkuRequest request, SkuOutcome actual, Instant now) {
    Levels before = model.levels();
    StockPolicy policy = model.policy;
    long backorderLimit = model.backorderLimit;
    Expected expected = model.decide(request, now);
    model.fill();
    model.remember(request, expected);
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
    // A retried adjustment or commitId answers with the levels of its first time.
    Levels levels = expected.firstLevels() != null ? expected.firstLevels() : model.levels();
    assertThat(done.levels()).as("levels after %s", request).isEqualTo(levels);
    if (request instanceof Reserve reserve && done.created()) {
      checkAccepted(reserve, done.reservation(), expected.kind(), before, policy, backorderLimit);
    }
  }

  /** A hold is only accepted within what the policy allowed at that moment. */
  private static void checkAccepted(
      Reserve reserve,
      Reservation placed,
      HoldKind expectedKind,
      Levels before,
      StockPolicy policy,
      long backorderLimit) {
    long quantity = reserve.quantity();
    assertThat(placed.kind()).as("kind of %s", reserve).isEqualTo(expectedKind);
    assertThat(placed.quantity()).isEqualTo(quantity);
    assertThat(placed.availableAfter()).isEqualTo(Math.max(0, before.available() - quantity));
    switch (placed.kind()) {
      case STOCK -> assertThat(quantity).as("on stock").isLessThanOrEqualTo(before.available());
      case BACKORDER -> {
        assertThat(policy).isEqualTo(StockPolicy.BACKORDER);
        assertThat(quantity)
            .as("backorder only beyond available")
            .isGreaterThan(before.available());
        assertThat(before.backordered() + quantity)
            .as("backordered within the limit at acceptance")
            .isLessThanOrEqualTo(backorderLimit);
      }
      case PREORDER -> {
        assertThat(policy).isEqualTo(StockPolicy.PREORDER);
        assertThat(quantity).as("preorder only beyond available").isGreaterThan(before.available());
        assertThat(before.preordered() + quantity)
            .as("preordered within incoming at acceptance")
            .isLessThanOrEqualTo(before.incoming());
      }
    }
  }

  private static final Instant SOLD_FROM = Instant.parse("2026-01-01T00:00:00Z");

  private static void checkInvariants(SkuLedger ledger, Model model) {
    // The per-channel figures kept alongside the holds agree with the holds themselves.
    Map<String, Long> heldByChannel = new java.util.TreeMap<>();
    ledger.activeReservations().values().stream()
        .filter(r -> r.channelId() != null && r.kind() == HoldKind.STOCK)
        .forEach(r -> heldByChannel.merge(r.channelId(), r.quantity(), Long::sum));
    assertThat(ledger.heldByChannel()).as("held by channel").isEqualTo(heldByChannel);
    for (String channel : List.of("shop-a", "shop-b")) {
      for (int m = -1; m <= 3; m++) {
        Instant after = SOLD_FROM.plusSeconds(m);
        long listed =
            ledger.activeReservations().values().stream()
                .filter(
                    r ->
                        channel.equals(r.channelId())
                            && r.soldAt() != null
                            && r.soldAt().isAfter(after))
                .mapToLong(Reservation::listedHeld)
                .sum();
        assertThat(ledger.listedSince(channel, after))
            .as("listed since " + after)
            .isEqualTo(listed);
      }
    }

    Map<HoldKind, Long> byKind =
        ledger.activeReservations().values().stream()
            .collect(
                Collectors.groupingBy(
                    Reservation::kind, Collectors.summingLong(Reservation::quantity)));
    long stock = byKind.getOrDefault(HoldKind.STOCK, 0L);
    assertThat(ledger.reserved()).as("reserved == sum of holds on stock").isEqualTo(stock);
    assertThat(ledger.onHand()).as("on hand >= reserved").isGreaterThanOrEqualTo(ledger.reserved());
    assertThat(ledger.backordered())
        .as("backordered == sum of backorder holds")
        .isEqualTo(byKind.getOrDefault(HoldKind.BACKORDER, 0L));
    assertThat(ledger.preordered())
        .as("preordered == sum of preorder holds")
        .isEqualTo(byKind.getOrDefault(HoldKind.PREORDER, 0L));
    assertThat(ledger.available()).as("available").isNotNegative();
    assertThat(ledger.levels()).isEqualTo(model.levels());
    Map<String, HoldKind> kinds = new LinkedHashMap<>();
    ledger.activeReservations().forEach((id, r) -> kinds.put(id, r.kind()));
    assertThat(kinds)
        .as("active holds, their kinds and their order")
        .containsExactlyEntriesOf(model.kinds());
    // Nothing owed is left waiting when the oldest owed hold would fit.
    long room = ledger.onHand() - ledger.reserved() - ledger.levels().safetyStock();
    ledger.activeReservations().values().stream()
        .filter(r -> r.kind().owed())
        .findFirst()
        .ifPresent(oldest -> assertThat(oldest.quantity()).as("oldest owed").isGreaterThan(room));
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
    Arbitrary<String> commitIds = Arbitraries.integers().between(0, 19).map(i -> "c" + i);
    Arbitrary<String> incomingIds = Arbitraries.integers().between(0, 7).map(i -> "i" + i);
    Arbitrary<Long> expiry = Arbitraries.longs().between(1, 6).injectNull(0.5);
    // Some holds come from a marketplace that already counted them down on its listing, sold at
    // one of a few moments.
    Arbitrary<Instant> soldAt =
        Arbitraries.integers().between(0, 3).map(m -> SOLD_FROM.plusSeconds(m)).injectNull(0.5);
    Arbitrary<SkuRequest> reserve =
        Combinators.combine(
                reservationIds,
                Arbitraries.longs().between(1, 8),
                Arbitraries.of("shop-a", "shop-b"),
                expiry,
                Arbitraries.longs().between(0, 8),
                soldAt)
            .as(
                (id, quantity, channel, expires, listed, at) ->
                    new Reserve(
                        id,
                        quantity,
                        channel,
                        expires,
                        at == null ? 0 : Math.min(listed, quantity),
                        at));
    Arbitrary<SkuRequest> adjust =
        Combinators.combine(
                adjustmentIds,
                Arbitraries.longs().between(-10, 15).filter(d -> d != 0),
                Arbitraries.of(AdjustmentReason.class))
            .as(Adjust::new);
    Arbitrary<SkuRequest> release = reservationIds.map(Release::new);
    Arbitrary<SkuRequest> commit =
        Combinators.combine(
                reservationIds,
                Arbitraries.longs().between(1, 5).injectNull(0.4),
                commitIds.injectNull(0.3))
            .filter((id, quantity, commitId) -> quantity == null || commitId != null)
            .as(Commit::new);
    Arbitrary<SkuRequest> safetyStock = Arbitraries.longs().between(0, 6).map(SetSafetyStock::new);
    Arbitrary<SkuRequest> policy =
        Combinators.combine(Arbitraries.of(StockPolicy.class), Arbitraries.longs().between(0, 12))
            .as(SetPolicy::new);
    Arbitrary<SkuRequest> addIncoming =
        Combinators.combine(
                incomingIds,
                Arbitraries.longs().between(1, 8),
                Arbitraries.of(START.plusSeconds(3600), START.plusSeconds(7200)).injectNull(0.3))
            .as(AddIncoming::new);
    Arbitrary<SkuRequest> receive = incomingIds.map(ReceiveIncoming::new);
    Arbitrary<SkuRequest> expire = Arbitraries.just(SkuRequest.ExpireDue.INSTANCE);
    return Arbitraries.frequencyOf(
        Tuple.of(6, reserve),
        Tuple.of(3, adjust),
        Tuple.of(2, release),
        Tuple.of(3, commit),
        Tuple.of(1, safetyStock),
        Tuple.of(1, policy),
        Tuple.of(2, addIncoming),
        Tuple.of(1, receive),
        Tuple.of(1, expire));
  }

  /**
   * What the model expects: a rejection, or a Done with the given created flag; the levels of the
   * first answer for a retry that repeats it; the kind of a new hold.
   */
  private record Expected(
      Rejection rejection, boolean created, Levels firstLevels, HoldKind kind, String how) {
    static Expected rejected(Rejection reason) {
      return new Expected(reason, false, null, null, null);
    }

    static Expected done(boolean created) {
      return new Expected(null, created, null, null, null);
    }

    static Expected repeated(Levels firstLevels) {
      return new Expected(null, false, firstLevels, null, null);
    }

    static Expected placed(HoldKind kind) {
      return new Expected(null, true, null, kind, kind.name());
    }

    static Expected shipped(boolean closing) {
      return new Expected(null, true, null, null, closing ? "closing" : "partial");
    }

    String label() {
      if (rejection != null) {
        return rejection.name();
      }
      return !created ? "done" : how != null ? "created " + how : "created";
    }
  }

  private record Hold(long quantity, Instant expiresAt, HoldKind kind) {}

  private record CommitMade(String reservationId, long quantity, boolean closedHold) {}

  private record Delivery(long quantity, Instant expectedAt) {}

  /** The stock rules written down plainly, independent of the ledger's own bookkeeping. */
  private static final class Model {
    long onHand;
    long safetyStock;
    StockPolicy policy = StockPolicy.REJECT;
    long backorderLimit;
    final Map<String, Hold> active = new LinkedHashMap<>();
    final Map<String, HoldEnd> closed = new HashMap<>();
    final Map<String, Reserve> reservations = new HashMap<>();
    final Map<String, Adjust> adjustments = new HashMap<>();
    final Map<String, Levels> adjustmentLevels = new HashMap<>();
    final Map<String, CommitMade> commits = new HashMap<>();
    final Map<String, Levels> commitLevels = new HashMap<>();
    final Map<String, Delivery> incoming = new HashMap<>();
    final Map<String, Delivery> received = new HashMap<>();

    long sum(HoldKind kind) {
      return active.values().stream().filter(h -> h.kind() == kind).mapToLong(Hold::quantity).sum();
    }

    Map<String, HoldKind> kinds() {
      Map<String, HoldKind> kinds = new LinkedHashMap<>();
      active.forEach((id, hold) -> kinds.put(id, hold.kind()));
      return kinds;
    }

    long owed() {
      return sum(HoldKind.BACKORDER) + sum(HoldKind.PREORDER);
    }

    long incomingUnits() {
      return incoming.values().stream().mapToLong(Delivery::quantity).sum();
    }

    long available() {
      return Math.max(0, onHand - sum(HoldKind.STOCK) - safetyStock - owed());
    }

    Levels levels() {
      return new Levels(
          "sku",
          onHand,
          sum(HoldKind.STOCK),
          safetyStock,
          available(),
          sum(HoldKind.BACKORDER),
          sum(HoldKind.PREORDER),
          incomingUnits(),
          List.of());
    }

    Expected decide(SkuRequest request, Instant now) {
      if (request instanceof Adjust adjust) {
        return adjust(adjust);
      } else if (request instanceof SetSafetyStock set) {
        safetyStock = set.quantity();
        return Expected.done(false);
      } else if (request instanceof SetPolicy set) {
        policy = set.policy();
        backorderLimit = set.backorderLimit();
        return Expected.done(false);
      } else if (request instanceof AddIncoming add) {
        return addIncoming(add);
      } else if (request instanceof ReceiveIncoming receive) {
        return receive(receive.incomingId());
      } else if (request instanceof Reserve reserve) {
        return reserve(reserve, now);
      } else if (request instanceof Release release) {
        return release(release.reservationId());
      } else if (request instanceof Commit commit) {
        return commit(commit);
      } else if (request == SkuRequest.ExpireDue.INSTANCE) {
        return expire(now);
      }
      throw new IllegalArgumentException("Unexpected request " + request);
    }

    /** Owed holds in the order they were placed become holds on stock while they fit. */
    void fill() {
      long room = onHand - sum(HoldKind.STOCK) - safetyStock;
      boolean any = false;
      for (Map.Entry<String, Hold> entry : active.entrySet()) {
        Hold hold = entry.getValue();
        if (hold.kind() == HoldKind.STOCK) {
          continue;
        }
        if (hold.quantity() > room) {
          break;
        }
        room -= hold.quantity();
        entry.setValue(new Hold(hold.quantity(), hold.expiresAt(), HoldKind.STOCK));
        any = true;
      }
      if (any) {
        Statistics.label("filled").collect(true);
      }
    }

    /** Keeps the answer of a first adjustment or commitId, after its fill, for its retries. */
    void remember(SkuRequest request, Expected expected) {
      if (!expected.created()) {
        return;
      }
      if (request instanceof Adjust adjust) {
        adjustmentLevels.put(adjust.adjustmentId(), levels());
      } else if (request instanceof Commit commit && commit.commitId() != null) {
        commitLevels.put(commit.commitId(), levels());
      }
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
        return same
            ? Expected.repeated(adjustmentLevels.get(adjust.adjustmentId()))
            : Expected.rejected(Rejection.ID_REUSED);
      }
      if (onHand + adjust.delta() < sum(HoldKind.STOCK)) {
        return Expected.rejected(Rejection.BELOW_RESERVED);
      }
      onHand += adjust.delta();
      adjustments.put(adjust.adjustmentId(), adjust);
      return Expected.done(true);
    }

    private Expected addIncoming(AddIncoming add) {
      Delivery first = incoming.getOrDefault(add.incomingId(), received.get(add.incomingId()));
      if (first != null) {
        boolean same =
            first.quantity() == add.quantity()
                && Objects.equals(first.expectedAt(), add.expectedAt());
        return same ? Expected.done(false) : Expected.rejected(Rejection.ID_REUSED);
      }
      incoming.put(add.incomingId(), new Delivery(add.quantity(), add.expectedAt()));
      return Expected.done(true);
    }

    private Expected receive(String incomingId) {
      Delivery delivery = incoming.remove(incomingId);
      if (delivery != null) {
        onHand += delivery.quantity();
        received.put(incomingId, delivery);
        return Expected.done(true);
      }
      return received.containsKey(incomingId)
          ? Expected.done(false)
          : Expected.rejected(Rejection.INCOMING_NOT_FOUND);
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
      long quantity = reserve.quantity();
      HoldKind kind;
      if (quantity <= available()) {
        kind = HoldKind.STOCK;
      } else if (policy == StockPolicy.BACKORDER
          && sum(HoldKind.BACKORDER) + quantity <= backorderLimit) {
        kind = HoldKind.BACKORDER;
      } else if (policy == StockPolicy.PREORDER
          && sum(HoldKind.PREORDER) + quantity <= incomingUnits()) {
        kind = HoldKind.PREORDER;
      } else {
        return Expected.rejected(Rejection.INSUFFICIENT_STOCK);
      }
      Instant expiresAt =
          reserve.expiresInSeconds() == null ? null : now.plusSeconds(reserve.expiresInSeconds());
      active.put(reserve.reservationId(), new Hold(quantity, expiresAt, kind));
      reservations.put(reserve.reservationId(), reserve);
      return Expected.placed(kind);
    }

    private Expected release(String reservationId) {
      if (active.remove(reservationId) != null) {
        closed.put(reservationId, HoldEnd.RELEASED);
        return Expected.done(true);
      }
      HoldEnd previous = closed.get(reservationId);
      if (previous == null) {
        return Expected.rejected(Rejection.RESERVATION_NOT_FOUND);
      }
      return previous == HoldEnd.COMMITTED
          ? Expected.rejected(Rejection.RESERVATION_CLOSED)
          : Expected.done(false);
    }

    private Expected commit(Commit commit) {
      String reservationId = commit.reservationId();
      CommitMade first = commit.commitId() == null ? null : commits.get(commit.commitId());
      if (first != null) {
        boolean same =
            first.reservationId().equals(reservationId)
                && (commit.quantity() == null
                    ? first.closedHold()
                    : commit.quantity() == first.quantity());
        return same
            ? Expected.repeated(commitLevels.get(commit.commitId()))
            : Expected.rejected(Rejection.ID_REUSED);
      }
      Hold hold = active.get(reservationId);
      if (hold != null) {
        if (hold.kind() != HoldKind.STOCK) {
          return Expected.rejected(Rejection.NOT_IN_STOCK);
        }
        long shipped = commit.quantity() == null ? hold.quantity() : commit.quantity();
        if (shipped > hold.quantity()) {
          return Expected.rejected(Rejection.EXCEEDS_HOLD);
        }
        onHand -= shipped;
        boolean closing = shipped == hold.quantity();
        if (closing) {
          active.remove(reservationId);
          closed.put(reservationId, HoldEnd.COMMITTED);
        } else {
          active.put(
              reservationId, new Hold(hold.quantity() - shipped, hold.expiresAt(), hold.kind()));
        }
        if (commit.commitId() != null) {
          commits.put(commit.commitId(), new CommitMade(reservationId, shipped, closing));
        }
        return Expected.shipped(closing);
      }
      HoldEnd previous = closed.get(reservationId);
      if (previous == null) {
        return Expected.rejected(Rejection.RESERVATION_NOT_FOUND);
      }
      return previous == HoldEnd.COMMITTED && commit.quantity() == null
          ? Expected.done(false)
          : Expected.rejected(Rejection.RESERVATION_CLOSED);
    }
  }
}
