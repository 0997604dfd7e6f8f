package io.ecengine.engine.channel;

import io.ecengine.engine.serialization.CborSerializable;

/**
 * How much of a SKU's available quantity one channel may offer. Every rule works on what is left
 * after the other channels' dedicated quotas are set aside (see {@link Sellable}), and none of them
 * can lead to more than available: safety stock is already outside available.
 */
public sealed interface AllocationRule extends CborSerializable {

  /** The channel may sell everything available that no other channel has a quota on. */
  record SharedPool() implements AllocationRule {}

  /**
   * Units set aside for this channel alone, such as a live-stream sale. Other channels never see
   * what is left of the quota; this channel sees only that, never the shared pool.
   */
  record DedicatedQuota(long units) implements AllocationRule {
    public DedicatedQuota {
      requireNotNegative(units, "quota units");
    }
  }

  /** A share of the shared pool, rounded down, so that a small stock is not offered everywhere. */
  record Percentage(int percent) implements AllocationRule {
    public Percentage {
      if (percent < 0 || percent > 100) {
        throw new IllegalArgumentException("percent must be between 0 and 100, was " + percent);
      }
    }
  }

  /** The shared pool minus units held back, so that the last units are not sold here. */
  record Buffer(long units) implements AllocationRule {
    public Buffer {
      requireNotNegative(units, "buffer units");
    }
  }

  /** At most this many units of the shared pool. */
  record Cap(long units) implements AllocationRule {
    public Cap {
      requireNotNegative(units, "cap units");
    }
  }

  /**
   * A rule by the name the API and the database use: shared, dedicated, percentage, buffer or cap,
   * with its amount (ignored for shared).
   *
   * @throws IllegalArgumentException for an unknown name or an amount the rule cannot take
   */
  static AllocationRule named(String name, long amount) {
    return switch (name) {
      case "shared" -> new SharedPool();
      case "dedicated" -> new DedicatedQuota(amount);
      case "percentage" -> new Percentage((int) Math.max(-1, Math.min(amount, 101)));
      case "buffer" -> new Buffer(amount);
      case "cap" -> new Cap(amount);
      default -> throw new IllegalArgumentException("Unknown allocation rule: " + name);
    };
  }

  private static void requireNotNegative(long units, String what) {
    if (units < 0) {
      throw new IllegalArgumentException(what + " must not be negative, was " + units);
    }
  }
}
