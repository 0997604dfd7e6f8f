package io.ecengine.engine.channel.marketplace;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** The adapter for each marketplace, with its documented defaults. Adapters keep no state. */
public final class MarketplaceAdapters {

  private static final Map<Marketplace, MarketplaceAdapter> ADAPTERS =
      new EnumMap<>(Marketplace.class);

  static {
    ADAPTERS.put(Marketplace.TIKTOK_SHOP, new TikTokShopAdapter());
    ADAPTERS.put(Marketplace.RAKUTEN, new RakutenAdapter());
    ADAPTERS.put(Marketplace.YAHOO_SHOPPING, new YahooShoppingAdapter());
    ADAPTERS.put(Marketplace.AMAZON, new AmazonAdapter());
    ADAPTERS.put(Marketplace.SHOPIFY, new ShopifyAdapter());
  }

  private MarketplaceAdapters() {}

  public static MarketplaceAdapter forMarketplace(Marketplace marketplace) {
    return ADAPTERS.get(marketplace);
  }

  /** The webhook verifier of marketplaces that push orders (TikTok Shop and Shopify). */
  public static Optional<WebhookVerifier> webhookVerifier(Marketplace marketplace) {
    return ADAPTERS.get(marketplace) instanceof WebhookVerifier verifier
        ? Optional.of(verifier)
        : Optional.empty();
  }
}
