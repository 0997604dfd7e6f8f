/**
 * Marketplace adapters: how one stock push, one stock read, one order pull and one tracking
 * write-back look on the wire for TikTok Shop, Rakuten, Yahoo! Shopping, Amazon and Shopify.
 *
 * <p>Nothing here sends HTTP. An adapter builds {@link
 * io.ecengine.engine.channel.marketplace.MarketplaceRequest}s (signed, batched to the size the
 * marketplace allows) and reads {@link io.ecengine.engine.channel.marketplace.MarketplaceResponse}s
 * back into outcomes that say what to do next: done, retry these items alone, wait, or alert. The
 * channel actor that owns the throttle sends the requests, so every call stays deterministic and
 * testable from recorded bytes.
 */
package io.ecengine.engine.channel.marketplace;
