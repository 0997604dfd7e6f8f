package io.ecengine.engine.channel;

import io.ecengine.engine.channel.marketplace.CallKind;
import io.ecengine.engine.channel.marketplace.Marketplace;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * The rate limits of one channel: a {@link TokenBucket} per quota of the marketplace account, and
 * the back-off of each. Kinds of call that draw on the same quota share its bucket, so the
 * account's limit holds whatever mix of calls is made; kinds with quotas of their own (Amazon's
 * operations, Rakuten's inventory and order APIs) are throttled and backed off apart, so a
 * throttled order pull never delays a stock push.
 *
 * <p>Mutable and not thread-safe: one actor owns it.
 */
public final class Throttles {

  private final Map<CallKind, String> quotaOf = new EnumMap<>(CallKind.class);
  private final Map<String, TokenBucket> buckets = new HashMap<>();
  private final Map<String, Integer> failures = new HashMap<>();

  /**
   * @param stockPerSecond the stock update limit in force (the channel's own or the documented
   *     one); it also applies to every kind that shares the stock quota
   */
  public Throttles(Marketplace marketplace, double stockPerSecond, int stockBurst) {
    for (CallKind kind : CallKind.values()) {
      Marketplace.Quota quota = marketplace.quota(kind);
      quotaOf.put(kind, quota.name());
      boolean stock = quota.name().equals(marketplace.quota(CallKind.STOCK).name());
      buckets.computeIfAbsent(
          quota.name(),
          name ->
              stock
                  ? new TokenBucket(stockPerSecond, stockBurst)
                  : new TokenBucket(quota.perSecond(), quota.burst()));
    }
  }

  /** Takes a token for a call of this kind if one is there. */
  public boolean tryTake(CallKind kind, Instant now) {
    return bucket(kind).tryTake(now);
  }

  /** How long until a call of this kind may go; zero when it may go now. */
  public Duration waitFor(CallKind kind, Instant now) {
    return bucket(kind).waitFor(now);
  }

  /** The marketplace asked to wait (Retry-After) or a call failed: no call of the quota before. */
  public void pauseUntil(CallKind kind, Instant until) {
    bucket(kind).pauseUntil(until);
  }

  /**
   * The wait after one more failure of this kind in a row: {@code min} doubled with every failure
   * of its quota, up to {@code max}.
   */
  public Duration backoff(CallKind kind, Duration min, Duration max) {
    int times = failures.merge(quotaOf.get(kind), 1, (a, b) -> Math.min(a + b, 30));
    Duration wait = min.multipliedBy(1L << (times - 1));
    return wait.compareTo(max) > 0 ? max : wait;
  }

  /** A call of this kind went through: its quota's back-off starts again from the minimum. */
  public void succeeded(CallKind kind) {
    failures.remove(quotaOf.get(kind));
  }

  /** True when the two kinds draw on one budget. */
  public boolean shared(CallKind a, CallKind b) {
    return quotaOf.get(a).equals(quotaOf.get(b));
  }

  private TokenBucket bucket(CallKind kind) {
    return buckets.get(quotaOf.get(kind));
  }
}
