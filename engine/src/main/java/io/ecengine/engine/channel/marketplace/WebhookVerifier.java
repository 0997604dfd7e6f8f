package io.ecengine.engine.channel.marketplace;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks that a webhook delivery came from the marketplace and reads what it says. Header lookups
 * ignore case. Only a delivery that {@link #verify verifies} may be read with {@link #event}.
 */
public interface WebhookVerifier {

  Marketplace marketplace();

  /** The credential keys {@link #verify} needs. */
  List<String> webhookCredentialKeys();

  /** True when the signature matches the raw body byte for byte (compared in constant time). */
  boolean verify(Map<String, List<String>> headers, byte[] rawBody, Credentials credentials);

  /** The id to deduplicate redeliveries on. */
  Optional<String> deliveryId(Map<String, List<String>> headers, byte[] rawBody);

  /** The order event a delivery carries, or empty for topics we do not act on. */
  Optional<WebhookEvent> event(Map<String, List<String>> headers, byte[] rawBody);
}
