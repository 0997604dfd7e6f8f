package io.ecengine.engine.channel;

import io.ecengine.engine.channel.marketplace.Credentials;
import io.ecengine.engine.channel.marketplace.ListingIds;
import io.ecengine.engine.channel.marketplace.Marketplace;
import java.net.URI;
import java.time.Instant;
import java.util.Map;

/**
 * Everything a channel needs to push stock, as the database holds it: where and how to call the
 * marketplace, which SKUs it lists, what it was last sent, and the allocation rules of its tenant.
 *
 * <p>{@code skuRules} holds the rules of SKUs that have their own; {@code lastSent} the quantity
 * the marketplace last accepted per SKU. {@code credentialsExpireAt} and {@code pauseReason} may be
 * null. {@link #toString} never shows the credentials.
 */
public record ChannelSetup(
    Marketplace marketplace,
    URI baseUrl,
    Credentials credentials,
    double requestsPerSecond,
    int burst,
    int batchSize,
    boolean paused,
    String pauseReason,
    Instant credentialsExpireAt,
    Map<String, ListingIds> listings,
    Map<String, Long> lastSent,
    Map<String, ChannelRules> skuRules,
    ChannelRules tenantDefaults) {

  public ChannelSetup {
    listings = Map.copyOf(listings);
    lastSent = Map.copyOf(lastSent);
    skuRules = Map.copyOf(skuRules);
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, was " + batchSize);
    }
  }

  /** The rules that apply to one SKU, or none of its own. */
  public ChannelRules rulesOf(String sku) {
    return skuRules.getOrDefault(sku, ChannelRules.none());
  }

  @Override
  public String toString() {
    return "ChannelSetup["
        + marketplace.id()
        + " at "
        + baseUrl
        + ", "
        + listings.size()
        + " listings, paused="
        + paused
        + ", "
        + credentials
        + "]";
  }
}
