package io.ecengine.engine.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecengine.engine.channel.AllocationRule.Buffer;
import io.ecengine.engine.channel.AllocationRule.Cap;
import io.ecengine.engine.channel.AllocationRule.DedicatedQuota;
import io.ecengine.engine.channel.AllocationRule.Percentage;
import io.ecengine.engine.channel.AllocationRule.SharedPool;
import io.ecengine.engine.sku.Levels;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Random stock figures, rules at both levels, quota usage and pauses, checked against what the
 * allocation promises: nothing outside [0, available], nothing on a paused channel, no oversell
 * once the dedicated quotas are honoured, and more stock never shows less anywhere.
 */
class SellableProperties {

  private static final List<String> CHANNELS =
      List.of("tiktok-live", "tiktok", "rakuten", "yahoo", "amazon", "shopify");

  record Scenario(
      Levels levels,
      ChannelRules skuRules,
      ChannelRules tenantDefaults,
      Map<String, Long> quotaUsage,
      Set<String> paused) {

    Map<String, SellableQuantity> all() {
      return Sellable.computeAll(levels, CHANNELS, skuRules, tenantDefaults, quotaUsage, paused);
    }

    boolean isQuota(String channelId) {
      return Sellable.ruleFor(channelId, skuRules, tenantDefaults) instanceof DedicatedQuota;
    }

    long remainingQuota(String channelId) {
      DedicatedQuota quota = (DedicatedQuota) Sellable.ruleFor(channelId, skuRules, tenantDefaults);
      return Math.max(0, quota.units() - quotaUsage.getOrDefault(channelId, 0L));
    }

    Scenario withMoreAvailable(long extra) {
      Levels more =
          new Levels(
              "sku",
              levels.onHand() + extra,
              levels.reserved(),
              levels.safetyStock(),
              levels.available() + extra);
      return new Scenario(more, skuRules, tenantDefaults, quotaUsage, paused);
    }
  }

  @Property(tries = 1000)
  void everyResultIsBetweenZeroAndAvailableAndPausedChannelsGetZero(
      @ForAll("scenarios") Scenario scenario) {
    long available = scenario.levels().available();

    scenario
        .all()
        .forEach(
            (channelId, result) -> {
              assertThat(result.quantity()).as(channelId).isBetween(0L, available);
              assertThat(result.steps().get(0)).startsWith("available " + available);
              if (scenario.paused().contains(channelId)) {
                assertThat(result.quantity()).as("paused " + channelId).isZero();
              }
            });
  }

  @Property(tries = 1000)
  void noChannelCanOversellOnceDedicatedQuotasAreHonoured(@ForAll("scenarios") Scenario scenario) {
    long available = scenario.levels().available();
    Map<String, SellableQuantity> all = scenario.all();
    long remainingQuotas = 0;
    long offeredOnQuotas = 0;
    for (String channelId : CHANNELS) {
      if (scenario.isQuota(channelId)) {
        remainingQuotas += scenario.remainingQuota(channelId);
        offeredOnQuotas += all.get(channelId).quantity();
      }
    }
    long sharedPool = Math.max(0, available - remainingQuotas);

    // The quota channels sell from disjoint units, so their offers add up.
    assertThat(offeredOnQuotas).isLessThanOrEqualTo(available);
    for (String channelId : CHANNELS) {
      long offered = all.get(channelId).quantity();
      if (scenario.isQuota(channelId)) {
        if (remainingQuotas <= available && !scenario.paused().contains(channelId)) {
          assertThat(offered)
              .as("quota of " + channelId)
              .isEqualTo(scenario.remainingQuota(channelId));
        }
      } else {
        // The channels on the shared pool all offer the same units, and the SKU ledger lets only
        // one of them reserve each unit; what matters is that none of them reaches into a quota.
        assertThat(offered).as(channelId).isLessThanOrEqualTo(sharedPool);
        assertThat(offered + offeredOnQuotas).as(channelId).isLessThanOrEqualTo(available);
      }
    }

    // Guards against a generator that never reaches quotas that fit or that exceed available.
    String quotas =
        remainingQuotas == 0
            ? "none left"
            : remainingQuotas <= available ? "fit" : "exceed available";
    Statistics.label("quotas").collect(quotas);
    Statistics.label("quotas")
        .coverage(
            coverage -> {
              coverage.check("fit").count(n -> n > 50);
              coverage.check("exceed available").count(n -> n > 50);
            });
  }

  @Property(tries = 1000)
  void moreAvailableNeverShowsLessOnAnyChannel(
      @ForAll("scenarios") Scenario scenario, @ForAll @LongRange(min = 0, max = 500) long extra) {
    Map<String, SellableQuantity> before = scenario.all();
    Map<String, SellableQuantity> after = scenario.withMoreAvailable(extra).all();

    for (String channelId : CHANNELS) {
      assertThat(after.get(channelId).quantity())
          .as(channelId + " with " + extra + " more")
          .isGreaterThanOrEqualTo(before.get(channelId).quantity());
    }
  }

  @Property(tries = 1000)
  void percentageBufferAndCapApplyToTheSharedPoolAndNeverExceedIt(
      @ForAll("scenarios") Scenario scenario, @ForAll("shareRules") AllocationRule rule) {
    Map<String, AllocationRule> perChannel = new HashMap<>(scenario.skuRules().perChannel());
    perChannel.put("amazon", rule);
    ChannelRules skuRules = new ChannelRules(perChannel, scenario.skuRules().fallback());
    perChannel.put("amazon", new SharedPool());
    ChannelRules shared = new ChannelRules(perChannel, scenario.skuRules().fallback());

    long withRule = quantityOn("amazon", scenario, skuRules);
    long onSharedPool = quantityOn("amazon", scenario, shared);

    assertThat(withRule).isLessThanOrEqualTo(onSharedPool);
    assertThat(withRule).isEqualTo(expected(rule, onSharedPool));
  }

  private static long expected(AllocationRule rule, long pool) {
    if (rule instanceof Percentage percentage) {
      return BigInteger.valueOf(pool)
          .multiply(BigInteger.valueOf(percentage.percent()))
          .divide(BigInteger.valueOf(100))
          .longValueExact();
    }
    if (rule instanceof Buffer buffer) {
      return Math.max(0, pool - buffer.units());
    }
    return Math.min(pool, ((Cap) rule).units());
  }

  @Property(tries = 1000)
  void computeForOneChannelAgreesWithComputeAll(@ForAll("scenarios") Scenario scenario) {
    Map<String, SellableQuantity> all = scenario.all();

    for (String channelId : CHANNELS) {
      SellableQuantity one =
          Sellable.compute(
              scenario.levels(),
              scenario.quotaUsage().getOrDefault(channelId, 0L),
              channelId,
              scenario.skuRules(),
              scenario.tenantDefaults(),
              scenario.quotaUsage(),
              scenario.paused().contains(channelId));
      assertThat(one).isEqualTo(all.get(channelId));
    }
  }

  private static long quantityOn(String channelId, Scenario scenario, ChannelRules skuRules) {
    return Sellable.compute(
            scenario.levels(),
            scenario.quotaUsage().getOrDefault(channelId, 0L),
            channelId,
            skuRules,
            scenario.tenantDefaults(),
            scenario.quotaUsage(),
            false)
        .quantity();
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<Map<String, Long>> usage =
        Arbitraries.maps(Arbitraries.of(CHANNELS), Arbitraries.longs().between(0, 60))
            .ofMaxSize(CHANNELS.size());
    return Combinators.combine(
            levels(), channelRules(), channelRules(), usage, Arbitraries.subsetOf(CHANNELS))
        .as(Scenario::new);
  }

  @Provide
  Arbitrary<AllocationRule> shareRules() {
    return shareRule();
  }

  private static Arbitrary<AllocationRule> shareRule() {
    return Arbitraries.oneOf(
        Arbitraries.integers().between(0, 100).map(Percentage::new),
        Arbitraries.longs().between(0, 200).map(Buffer::new),
        Arbitraries.longs().between(0, 200).map(Cap::new));
  }

  private static Arbitrary<Levels> levels() {
    return Combinators.combine(
            Arbitraries.longs().between(0, 200),
            Arbitraries.longs().between(0, 100),
            Arbitraries.longs().between(0, 20))
        .as(
            (onHand, reserved, safety) ->
                new Levels(
                    "sku", onHand, reserved, safety, Math.max(0, onHand - reserved - safety)));
  }

  private static Arbitrary<ChannelRules> channelRules() {
    Arbitrary<AllocationRule> named =
        Arbitraries.frequencyOf(
            Tuple.of(2, Arbitraries.longs().between(0, 80).map(DedicatedQuota::new)),
            Tuple.of(3, shareRule()),
            Tuple.of(1, Arbitraries.just(new SharedPool())));
    Arbitrary<AllocationRule> fallback =
        Arbitraries.oneOf(shareRule(), Arbitraries.just(new SharedPool())).injectNull(0.5);
    return Combinators.combine(
            Arbitraries.maps(Arbitraries.of(CHANNELS), named).ofMaxSize(4), fallback)
        .as(ChannelRules::new);
  }
}
