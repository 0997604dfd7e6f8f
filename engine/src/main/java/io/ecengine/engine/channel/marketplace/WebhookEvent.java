package io.ecengine.engine.channel.marketplace;

/**
 * A verified webhook delivery. {@code deliveryId} deduplicates redeliveries (neither marketplace
 * signs a timestamp, so a replayed delivery verifies again). {@code orderOrNull} is set when the
 * payload carries the whole order (Shopify); when it only names the order (TikTok Shop) the order
 * must be fetched with {@link MarketplaceAdapter#orderDetails}. {@code channelOrderId} is null for
 * events that are not about an order.
 */
public record WebhookEvent(
    String deliveryId, String topic, String channelOrderId, MarketplaceOrder orderOrNull) {

  public boolean needsFetch() {
    return channelOrderId != null && orderOrNull == null;
  }
}
