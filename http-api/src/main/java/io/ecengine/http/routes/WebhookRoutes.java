package io.ecengine.http.routes;

import io.ecengine.engine.channel.ChannelEntity;
import io.ecengine.engine.channel.ChannelKey;
import io.ecengine.engine.channel.marketplace.Marketplace;
import io.ecengine.engine.channel.marketplace.MarketplaceAdapters;
import io.ecengine.engine.channel.marketplace.WebhookEvent;
import io.ecengine.engine.channel.marketplace.WebhookVerifier;
import io.ecengine.http.api.Access;
import io.ecengine.http.api.ApiException;
import io.ecengine.http.api.Call;
import io.ecengine.http.api.Endpoint;
import io.ecengine.http.api.Problem;
import io.ecengine.http.api.Reply;
import io.ecengine.http.intake.MarketplaceOrderIntake;
import io.ecengine.persistence.ChannelStore;
import io.ecengine.persistence.WebhookDeliveries;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Order webhooks from marketplaces that push them (TikTok Shop, Shopify): {@code POST
 * /webhooks/{marketplace}/{channelId}}.
 *
 * <p>The request carries no API key. Channel ids are chosen per tenant, so the channel is found by
 * its id among all tenants and then by the signature: the delivery belongs to the channel whose
 * credentials verify it over the raw body. No match, an unknown channel and a missing signature all
 * answer the same 401, so the endpoint tells a prober nothing about which channels exist. The
 * credentials that verified a channel's deliveries are kept for a few seconds (see {@link
 * WebhookSigners}).
 *
 * <p>A verified delivery is deduplicated by the marketplace's delivery id (a redelivery answers 200
 * and does nothing). An order the payload carries whole (Shopify) is imported at once; one it only
 * names (TikTok Shop) is handed to the channel, which reads it through its rate limit. If the work
 * fails the delivery is forgotten and the answer is 503, so the marketplace delivers it again.
 */
public final class WebhookRoutes {

  private static final Logger log = LoggerFactory.getLogger(WebhookRoutes.class);
  private static final long MAX_WEBHOOK_BYTES = 1024 * 1024;

  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final WebhookSigners signers;
  private final WebhookDeliveries deliveries;
  private final MarketplaceOrderIntake intake;
  private final Executor blocking;

  public WebhookRoutes(
      ClusterSharding sharding,
      Duration askTimeout,
      ChannelStore channels,
      Duration signersMaxAge,
      WebhookDeliveries deliveries,
      MarketplaceOrderIntake intake,
      Executor blocking) {
    this.sharding = sharding;
    this.askTimeout = askTimeout;
    this.signers = new WebhookSigners(channels, signersMaxAge, Clock.systemUTC());
    this.deliveries = deliveries;
    this.intake = intake;
    this.blocking = blocking;
  }

  public List<Endpoint> endpoints() {
    return List.of(
        new Endpoint(
            "POST",
            "/webhooks/{marketplace}/{channelId}",
            Access.WEBHOOK,
            this::deliver,
            Endpoint.JSON,
            MAX_WEBHOOK_BYTES));
  }

  private record Verified(String tenantId, String channelId, WebhookVerifier verifier) {}

  private CompletionStage<Reply> deliver(Call call) {
    Optional<WebhookVerifier> verifier = verifierFor(call.param("marketplace"));
    if (verifier.isEmpty()) {
      throw new ApiException(
          Problem.notFound(
              "webhook-not-found", "This marketplace sends no webhooks to the engine."));
    }
    String channelId = call.param("channelId");
    byte[] body = call.body();
    Map<String, List<String>> headers = call.headers();
    return CompletableFuture.supplyAsync(
            () -> verify(verifier.get(), channelId, headers, body), blocking)
        .thenCompose(verified -> handle(verified, headers, body));
  }

  private static Optional<WebhookVerifier> verifierFor(String marketplaceId) {
    try {
      return MarketplaceAdapters.webhookVerifier(Marketplace.fromId(marketplaceId));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private Verified verify(
      WebhookVerifier verifier, String channelId, Map<String, List<String>> headers, byte[] body) {
    Optional<WebhookSigners.Signer> signer =
        signers.find(
            verifier.marketplace().id(),
            channelId,
            candidate -> {
              try {
                return verifier.verify(headers, body, candidate.credentials());
              } catch (RuntimeException e) {
                return false;
              }
            });
    if (signer.isPresent()) {
      return new Verified(signer.get().tenantId(), channelId, verifier);
    }
    throw new ApiException(
        Problem.of(
            401,
            "invalid-signature",
            "Signature not verified",
            "The delivery's signature is missing or does not match any channel."));
  }

  private CompletionStage<Reply> handle(
      Verified verified, Map<String, List<String>> headers, byte[] body) {
    String deliveryId =
        verified.verifier().deliveryId(headers, body).orElseGet(() -> "sha256:" + sha256(body));
    if (deliveryId.length() > WebhookDeliveries.MAX_DELIVERY_ID_LENGTH) {
      deliveryId = "sha256:" + sha256(deliveryId.getBytes(StandardCharsets.UTF_8));
    }
    String marketplace = verified.verifier().marketplace().id();
    String id = deliveryId;
    return CompletableFuture.supplyAsync(
            () ->
                deliveries.firstTime(
                    marketplace, verified.tenantId(), verified.channelId(), id, Instant.now()),
            blocking)
        .thenCompose(
            first -> {
              if (!first) {
                return CompletableFuture.completedFuture(
                    Reply.ok(Map.of("deliveryId", id, "duplicate", true)));
              }
              return act(verified, headers, body)
                  .thenApply(action -> Reply.ok(Map.of("deliveryId", id, "duplicate", false)))
                  .exceptionallyCompose(
                      failure ->
                          CompletableFuture.supplyAsync(
                              () -> {
                                // Not done: forget the delivery so the marketplace's retry is
                                // handled, and ask for that retry.
                                deliveries.forget(
                                    marketplace, verified.tenantId(), verified.channelId(), id);
                                log.warn(
                                    "Webhook {} of channel {} (tenant {}) failed; asking for a"
                                        + " retry",
                                    id,
                                    verified.channelId(),
                                    verified.tenantId(),
                                    failure);
                                throw new ApiException(
                                    Problem.unavailable(
                                        "webhook-retry", "The delivery could not be handled."));
                              },
                              blocking));
            });
  }

  /** Imports the order the delivery carries, or has the channel read it. */
  private CompletionStage<Void> act(
      Verified verified, Map<String, List<String>> headers, byte[] body) {
    Optional<WebhookEvent> event;
    try {
      event = verified.verifier().event(headers, body);
    } catch (RuntimeException e) {
      // Signed by the marketplace but not an order shape we read: nothing to do, nothing to retry.
      log.warn("Webhook of channel {} carries an unreadable payload", verified.channelId());
      return CompletableFuture.completedFuture(null);
    }
    if (event.isEmpty() || event.get().channelOrderId() == null) {
      return CompletableFuture.completedFuture(null);
    }
    if (!event.get().needsFetch()) {
      String orderId = event.get().channelOrderId();
      return intake
          .importOrder(verified.tenantId(), verified.channelId(), event.get().orderOrNull())
          .thenApply(
              accepted -> {
                // The payload holds the stock at once but lacks ids a shipment report needs
                // (Shopify's fulfillment orders): the channel reads the order through its rate
                // limit, and the import of the read keeps those ids.
                sharding
                    .entityRefFor(
                        ChannelEntity.TYPE_KEY,
                        new ChannelKey(verified.tenantId(), verified.channelId()).entityId())
                    .tell(new ChannelEntity.FetchOrders(List.of(orderId), null));
                return null;
              });
    }
    return sharding
        .entityRefFor(
            ChannelEntity.TYPE_KEY,
            new ChannelKey(verified.tenantId(), verified.channelId()).entityId())
        .<ChannelEntity.Ack>ask(
            replyTo ->
                new ChannelEntity.FetchOrders(List.of(event.get().channelOrderId()), replyTo),
            askTimeout)
        .thenApply(ack -> null);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
