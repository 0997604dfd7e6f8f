package io.ecengine.engine.channel;

import io.ecengine.engine.channel.AllocationRule.Buffer;
import io.ecengine.engine.channel.AllocationRule.Cap;
import io.ecengine.engine.channel.AllocationRule.DedicatedQuota;
import io.ecengine.engine.channel.AllocationRule.Percentage;
import io.ecengine.engine.channel.AllocationRule.SharedPool;
import io.ecengine.engine.sku.Levels;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Works out how many units of a SKU each channel may offer, from the SKU's available quantity and
 * the allocation rules.
 *
 * <p>Which rule applies to a channel: the SKU's rule for that channel, else the SKU's fallback,
 * else the tenant's rule for that channel, else the tenant's fallback, else {@link SharedPool}. A
 * setting made on one SKU thus always beats a tenant-wide one.
 *
 * <p>How a dedicated quota works. A channel with {@code DedicatedQuota(q)} has taken {@code used}
 * units of it so far (held or shipped: the caller's count), so {@code remaining = max(0, q -
 * used)}. The units it has taken are already out of available, because holds and shipments lower
 * it; the remaining ones are still in available and are set aside:
 *
 * <ul>
 *   <li>every other channel starts from {@code max(0, available - sum of all remaining quotas)},
 *       the shared pool, and applies its own rule to that;
 *   <li>the quota channel sees {@code min(remaining, available)}, and never the shared pool: when
 *       its quota is used up it shows 0 even if the shared pool has stock;
 *   <li>when the remaining quotas together exceed available (stock was lost after the quotas were
 *       set), each quota channel gets {@code floor(remaining * available / sum of remaining)}, so
 *       that the quota channels together never offer more than available.
 * </ul>
 *
 * <p>Safety stock is held back from every channel first: a SKU's own is already outside its
 * available; for a SKU without one, the tenant's ({@link ChannelRules#safetyStock}) is taken off
 * here. Pausing a channel shows 0 there but keeps its quota set aside: the units stay dedicated
 * until the rule is removed. Whatever the rules, no result is below 0 or above available.
 */
public final class Sellable {

  private Sellable() {}

  /** The rule that applies to a channel for one SKU. */
  public static AllocationRule ruleFor(
      String channelId, ChannelRules skuRules, ChannelRules tenantDefaults) {
    return skuRules
        .find(channelId)
        .or(() -> tenantDefaults.find(channelId))
        .orElseGet(SharedPool::new);
  }

  /**
   * What one channel may offer of one SKU.
   *
   * @param levels the SKU's figures; only {@code available} is used, which already excludes safety
   *     stock, holds and owed units. For a bundle, pass levels whose available is the bundle's
   * @param quotaUsedByChannel the units this channel has taken from its quota so far; ignored when
   *     its rule is not a quota
   * @param quotaUsage the same count for the other channels; entries of channels without a quota
   *     and this channel's own entry are ignored, and a missing entry counts as 0
   * @param paused true when pushes to the channel are paused: the result is then 0
   */
  public static SellableQuantity compute(
      Levels levels,
      long quotaUsedByChannel,
      String channelId,
      ChannelRules skuRules,
      ChannelRules tenantDefaults,
      Map<String, Long> quotaUsage,
      boolean paused) {
    Map<String, Long> usage = new TreeMap<>(quotaUsage);
    usage.put(channelId, quotaUsedByChannel);
    Quotas quotas = Quotas.of(skuRules, tenantDefaults, usage);
    return evaluate(levels, channelId, skuRules, tenantDefaults, quotas, paused);
  }

  /**
   * What each of the given channels may offer of one SKU, in the order given. Quotas on channels
   * that are named in the rules but not given here are set aside all the same.
   *
   * @param quotaUsage the units each quota channel has taken from its quota so far
   * @param paused the channels whose pushes are paused
   */
  public static Map<String, SellableQuantity> computeAll(
      Levels levels,
      Collection<String> channelIds,
      ChannelRules skuRules,
      ChannelRules tenantDefaults,
      Map<String, Long> quotaUsage,
      Set<String> paused) {
    Quotas quotas = Quotas.of(skuRules, tenantDefaults, quotaUsage);
    Map<String, SellableQuantity> result = new LinkedHashMap<>();
    for (String channelId : channelIds) {
      result.put(
          channelId,
          evaluate(
              levels, channelId, skuRules, tenantDefaults, quotas, paused.contains(channelId)));
    }
    return result;
  }

  /**
   * What a channel may put in a share of a SKU's last units (see {@link ShareBook}): {@code most}
   * is what its rule gives it from the shared pool, its own share counted back in; {@code keepBack}
   * is what the rules keep from every share (the other channels' remaining dedicated quotas, the
   * tenant's safety stock). A channel with a dedicated quota, a paused channel and a bundle are not
   * {@code eligible}: they never hold shares.
   */
  public record ShareLimits(boolean eligible, long most, long keepBack) {}

  /**
   * The share limits of one channel for one SKU; the arguments are those of {@link #compute}, with
   * {@code ownShare} the units the SKU sets aside for this channel now.
   */
  public static ShareLimits shareLimits(
      Levels levels,
      long ownShare,
      long quotaUsedByChannel,
      String channelId,
      ChannelRules skuRules,
      ChannelRules tenantDefaults,
      Map<String, Long> quotaUsage,
      boolean paused) {
    AllocationRule rule = ruleFor(channelId, skuRules, tenantDefaults);
    boolean eligible =
        !paused && !(rule instanceof DedicatedQuota) && levels.components().isEmpty();
    long available = Math.max(0, levels.available()) + ownShare;
    long afterSafety = available;
    long tenantSafety = tenantDefaults.safetyStock();
    if (tenantSafety > 0 && levels.safetyStock() == 0 && levels.components().isEmpty()) {
      afterSafety = Math.max(0, available - tenantSafety);
    }
    Map<String, Long> usage = new TreeMap<>(quotaUsage);
    usage.put(channelId, quotaUsedByChannel);
    Quotas quotas = Quotas.of(skuRules, tenantDefaults, usage);
    long pool = sharedPool(afterSafety, quotas, new ArrayList<>());
    long most = rule instanceof DedicatedQuota ? 0 : applyRule(rule, pool, new ArrayList<>());
    return new ShareLimits(eligible, most, available - pool);
  }

  private static SellableQuantity evaluate(
      Levels levels,
      String channelId,
      ChannelRules skuRules,
      ChannelRules tenantDefaults,
      Quotas quotas,
      boolean paused) {
    // Limitation: a bundle's available comes from its components' available, which still includes
    // units dedicated to a channel on those components, so a bundle sold on another channel can
    // take units out of a component's quota.
    long available = Math.max(0, levels.available());
    List<String> steps = new ArrayList<>();
    steps.add(
        levels.safetyStock() > 0
            ? "available " + available + " (safety stock " + levels.safetyStock() + " held back)"
            : "available " + available);
    long tenantSafety = tenantDefaults.safetyStock();
    if (tenantSafety > 0 && levels.safetyStock() == 0 && levels.components().isEmpty()) {
      available = Math.max(0, available - tenantSafety);
      steps.add("tenant safety stock " + tenantSafety + " held back → " + available);
    }

    AllocationRule rule = ruleFor(channelId, skuRules, tenantDefaults);
    long quantity =
        rule instanceof DedicatedQuota quota
            ? fromQuota(channelId, quota, available, quotas, steps)
            : applyRule(rule, sharedPool(available, quotas, steps), steps);

    if (paused) {
      steps.add("paused → 0");
      quantity = 0;
    }
    return new SellableQuantity(quantity, steps);
  }

  private static long fromQuota(
      String channelId, DedicatedQuota quota, long available, Quotas quotas, List<String> steps) {
    long remaining = quotas.remaining().get(channelId);
    long used = quota.units() - remaining;
    steps.add(
        "quota "
            + quota.units()
            + " for "
            + channelId
            + ", "
            + (remaining == 0 ? "used up" : used + " used → " + remaining + " left"));
    BigInteger total = quotas.total();
    if (total.compareTo(BigInteger.valueOf(available)) <= 0) {
      return remaining;
    }
    if (total.equals(BigInteger.valueOf(remaining))) {
      steps.add("only " + available + " available → " + available);
      return available;
    }
    // Rounding down may leave up to one unit per quota channel unoffered; offering it to one of
    // them would favour a channel for no reason, and the shortfall is temporary.
    long share =
        BigInteger.valueOf(remaining)
            .multiply(BigInteger.valueOf(available))
            .divide(total)
            .longValueExact();
    steps.add(
        "quotas together want "
            + total
            + " of available "
            + available
            + ", share of this one → "
            + share);
    return share;
  }

  private static long sharedPool(long available, Quotas quotas, List<String> steps) {
    for (Map.Entry<String, Long> entry : quotas.remaining().entrySet()) {
      if (entry.getValue() > 0) {
        steps.add("minus " + entry.getValue() + " dedicated to " + entry.getKey());
      }
    }
    BigInteger pool = BigInteger.valueOf(available).subtract(quotas.total());
    if (pool.signum() < 0) {
      steps.add("quotas exceed available → 0");
      return 0;
    }
    return pool.longValueExact();
  }

  private static long applyRule(AllocationRule rule, long pool, List<String> steps) {
    if (rule instanceof SharedPool) {
      steps.add("shared pool → " + pool);
      return pool;
    }
    if (rule instanceof Percentage percentage) {
      // Split so that pool * percent cannot overflow: floor((100q + r) p / 100) = qp + rp / 100.
      long percent = percentage.percent();
      long quantity = pool / 100 * percent + pool % 100 * percent / 100;
      steps.add(percent + "% → " + quantity);
      return quantity;
    }
    if (rule instanceof Buffer buffer) {
      long quantity = Math.max(0, pool - buffer.units());
      steps.add("buffer " + buffer.units() + " → " + quantity);
      return quantity;
    }
    if (rule instanceof Cap cap) {
      long quantity = Math.min(pool, cap.units());
      steps.add("cap " + cap.units() + " → " + quantity);
      return quantity;
    }
    throw new IllegalStateException("a quota is not applied to the shared pool: " + rule);
  }

  /** What is left of each dedicated quota, by channel id in order, and their sum. */
  private record Quotas(Map<String, Long> remaining, BigInteger total) {

    // A quota is always named per channel (ChannelRules refuses one as a fallback), so the
    // channels named at either level are all the quota channels there can be.
    static Quotas of(ChannelRules skuRules, ChannelRules tenantDefaults, Map<String, Long> usage) {
      Set<String> named = new TreeSet<>(skuRules.perChannel().keySet());
      named.addAll(tenantDefaults.perChannel().keySet());
      Map<String, Long> remaining = new TreeMap<>();
      BigInteger total = BigInteger.ZERO;
      for (String channelId : named) {
        if (ruleFor(channelId, skuRules, tenantDefaults) instanceof DedicatedQuota quota) {
          long used = usage.getOrDefault(channelId, 0L);
          if (used < 0) {
            throw new IllegalArgumentException(
                "quota used by " + channelId + " must not be negative, was " + used);
          }
          long left = Math.max(0, quota.units() - used);
          remaining.put(channelId, left);
          total = total.add(BigInteger.valueOf(left));
        }
      }
      return new Quotas(remaining, total);
    }
  }
}
