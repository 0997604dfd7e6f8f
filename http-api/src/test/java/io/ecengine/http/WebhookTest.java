package io.ecengine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Order webhooks: signatures checked over the raw body, redeliveries deduplicated, and a Shopify
 * order turned into an engine order that holds its stock.
 */
class WebhookTest {

  private static final String SHOPIFY_SECRET = "shpss_webhook_secret";
  private static final String TIKTOK_SECRET = "tt-app-secret";

  private static Server server;
  private static ApiClient shop;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    server = TestNode.startOnH2();
    shop = ApiClient.newTenant(server, "hooks");
    shop.put("/v1/skus/MUG", Map.of("name", "Mug"));
    shop.post(
        "/v1/skus/MUG/adjustments",
        Map.of("adjustmentId", "in-1", "delta", 10, "reason", "receipt"));
    shop.put(
        "/v1/channels/shopify-main",
        Map.of(
            "marketplace",
            "shopify",
            "baseUrl",
            "http://127.0.0.1:9/admin",
            "credentials",
            Map.of("access_token", "shpat_x", "webhook_secret", SHOPIFY_SECRET)));
    shop.put(
        "/v1/channels/shopify-main/listings/MUG",
        Map.of(
            "ids",
            Map.of(
                "inventory_item_id", "gid://shopify/InventoryItem/7",
                "location_id", "gid://shopify/Location/1",
                "variant_id", "gid://shopify/ProductVariant/111")));
    shop.put(
        "/v1/channels/tiktok-live",
        Map.of(
            "marketplace",
            "tiktok_shop",
            "baseUrl",
            "http://127.0.0.1:9/tts",
            "credentials",
            Map.of(
                "app_key", "tt-key",
                "app_secret", TIKTOK_SECRET,
                "access_token", "tt-token",
                "shop_cipher", "cipher",
                "warehouse_id", "wh-1")));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String shopifyOrder(long id) {
    return "{\"id\":"
        + id
        + ",\"email\":\"buyer@example.com\",\"created_at\":\"2026-12-03T10:00:00+09:00\","
        + "\"line_items\":[{\"id\":9001,\"variant_id\":111,\"sku\":\"X\",\"quantity\":2}],"
        + "\"shipping_address\":{\"name\":\"Hanako\",\"zip\":\"150-0001\","
        + "\"province\":\"Tokyo\",\"city\":\"Shibuya\",\"address1\":\"1-2-3\"}}";
  }

  private static HttpResponse<String> post(String path, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String hmacBase64(String secret, byte[] message) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return Base64.getEncoder().encodeToString(mac.doFinal(message));
  }

  private static String hmacHex(String secret, byte[] message) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(message));
  }

  private static int ordersOf(String channelId) {
    return shop.get("/v1/orders?channelId=" + channelId).json().get("items").size();
  }

  @Test
  void aSignedShopifyOrderBecomesAnOrderOnceAndHoldsItsStock() throws Exception {
    String body = shopifyOrder(5001);
    Map<String, String> headers =
        Map.of(
            "X-Shopify-Hmac-SHA256",
                hmacBase64(SHOPIFY_SECRET, body.getBytes(StandardCharsets.UTF_8)),
            "X-Shopify-Topic", "orders/create",
            "X-Shopify-Webhook-Id", "delivery-5001");

    HttpResponse<String> first = post("/webhooks/shopify/shopify-main", body, headers);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(first.body()).contains("\"duplicate\":false");
    HttpResponse<String> replay = post("/webhooks/shopify/shopify-main", body, headers);
    assertThat(replay.statusCode()).isEqualTo(200);
    assertThat(replay.body()).contains("\"duplicate\":true");

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(ordersOf("shopify-main")).isEqualTo(1));
    JsonNode listed = shop.get("/v1/orders?channelId=shopify-main").json().get("items").get(0);
    assertThat(listed.get("channelOrderId").asText()).isEqualTo("gid://shopify/Order/5001");
    JsonNode order = shop.get("/v1/orders/" + listed.get("orderId").asText()).json();
    assertThat(order.get("status").asText()).isEqualTo("ALLOCATED");
    assertThat(order.get("lines").toString()).contains("MUG");
    assertThat(shop.get("/v1/skus/MUG").json().get("reserved").asLong()).isEqualTo(2);
  }

  @Test
  void badMissingOrMisdirectedSignaturesAre401AndStoreNothing() throws Exception {
    String body = shopifyOrder(6001);
    byte[] raw = body.getBytes(StandardCharsets.UTF_8);
    Map<String, String> forged =
        Map.of(
            "X-Shopify-Hmac-SHA256", hmacBase64("not-the-secret", raw),
            "X-Shopify-Topic", "orders/create",
            "X-Shopify-Webhook-Id", "delivery-6001");
    int before = ordersOf("shopify-main");

    assertThat(post("/webhooks/shopify/shopify-main", body, forged).statusCode()).isEqualTo(401);
    assertThat(
            post(
                    "/webhooks/shopify/shopify-main",
                    body,
                    Map.of("X-Shopify-Topic", "orders/create", "X-Shopify-Webhook-Id", "d"))
                .statusCode())
        .isEqualTo(401);
    // A body changed after signing (one space more) no longer verifies.
    Map<String, String> signed =
        Map.of(
            "X-Shopify-Hmac-SHA256", hmacBase64(SHOPIFY_SECRET, raw),
            "X-Shopify-Topic", "orders/create",
            "X-Shopify-Webhook-Id", "delivery-6001");
    assertThat(post("/webhooks/shopify/shopify-main", body + " ", signed).statusCode())
        .isEqualTo(401);
    assertThat(post("/webhooks/shopify/nobody", body, signed).statusCode()).isEqualTo(401);
    assertThat(post("/webhooks/tiktok_shop/shopify-main", body, signed).statusCode())
        .isEqualTo(401);
    assertThat(post("/webhooks/rakuten/shopify-main", body, signed).statusCode()).isEqualTo(404);
    assertThat(ordersOf("shopify-main")).isEqualTo(before);

    // The delivery id was not consumed by the refused attempts: the genuine one goes through.
    HttpResponse<String> genuine = post("/webhooks/shopify/shopify-main", body, signed);
    assertThat(genuine.body()).contains("\"duplicate\":false");
  }

  @Test
  void tiktokDeliveriesAreCheckedOverAppKeyAndBody() throws Exception {
    String body =
        "{\"type\":1,\"tts_notification_id\":\"n-1\",\"shop_id\":\"7\","
            + "\"timestamp\":1733200000,\"data\":{\"order_id\":\"576\",\"order_status\":"
            + "\"AWAITING_SHIPMENT\"}}";
    byte[] signed = ("tt-key" + body).getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> good =
        post(
            "/webhooks/tiktok_shop/tiktok-live",
            body,
            Map.of("Authorization", hmacHex(TIKTOK_SECRET, signed)));
    assertThat(good.statusCode()).as(good.body()).isEqualTo(200);
    HttpResponse<String> again =
        post(
            "/webhooks/tiktok_shop/tiktok-live",
            body,
            Map.of("Authorization", hmacHex(TIKTOK_SECRET, signed)));
    assertThat(again.body()).contains("\"duplicate\":true");
    HttpResponse<String> bad =
        post(
            "/webhooks/tiktok_shop/tiktok-live",
            body,
            Map.of("Authorization", hmacHex("x", signed)));
    assertThat(bad.statusCode()).isEqualTo(401);
    assertThat(bad.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    // The channel now reads order 576 through its rate limit; the sync status shows it queued
    // or, with no marketplace at this address, failing and retried.
    JsonNode sync = shop.get("/v1/channels/tiktok-live/sync").json();
    assertThat(sync.get("state").asText()).isIn("loading", "running");
  }

  private static String tiktokDelivery(String notificationId, String orderId) {
    return "{\"type\":1,\"tts_notification_id\":\""
        + notificationId
        + "\",\"shop_id\":\"7\",\"timestamp\":1733200000,\"data\":{\"order_id\":\""
        + orderId
        + "\",\"order_status\":\"AWAITING_SHIPMENT\"}}";
  }

  @Test
  void tiktokDeliveriesWithAMissingOrForgedSignatureAre401AndStoreNothing() throws Exception {
    String body = tiktokDelivery("n-401", "577");
    String genuine = hmacHex(TIKTOK_SECRET, ("tt-key" + body).getBytes(StandardCharsets.UTF_8));

    HttpResponse<String> missing = post("/webhooks/tiktok_shop/tiktok-live", body, Map.of());
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(missing.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    assertThat(
            post("/webhooks/tiktok_shop/tiktok-live", body, Map.of("Authorization", ""))
                .statusCode())
        .isEqualTo(401);
    // Signed over the body alone, without the app key TikTok puts in front of it.
    String bodyOnly = hmacHex(TIKTOK_SECRET, body.getBytes(StandardCharsets.UTF_8));
    assertThat(
            post("/webhooks/tiktok_shop/tiktok-live", body, Map.of("Authorization", bodyOnly))
                .statusCode())
        .isEqualTo(401);
    // The genuine signature of another body: the order id was changed on the way.
    String altered = tiktokDelivery("n-401", "578");
    assertThat(
            post("/webhooks/tiktok_shop/tiktok-live", altered, Map.of("Authorization", genuine))
                .statusCode())
        .isEqualTo(401);
    // A Shopify-style base64 signature is not TikTok's scheme.
    String base64 = hmacBase64(TIKTOK_SECRET, ("tt-key" + body).getBytes(StandardCharsets.UTF_8));
    assertThat(
            post("/webhooks/tiktok_shop/tiktok-live", body, Map.of("Authorization", base64))
                .statusCode())
        .isEqualTo(401);

    // None of the refused attempts used up the notification id.
    HttpResponse<String> accepted =
        post("/webhooks/tiktok_shop/tiktok-live", body, Map.of("Authorization", genuine));
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    assertThat(accepted.body()).contains("\"duplicate\":false");
    HttpResponse<String> replayed =
        post("/webhooks/tiktok_shop/tiktok-live", body, Map.of("Authorization", genuine));
    assertThat(replayed.body()).contains("\"duplicate\":true");
  }

  @Test
  void aShopifyOrderDeliveredAgainUnderAnotherIdIsStillOneOrder() throws Exception {
    // Its own channel and SKU, so the other tests' counts do not see this order.
    String secret = "shpss_second_secret";
    shop.put("/v1/skus/CUP", Map.of("name", "Cup"));
    shop.post(
        "/v1/skus/CUP/adjustments",
        Map.of("adjustmentId", "in-1", "delta", 10, "reason", "receipt"));
    shop.put(
        "/v1/channels/shopify-second",
        Map.of(
            "marketplace",
            "shopify",
            "baseUrl",
            "http://127.0.0.1:9/admin",
            "credentials",
            Map.of("access_token", "shpat_y", "webhook_secret", secret)));
    shop.put(
        "/v1/channels/shopify-second/listings/CUP",
        Map.of(
            "ids",
            Map.of(
                "inventory_item_id", "gid://shopify/InventoryItem/8",
                "location_id", "gid://shopify/Location/1",
                "variant_id", "gid://shopify/ProductVariant/111")));
    String body = shopifyOrder(7001);
    byte[] raw = body.getBytes(StandardCharsets.UTF_8);
    for (String deliveryId : java.util.List.of("delivery-7001-a", "delivery-7001-b")) {
      HttpResponse<String> response =
          post(
              "/webhooks/shopify/shopify-second",
              body,
              Map.of(
                  "X-Shopify-Hmac-SHA256",
                  hmacBase64(secret, raw),
                  "X-Shopify-Topic",
                  "orders/create",
                  "X-Shopify-Webhook-Id",
                  deliveryId));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.body()).contains("\"duplicate\":false");
    }

    // Both deliveries were handled, yet there is one order, holding its 2 units once.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(ordersOf("shopify-second")).isEqualTo(1);
              assertThat(shop.get("/v1/skus/CUP").json().get("reserved").asLong()).isEqualTo(2);
            });
  }

  @Test
  void aListingEnteredWithShopifyNumbersMatchesTheOrdersGraphqlIds() throws Exception {
    String secret = "shpss_numeric_secret";
    shop.put("/v1/skus/BOWL", Map.of("name", "Bowl"));
    shop.post(
        "/v1/skus/BOWL/adjustments",
        Map.of("adjustmentId", "in-1", "delta", 10, "reason", "receipt"));
    shop.put(
        "/v1/channels/shopify-numeric",
        Map.of(
            "marketplace",
            "shopify",
            "baseUrl",
            "http://127.0.0.1:9/admin",
            "credentials",
            Map.of("access_token", "shpat_z", "webhook_secret", secret)));
    shop.put(
        "/v1/channels/shopify-numeric/listings/BOWL",
        Map.of("ids", Map.of("inventory_item_id", "9", "location_id", "1", "variant_id", "111")));
    String body = shopifyOrder(8001);
    HttpResponse<String> response =
        post(
            "/webhooks/shopify/shopify-numeric",
            body,
            Map.of(
                "X-Shopify-Hmac-SHA256", hmacBase64(secret, body.getBytes(StandardCharsets.UTF_8)),
                "X-Shopify-Topic", "orders/create",
                "X-Shopify-Webhook-Id", "delivery-8001"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

    // The payload's variant is gid://shopify/ProductVariant/111 once read: the same variant.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(shop.get("/v1/skus/BOWL").json().get("reserved").asLong()).isEqualTo(2));
  }
}
