package io.ecengine.engine.sku;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecengine.engine.sku.SkuOutcome.Done;
import io.ecengine.engine.sku.SkuOutcome.Shared;
import io.ecengine.engine.sku.SkuRequest.Adjust;
import io.ecengine.engine.sku.SkuRequest.ClaimShare;
import io.ecengine.engine.sku.SkuRequest.Commit;
import io.ecengine.engine.sku.SkuRequest.Define;
import io.ecengine.engine.sku.SkuRequest.Release;
import io.ecengine.engine.sku.SkuRequest.Reserve;
import io.ecengine.engine.sku.SkuRequest.SetSafetyStock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Random claims, sales of the channels' own listings, other holds, releases, shipments and stock
 * changes: whatever happens, shares never promise units that are not there, each channel's sale
 * takes from its own share first, and the ledger ends the same decided in place, replayed from its
 * events or restored from a snapshot.
 */
class SkuLedgerSharesProperties {

  private static final Instant START = Instant.parse("2026-12-04T00:00:00Z");
  private static final List<String> CHANNELS = List.of("tiktok", "rakuten", "amazon");

  @Property(tries = 300)
  void sharesNeverPromiseUnitsThatAreNotThere(@ForAll("batches") List<List<SkuRequest>> batches) {
    SkuLedger ledger = SkuLedger.empty("HOT");
    SkuLedger inPlace = SkuLedger.empty("HOT");
    List<SkuEvent> journal = new ArrayList<>();
    List<SkuRequest> start =
        List.of(new Define("Hot"), new Adjust("initial", 60, AdjustmentReason.RECEIPT));
    journal.addAll(ledger.decideAll(start, START).events());
    journal.forEach(ledger::apply);
    inPlace.decideAllInPlace(start, START);
    Instant now = START;

    for (List<SkuRequest> batch : batches) {
      now = now.plusSeconds(1);
      Map<String, Long> sharesBefore = Map.copyOf(ledger.shares());
      long availableBefore = ledger.available();
      SkuLedger.Batch decided = ledger.decideAll(batch, now);
      decided.events().forEach(ledger::apply);
      journal.addAll(decided.events());

      for (int i = 0; i < batch.size(); i++) {
        SkuOutcome outcome = decided.outcomes().get(i);
        if (batch.get(i) instanceof ClaimShare claim && outcome instanceof Shared shared) {
          Statistics.label("claim").collect(shared.show() > 0 ? "granted" : "nothing to show");
          assertThat(shared.share()).isLessThanOrEqualTo(claim.unplaced() + claim.show());
          assertThat(shared.show()).isLessThanOrEqualTo(claim.show());
        }
        if (i == 0
            && batch.get(i) instanceof Reserve reserve
            && outcome instanceof Done done
            && done.created()
            && done.reservation().kind() == HoldKind.STOCK) {
          long share = sharesBefore.getOrDefault(String.valueOf(reserve.channelId()), 0L);
          long expected = Math.min(reserve.listedUnits(), share);
          assertThat(done.reservation().fromShare()).isEqualTo(expected);
          assertThat(reserve.quantity() - expected).isLessThanOrEqualTo(availableBefore);
          Statistics.label("from share").collect(expected > 0);
        }
      }
      checkInvariants(ledger);

      SkuLedger.Batch again = inPlace.decideAllInPlace(batch, now);
      assertThat(again).isEqualTo(decided);
      assertThat(inPlace.toSnapshot()).isEqualTo(ledger.toSnapshot());
    }

    SkuLedger replayed = SkuLedger.empty("HOT");
    journal.forEach(replayed::apply);
    assertThat(replayed.toSnapshot()).isEqualTo(ledger.toSnapshot());
    SkuLedger restored = SkuLedger.fromSnapshot(ledger.toSnapshot(), "HOT");
    assertThat(restored.levels()).isEqualTo(ledger.levels());
    assertThat(restored.shares()).isEqualTo(ledger.shares());

    Statistics.label("claim").coverage(c -> c.check("granted").count(n -> n > 0));
    Statistics.label("from share").coverage(c -> c.check(true).count(n -> n > 0));
  }

  private static void checkInvariants(SkuLedger ledger) {
    Levels levels = ledger.levels();
    long room =
        levels.onHand()
            - levels.reserved()
            - levels.safetyStock()
            - levels.backordered()
            - levels.preordered();
    long shared = ledger.shares().values().stream().mapToLong(Long::longValue).sum();
    assertThat(ledger.shares().values()).allMatch(units -> units > 0);
    assertThat(levels.shared()).isEqualTo(shared);
    assertThat(shared)
        .as("shares within what on hand covers")
        .isLessThanOrEqualTo(Math.max(0, room));
    assertThat(levels.reserved()).isLessThanOrEqualTo(levels.onHand());
    assertThat(levels.available()).isEqualTo(Math.max(0, room - shared));
  }

  @Provide
  Arbitrary<List<List<SkuRequest>>> batches() {
    return request().list().ofMinSize(1).ofMaxSize(4).list().ofMinSize(1).ofMaxSize(25);
  }

  private Arbitrary<SkuRequest> request() {
    Arbitrary<String> channel = Arbitraries.of(CHANNELS);
    Arbitrary<String> id = Arbitraries.integers().between(1, 12).map(n -> "r-" + n);
    Arbitrary<SkuRequest> claim =
        net.jqwik.api.Combinators.combine(
                channel,
                Arbitraries.longs().between(0, 8),
                Arbitraries.longs().between(0, 40),
                Arbitraries.longs().between(0, 10),
                Arbitraries.doubles().between(0, 20))
            .as(
                (c, unplaced, show, keepBack, rate) ->
                    new ClaimShare(c, unplaced, show, keepBack, rate));
    Arbitrary<SkuRequest> sale =
        net.jqwik.api.Combinators.combine(
                id, channel, Arbitraries.longs().between(1, 6), Arbitraries.longs().between(0, 6))
            .as(
                (r, c, quantity, listed) ->
                    new Reserve(r, quantity, c, null, Math.min(listed, quantity), START));
    Arbitrary<SkuRequest> otherHold =
        net.jqwik.api.Combinators.combine(id, Arbitraries.longs().between(1, 6))
            .as((r, quantity) -> new Reserve(r, quantity, null, null));
    Arbitrary<SkuRequest> release = id.map(Release::new);
    Arbitrary<SkuRequest> ship = id.map(Commit::new);
    Arbitrary<SkuRequest> adjust =
        net.jqwik.api.Combinators.combine(
                Arbitraries.integers().between(1, 1_000), Arbitraries.longs().between(-30, 30))
            .as(
                (n, delta) ->
                    delta == 0
                        ? new SetSafetyStock(n % 5)
                        : new Adjust(
                            "a-" + n,
                            delta,
                            delta > 0 ? AdjustmentReason.RECEIPT : AdjustmentReason.DAMAGE));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, claim),
        net.jqwik.api.Tuple.of(6, sale),
        net.jqwik.api.Tuple.of(2, otherHold),
        net.jqwik.api.Tuple.of(2, release),
        net.jqwik.api.Tuple.of(1, ship),
        net.jqwik.api.Tuple.of(2, adjust));
  }
}
