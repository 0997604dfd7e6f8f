package io.ecengine.engine.channel.marketplace;

import static io.ecengine.engine.channel.marketplace.Fixtures.NOW;
import static io.ecengine.engine.channel.marketplace.Fixtures.json;
import static io.ecengine.engine.channel.marketplace.Fixtures.q;
import static io.ecengine.engine.channel.marketplace.Fixtures.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ShopifyAdapterTest {

  static final URI BASE = URI.create("https://example-shop.myshopify.com");
  static final Credentials CREDENTIALS =
      Credentials.of(
          Map.of(
              "access_token", "shpat_example",
              "webhook_secret", "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"));

  final ShopifyAdapter adapter = new ShopifyAdapter(true, Fixtures.CLOCK);

  static StockPush push(String sku, String inventoryItem, long quantity) {
    return new StockPush(
        sku,
        ListingIds.of("inventory_item_id", inventoryItem, "location_id", "655441491"),
        quantity);
  }

  final MarketplaceRequest twoItems =
      adapter
          .stockUpdate(
              BASE,
              CREDENTIALS,
              List.of(
                  push("TSHIRT-M", "30322695", 7), push("MUG", "gid://shopify/InventoryItem/4", 0)),
              NOW)
          .get(0);

  @Test
  void setsAvailableQuantitiesWithOneMutation() {
    assertThat(twoItems.method()).isEqualTo("POST");
    assertThat(twoItems.uri())
        .isEqualTo(URI.create("https://example-shop.myshopify.com/admin/api/2025-01/graphql.json"));
    assertThat(twoItems.headers())
        .containsEntry("X-Shopify-Access-Token", "shpat_example")
        .containsEntry("Content-Type", "application/json");
    JsonNode expected =
        json(
            q(
                "{'query':'mutation SetStock($input: InventorySetQuantitiesInput!) { "
                    + "inventorySetQuantities(input: $input) { inventoryAdjustmentGroup { id } "
                    + "userErrors { code "
                    + "field message } } }','variables':{'input':{'name':'available',"
                    + "'reason':'correction',"
                    + "'ignoreCompareQuantity':true,"
                    + "'quantities':[{'inventoryItemId':'gid://shopify/InventoryItem/30322695',"
                    + "'locationId':'gid://shopify/Location/655441491','quantity':7},"
                    + "{'inventoryItemId':'gid://shopify/InventoryItem/4',"
                    + "'locationId':'gid://shopify/Location/655441491','quantity':0}]}}}"));
    assertThat(json(twoItems.body())).isEqualTo(expected);
    assertThat(twoItems.skus()).containsExactly("TSHIRT-M", "MUG");
  }

  @Test
  void usesTheConfiguredApiVersion() {
    Credentials pinned = Credentials.of(Map.of("access_token", "t", "api_version", "2025-04"));

    MarketplaceRequest request =
        adapter.stockUpdate(BASE, pinned, List.of(push("A", "1", 1)), NOW).get(0);

    assertThat(request.uri().getPath()).isEqualTo("/admin/api/2025-04/graphql.json");
  }

  @Test
  void fillsCallsUpToTwoHundredFiftyItems() {
    List<StockPush> pushes =
        IntStream.range(0, 300).mapToObj(i -> push("S" + i, String.valueOf(i), i)).toList();

    List<MarketplaceRequest> requests = adapter.stockUpdate(BASE, CREDENTIALS, pushes, NOW);

    assertThat(requests).extracting(request -> request.skus().size()).containsExactly(250, 50);
  }

  @Test
  void acceptsAnAnswerWithoutUserErrors() {
    String body =
        q(
            "{'data':{'inventorySetQuantities':{"
                + "'inventoryAdjustmentGroup':{'id':'gid://shopify/InventoryAdjustmentGroup/1'},"
                + "'userErrors':[]}},"
                + "'extensions':{'cost':{'requestedQueryCost':10,'actualQueryCost':10}}}");

    assertThat(adapter.parseStockUpdate(twoItems, response(200, body)))
        .isEqualTo(new PushResult.Accepted(List.of("TSHIRT-M", "MUG")));
  }

  @Test
  void rejectsTheItemsUserErrorsPointAt() {
    String body =
        q(
            "{'data':{'inventorySetQuantities':{'inventoryAdjustmentGroup':null,"
                + "'userErrors':[{'code':'ITEM_NOT_STOCKED_AT_LOCATION','field':['input',"
                + "'quantities','1',"
                + "'locationId'],'message':'The specified inventory item is not stocked at the "
                + "location.'}]}}}");

    assertThat(adapter.parseStockUpdate(twoItems, response(200, body)))
        .isEqualTo(
            new PushResult.PartlyRejected(
                List.of(),
                Map.of(
                    "MUG",
                    "ITEM_NOT_STOCKED_AT_LOCATION: The specified inventory item is not stocked "
                        + "at the location.")));
  }

  @Test
  void failsUserErrorsThatPointAtNoItem() {
    String body =
        q(
            "{'data':{'inventorySetQuantities':{'userErrors':[{'code':'INVALID_REASON',"
                + "'field':['input','reason'],'message':'The quantity reason is invalid.'}]}}}");

    assertThat(adapter.parseStockUpdate(twoItems, response(200, body)))
        .isEqualTo(new PushResult.Failed(false, "INVALID_REASON: The quantity reason is invalid."));
  }

  @Test
  void throttlesForTheTimeTheCostBucketNeeds() {
    String body =
        q(
            "{'errors':[{'message':'Throttled','extensions':{'code':'THROTTLED',"
                + "'documentation':'https://shopify.dev/api/usage/rate-limits'}}],"
                + "'extensions':{'cost':{'requestedQueryCost':752,'actualQueryCost':null,"
                + "'throttleStatus':{'maximumAvailable':2000.0,'currentlyAvailable':502,"
                + "'restoreRate':100.0}}}}");

    assertThat(adapter.parseStockUpdate(twoItems, response(200, body)))
        .isEqualTo(new PushResult.Throttled(Duration.ofMillis(2500)));
  }

  @Test
  void throttlesWithoutAHintWhenTheCostIsMissing() {
    String body = q("{'errors':[{'message':'Throttled','extensions':{'code':'THROTTLED'}}]}");

    assertThat(adapter.parseStockUpdate(twoItems, response(200, body)))
        .isEqualTo(new PushResult.Throttled(null));
  }

  @Test
  void honoursRetryAfterOnARest429() {
    assertThat(
            adapter.parseStockUpdate(
                twoItems, response(429, Map.of("Retry-After", List.of("2.0")), "")))
        .isEqualTo(new PushResult.Throttled(Duration.ofSeconds(2)));
  }

  @Test
  void classifiesOtherFailures() {
    String accessDenied =
        q("{'errors':[{'message':'Access denied for inventorySetQuantities field.'}]}");

    assertThat(adapter.parseStockUpdate(twoItems, response(200, accessDenied)))
        .isEqualTo(new PushResult.Failed(false, "Access denied for inventorySetQuantities field."));
    assertThat(adapter.parseStockUpdate(twoItems, response(503, "")))
        .isInstanceOfSatisfying(PushResult.Failed.class, f -> assertThat(f.retryable()).isTrue());
    assertThat(adapter.parseStockUpdate(twoItems, response(401, "")))
        .isInstanceOfSatisfying(PushResult.Failed.class, f -> assertThat(f.retryable()).isFalse());
  }

  @Test
  void queriesOrdersCreatedSinceAPoint() {
    MarketplaceRequest request =
        adapter.orderPull(
            BASE, CREDENTIALS, Instant.parse("2024-02-29T00:00:00Z"), "eyJsYXN0X2lkIjo0fQ==", NOW);

    JsonNode body = json(request.body());
    assertThat(body.path("query").asText()).isEqualTo(ShopifyAdapter.ORDERS);
    assertThat(body.path("variables"))
        .isEqualTo(
            json(
                "{\"first\":5,\"after\":\"eyJsYXN0X2lkIjo0fQ==\",\"query\":\"created_at:>"
                    + "='2024-02-29T00:00:00Z'\"}"));
    assertThat(request.uri().getPath()).isEqualTo("/admin/api/2025-01/graphql.json");
  }

  static final String ORDERS_ANSWER =
      q(
          "{'data':{'orders':{'pageInfo':{'hasNextPage':true,"
              + "'endCursor':'eyJsYXN0X2lkIjo1fQ=='},"
              + "'nodes':[{'id':'gid://shopify/Order/820982911946154508',"
              + "'createdAt':'2024-02-29T01:00:00Z','email':'jon@example.com','phone':null,"
              + "'shippingAddress':{'name':'Yamada Taro','zip':'150-0001','province':'Tokyo',"
              + "'city':'Shibuya-ku','address1':'1-2-3 Jingumae','address2':'Room 401',"
              + "'phone':'03-1234-5678'},"
              + "'lineItems':{'nodes':[{'id':'gid://shopify/LineItem/866550311766439020',"
              + "'quantity':2,'sku':'TSHIRT-M',"
              + "'variant':{'id':'gid://shopify/ProductVariant/808950810',"
              + "'inventoryItem':{'id':'gid://shopify/InventoryItem/30322695'}}}]},"
              + "'fulfillmentOrders':{'nodes':[{'id':'gid://shopify/FulfillmentOrder/1046000778',"
              + "'assignedLocation':{'location':{'id':'gid://shopify/Location/655441491'}}}]}}]}},"
              + "'extensions':{'cost':{'requestedQueryCost':802,'actualQueryCost':12}}}");

  @Test
  void readsOrdersWithWhatTheirShipmentNeeds() {
    OrderPage page = adapter.parseOrderPull(response(200, ORDERS_ANSWER));

    assertThat(page.nextPageToken()).isEqualTo("eyJsYXN0X2lkIjo1fQ==");
    MarketplaceOrder order = page.orders().get(0);
    assertThat(order.channelOrderId()).isEqualTo("gid://shopify/Order/820982911946154508");
    assertThat(order.placedAt()).isEqualTo(Instant.parse("2024-02-29T01:00:00Z"));
    assertThat(order.buyerName()).isEqualTo("Yamada Taro");
    assertThat(order.buyerEmail()).isEqualTo("jon@example.com");
    assertThat(order.postalCode()).isEqualTo("150-0001");
    assertThat(order.prefecture()).isEqualTo("Tokyo");
    assertThat(order.city()).isEqualTo("Shibuya-ku");
    assertThat(order.address1()).isEqualTo("1-2-3 Jingumae");
    assertThat(order.address2()).isEqualTo("Room 401");
    assertThat(order.phone()).isEqualTo("03-1234-5678");
    assertThat(order.lines())
        .containsExactly(
            new MarketplaceOrder.Line(
                new ListingIds(
                    Map.of(
                        "inventory_item_id", "gid://shopify/InventoryItem/30322695",
                        "location_id", "gid://shopify/Location/655441491",
                        "variant_id", "gid://shopify/ProductVariant/808950810",
                        "sku", "TSHIRT-M",
                        "line_item_id", "gid://shopify/LineItem/866550311766439020",
                        "fulfillment_order_ids", "gid://shopify/FulfillmentOrder/1046000778")),
                2));
  }

  @Test
  void theLastPageHasNoCursor() {
    String body =
        q("{'data':{'orders':{'pageInfo':{'hasNextPage':false,'endCursor':'x'},'nodes':[]}}}");

    assertThat(adapter.parseOrderPull(response(200, body)).nextPageToken()).isNull();
  }

  @Test
  void throwsThrottledWhenThePullIsThrottled() {
    String body = q("{'errors':[{'message':'Throttled','extensions':{'code':'THROTTLED'}}]}");

    assertThatThrownBy(() -> adapter.parseOrderPull(response(200, body)))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e -> assertThat(e.outcome()).isEqualTo(new PushResult.Throttled(null)));
  }

  @Test
  void fetchesOrdersByIdForDetails() {
    List<MarketplaceRequest> requests =
        adapter.orderDetails(BASE, CREDENTIALS, List.of("820982911946154508"), NOW);
    String answer =
        q(
            "{'data':{'nodes':[{'id':'gid://shopify/Order/820982911946154508',"
                + "'createdAt':'2024-02-29T01:00:00Z','lineItems':{'nodes':[]},"
                + "'fulfillmentOrders':{'nodes':[]}},null]}}");

    assertThat(json(requests.get(0).body()).path("variables"))
        .isEqualTo(json(q("{'ids':['gid://shopify/Order/820982911946154508']}")));
    assertThat(adapter.parseOrderDetails(response(200, answer)))
        .extracting(MarketplaceOrder::channelOrderId)
        .containsExactly("gid://shopify/Order/820982911946154508");
  }

  @Test
  void fulfilsTheOrdersFulfillmentOrdersWithTracking() {
    List<MarketplaceOrder.Line> lines =
        adapter.parseOrderPull(response(200, ORDERS_ANSWER)).orders().get(0).lines();

    MarketplaceRequest request =
        adapter.trackingWriteBack(
            BASE,
            CREDENTIALS,
            "gid://shopify/Order/820982911946154508",
            "yamato",
            "4912-3456-7890",
            lines,
            NOW);

    JsonNode body = json(request.body());
    assertThat(body.path("query").asText()).isEqualTo(ShopifyAdapter.FULFILL);
    assertThat(body.path("variables"))
        .isEqualTo(
            json(
                q(
                    "{'fulfillment':{'lineItemsByFulfillmentOrder':["
                        + "{'fulfillmentOrderId':'gid://shopify/FulfillmentOrder/1046000778'}],"
                        + "'notifyCustomer':true,"
                        + "'trackingInfo':{'company':'Yamato (JA)','number':'4912-3456-7890'}}}")));
  }

  @Test
  void cannotFulfilWithoutFulfillmentOrders() {
    assertThatThrownBy(() -> adapter.trackingWriteBack(BASE, CREDENTIALS, "o", "yamato", "n", NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fulfillment_order_ids");
  }

  @Test
  void readsTheFulfillmentAnswer() {
    MarketplaceRequest request =
        adapter.trackingWriteBack(
            BASE,
            CREDENTIALS,
            "o",
            "yamato",
            "n",
            List.of(
                new MarketplaceOrder.Line(
                    ListingIds.of("fulfillment_order_ids", "gid://shopify/FulfillmentOrder/1"), 1)),
            NOW);
    String ok =
        q(
            "{'data':{'fulfillmentCreate':{'fulfillment':{'id':'gid://shopify/Fulfillment/9',"
                + "'status':'SUCCESS'},'userErrors':[]}}}");
    String refused =
        q(
            "{'data':{'fulfillmentCreate':{'fulfillment':null,"
                + "'userErrors':[{'field':['fulfillment'],'message':'Fulfillment order is "
                + "closed.'}]}}}");

    assertThat(adapter.parseWriteBack(request, response(200, ok)))
        .isEqualTo(new PushResult.Accepted(List.of()));
    assertThat(adapter.parseWriteBack(request, response(200, refused)))
        .isEqualTo(new PushResult.Failed(false, "Fulfillment order is closed."));
  }

  // Webhooks

  static final String ORDER_CREATED =
      q(
          "{'id':820982911946154508,"
              + "'admin_graphql_api_id':'gid://shopify/Order/820982911946154508',"
              + "'email':'jon@example.com',"
              + "'created_at':'2024-03-01T09:00:00+09:00','phone':null,"
              + "'shipping_address':{'name':'Yamada "
              + "Taro','address1':'1-2-3 Jingumae','address2':'Room 401','city':'Shibuya-ku',"
              + "'province':'Tokyo','zip':'150-0001','phone':'03-1234-5678'},"
              + "'line_items':[{'id':866550311766439020,'variant_id':808950810,"
              + "'sku':'TSHIRT-M','quantity':2}]}");
  // Base64 HMAC-SHA256(webhook secret, body), computed with Python's hmac.
  static final String SIGNATURE = "VKEzRJ83hI6Wi84+98SGwr0Te096E19CPQMw/0Hjn+k=";

  final byte[] body = ORDER_CREATED.getBytes(StandardCharsets.UTF_8);
  final Map<String, List<String>> headers =
      Map.of(
          "X-Shopify-Hmac-SHA256", List.of(SIGNATURE),
          "X-Shopify-Topic", List.of("orders/create"),
          "X-Shopify-Webhook-Id", List.of("b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"));

  @Test
  void verifiesAGenuineDelivery() {
    assertThat(adapter.verify(headers, body, CREDENTIALS)).isTrue();
  }

  @Test
  void findsHeadersWhateverTheirCase() {
    Map<String, List<String>> lowerCase =
        Map.of(
            "x-shopify-hmac-sha256", List.of(SIGNATURE),
            "x-shopify-webhook-id", List.of("b54557e4"));

    assertThat(adapter.verify(lowerCase, body, CREDENTIALS)).isTrue();
    assertThat(adapter.deliveryId(lowerCase, body)).contains("b54557e4");
  }

  @Test
  void refusesAWrongSignature() {
    Map<String, List<String>> wrong =
        Map.of("X-Shopify-Hmac-SHA256", List.of("AKEzRJ83hI6Wi84+98SGwr0Te096E19CPQMw/0Hjn+k="));

    assertThat(adapter.verify(wrong, body, CREDENTIALS)).isFalse();
  }

  @Test
  void refusesADeliveryWithoutSignature() {
    assertThat(
            adapter.verify(Map.of("X-Shopify-Topic", List.of("orders/create")), body, CREDENTIALS))
        .isFalse();
  }

  @Test
  void refusesATamperedBody() {
    byte[] tampered =
        ORDER_CREATED.replace("\"quantity\":2", "\"quantity\":20").getBytes(StandardCharsets.UTF_8);

    assertThat(adapter.verify(headers, tampered, CREDENTIALS)).isFalse();
  }

  @Test
  void refusesASignatureMadeWithAnotherSecret() {
    assertThat(
            adapter.verify(
                headers, body, Credentials.of(Map.of("webhook_secret", "another-secret"))))
        .isFalse();
  }

  @Test
  void readsTheDeliveryIdFromItsHeader() {
    assertThat(adapter.deliveryId(headers, body)).contains("b54557e4-bdd9-4b37-8a5f-bf7d70bcd043");
    assertThat(adapter.deliveryId(Map.of(), body)).isEmpty();
  }

  @Test
  void anOrderCreatedDeliveryCarriesTheWholeOrder() {
    WebhookEvent event = adapter.event(headers, body).orElseThrow();

    assertThat(event.deliveryId()).isEqualTo("b54557e4-bdd9-4b37-8a5f-bf7d70bcd043");
    assertThat(event.topic()).isEqualTo("orders/create");
    assertThat(event.channelOrderId()).isEqualTo("gid://shopify/Order/820982911946154508");
    assertThat(event.needsFetch()).isFalse();
    MarketplaceOrder order = event.orderOrNull();
    assertThat(order.placedAt()).isEqualTo(Instant.parse("2024-03-01T00:00:00Z"));
    assertThat(order.buyerName()).isEqualTo("Yamada Taro");
    assertThat(order.prefecture()).isEqualTo("Tokyo");
    assertThat(order.phone()).isEqualTo("03-1234-5678");
    assertThat(order.lines())
        .containsExactly(
            new MarketplaceOrder.Line(
                new ListingIds(
                    Map.of(
                        "variant_id", "gid://shopify/ProductVariant/808950810",
                        "sku", "TSHIRT-M",
                        "line_item_id", "gid://shopify/LineItem/866550311766439020")),
                2));
    assertThat(adapter.order(body)).contains(order);
  }

  @Test
  void ignoresTopicsThatAreNotAboutOrders() {
    Map<String, List<String>> productUpdate = Map.of("X-Shopify-Topic", List.of("products/update"));

    assertThat(adapter.event(productUpdate, body)).isEmpty();
  }

  // Stock read-back

  static ListingRef listing(String sku, String inventoryItem, String location) {
    return new ListingRef(
        sku, ListingIds.of("inventory_item_id", inventoryItem, "location_id", location));
  }

  final MarketplaceRequest twoReads =
      adapter
          .stockRead(
              BASE,
              CREDENTIALS,
              List.of(
                  listing("TSHIRT-M", "30322695", "655441491"),
                  listing("MUG", "gid://shopify/InventoryItem/4", "655441491")),
              NOW)
          .get(0);

  @Test
  void readsTheAvailableQuantityOfEachItemAtItsLocation() {
    assertThat(twoReads.method()).isEqualTo("POST");
    assertThat(twoReads.uri())
        .isEqualTo(URI.create("https://example-shop.myshopify.com/admin/api/2025-01/graphql.json"));
    assertThat(twoReads.headers())
        .containsEntry("X-Shopify-Access-Token", "shpat_example")
        .containsEntry("Content-Type", "application/json");
    JsonNode expected =
        json(
            q(
                "{'query':'query StockRead($ids: [ID!]!, $locationId: ID!) { nodes(ids: $ids) {"
                    + " ... on InventoryItem { id inventoryLevel(locationId: $locationId) {"
                    + " quantities(names: [\\\"available\\\"]) { name quantity } } } } }',"
                    + "'variables':{'ids':['gid://shopify/InventoryItem/30322695',"
                    + "'gid://shopify/InventoryItem/4'],"
                    + "'locationId':'gid://shopify/Location/655441491'}}"));
    assertThat(json(twoReads.body())).isEqualTo(expected);
    assertThat(twoReads.skus()).containsExactly("TSHIRT-M", "MUG");
  }

  @Test
  void readsEachLocationApartAHundredItemsACall() {
    List<ListingRef> listings =
        IntStream.range(0, 202)
            .mapToObj(i -> listing("S" + i, String.valueOf(1000 + i), i % 2 == 0 ? "1" : "2"))
            .toList();

    List<MarketplaceRequest> requests = adapter.stockRead(BASE, CREDENTIALS, listings, NOW);

    assertThat(requests)
        .extracting(request -> request.skus().size())
        .containsExactly(100, 1, 100, 1);
    assertThat(requests)
        .extracting(request -> json(request.body()).path("variables").path("locationId").asText())
        .containsExactly(
            "gid://shopify/Location/1",
            "gid://shopify/Location/1",
            "gid://shopify/Location/2",
            "gid://shopify/Location/2");
    assertThat(requests.get(0).skus()).startsWith("S0", "S2", "S4");
  }

  @Test
  void matchesNodesByTheirIdAndLeavesOutUnknownOrUnstockedItems() {
    String answer =
        q(
            "{'data':{'nodes':[{'id':'gid://shopify/InventoryItem/4','inventoryLevel':"
                + "{'quantities':[{'name':'available','quantity':3}]}},"
                + "{'id':'gid://shopify/InventoryItem/30322695','inventoryLevel':"
                + "{'quantities':[{'name':'available','quantity':11}]}}]},"
                + "'extensions':{'cost':{'requestedQueryCost':7,'actualQueryCost':7}}}");
    String partly =
        q(
            "{'data':{'nodes':[null,{'id':'gid://shopify/InventoryItem/4',"
                + "'inventoryLevel':null}]}}");

    assertThat(adapter.parseStockRead(twoReads, response(200, answer)))
        .containsExactly(Map.entry("TSHIRT-M", 11L), Map.entry("MUG", 3L));
    assertThat(adapter.parseStockRead(twoReads, response(200, partly))).isEmpty();
  }

  @Test
  void throttlesAReadForTheTimeTheCostBucketNeeds() {
    String body =
        q(
            "{'errors':[{'message':'Throttled','extensions':{'code':'THROTTLED'}}],"
                + "'extensions':{'cost':{'requestedQueryCost':301,'actualQueryCost':null,"
                + "'throttleStatus':{'maximumAvailable':2000.0,'currentlyAvailable':101,"
                + "'restoreRate':100.0}}}}");

    assertThatThrownBy(() -> adapter.parseStockRead(twoReads, response(200, body)))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e ->
                assertThat(e.outcome()).isEqualTo(new PushResult.Throttled(Duration.ofSeconds(2))));
  }

  @Test
  void failsARefusedOrBrokenRead() {
    assertThatThrownBy(
            () ->
                adapter.parseStockRead(
                    twoReads, response(401, q("{'errors':'[API] Invalid API key'}"))))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e -> {
              assertThat(((PushResult.Failed) e.outcome()).retryable()).isFalse();
              assertThat(e.getMessage()).doesNotContain("shpat_example");
            });
    assertThatThrownBy(
            () ->
                adapter.parseStockRead(
                    twoReads,
                    response(200, q("{'errors':[{'message':'Access denied for nodes field.'}]}"))))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e ->
                assertThat(e.outcome())
                    .isEqualTo(new PushResult.Failed(false, "Access denied for nodes field.")));
    assertThatThrownBy(() -> adapter.parseStockRead(twoReads, response(502, "")))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e -> assertThat(((PushResult.Failed) e.outcome()).retryable()).isTrue());
  }
}
