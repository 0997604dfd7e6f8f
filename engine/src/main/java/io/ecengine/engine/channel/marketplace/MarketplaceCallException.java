package io.ecengine.engine.channel.marketplace;

/**
 * An order call that did not return data, classified like a stock push: {@link
 * PushResult.Throttled} means wait and pull again, {@link PushResult.Failed} says whether a retry
 * can help.
 */
public final class MarketplaceCallException extends RuntimeException {

  private final transient PushResult outcome;

  public MarketplaceCallException(PushResult outcome) {
    super(describe(outcome), null, false, false);
    this.outcome = outcome;
  }

  public PushResult outcome() {
    return outcome;
  }

  private static String describe(PushResult outcome) {
    if (outcome instanceof PushResult.Throttled throttled) {
      return "Throttled, retry after " + throttled.retryAfter();
    }
    if (outcome instanceof PushResult.Failed failed) {
      return (failed.retryable() ? "Retryable failure: " : "Failure: ") + failed.reason();
    }
    return outcome.toString();
  }
}
