package io.ecengine.engine.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecengine.engine.channel.AllocationRule.Buffer;
import io.ecengine.engine.channel.AllocationRule.Cap;
import io.ecengine.engine.channel.AllocationRule.DedicatedQuota;
import io.ecengine.engine.channel.AllocationRule.Percentage;
import io.ecengine.engine.channel.AllocationRule.SharedPool;
import io.ecengine.engine.sku.Levels;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SellableTest {

  private static final ChannelRules NONE = ChannelRules.none();

  private static Levels available(long units) {
    return new Levels("sku", units, 0, 0, units);
  }

  private static SellableQuantity sellable(
      long available, String channelId, ChannelRules skuRules, Map<String, Long> usage) {
    return Sellable.compute(
        available(available),
        usage.getOrDefault(channelId, 0L),
        channelId,
        skuRules,
        NONE,
        usage,
        false);
  }

  @Test
  void sharedPoolOffersEverythingAvailable() {
    SellableQuantity result = sellable(40, "rakuten", NONE, Map.of());

    assertThat(result.quantity()).isEqualTo(40);
    assertThat(result.steps()).containsExactly("available 40", "shared pool → 40");
  }

  @Test
  void safetyStockIsAlreadyOutsideAvailable() {
    Levels levels = new Levels("sku", 50, 5, 10, 35);

    SellableQuantity result = Sellable.compute(levels, 0, "rakuten", NONE, NONE, Map.of(), false);

    assertThat(result.quantity()).isEqualTo(35);
  }

  @Test
  void explainsEachStepInPlainWords() {
    ChannelRules rules =
        new ChannelRules(
            Map.of("tiktok-live", new DedicatedQuota(10), "amazon", new Percentage(60)), null);

    SellableQuantity result = sellable(40, "amazon", rules, Map.of());

    assertThat(result.quantity()).isEqualTo(18);
    assertThat(result.explanation())
        .isEqualTo("available 40, minus 10 dedicated to tiktok-live, 60% → 18");
  }

  @Test
  void quotaIsSetAsideFromEveryOtherChannel() {
    ChannelRules rules = new ChannelRules(Map.of("tiktok-live", new DedicatedQuota(10)), null);

    assertThat(sellable(40, "rakuten", rules, Map.of()).quantity()).isEqualTo(30);
    assertThat(sellable(40, "shopify", rules, Map.of()).quantity()).isEqualTo(30);
    assertThat(sellable(40, "tiktok-live", rules, Map.of()).quantity()).isEqualTo(10);
  }

  @Test
  void quotaChannelSeesWhatIsLeftOfItsQuotaAndOthersGetTheRestBack() {
    ChannelRules rules = new ChannelRules(Map.of("tiktok-live", new DedicatedQuota(10)), null);
    // 4 units sold on the live are held, so available dropped from 40 to 36.
    Map<String, Long> usage = Map.of("tiktok-live", 4L);

    SellableQuantity live = sellable(36, "tiktok-live", rules, usage);

    assertThat(live.quantity()).isEqualTo(6);
    assertThat(live.steps())
        .containsExactly("available 36", "quota 10 for tiktok-live, 4 used → 6 left");
    assertThat(sellable(36, "rakuten", rules, usage).quantity()).isEqualTo(30);
  }

  @Test
  void usedUpQuotaShowsZeroEvenWhenTheSharedPoolHasStock() {
    ChannelRules rules = new ChannelRules(Map.of("tiktok-live", new DedicatedQuota(10)), null);
    Map<String, Long> usage = Map.of("tiktok-live", 12L);

    SellableQuantity live = sellable(28, "tiktok-live", rules, usage);

    assertThat(live.quantity()).isZero();
    assertThat(live.explanation()).isEqualTo("available 28, quota 10 for tiktok-live, used up");
    assertThat(sellable(28, "rakuten", rules, usage).quantity()).isEqualTo(28);
  }

  @Test
  void quotaLargerThanAvailableOffersOnlyAvailableAndLeavesNothingToOthers() {
    ChannelRules rules = new ChannelRules(Map.of("tiktok-live", new DedicatedQuota(50)), null);

    SellableQuantity live = sellable(30, "tiktok-live", rules, Map.of());
    SellableQuantity other = sellable(30, "rakuten", rules, Map.of());

    assertThat(live.quantity()).isEqualTo(30);
    assertThat(live.steps()).last().isEqualTo("only 30 available → 30");
    assertThat(other.quantity()).isZero();
    assertThat(other.steps()).last().isEqualTo("shared pool → 0");
  }

  @Test
  void quotasExceedingAvailableAreSharedInProportionSoTogetherTheyNeverOversell() {
    ChannelRules rules =
        new ChannelRules(
            Map.of("live-a", new DedicatedQuota(90), "live-b", new DedicatedQuota(30)), null);

    SellableQuantity a = sellable(100, "live-a", rules, Map.of());
    SellableQuantity b = sellable(100, "live-b", rules, Map.of());

    assertThat(a.quantity()).isEqualTo(75);
    assertThat(b.quantity()).isEqualTo(25);
    assertThat(a.steps())
        .last()
        .isEqualTo("quotas together want 120 of available 100, share of this one → 75");
    SellableQuantity other = sellable(100, "rakuten", rules, Map.of());
    assertThat(other.quantity()).isZero();
    assertThat(other.steps()).contains("quotas exceed available → 0");
  }

  @Test
  void percentageRoundsDown() {
    ChannelRules rules = ChannelRules.everywhere(new Percentage(60));

    assertThat(sellable(31, "amazon", rules, Map.of()).quantity()).isEqualTo(18);
    assertThat(sellable(1, "amazon", rules, Map.of()).quantity()).isZero();
  }

  @Test
  void percentageOfAHugePoolDoesNotOverflow() {
    ChannelRules rules = ChannelRules.everywhere(new Percentage(99));

    long result = sellable(Long.MAX_VALUE, "amazon", rules, Map.of()).quantity();

    assertThat(result).isEqualTo(Long.MAX_VALUE / 100 * 99 + Long.MAX_VALUE % 100 * 99 / 100);
  }

  @Test
  void bufferHoldsBackUnitsButNeverGoesBelowZero() {
    ChannelRules rules = ChannelRules.everywhere(new Buffer(5));

    assertThat(sellable(40, "amazon", rules, Map.of()).quantity()).isEqualTo(35);
    SellableQuantity small = sellable(3, "amazon", rules, Map.of());
    assertThat(small.quantity()).isZero();
    assertThat(small.steps()).containsExactly("available 3", "buffer 5 → 0");
  }

  @Test
  void capLimitsToAtMostItsUnits() {
    ChannelRules rules = ChannelRules.everywhere(new Cap(15));

    assertThat(sellable(40, "amazon", rules, Map.of()).explanation())
        .isEqualTo("available 40, cap 15 → 15");
    assertThat(sellable(9, "amazon", rules, Map.of()).quantity()).isEqualTo(9);
  }

  @Test
  void pausedChannelShowsZeroButItsQuotaStaysSetAside() {
    ChannelRules rules = new ChannelRules(Map.of("tiktok-live", new DedicatedQuota(10)), null);

    Map<String, SellableQuantity> all =
        Sellable.computeAll(
            available(40),
            List.of("tiktok-live", "rakuten"),
            rules,
            NONE,
            Map.of(),
            Set.of("tiktok-live"));

    assertThat(all.get("tiktok-live").quantity()).isZero();
    assertThat(all.get("tiktok-live").steps()).last().isEqualTo("paused → 0");
    assertThat(all.get("rakuten").quantity()).isEqualTo(30);
  }

  @Test
  void skuRulesBeatTenantRulesAndTheFallbackOfEachLevelComesAfterItsNamedRules() {
    ChannelRules tenant =
        new ChannelRules(Map.of("amazon", new Buffer(2), "yahoo", new Cap(7)), new Cap(20));
    ChannelRules skuWithFallback =
        new ChannelRules(Map.of("rakuten", new Percentage(50)), new Cap(5));
    ChannelRules skuWithoutFallback = new ChannelRules(Map.of("rakuten", new Percentage(50)), null);

    assertThat(Sellable.ruleFor("rakuten", skuWithFallback, tenant)).isEqualTo(new Percentage(50));
    assertThat(Sellable.ruleFor("amazon", skuWithFallback, tenant)).isEqualTo(new Cap(5));
    assertThat(Sellable.ruleFor("amazon", skuWithoutFallback, tenant)).isEqualTo(new Buffer(2));
    assertThat(Sellable.ruleFor("shopify", skuWithoutFallback, tenant)).isEqualTo(new Cap(20));
    assertThat(Sellable.ruleFor("shopify", NONE, NONE)).isEqualTo(new SharedPool());
  }

  @Test
  void tenantQuotaAppliesToEverySkuUnlessTheSkuOverridesIt() {
    ChannelRules tenant = new ChannelRules(Map.of("tiktok-live", new DedicatedQuota(5)), null);
    ChannelRules sku = new ChannelRules(Map.of("tiktok-live", new SharedPool()), null);

    SellableQuantity withTenantQuota =
        Sellable.compute(available(40), 0, "rakuten", NONE, tenant, Map.of(), false);
    SellableQuantity overridden =
        Sellable.compute(available(40), 0, "rakuten", sku, tenant, Map.of(), false);

    assertThat(withTenantQuota.quantity()).isEqualTo(35);
    assertThat(overridden.quantity()).isEqualTo(40);
  }

  @Test
  void computeUsesTheGivenUsageForItsOwnChannel() {
    ChannelRules rules = new ChannelRules(Map.of("tiktok-live", new DedicatedQuota(10)), null);

    SellableQuantity result =
        Sellable.compute(
            available(40), 3, "tiktok-live", rules, NONE, Map.of("tiktok-live", 9L), false);

    assertThat(result.quantity()).isEqualTo(7);
  }

  @Test
  void computeAllAnswersEveryChannelInTheOrderGiven() {
    ChannelRules rules =
        new ChannelRules(
            Map.of("tiktok-live", new DedicatedQuota(10), "amazon", new Cap(12)), new Buffer(1));

    Map<String, SellableQuantity> all =
        Sellable.computeAll(
            available(40),
            List.of("tiktok-live", "amazon", "rakuten"),
            rules,
            NONE,
            Map.of("tiktok-live", 2L),
            Set.of());

    assertThat(all.keySet()).containsExactly("tiktok-live", "amazon", "rakuten");
    assertThat(all.values()).extracting(SellableQuantity::quantity).containsExactly(8L, 12L, 31L);
  }

  @Test
  void rejectsRulesThatMakeNoSense() {
    assertThatThrownBy(() -> new Percentage(101)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Percentage(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Cap(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Buffer(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DedicatedQuota(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ChannelRules.everywhere(new DedicatedQuota(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name its channel");
  }

  @Test
  void rejectsNegativeQuotaUsage() {
    ChannelRules rules = new ChannelRules(Map.of("tiktok-live", new DedicatedQuota(10)), null);

    assertThatThrownBy(
            () -> Sellable.compute(available(40), -1, "tiktok-live", rules, NONE, Map.of(), false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theTenantsSafetyStockIsHeldBackOnlyFromSkusWithoutTheirOwn() {
    ChannelRules tenant = new ChannelRules(Map.of(), null, 15);
    SellableQuantity without =
        Sellable.compute(
            new Levels("x", 40, 0, 0, 40),
            0,
            "amazon",
            ChannelRules.none(),
            tenant,
            Map.of(),
            false);
    assertThat(without.quantity()).isEqualTo(25);
    assertThat(without.steps())
        .containsExactly(
            "available 40", "tenant safety stock 15 held back → 25", "shared pool → 25");

    SellableQuantity own =
        Sellable.compute(
            new Levels("x", 45, 0, 5, 40),
            0,
            "amazon",
            ChannelRules.none(),
            tenant,
            Map.of(),
            false);
    assertThat(own.quantity()).isEqualTo(40);
    assertThat(own.steps().get(0)).isEqualTo("available 40 (safety stock 5 held back)");

    SellableQuantity small =
        Sellable.compute(
            new Levels("x", 10, 0, 0, 10),
            0,
            "amazon",
            ChannelRules.none(),
            tenant,
            Map.of(),
            false);
    assertThat(small.quantity()).isZero();
  }

  @Test
  void aShareMayTakeThePoolLessOtherQuotasAndTheTenantSafetyStockWithItsOwnShareBack() {
    ChannelRules skuRules = new ChannelRules(Map.of("tiktok-live", new DedicatedQuota(30)), null);
    ChannelRules tenant = new ChannelRules(Map.of(), null, 2);
    // 50 available outside shares, 8 of them held by the live already; 10 in rakuten's share.
    Sellable.ShareLimits limits =
        Sellable.shareLimits(
            available(50), 10, 0, "rakuten", skuRules, tenant, Map.of("tiktok-live", 8L), false);

    assertThat(limits.eligible()).isTrue();
    assertThat(limits.most()).isEqualTo(60 - 2 - 22);
    assertThat(limits.keepBack()).isEqualTo(24);
  }

  @Test
  void aShareFollowsTheChannelsCapOrPercentage() {
    Sellable.ShareLimits capped =
        Sellable.shareLimits(
            available(100),
            0,
            0,
            "amazon",
            ChannelRules.everywhere(new Cap(5)),
            NONE,
            Map.of(),
            false);
    Sellable.ShareLimits half =
        Sellable.shareLimits(
            available(100),
            0,
            0,
            "amazon",
            ChannelRules.everywhere(new Percentage(50)),
            NONE,
            Map.of(),
            false);

    assertThat(capped.most()).isEqualTo(5);
    assertThat(half.most()).isEqualTo(50);
    assertThat(capped.keepBack()).isZero();
  }

  @Test
  void quotaChannelsPausedChannelsAndBundlesNeverHoldShares() {
    ChannelRules quota = new ChannelRules(Map.of("tiktok-live", new DedicatedQuota(30)), null);
    Levels bundle =
        new Levels(
            "set", 0, 0, 0, 4, 0, 0, 0, List.of(new io.ecengine.engine.sku.Component("a", 2)));

    assertThat(
            Sellable.shareLimits(available(50), 0, 0, "tiktok-live", quota, NONE, Map.of(), false)
                .eligible())
        .isFalse();
    assertThat(
            Sellable.shareLimits(available(50), 0, 0, "rakuten", NONE, NONE, Map.of(), true)
                .eligible())
        .isFalse();
    assertThat(
            Sellable.shareLimits(bundle, 0, 0, "rakuten", NONE, NONE, Map.of(), false).eligible())
        .isFalse();
  }
}
