package io.ecengine.engine.sku;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecengine.engine.sku.SkuEvent.ShareSet;
import io.ecengine.engine.sku.SkuOutcome.Done;
import io.ecengine.engine.sku.SkuOutcome.Rejected;
import io.ecengine.engine.sku.SkuOutcome.Rejection;
import io.ecengine.engine.sku.SkuOutcome.Shared;
import io.ecengine.engine.sku.SkuRequest.Adjust;
import io.ecengine.engine.sku.SkuRequest.ClaimShare;
import io.ecengine.engine.sku.SkuRequest.Define;
import io.ecengine.engine.sku.SkuRequest.Release;
import io.ecengine.engine.sku.SkuRequest.Reserve;
import io.ecengine.engine.sku.SkuRequest.SetSafetyStock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Channels' shares of a SKU's last units: set aside, taken by the channel's own sales, cut. */
class SkuLedgerSharesTest {

  private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

  private SkuLedger ledger;

  @BeforeEach
  void stocked() {
    ledger = SkuLedger.empty("HOT");
    run(new Define("Hot item"));
    run(new Adjust("initial", 100, AdjustmentReason.RECEIPT));
  }

  private SkuLedger.Batch runBatch(SkuRequest... requests) {
    SkuLedger.Batch batch = ledger.decideAll(List.of(requests), T0);
    batch.events().forEach(ledger::apply);
    return batch;
  }

  private SkuOutcome run(SkuRequest request) {
    return runBatch(request).outcomes().get(0);
  }

  private Shared claim(String channel, long unplaced, long show, long keepBack, double rate) {
    return (Shared) run(new ClaimShare(channel, unplaced, show, keepBack, rate));
  }

  /** A sale the channel's marketplace made of the SKU's own listing, imported as an order. */
  private static Reserve sale(String id, String channel, long quantity) {
    return new Reserve(id, quantity, channel, null, quantity, T0.minusSeconds(1));
  }

  @Test
  void aShareIsSetAsideFromAvailableWithTheUnplacedSalesFirst() {
    Shared shared = claim("tiktok", 3, 20, 0, 5.0);

    assertThat(shared.share()).isEqualTo(23);
    assertThat(shared.show()).isEqualTo(20);
    assertThat(ledger.levels().available()).isEqualTo(77);
    assertThat(ledger.levels().shared()).isEqualTo(23);
    assertThat(ledger.levels().reserved()).isZero();
    assertThat(ledger.shareOf("tiktok")).isEqualTo(23);
  }

  @Test
  void theChannelsOwnSalesComeOutOfItsShareAndLeaveAvailableAlone() {
    claim("tiktok", 0, 20, 0, 5.0);

    Done done = (Done) run(sale("o-1", "tiktok", 4));

    assertThat(done.reservation().fromShare()).isEqualTo(4);
    assertThat(ledger.shareOf("tiktok")).isEqualTo(16);
    assertThat(ledger.levels().available()).isEqualTo(80);
    assertThat(ledger.levels().reserved()).isEqualTo(4);
    assertThat(done.reservation().availableAfter()).isEqualTo(80);
  }

  @Test
  void aSaleBeyondTheShareTakesTheRestFromAvailable() {
    claim("tiktok", 0, 3, 0, 5.0);

    Done done = (Done) run(sale("o-1", "tiktok", 5));

    assertThat(done.reservation().fromShare()).isEqualTo(3);
    assertThat(ledger.shareOf("tiktok")).isZero();
    assertThat(ledger.shares()).isEmpty();
    assertThat(ledger.levels().available()).isEqualTo(95);
  }

  @Test
  void holdsThatAreNotTheChannelsOwnListingSalesNeverTakeItsShare() {
    claim("tiktok", 0, 20, 0, 5.0);

    // A bundle's component hold carries the channel but no listed units; a cart hold neither.
    run(new Reserve("bundle-part", 2, "tiktok", null));
    run(new Reserve("cart", 5, null, null));

    assertThat(ledger.shareOf("tiktok")).isEqualTo(20);
    assertThat(ledger.levels().available()).isEqualTo(73);
  }

  @Test
  void aShareNeverTakesMoreThanAvailableLessWhatTheRulesKeepBack() {
    Shared shared = claim("amazon", 10, 500, 30, 1.0);

    assertThat(shared.share()).isEqualTo(70);
    assertThat(shared.show()).isEqualTo(60);
    assertThat(ledger.levels().available()).isEqualTo(30);
  }

  @Test
  void unplacedSalesBeyondWhatIsLeftAreSetAsideOnlyAsFarAsStockGoes() {
    Shared shared = claim("amazon", 130, 10, 0, 1.0);

    assertThat(shared.share()).isEqualTo(100);
    assertThat(shared.show()).isZero();
  }

  @Test
  void aNewClaimReplacesTheChannelsShareCountingItsOldShareAsAvailable() {
    claim("tiktok", 0, 40, 0, 5.0);
    run(sale("o-1", "tiktok", 10));

    Shared again = claim("tiktok", 2, 50, 0, 5.0);

    assertThat(again.share()).isEqualTo(52);
    assertThat(ledger.levels().available()).isEqualTo(100 - 10 - 52);
  }

  @Test
  void whileOthersHoldSharesWhatIsLeftIsDividedBySalesRate() {
    claim("amazon", 0, 5, 0, 1.0);
    claim("rakuten", 0, 5, 0, 1.0);

    Shared tiktok = claim("tiktok", 0, 1_000, 0, 8.0);

    // 90 units left; tiktok sells 8 of every 10 units sold by the channels with shares.
    assertThat(tiktok.show()).isEqualTo(72);
  }

  @Test
  void aChannelThatSellsNothingYetMayStillShowOneUnitWhileOthersHoldShares() {
    claim("tiktok", 0, 50, 0, 8.0);

    Shared shopify = claim("shopify", 0, 10, 0, 0.0);

    assertThat(shopify.show()).isEqualTo(1);
  }

  @Test
  void aShareIsGivenUpWithNothingToShowAndNothingUnplaced() {
    claim("tiktok", 0, 40, 0, 5.0);

    Shared gone = claim("tiktok", 0, 0, 0, 0.0);

    assertThat(gone.share()).isZero();
    assertThat(ledger.shares()).isEmpty();
    assertThat(ledger.levels().available()).isEqualTo(100);
  }

  @Test
  void aReleasedSaleReturnsItsUnitsToAvailableNotToTheShare() {
    claim("tiktok", 0, 20, 0, 5.0);
    run(sale("o-1", "tiktok", 4));

    run(new Release("o-1"));

    assertThat(ledger.shareOf("tiktok")).isEqualTo(16);
    assertThat(ledger.levels().available()).isEqualTo(84);
  }

  @Test
  void sharesAreCutBackWhenStockFallsBelowThemLargestFirst() {
    claim("tiktok", 0, 60, 0, 5.0);
    claim("amazon", 0, 30, 0, 100.0);

    SkuLedger.Batch batch = runBatch(new Adjust("damage", -95, AdjustmentReason.DAMAGE));

    // 5 units left against 90 set aside: 85 cut, two thirds of it from tiktok's share.
    assertThat(batch.events())
        .filteredOn(ShareSet.class::isInstance)
        .extracting(e -> ((ShareSet) e).channelId(), e -> ((ShareSet) e).units())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("amazon", 2L),
            org.assertj.core.groups.Tuple.tuple("tiktok", 3L));
    assertThat(ledger.levels().shared()).isEqualTo(5);
    assertThat(ledger.levels().available()).isZero();
  }

  @Test
  void raisingSafetyStockCutsSharesToo() {
    claim("tiktok", 0, 100, 0, 5.0);

    run(new SetSafetyStock(10));

    assertThat(ledger.shareOf("tiktok")).isEqualTo(90);
  }

  @Test
  void aBundleHasNoShares() {
    SkuLedger bundle = SkuLedger.empty("SET");
    bundle
        .decideAll(List.of(new Define("Set", List.of(new Component("HOT", 2)))), T0)
        .events()
        .forEach(bundle::apply);

    SkuOutcome outcome =
        bundle.decideAll(List.of(new ClaimShare("tiktok", 0, 5, 0, 1.0)), T0).outcomes().get(0);

    assertThat(outcome).isInstanceOf(Rejected.class);
    assertThat(((Rejected) outcome).reason()).isEqualTo(Rejection.BUNDLE_HAS_NO_STOCK);
  }

  @Test
  void sharesSurviveASnapshotAndAReplay() {
    claim("tiktok", 2, 20, 0, 5.0);
    run(sale("o-1", "tiktok", 4));

    SkuLedger restored = SkuLedger.fromSnapshot(ledger.toSnapshot(), "HOT");

    assertThat(restored.shares()).isEqualTo(Map.of("tiktok", 18L));
    assertThat(restored.levels()).isEqualTo(ledger.levels());
  }

  @Test
  void theSalesRateCountsWhatWasPlacedOverTheLastSeconds() {
    Instant later = T0.plusSeconds(30);
    for (int i = 0; i < 20; i++) {
      ledger
          .decideAll(List.of(sale("o-" + i, i % 2 == 0 ? "tiktok" : "amazon", 1)), later)
          .events()
          .forEach(ledger::apply);
    }

    // 20 units over the last 5 s: 4 a second, half of them on tiktok.
    assertThat(ledger.salesPerSecond(later)).isEqualTo(4.0);
    assertThat(ledger.salesPerSecond(later, "tiktok")).isEqualTo(2.0);
    assertThat(ledger.salesPerSecondByChannel(later)).containsEntry("amazon", 2.0);
    assertThat(ledger.salesPerSecond(later.plusSeconds(60))).isZero();
  }
}
