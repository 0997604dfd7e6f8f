package io.ecengine.engine.channel;

import io.ecengine.engine.serialization.CborSerializable;
import java.util.Map;
import java.util.Optional;

/**
 * The allocation rules at one level: either for one SKU, or the tenant's defaults for every SKU.
 * {@code perChannel} names a rule per channel id; {@code fallback}, when not null, applies to every
 * channel not named. A null fallback means "nothing to say at this level", so that the next level
 * decides (see {@link Sellable#ruleFor}).
 *
 * <p>{@code safetyStock}, at the tenant level, is held back from every channel for each SKU that
 * has no safety stock of its own (a SKU's own safety stock is already outside its available); at
 * the SKU level it is 0.
 *
 * <p>A {@link AllocationRule.DedicatedQuota} must be named per channel: as a fallback it would give
 * every channel, known or not, its own quota, and the other channels could not set it aside.
 */
public record ChannelRules(
    Map<String, AllocationRule> perChannel, AllocationRule fallback, long safetyStock)
    implements CborSerializable {

  private static final ChannelRules NONE = new ChannelRules(Map.of(), null);

  public ChannelRules {
    perChannel = perChannel == null ? Map.of() : Map.copyOf(perChannel);
    if (fallback instanceof AllocationRule.DedicatedQuota) {
      throw new IllegalArgumentException("a dedicated quota must name its channel");
    }
    if (safetyStock < 0) {
      throw new IllegalArgumentException("safety stock must not be negative, was " + safetyStock);
    }
  }

  /** Rules without a tenant-wide safety stock. */
  public ChannelRules(Map<String, AllocationRule> perChannel, AllocationRule fallback) {
    this(perChannel, fallback, 0);
  }

  /** No rules at this level. */
  public static ChannelRules none() {
    return NONE;
  }

  /** The same rule for every channel. */
  public static ChannelRules everywhere(AllocationRule rule) {
    return new ChannelRules(Map.of(), rule);
  }

  /** The rule this level sets for a channel: its own, else the fallback, else none. */
  public Optional<AllocationRule> find(String channelId) {
    AllocationRule named = perChannel.get(channelId);
    return Optional.ofNullable(named != null ? named : fallback);
  }
}
