package io.ecengine.engine.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ShareBookTest {

  private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

  private ShareBook book;

  @BeforeEach
  void book() {
    book =
        new ShareBook(
            new ShareBook.Settings(
                true,
                Duration.ofSeconds(30),
                0.5,
                Duration.ofSeconds(10),
                Duration.ofSeconds(3),
                Duration.ofMillis(500),
                Duration.ofSeconds(5)));
  }

  /** A read without the settled flag. */
  private static ShareBook.Read read(
      long shown,
      Instant at,
      long baseline,
      Instant baselineAt,
      long share,
      long shownByCount,
      long most,
      long free,
      double placedPerSecond) {
    return new ShareBook.Read(
        shown, at, baseline, baselineAt, share, shownByCount, most, free, placedPerSecond, false);
  }

  private static ShareBook.Outlook outlook(long most, long shared, long share, double perSecond) {
    return new ShareBook.Outlook(most, shared, share, perSecond, true);
  }

  @Test
  void aPoolIsSplitWhenItWouldRunOutWithinTheHorizon() {
    assertThat(book.consider("HOT", outlook(1_600, 0, 0, 50), T0)).isEqualTo(ShareBook.Change.NONE);
    assertThat(book.inShare("HOT")).isFalse();

    assertThat(book.consider("HOT", outlook(1_400, 0, 0, 50), T0))
        .isEqualTo(ShareBook.Change.ENTERED);
    assertThat(book.inShare("HOT")).isTrue();
    assertThat(book.claimed("HOT")).isFalse();
    assertThat(book.due(T0, 10)).containsExactly("HOT");
  }

  @Test
  void otherChannelsSharesCountAsLastUnitsButTheOwnShareOnlyOnce() {
    // 1,200 left to this channel (its own share of 200 included) and 500 in others' shares.
    assertThat(book.consider("HOT", outlook(1_200, 700, 200, 50), T0))
        .isEqualTo(ShareBook.Change.NONE);
    assertThat(book.consider("HOT", outlook(1_000, 700, 200, 50), T0))
        .isEqualTo(ShareBook.Change.ENTERED);
  }

  @Test
  void aSlowSkuIsNeverSplitHoweverLittleIsLeft() {
    assertThat(book.consider("SLOW", outlook(2, 0, 0, 0.2), T0)).isEqualTo(ShareBook.Change.NONE);
  }

  @Test
  void aChannelThatMayNotHoldSharesNeverEntersAndLeavesIfItHeldOne() {
    assertThat(book.consider("HOT", new ShareBook.Outlook(10, 0, 0, 50, false), T0))
        .isEqualTo(ShareBook.Change.NONE);
    book.consider("HOT", outlook(10, 0, 0, 50), T0);

    assertThat(book.consider("HOT", new ShareBook.Outlook(10, 0, 0, 50, false), T0))
        .isEqualTo(ShareBook.Change.LEFT);
    assertThat(book.inShare("HOT")).isFalse();
  }

  @Test
  void thePoolIsSharedAgainWhenItWouldLastTwiceTheHorizon() {
    book.consider("HOT", outlook(1_000, 0, 0, 50), T0);
    assertThat(book.consider("HOT", outlook(2_900, 0, 0, 50), T0)).isEqualTo(ShareBook.Change.NONE);
    assertThat(book.consider("HOT", outlook(3_100, 0, 0, 50), T0)).isEqualTo(ShareBook.Change.LEFT);
  }

  @Test
  void aSoldOutSkuStaysSplitThoughItSellsNothingUntilItsRushIsLongPast() {
    book.consider("HOT", outlook(1_000, 0, 0, 50), T0);

    // Nothing sells because nothing is left to sell; its buyers are still there.
    assertThat(book.consider("HOT", outlook(20, 20, 0, 0), T0.plusSeconds(60)))
        .isEqualTo(ShareBook.Change.NONE);
    assertThat(book.consider("HOT", outlook(20, 20, 0, 0), T0.plus(ShareBook.RATE_MEMORY)))
        .isEqualTo(ShareBook.Change.NONE);
    assertThat(
            book.consider(
                "HOT", outlook(20, 20, 0, 0), T0.plus(ShareBook.RATE_MEMORY).plusSeconds(1)))
        .isEqualTo(ShareBook.Change.LEFT);
  }

  @Test
  void aShareLeftFromBeforeDoesNotBringTheChannelBack() {
    assertThat(book.consider("HOT", outlook(5_000, 30, 30, 1), T0))
        .isEqualTo(ShareBook.Change.NONE);
  }

  @Test
  void theFirstClaimSetsAsideWhatTheMarketplaceSoldThatTheEngineHasNotSeen() {
    book.consider("HOT", outlook(1_000, 0, 0, 40), T0);

    // Pushed 1,000 ten seconds ago; shows 600 now; the engine has seen 300 of those sales.
    Optional<ShareBook.Claim> claim =
        book.afterRead("HOT", read(600, T0, 1_000, T0.minusSeconds(10), 0, 700, 1_000, 1_000, 30));

    assertThat(claim).isPresent();
    assertThat(claim.get().unplaced()).isEqualTo(100);
    // It sold 400 in 10 s: 40 a second. A first share lasts until the first top-up (3 s), while
    // the other channels claim theirs.
    assertThat(claim.get().perSecond()).isEqualTo(40.0);
    assertThat(claim.get().show()).isEqualTo(120);
  }

  @Test
  void aShareIsNeverMoreThanTheRulesAllowNorLessThanOneUnit() {
    book.consider("HOT", outlook(1_000, 0, 0, 40), T0);
    assertThat(
            book.afterRead("HOT", read(50, T0, 1_000, T0.minusSeconds(10), 0, 60, 25, 1_000, 0))
                .orElseThrow()
                .show())
        .isEqualTo(25);

    book.consider("QUIET", outlook(10, 0, 0, 1), T0);
    assertThat(
            book.afterRead("QUIET", read(10, T0, 10, T0.minusSeconds(10), 0, 10, 10, 10, 0))
                .orElseThrow()
                .show())
        .isEqualTo(1);
  }

  @Test
  void aShareWithEnoughLeftIsReadAgainBeforeItRunsLow() {
    book.consider("HOT", outlook(1_000, 0, 0, 40), T0);
    // 400 sold in the 10 s before: 40 a second.
    book.afterRead("HOT", read(1_000, T0, 1_400, T0.minusSeconds(10), 0, 1_000, 1_000, 1_000, 0));
    book.pushed("HOT", 400, T0);
    assertThat(book.claimed("HOT")).isTrue();

    // Sold 100 in 2.5 s: 40 a second; 300 left is well above 3 s of sales (120).
    Instant read = T0.plusMillis(2_500);
    assertThat(book.afterRead("HOT", read(300, read, 400, T0, 400, 310, 1_000, 500, 0))).isEmpty();
    // (300 - 120) / 40 / 2 = 2.25 s to the next read.
    assertThat(book.nextDue()).contains(read.plusMillis(2_250));
  }

  @Test
  void aShareRunningLowIsToppedUpWithItsUnplacedSalesKept() {
    book.consider("HOT", outlook(1_000, 0, 0, 40), T0);
    book.afterRead("HOT", read(1_000, T0, 1_000, T0.minusSeconds(10), 0, 1_000, 1_000, 1_000, 0));
    book.pushed("HOT", 400, T0);

    // 9 s later it shows 40: 360 sold, and the SKU still sets aside 90 for this channel.
    Optional<ShareBook.Claim> topUp =
        book.afterRead("HOT", read(40, T0.plusSeconds(9), 400, T0, 90, 50, 1_000, 500, 0));

    assertThat(topUp).isPresent();
    assertThat(topUp.get().unplaced()).isEqualTo(50);
    assertThat(topUp.get().show()).isEqualTo(400);
  }

  @Test
  void nothingIsClaimedWhenNothingIsLeftToTopUpFrom() {
    book.consider("HOT", outlook(100, 0, 0, 40), T0);
    book.afterRead("HOT", read(100, T0, 100, T0.minusSeconds(10), 0, 100, 100, 100, 0));
    book.pushed("HOT", 40, T0);

    assertThat(book.afterRead("HOT", read(5, T0.plusSeconds(1), 40, T0, 10, 8, 0, 0, 0))).isEmpty();
    assertThat(book.nextDue()).contains(T0.plusSeconds(6));
  }

  @Test
  void failedReadsBackOffAndAfterFiveTheSkuIsSharedForAWhile() {
    book.consider("HOT", outlook(100, 0, 0, 40), T0);

    assertThat(book.failed("HOT", T0)).isFalse();
    assertThat(book.nextDue()).contains(T0.plusMillis(500));
    book.failed("HOT", T0);
    book.failed("HOT", T0);
    assertThat(book.nextDue()).contains(T0.plusSeconds(2));
    assertThat(book.failed("HOT", T0)).isFalse();
    assertThat(book.nextDue()).contains(T0.plusSeconds(4));
    assertThat(book.failures("HOT")).isEqualTo(4);

    assertThat(book.failed("HOT", T0)).isTrue();
    assertThat(book.inShare("HOT")).isFalse();
    assertThat(book.consider("HOT", outlook(100, 0, 0, 40), T0.plusSeconds(30)))
        .isEqualTo(ShareBook.Change.NONE);
    assertThat(book.consider("HOT", outlook(100, 0, 0, 40), T0.plus(ShareBook.GIVE_UP_FOR)))
        .isEqualTo(ShareBook.Change.ENTERED);
  }

  @Test
  void dueReadsComeLongestOverdueFirst() {
    book.consider("A", outlook(10, 0, 0, 40), T0);
    book.consider("B", outlook(10, 0, 0, 40), T0.minusSeconds(1));
    book.failed("A", T0.minusSeconds(5));

    assertThat(book.due(T0, 1)).containsExactly("A");
    assertThat(book.due(T0, 10)).containsExactly("A", "B");
  }

  @Test
  void whenOffNothingIsEverSplit() {
    ShareBook off = new ShareBook(ShareBook.Settings.off());

    assertThat(off.consider("HOT", outlook(1, 0, 0, 500), T0)).isEqualTo(ShareBook.Change.NONE);
  }

  @Test
  void moreOnShowThanTheShareCoversIsClaimedDownAtOnce() {
    book.consider("HOT", outlook(1_000, 0, 0, 40), T0);
    book.afterRead("HOT", read(1_000, T0, 1_400, T0.minusSeconds(10), 0, 1_000, 1_000, 1_000, 0));
    book.pushed("HOT", 400, T0);

    // Plenty on show, but the share covers only 300 of the 380 shown.
    Optional<ShareBook.Claim> cut =
        book.afterRead("HOT", read(380, T0.plusMillis(500), 400, T0, 300, 380, 1_000, 0, 0));

    assertThat(cut).isPresent();
    assertThat(cut.get().unplaced()).isZero();
  }

  @Test
  void unitsLeftInAShareOnceItsOrdersAreInGoBackOnShow() {
    book.consider("HOT", outlook(100, 0, 0, 40), T0);
    book.afterRead("HOT", read(100, T0, 100, T0.minusSeconds(10), 0, 100, 100, 100, 0));
    book.pushed("HOT", 40, T0);
    // Sold out on the marketplace; the share still sets aside 6 (counted as not yet placed).
    assertThat(book.afterRead("HOT", read(0, T0.plusSeconds(2), 40, T0, 6, 3, 6, 0, 0))).isEmpty();
    assertThat(book.zeroSince("HOT")).isEqualTo(T0.plusSeconds(2));

    Optional<ShareBook.Claim> settled =
        book.afterRead(
            "HOT",
            new ShareBook.Read(0, T0.plusSeconds(7), 0, T0.plusSeconds(2), 6, 0, 6, 0, 0, true));

    assertThat(settled).isPresent();
    assertThat(settled.get().unplaced()).isZero();
    assertThat(settled.get().show()).isPositive();
  }

  @Test
  void readSoonComesNoSoonerThanTheShortestIntervalAfterTheLastRead() {
    book.consider("HOT", outlook(100, 0, 0, 40), T0);
    book.afterRead("HOT", read(100, T0, 100, T0.minusSeconds(10), 0, 100, 100, 100, 0));
    book.pushed("HOT", 100, T0);

    book.readSoon("HOT", T0.plusMillis(100));

    assertThat(book.nextDue()).contains(T0.plusMillis(500));
  }

  @Test
  void aSharedSkuSellingAtAQuarterOfTheSplitRateIsReadEveryTwoSeconds() {
    // A split needs 0.5 a second here, so a probe a quarter of that.
    book.probe("WARM", 0.1, T0);
    assertThat(book.probing("WARM")).isFalse();

    book.probe("WARM", 0.125, T0);
    assertThat(book.dueProbes(T0, 10)).containsExactly("WARM");

    // Pushed 500 ten seconds ago; shows 300 now: its marketplace sells 20 a second.
    double rate = book.afterProbe("WARM", 300, T0, 500, T0.minusSeconds(10));
    assertThat(rate).isEqualTo(20.0);
    assertThat(book.readPerSecond("WARM")).isEqualTo(20.0);
    assertThat(book.dueProbes(T0.plusSeconds(1), 10)).isEmpty();
    assertThat(book.nextProbe()).contains(T0.plus(ShareBook.PROBE_INTERVAL));

    // The next read measures from the previous read, not from the old push: 10 a second over 2 s
    // weighs 2/5 against the 20 before.
    assertThat(book.afterProbe("WARM", 280, T0.plusSeconds(2), 500, T0.minusSeconds(10)))
        .isCloseTo(16.0, within(0.001));
  }

  @Test
  void aProbedSkuThatIsSplitCarriesItsRateAndIsNoLongerProbed() {
    book.probe("HOT", 10, T0);
    book.afterProbe("HOT", 300, T0, 500, T0.minusSeconds(10));

    book.consider("HOT", outlook(300, 0, 0, 20), T0.plusSeconds(1));

    assertThat(book.probing("HOT")).isFalse();
    assertThat(book.readPerSecond("HOT")).isEqualTo(20.0);
    book.probe("HOT", 10, T0.plusSeconds(1));
    assertThat(book.probing("HOT")).isFalse();
  }
}
