package io.ecengine.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Channels, listings, allocation rules and per-channel availability over HTTP. */
class ChannelApiTest {

  private static Server server;
  private static ApiClient shop;

  @BeforeAll
  static void start() {
    server = TestNode.startOnH2();
    shop = ApiClient.newTenant(server, "channels");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Map<String, Object> channel(String marketplace, Map<String, String> creds) {
    return Map.of(
        "marketplace", marketplace, "baseUrl", "http://127.0.0.1:9/api", "credentials", creds);
  }

  private static final Map<String, String> SHOPIFY = Map.of("access_token", "shpat_secret_123");
  private static final Map<String, String> RAKUTEN =
      Map.of("service_secret", "SP_secret_456", "license_key", "SL_secret_789");
  private static final Map<String, String> AMAZON =
      Map.of(
          "access_token",
          "Atza|secret",
          "seller_id",
          "A1SELLER",
          "marketplace_id",
          "A1VC38T7YXB528");
  private static final Map<String, String> YAHOO =
      Map.of("access_token", "yahoo-secret", "seller_id", "myshop");
  private static final Map<String, String> TIKTOK =
      Map.of(
          "app_key",
          "key",
          "app_secret",
          "tt-secret",
          "access_token",
          "tt-token",
          "shop_cipher",
          "cipher",
          "warehouse_id",
          "wh-1");

  @Test
  void storesChannelsButNeverShowsTheirCredentials() {
    ApiClient.Response created = shop.put("/v1/channels/shopify-1", channel("shopify", SHOPIFY));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().get("batchSize").asInt()).isPositive();
    assertThat(shop.put("/v1/channels/shopify-1", channel("shopify", SHOPIFY)).status())
        .isEqualTo(200);
    assertThat(shop.get("/v1/channels/shopify-1").body()).doesNotContain("shpat_secret_123");
    assertThat(shop.get("/v1/channels").body())
        .doesNotContain("shpat_secret_123")
        .contains("shopify-1");

    shop.put("/v1/channels/x", channel("ebay", SHOPIFY)).assertProblem(400, "invalid-request");
    shop.put("/v1/channels/x", channel("rakuten", Map.of("service_secret", "only-one")))
        .assertProblem(400, "invalid-request");
    shop.put(
            "/v1/channels/x",
            Map.of("marketplace", "shopify", "baseUrl", "ftp://x", "credentials", SHOPIFY))
        .assertProblem(400, "invalid-request");
    shop.get("/v1/channels/none").assertProblem(404, "channel-not-found");

    // A PEM key spans lines; other control characters, and line breaks in ids, are refused.
    Map<String, String> yahoo =
        Map.of(
            "access_token", "yj-token",
            "seller_id", "store-1",
            "public_key", "-----BEGIN PUBLIC KEY-----\nMIIBIjANBg\n-----END PUBLIC KEY-----\n",
            "public_key_version", "1");
    assertThat(shop.put("/v1/channels/yahoo-1", channel("yahoo_shopping", yahoo)).status())
        .isEqualTo(201);
    shop.put("/v1/channels/x", channel("yahoo_shopping", Map.of("access_token", "a\u0007b")))
        .assertProblem(400, "invalid-request");
    shop.put("/v1/channels/yahoo-1/listings/MUG", Map.of("ids", Map.of("item_code", "a\nb")))
        .assertProblem(400, "invalid-request");
  }

  @Test
  void listingsAreValidatedImportedInBulkAndReported() {
    shop.put("/v1/channels/rakuten-1", channel("rakuten", RAKUTEN));
    shop.put("/v1/skus/LIST-A", Map.of("name", "A"));
    shop.put("/v1/skus/LIST-B", Map.of("name", "B"));

    ApiClient.Response listed =
        shop.put(
            "/v1/channels/rakuten-1/listings/LIST-A",
            Map.of("ids", Map.of("manage_number", "item-a", "variant_id", "v1")));
    assertThat(listed.status()).as(listed.body()).isEqualTo(201);
    shop.put(
            "/v1/channels/rakuten-1/listings/LIST-A",
            Map.of("ids", Map.of("manage_number", "item-a")))
        .assertProblem(400, "invalid-request");
    assertThat(
            shop.get("/v1/channels/rakuten-1/listings/LIST-A")
                .json()
                .at("/ids/variant_id")
                .asText())
        .isEqualTo("v1");

    String csv =
        "sku,manage_number,variant_id\n"
            + "LIST-B,item-b,v1\n"
            + "GHOST,item-g,v1\n"
            + ",no-sku,v1\n"
            + "LIST-C,missing-variant,\n";
    ApiClient.Response imported =
        shop.raw(
            "POST",
            "/v1/channels/rakuten-1/listings/import",
            "text/csv",
            csv.getBytes(StandardCharsets.UTF_8));
    assertThat(imported.status()).as(imported.body()).isEqualTo(200);
    assertThat(imported.json().get("imported").asInt()).isEqualTo(2);
    assertThat(imported.json().get("errors")).hasSize(2);
    assertThat(shop.get("/v1/channels/rakuten-1/listings").json().get("items")).hasSize(3);

    JsonNode report = shop.get("/v1/channels/rakuten-1/listing-report").json();
    assertThat(report.get("listingsWithUnknownSku").toString()).contains("GHOST");
    shop.raw(
            "POST",
            "/v1/channels/rakuten-1/listings/import",
            "application/json",
            "{}".getBytes(StandardCharsets.UTF_8))
        .assertProblem(415, "unsupported-media-type");
    assertThat(shop.delete("/v1/channels/rakuten-1/listings/GHOST").status()).isEqualTo(204);
  }

  @Test
  void availabilityShowsEachChannelsShareAndHowItWasComputed() {
    shop.put("/v1/channels/tiktok-live", channel("tiktok_shop", TIKTOK));
    shop.put("/v1/channels/rakuten-2", channel("rakuten", RAKUTEN));
    shop.put("/v1/channels/amazon-1", channel("amazon", AMAZON));
    shop.put("/v1/channels/yahoo-1", channel("yahoo_shopping", YAHOO));
    shop.put("/v1/skus/LIVE", Map.of("name", "Live item"));
    shop.post(
        "/v1/skus/LIVE/adjustments",
        Map.of("adjustmentId", "in", "delta", 100, "reason", "receipt"));
    assertThat(
            shop.put(
                    "/v1/skus/LIVE/allocation/tiktok-live",
                    Map.of("rule", "dedicated", "amount", 30))
                .status())
        .isEqualTo(200);
    shop.put("/v1/skus/LIVE/allocation/rakuten-2", Map.of("rule", "percentage", "amount", 50));
    shop.put("/v1/allocation-defaults/amazon-1", Map.of("rule", "cap", "amount", 10));
    shop.post("/v1/channels/yahoo-1/pause", Map.of("reason", "maintenance"));

    Map<String, Long> sellable = sellable("LIVE");
    assertThat(sellable)
        .containsEntry("tiktok-live", 30L)
        .containsEntry("rakuten-2", 35L)
        .containsEntry("amazon-1", 10L)
        .containsEntry("yahoo-1", 0L);

    shop.post(
        "/v1/skus/LIVE/reservations",
        Map.of("reservationId", "live-1", "quantity", 5, "channelId", "tiktok-live"));
    Map<String, Long> after = sellable("LIVE");
    assertThat(after).containsEntry("tiktok-live", 25L).containsEntry("rakuten-2", 35L);

    shop.put("/v1/skus/LIVE/allocation/rakuten-2", Map.of("rule", "everything"))
        .assertProblem(400, "invalid-request");
    assertThat(shop.delete("/v1/skus/LIVE/allocation/rakuten-2").status()).isEqualTo(204);
    assertThat(sellable("LIVE")).containsEntry("rakuten-2", 70L);
    shop.get("/v1/skus/NOPE/availability").assertProblem(404, "sku-not-found");

    // A tenant-wide safety stock is held back from every channel of SKUs without their own.
    shop.put("/v1/safety-stock", Map.of("quantity", -1)).assertProblem(400, "invalid-request");
    assertThat(shop.put("/v1/safety-stock", Map.of("quantity", 20)).status()).isEqualTo(200);
    assertThat(shop.get("/v1/safety-stock").json().get("safetyStock").asLong()).isEqualTo(20);
    assertThat(sellable("LIVE")).containsEntry("rakuten-2", 50L).containsEntry("amazon-1", 10L);
    assertThat(shop.get("/v1/skus/LIVE/availability").body()).contains("tenant safety stock 20");
    // The SKU's own safety stock beats it.
    shop.put("/v1/skus/LIVE/safety-stock", Map.of("quantity", 5));
    assertThat(sellable("LIVE")).containsEntry("rakuten-2", 65L);
    shop.put("/v1/safety-stock", Map.of("quantity", 0));
    shop.put("/v1/skus/LIVE/safety-stock", Map.of("quantity", 0));
    assertThat(sellable("LIVE")).containsEntry("rakuten-2", 70L);
  }

  private static Map<String, Long> sellable(String sku) {
    ApiClient.Response response = shop.get("/v1/skus/" + sku + "/availability");
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    Map<String, Long> out = new HashMap<>();
    for (JsonNode c : response.json().get("channels")) {
      assertThat(c.get("explanation").asText()).isNotBlank();
      out.put(c.get("channelId").asText(), c.get("sellable").asLong());
    }
    return out;
  }

  @Test
  void aPausedChannelRefusesNewOrdersUntilResumed() {
    ApiClient other = ApiClient.newTenant(server, "paused-shop");
    other.put("/v1/channels/amazon-p", channel("amazon", AMAZON));
    other.put("/v1/skus/P1", Map.of("name", "P1"));
    ApiClient.Response paused = other.post("/v1/channels/amazon-p/pause", "");
    assertThat(paused.json().get("paused").asBoolean()).isTrue();
    Map<String, Object> order =
        Map.of(
            "channelId",
            "amazon-p",
            "channelOrderId",
            "249-1",
            "lines",
            List.of(Map.of("sku", "P1", "quantity", 1)));
    other.post("/v1/orders", order).assertProblem(409, "channel-paused");
    assertThat(other.post("/v1/channels/amazon-p/resume", "").json().get("paused").asBoolean())
        .isFalse();
    assertThat(other.post("/v1/orders", order).status()).isEqualTo(201);
  }
}
