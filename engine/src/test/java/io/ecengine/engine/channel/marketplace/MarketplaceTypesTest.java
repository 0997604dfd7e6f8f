package io.ecengine.engine.channel.marketplace;

import static io.ecengine.engine.channel.marketplace.Fixtures.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MarketplaceTypesTest {

  @Test
  void marketplacesHaveStableIds() {
    assertThat(Arrays.stream(Marketplace.values()).map(Marketplace::id))
        .containsExactly("tiktok_shop", "rakuten", "yahoo_shopping", "amazon", "shopify");
    for (Marketplace marketplace : Marketplace.values()) {
      assertThat(Marketplace.fromId(marketplace.id())).isEqualTo(marketplace);
    }
    assertThatThrownBy(() -> Marketplace.fromId("ebay"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ebay");
  }

  @Test
  void marketplacesCarryTheirDocumentedLimits() {
    assertThat(Marketplace.TIKTOK_SHOP.defaultBatchSize()).isEqualTo(100);
    assertThat(Marketplace.RAKUTEN.defaultBatchSize()).isEqualTo(400);
    assertThat(Marketplace.YAHOO_SHOPPING.defaultBatchSize()).isEqualTo(1000);
    assertThat(Marketplace.AMAZON.defaultBatchSize()).isEqualTo(1);
    assertThat(Marketplace.SHOPIFY.defaultBatchSize()).isEqualTo(250);
    assertThat(Marketplace.TIKTOK_SHOP.defaultRequestsPerSecond()).isEqualTo(2.0);
    assertThat(Marketplace.RAKUTEN.defaultRequestsPerSecond()).isEqualTo(1.0);
    assertThat(Marketplace.YAHOO_SHOPPING.defaultRequestsPerSecond()).isEqualTo(10.0);
    assertThat(Marketplace.AMAZON.defaultRequestsPerSecond()).isEqualTo(5.0);
    assertThat(Marketplace.AMAZON.defaultBurst()).isEqualTo(5);
    assertThat(Marketplace.SHOPIFY.defaultRequestsPerSecond()).isEqualTo(2.0);
    for (Marketplace marketplace : Marketplace.values()) {
      assertThat(marketplace.defaultBurst()).isPositive();
    }
  }

  @Test
  void credentialsNeverPrintTheirValues() {
    Credentials credentials =
        Credentials.of(Map.of("access_token", "secret-token-value", "seller_id", "store"));

    assertThat(credentials.toString())
        .isEqualTo("Credentials[access_token, seller_id]")
        .doesNotContain("secret-token-value");
  }

  @Test
  void aMissingOrBlankCredentialIsNamed() {
    Credentials credentials = Credentials.of(Map.of("seller_id", " "));

    assertThatThrownBy(() -> credentials.require("access_token"))
        .hasMessage("Missing credential: access_token");
    assertThatThrownBy(() -> credentials.require("seller_id"))
        .hasMessage("Missing credential: seller_id");
    assertThat(credentials.optional("seller_id")).isEmpty();
  }

  @Test
  void requestsDoNotPrintHeadersOrBodies() {
    MarketplaceRequest request =
        new MarketplaceRequest(
            "POST",
            URI.create("https://example.com/path?sign=abc"),
            Map.of("Authorization", "Bearer secret"),
            "{\"name\":\"山田\"}".getBytes(StandardCharsets.UTF_8),
            List.of("A"));

    assertThat(request.toString()).doesNotContain("secret").doesNotContain("山田");
    assertThat(request.header("authorization")).contains("Bearer secret");
  }

  @Test
  void requestBodiesCannotBeChangedFromOutside() {
    byte[] body = {1, 2, 3};
    MarketplaceRequest request =
        new MarketplaceRequest(
            "POST", URI.create("https://example.com"), Map.of(), body, List.of());

    body[0] = 9;
    request.body()[1] = 9;

    assertThat(request.body()).containsExactly(1, 2, 3);
  }

  @Test
  void ordersDoNotPrintBuyers() {
    MarketplaceOrder order =
        new MarketplaceOrder(
            "o-1",
            List.of(),
            "山田 太郎",
            "a@b.jp",
            "100-0001",
            "東京都",
            "千代田区",
            "1-1",
            null,
            "03-0000-0000",
            null);

    assertThat(order.toString()).isEqualTo("MarketplaceOrder[o-1, 0 lines]");
  }

  @Test
  void listingIdsNameTheMissingKey() {
    ListingIds ids = ListingIds.of("product_id", "1");

    assertThatThrownBy(() -> new TikTokShopAdapter().validate(ids)).hasMessageContaining("sku_id");
  }

  @Test
  void readsRetryAfterInSecondsOrAsADate() {
    assertThat(
            MarketplaceHttp.retryAfter(
                response(429, Map.of("Retry-After", List.of("30")), ""), Fixtures.CLOCK))
        .contains(Duration.ofSeconds(30));
    assertThat(
            MarketplaceHttp.retryAfter(
                response(429, Map.of("retry-after", List.of("Fri, 01 Mar 2024 00:01:00 GMT")), ""),
                Fixtures.CLOCK))
        .contains(Duration.ofMinutes(1));
    assertThat(
            MarketplaceHttp.retryAfter(
                response(429, Map.of("Retry-After", List.of("Thu, 29 Feb 2024 23:00:00 GMT")), ""),
                Fixtures.CLOCK))
        .contains(Duration.ZERO);
    assertThat(
            MarketplaceHttp.retryAfter(
                response(429, Map.of("Retry-After", List.of("soon")), ""), Fixtures.CLOCK))
        .isEmpty();
    assertThat(MarketplaceHttp.retryAfter(response(429, ""), Fixtures.CLOCK)).isEmpty();
  }

  @Test
  void classifiesHttpFailures() {
    assertThat(MarketplaceHttp.failure(response(429, ""), Fixtures.CLOCK))
        .isEqualTo(new PushResult.Throttled(null));
    assertThat(MarketplaceHttp.failure(response(408, ""), Fixtures.CLOCK))
        .isEqualTo(new PushResult.Failed(true, "HTTP 408"));
    assertThat(MarketplaceHttp.failure(response(500, "boom"), Fixtures.CLOCK))
        .isEqualTo(new PushResult.Failed(true, "HTTP 500: boom"));
    // A server in maintenance that says when to come back is taken at its word.
    assertThat(
            MarketplaceHttp.failure(
                response(503, Map.of("Retry-After", List.of("120")), ""), Fixtures.CLOCK))
        .isEqualTo(new PushResult.Failed(true, "HTTP 503", Duration.ofSeconds(120)));
    assertThat(MarketplaceHttp.failure(response(401, ""), Fixtures.CLOCK))
        .isEqualTo(new PushResult.Failed(false, "HTTP 401: credentials refused or expired"));
    assertThat(MarketplaceHttp.failure(response(422, ""), Fixtures.CLOCK))
        .isEqualTo(new PushResult.Failed(false, "HTTP 422"));
  }

  @Test
  void keepsThePathPrefixOfTheBaseUrl() {
    assertThat(
            MarketplaceHttp.uri(
                URI.create("https://sandbox.example.com/api/"), "/v1/items", Map.of("a", "b c")))
        .isEqualTo(URI.create("https://sandbox.example.com/api/v1/items?a=b+c"));
  }

  @Test
  void theRegistryHasAnAdapterForEveryMarketplace() {
    for (Marketplace marketplace : Marketplace.values()) {
      assertThat(MarketplaceAdapters.forMarketplace(marketplace).marketplace())
          .isEqualTo(marketplace);
    }
  }

  @Test
  void onlyMarketplacesThatPushOrdersHaveAWebhookVerifier() {
    assertThat(MarketplaceAdapters.webhookVerifier(Marketplace.TIKTOK_SHOP)).isPresent();
    assertThat(MarketplaceAdapters.webhookVerifier(Marketplace.SHOPIFY)).isPresent();
    assertThat(MarketplaceAdapters.webhookVerifier(Marketplace.RAKUTEN)).isEmpty();
    assertThat(MarketplaceAdapters.webhookVerifier(Marketplace.YAHOO_SHOPPING)).isEmpty();
    assertThat(MarketplaceAdapters.webhookVerifier(Marketplace.AMAZON)).isEmpty();
  }

  @Test
  void everyAdapterListsTheKeysItNeeds() {
    assertThat(MarketplaceAdapters.forMarketplace(Marketplace.TIKTOK_SHOP).requiredCredentialKeys())
        .containsExactly("app_key", "app_secret", "access_token", "shop_cipher");
    assertThat(MarketplaceAdapters.forMarketplace(Marketplace.RAKUTEN).requiredListingKeys())
        .containsExactly("manage_number", "variant_id");
    assertThat(MarketplaceAdapters.forMarketplace(Marketplace.YAHOO_SHOPPING).requiredListingKeys())
        .containsExactly("item_code");
    assertThat(MarketplaceAdapters.forMarketplace(Marketplace.AMAZON).requiredCredentialKeys())
        .containsExactly("access_token", "seller_id", "marketplace_id");
    assertThat(MarketplaceAdapters.forMarketplace(Marketplace.SHOPIFY).requiredListingKeys())
        .containsExactly("inventory_item_id", "location_id");
    assertThat(
            MarketplaceAdapters.webhookVerifier(Marketplace.SHOPIFY)
                .orElseThrow()
                .webhookCredentialKeys())
        .containsExactly("webhook_secret");
  }
}
