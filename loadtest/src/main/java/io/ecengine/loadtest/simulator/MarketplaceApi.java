package io.ecengine.loadtest.simulator;

import io.ecengine.engine.channel.marketplace.Marketplace;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/** One marketplace of the simulator: its HTTP API, its credentials, its ids and order shapes. */
abstract class MarketplaceApi {

  private static final SecureRandom RANDOM = new SecureRandom();

  protected final MarketplaceSimulator sim;

  MarketplaceApi(MarketplaceSimulator sim) {
    this.sim = sim;
  }

  abstract Marketplace marketplace();

  /** The path prefix of this marketplace on the simulator's server. */
  abstract String prefix();

  abstract void handle(Exchange exchange) throws IOException;

  /** Fresh credentials for a new shop, as the keys the engine's adapter reads. */
  abstract Map<String, String> newCredentials(String shopKey);

  /**
   * The ids the engine's listing of this listing key must carry, in the adapter's key names; throws
   * IllegalArgumentException for a key not in this marketplace's form. {@code serial} is unique per
   * listing, for ids the marketplace assigns itself (a Shopify variant id).
   */
  abstract Map<String, String> listingIds(String listingKey, long serial);

  /** A new order for a sale of one listing, in this marketplace's id formats. */
  abstract SimOrder newOrder(
      SimShop shop, String listingKey, int quantity, String buyerRef, long number, Instant at);

  /** The webhook a marketplace that pushes orders sends for a new order. */
  Optional<Webhook> webhookFor(SimShop shop, SimOrder order) {
    return Optional.empty();
  }

  /** The base URL of one shop; the marketplace's own unless shops have their own domains. */
  String shopBaseUrl(SimShop shop) {
    return sim.baseUrl(marketplace());
  }

  /**
   * Draws {@code cost} from the shop's quota for the call; when it is spent, marks the exchange
   * throttled and returns how long until the call would fit (the caller answers the throttle).
   */
  protected Duration throttle(Exchange exchange, SimShop shop, Api api, double cost) {
    exchange.attribute(shop, api);
    Duration wait = shop.take(api.quota(), cost, exchange.arrivedNanos());
    if (wait != null) {
      exchange.markThrottled();
    }
    return wait;
  }

  static String randomHex(int bytes) {
    byte[] random = new byte[bytes];
    RANDOM.nextBytes(random);
    return HexFormat.of().formatHex(random);
  }

  /** Splits a two-part listing key at its first ':'. */
  static String[] twoParts(String listingKey, String form) {
    int colon = listingKey == null ? -1 : listingKey.indexOf(':');
    if (colon <= 0 || colon == listingKey.length() - 1) {
      throw new IllegalArgumentException("A listing key here has the form " + form);
    }
    return new String[] {listingKey.substring(0, colon), listingKey.substring(colon + 1)};
  }

  static String seconds(Duration wait) {
    return String.valueOf(Math.max(1, (long) Math.ceil(wait.toMillis() / 1000.0)));
  }
}
