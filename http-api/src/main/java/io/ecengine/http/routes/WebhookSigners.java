package io.ecengine.http.routes;

import io.ecengine.engine.channel.marketplace.Credentials;
import io.ecengine.persistence.ChannelStore;
import io.ecengine.persistence.SecretBox.UnreadableSecretsException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channels that may have signed a webhook for a channel id, with their credentials, kept for a
 * few seconds. In a live burst a marketplace sends hundreds of webhooks a second to the same few
 * channels; reading and decrypting the same credentials for each of them took two database round
 * trips of the blocking pool per delivery, time the orders themselves were waiting for.
 *
 * <p>What is kept only ever lets in what it verified before: a delivery that no kept signer
 * verifies is checked again against the database, so a new channel or a new secret works at once.
 * Only channel ids that were verified are kept, so a prober's made-up ids take no memory.
 */
final class WebhookSigners {

  private static final Logger log = LoggerFactory.getLogger(WebhookSigners.class);

  /** Beyond this many channel ids the cache starts over, so its memory stays bounded. */
  static final int MAX_CHANNEL_IDS = 10_000;

  /** A channel of a marketplace that can sign webhooks for a channel id. */
  record Signer(String tenantId, Credentials credentials) {}

  private record Kept(List<Signer> signers, Instant readAt) {}

  private final ChannelStore channels;
  private final Duration maxAge;
  private final Clock clock;
  private final Map<String, Kept> kept = new ConcurrentHashMap<>();

  WebhookSigners(ChannelStore channels, Duration maxAge, Clock clock) {
    this.channels = channels;
    this.maxAge = maxAge;
    this.clock = clock;
  }

  /**
   * The first channel of this marketplace and id whose credentials {@code verifies} accepts: the
   * kept ones first, then those in the database. Blocks on the database when it has to read it.
   */
  Optional<Signer> find(String marketplace, String channelId, Predicate<Signer> verifies) {
    Instant now = clock.instant();
    String key = marketplace + "/" + channelId;
    Kept known = kept.get(key);
    if (known != null && known.readAt().plus(maxAge).isAfter(now)) {
      Optional<Signer> match = first(known.signers(), verifies);
      if (match.isPresent()) {
        return match;
      }
    }
    // Limitation: an old secret goes on verifying on a node that kept it for up to the max age
    // after it was replaced; the new one verifies at once.
    List<Signer> fresh = read(marketplace, channelId);
    Optional<Signer> match = first(fresh, verifies);
    if (match.isPresent()) {
      if (kept.size() >= MAX_CHANNEL_IDS) {
        kept.clear();
      }
      kept.put(key, new Kept(fresh, now));
    }
    return match;
  }

  private static Optional<Signer> first(List<Signer> signers, Predicate<Signer> verifies) {
    return signers.stream().filter(verifies).findFirst();
  }

  private List<Signer> read(String marketplace, String channelId) {
    List<Signer> signers = new ArrayList<>();
    for (ChannelStore.ChannelRecord channel : channels.withChannelId(channelId)) {
      if (!channel.marketplace().equals(marketplace)) {
        continue;
      }
      try {
        Credentials credentials =
            Credentials.of(channels.credentials(channel.tenantId(), channelId));
        signers.add(new Signer(channel.tenantId(), credentials));
      } catch (UnreadableSecretsException e) {
        log.warn(
            "Webhook for channel {} of tenant {}: its credentials cannot be read",
            channelId,
            channel.tenantId());
      }
    }
    return signers;
  }
}
