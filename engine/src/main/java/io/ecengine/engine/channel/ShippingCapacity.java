package io.ecengine.engine.channel;

import io.ecengine.engine.order.ShippingSla;

/**
 * A tenant's shipping capacity (出荷キャパ): how many orders its warehouse ships a day. A channel whose
 * SLA promises shipment within {@code h} hours can take on at most {@code ordersPerDay * ceil(h /
 * 24)} open orders before new ones would ship late; beyond that the channel is paused, and it is
 * resumed once the backlog falls below {@code resumeBelowPercent} of that limit (the gap keeps a
 * channel from flapping at the limit).
 */
public record ShippingCapacity(int ordersPerDay, int resumeBelowPercent) {

  /** A channel without an SLA is taken to promise shipment within a day. */
  public static final int DEFAULT_SLA_HOURS = 24;

  /** What to do with one channel. */
  public enum Decision {
    PAUSE,
    RESUME,
    KEEP
  }

  public ShippingCapacity {
    if (ordersPerDay < 1) {
      throw new IllegalArgumentException("orders per day must be at least 1, was " + ordersPerDay);
    }
    if (resumeBelowPercent < 1 || resumeBelowPercent > 100) {
      throw new IllegalArgumentException(
          "resume-below percent must be 1 to 100, was " + resumeBelowPercent);
    }
  }

  /** The open orders a channel with this SLA (null: none set) can take on. */
  public long limitFor(ShippingSla slaOrNull) {
    int hours = slaOrNull == null ? DEFAULT_SLA_HOURS : slaOrNull.shipWithinHours();
    long days = Math.max(1, (hours + 23) / 24);
    return ordersPerDay * days;
  }

  /** Pause above the limit, resume below the resume level, otherwise leave the channel be. */
  public Decision decide(long openOrders, ShippingSla slaOrNull) {
    long limit = limitFor(slaOrNull);
    if (openOrders > limit) {
      return Decision.PAUSE;
    }
    if (openOrders * 100 < limit * resumeBelowPercent) {
      return Decision.RESUME;
    }
    return Decision.KEEP;
  }
}
