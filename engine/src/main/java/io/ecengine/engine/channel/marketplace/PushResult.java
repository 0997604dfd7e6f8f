package io.ecengine.engine.channel.marketplace;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a marketplace did with one call, in the terms the channel acts on: forget the pushes, retry
 * some alone, wait, or stop and alert. Order and write-back calls use the same outcomes.
 */
public sealed interface PushResult {

  /** The marketplace took every push of the call (asynchronous marketplaces: queued it). */
  record Accepted(List<String> skus) implements PushResult {
    public Accepted {
      skus = List.copyOf(skus);
    }
  }

  /**
   * Some pushes were refused for reasons that name them. A SKU of the call that is in neither
   * {@code accepted} nor {@code rejected} was not applied either (the marketplace refused the whole
   * call because of the rejected ones) and is to be sent again without them.
   */
  record PartlyRejected(List<String> accepted, Map<String, String> rejected) implements PushResult {
    public PartlyRejected {
      accepted = List.copyOf(accepted);
      rejected = Map.copyOf(rejected);
    }
  }

  /**
   * The marketplace asked us to slow down. {@code retryAfter} is how long it asked us to wait, or
   * null when it did not say.
   */
  record Throttled(Duration retryAfter) implements PushResult {}

  /**
   * The call failed as a whole. Retryable failures (server errors, timeouts) go back to the queue;
   * the others (a refused credential, a malformed call) need an operator. {@code retryAfter} is how
   * long the marketplace asked us to wait before trying again (a 503 in maintenance), or null.
   */
  record Failed(boolean retryable, String reason, Duration retryAfter) implements PushResult {
    public Failed(boolean retryable, String reason) {
      this(retryable, reason, null);
    }
  }
}
