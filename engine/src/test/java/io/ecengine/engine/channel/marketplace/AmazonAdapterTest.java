package io.ecengine.engine.channel.marketplace;

import static io.ecengine.engine.channel.marketplace.Fixtures.NOW;
import static io.ecengine.engine.channel.marketplace.Fixtures.json;
import static io.ecengine.engine.channel.marketplace.Fixtures.q;
import static io.ecengine.engine.channel.marketplace.Fixtures.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AmazonAdapterTest {

  static final URI BASE = URI.create("https://sellingpartnerapi-fe.amazon.com");
  static final Credentials CREDENTIALS =
      Credentials.of(
          Map.of(
              "access_token", "Atza|example-token",
              "seller_id", "A2EXAMPLESELLER",
              "marketplace_id", "A1VC38T7YXB528"));

  final AmazonAdapter adapter = new AmazonAdapter("replace", Fixtures.CLOCK);

  static StockPush push(String sku, long quantity) {
    return new StockPush(sku, ListingIds.of("seller_sku", sku), quantity);
  }

  final MarketplaceRequest oneSku =
      adapter.stockUpdate(BASE, CREDENTIALS, List.of(push("TSHIRT M/01", 12)), NOW).get(0);

  @Test
  void patchesTheFulfillmentAvailabilityOfOneListing() {
    assertThat(oneSku.method()).isEqualTo("PATCH");
    assertThat(oneSku.uri().getRawPath())
        .isEqualTo("/listings/2021-08-01/items/A2EXAMPLESELLER/TSHIRT%20M%2F01");
    assertThat(oneSku.uri().getRawQuery()).isEqualTo("marketplaceIds=A1VC38T7YXB528");
    assertThat(oneSku.headers())
        .containsEntry("x-amz-access-token", "Atza|example-token")
        .containsEntry("Content-Type", "application/json");
    assertThat(oneSku.bodyText())
        .isEqualTo(
            q(
                "{'productType':'PRODUCT','patches':[{'op':'replace',"
                    + "'path':'/attributes/fulfillment_availability',"
                    + "'value':[{'fulfillment_channel_code':'DEFAULT','quantity':12}]}]}"));
    assertThat(oneSku.skus()).containsExactly("TSHIRT M/01");
  }

  @Test
  void makesOneCallPerSku() {
    List<StockPush> pushes = IntStream.range(0, 5).mapToObj(i -> push("S" + i, i)).toList();

    List<MarketplaceRequest> requests = adapter.stockUpdate(BASE, CREDENTIALS, pushes, NOW);

    assertThat(requests).hasSize(5);
    assertThat(requests)
        .extracting(MarketplaceRequest::skus)
        .containsExactly(List.of("S0"), List.of("S1"), List.of("S2"), List.of("S3"), List.of("S4"));
  }

  @Test
  void usesTheListingsProductTypeAndTheConfiguredOperation() {
    AmazonAdapter merging = new AmazonAdapter("merge", Fixtures.CLOCK);
    StockPush typed =
        new StockPush("MUG", ListingIds.of("seller_sku", "MUG", "product_type", "KITCHEN"), 3);

    MarketplaceRequest request = merging.stockUpdate(BASE, CREDENTIALS, List.of(typed), NOW).get(0);

    assertThat(json(request.body()).path("productType").asText()).isEqualTo("KITCHEN");
    assertThat(json(request.body()).path("patches").get(0).path("op").asText()).isEqualTo("merge");
  }

  @Test
  void acceptsAnAcceptedSubmission() {
    String body =
        q("{'sku':'TSHIRT M/01','status':'ACCEPTED','submissionId':'f1dc2914','issues':[]}");

    assertThat(adapter.parseStockUpdate(oneSku, response(200, body)))
        .isEqualTo(new PushResult.Accepted(List.of("TSHIRT M/01")));
  }

  @Test
  void acceptsWarningsButRejectsErrors() {
    String warning =
        q(
            "{'sku':'x','status':'ACCEPTED','submissionId':'1','issues':[{'code':'99300',"
                + "'message':'minor','severity':'WARNING'}]}");
    String invalid =
        q(
            "{'sku':'x','status':'INVALID','submissionId':'2','issues':[{'code':'4000001',"
                + "'message':'The SKU is not in the catalog','severity':'ERROR',"
                + "'attributeNames':['fulfillment_availability']}]}");

    assertThat(adapter.parseStockUpdate(oneSku, response(200, warning)))
        .isInstanceOf(PushResult.Accepted.class);
    assertThat(adapter.parseStockUpdate(oneSku, response(200, invalid)))
        .isEqualTo(
            new PushResult.PartlyRejected(
                List.of(), Map.of("TSHIRT M/01", "4000001: The SKU is not in the catalog")));
  }

  @Test
  void rejectsTheSkuOnANotFound() {
    String body = q("{'errors':[{'code':'NOT_FOUND','message':'SKU not found','details':''}]}");

    assertThat(adapter.parseStockUpdate(oneSku, response(404, body)))
        .isEqualTo(
            new PushResult.PartlyRejected(
                List.of(), Map.of("TSHIRT M/01", "NOT_FOUND: SKU not found")));
  }

  @Test
  void throttlesOnQuotaExceededUsingTheRateLimitHeader() {
    String body = q("{'errors':[{'code':'QuotaExceeded','message':'You exceeded your quota'}]}");

    PushResult result =
        adapter.parseStockUpdate(
            oneSku, response(429, Map.of("x-amzn-RateLimit-Limit", List.of("5.0")), body));

    assertThat(result).isEqualTo(new PushResult.Throttled(Duration.ofMillis(200)));
  }

  @Test
  void retryAfterWinsOverTheRateLimitHeader() {
    PushResult result =
        adapter.parseStockUpdate(
            oneSku,
            response(
                429,
                Map.of("Retry-After", List.of("3"), "x-amzn-RateLimit-Limit", List.of("5.0")),
                ""));

    assertThat(result).isEqualTo(new PushResult.Throttled(Duration.ofSeconds(3)));
  }

  @Test
  void throttlesWithoutAHintWhenAmazonGivesNone() {
    assertThat(adapter.parseStockUpdate(oneSku, response(429, "")))
        .isEqualTo(new PushResult.Throttled(null));
  }

  @Test
  void classifiesServerAndTokenErrors() {
    assertThat(adapter.parseStockUpdate(oneSku, response(500, "")))
        .isInstanceOfSatisfying(PushResult.Failed.class, f -> assertThat(f.retryable()).isTrue());
    assertThat(
            adapter.parseStockUpdate(
                oneSku,
                response(403, q("{'errors':[{'code':'Unauthorized','message':'Access denied'}]}"))))
        .isInstanceOfSatisfying(PushResult.Failed.class, f -> assertThat(f.retryable()).isFalse());
  }

  @Test
  void pullsOrdersCreatedAfterAPoint() {
    MarketplaceRequest first =
        adapter.orderPull(BASE, CREDENTIALS, Instant.parse("2024-02-29T00:00:00Z"), null, NOW);
    MarketplaceRequest next =
        adapter.orderPull(BASE, CREDENTIALS, null, "2YgYW55IGNhcm5hbCBwbGVhcw==", NOW);

    assertThat(first.method()).isEqualTo("GET");
    assertThat(first.uri().toString())
        .isEqualTo(
            "https://sellingpartnerapi-fe.amazon.com/orders/v0/"
                + "orders?MarketplaceIds=A1VC38T7YXB528&CreatedAfter=2024-02-29T00%3A00%3A00Z&"
                + "MaxResultsPerPage=100");
    assertThat(first.headers()).containsEntry("x-amz-access-token", "Atza|example-token");
    assertThat(next.uri().getRawQuery())
        .isEqualTo("MarketplaceIds=A1VC38T7YXB528&NextToken=2YgYW55IGNhcm5hbCBwbGVhcw%3D%3D");
  }

  static final String ORDERS_ANSWER =
      q(
          "{'payload':{'NextToken':'2YgYW55IGNhcm5hbCBwbGVhcw==',"
              + "'CreatedBefore':'2024-02-29T23:58:00Z',"
              + "'Orders':[{'AmazonOrderId':'503-1234567-1234567',"
              + "'PurchaseDate':'2024-02-29T03:04:05Z','OrderStatus':'Unshipped',"
              + "'FulfillmentChannel':'MFN',"
              + "'MarketplaceId':'A1VC38T7YXB528','ShippingAddress':{'StateOrRegion':'東京都',"
              + "'PostalCode':'150-0001','City':'渋谷区','CountryCode':'JP'},"
              + "'BuyerInfo':{'BuyerEmail':'abc@marketplace.amazon.co.jp'}}]}}");

  @Test
  void readsOrderHeadersAndAsksForTheirItems() {
    OrderPage page = adapter.parseOrderPull(response(200, ORDERS_ANSWER));

    assertThat(page.nextPageToken()).isEqualTo("2YgYW55IGNhcm5hbCBwbGVhcw==");
    assertThat(page.orderIdsToFetch()).containsExactly("503-1234567-1234567");
    MarketplaceOrder order = page.orders().get(0);
    assertThat(order.channelOrderId()).isEqualTo("503-1234567-1234567");
    assertThat(order.placedAt()).isEqualTo(Instant.parse("2024-02-29T03:04:05Z"));
    assertThat(order.prefecture()).isEqualTo("東京都");
    assertThat(order.city()).isEqualTo("渋谷区");
    assertThat(order.postalCode()).isEqualTo("150-0001");
    assertThat(order.buyerEmail()).isEqualTo("abc@marketplace.amazon.co.jp");
    assertThat(order.buyerName()).isNull();
    assertThat(order.address1()).isNull();
    assertThat(order.lines()).isEmpty();
  }

  @Test
  void throwsThrottledWhenGetOrdersIsOverQuota() {
    assertThatThrownBy(
            () ->
                adapter.parseOrderPull(
                    response(429, Map.of("x-amzn-RateLimit-Limit", List.of("0.0167")), "")))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e ->
                assertThat(e.outcome())
                    .isEqualTo(new PushResult.Throttled(Duration.ofMillis(59881))));
  }

  @Test
  void readsTheItemsOfAnOrderAndMergesThem() {
    List<MarketplaceRequest> requests =
        adapter.orderDetails(BASE, CREDENTIALS, List.of("503-1234567-1234567"), NOW);
    String items =
        q(
            "{'payload':{'AmazonOrderId':'503-1234567-1234567',"
                + "'OrderItems':[{'ASIN':'B0EXAMPLE1','SellerSKU':'TSHIRT-M',"
                + "'OrderItemId':'68828574383266',"
                + "'QuantityOrdered':2,'QuantityShipped':0}]}}");

    List<MarketplaceOrder> withItems = adapter.parseOrderDetails(response(200, items));
    MarketplaceOrder header = adapter.parseOrderPull(response(200, ORDERS_ANSWER)).orders().get(0);
    MarketplaceOrder merged = header.withLines(withItems.get(0).lines());

    assertThat(requests.get(0).uri().getPath())
        .isEqualTo("/orders/v0/orders/503-1234567-1234567/orderItems");
    assertThat(withItems.get(0).channelOrderId()).isEqualTo("503-1234567-1234567");
    assertThat(merged.prefecture()).isEqualTo("東京都");
    assertThat(merged.lines())
        .containsExactly(
            new MarketplaceOrder.Line(
                new ListingIds(
                    Map.of(
                        "seller_sku", "TSHIRT-M",
                        "order_item_id", "68828574383266",
                        "asin", "B0EXAMPLE1")),
                2));
  }

  @Test
  void confirmsTheShipmentOfTheOrderItems() {
    List<MarketplaceOrder.Line> lines =
        List.of(
            new MarketplaceOrder.Line(
                ListingIds.of("seller_sku", "TSHIRT-M", "order_item_id", "68828574383266"), 2));

    MarketplaceRequest request =
        adapter.trackingWriteBack(
            BASE, CREDENTIALS, "503-1234567-1234567", "yamato", "4912-3456-7890", lines, NOW);

    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.uri().getPath())
        .isEqualTo("/orders/v0/orders/503-1234567-1234567/shipmentConfirmation");
    assertThat(request.bodyText())
        .isEqualTo(
            q(
                "{'packageDetail':{'packageReferenceId':'1','carrierCode':'Yamato Transport',"
                    + "'trackingNumber':'4912-3456-7890','shipDate':'2024-03-01T00:00:00Z',"
                    + "'orderItems':[{'orderItemId':'68828574383266','quantity':2}]},"
                    + "'marketplaceId':'A1VC38T7YXB528'}"));
  }

  @Test
  void namesUnknownCarriers() {
    List<MarketplaceOrder.Line> lines =
        List.of(new MarketplaceOrder.Line(ListingIds.of("order_item_id", "1"), 1));

    MarketplaceRequest request =
        adapter.trackingWriteBack(BASE, CREDENTIALS, "o", "Seino", "n", lines, NOW);

    assertThat(json(request.body()).path("packageDetail").path("carrierCode").asText())
        .isEqualTo("Others");
    assertThat(json(request.body()).path("packageDetail").path("carrierName").asText())
        .isEqualTo("Seino");
  }

  @Test
  void cannotConfirmAShipmentWithoutItsItems() {
    assertThatThrownBy(() -> adapter.trackingWriteBack(BASE, CREDENTIALS, "o", "yamato", "n", NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("order_item_id");
  }

  @Test
  void readsTheConfirmationAnswer() {
    MarketplaceRequest request =
        adapter.trackingWriteBack(
            BASE,
            CREDENTIALS,
            "o",
            "yamato",
            "n",
            List.of(new MarketplaceOrder.Line(ListingIds.of("order_item_id", "1"), 1)),
            NOW);

    assertThat(adapter.parseWriteBack(request, response(204, "")))
        .isEqualTo(new PushResult.Accepted(List.of()));
    assertThat(
            adapter.parseWriteBack(
                request,
                response(400, q("{'errors':[{'code':'InvalidInput','message':'bad carrier'}]}"))))
        .isEqualTo(new PushResult.Failed(false, "InvalidInput: bad carrier"));
    assertThat(adapter.parseWriteBack(request, response(429, "")))
        .isEqualTo(new PushResult.Throttled(null));
  }

  // Stock read-back

  static ListingRef listing(String sku) {
    return new ListingRef(sku, ListingIds.of("seller_sku", sku));
  }

  final MarketplaceRequest oneRead =
      adapter.stockRead(BASE, CREDENTIALS, List.of(listing("TSHIRT M/01")), NOW).get(0);

  @Test
  void getsTheFulfillmentAvailabilityOfOneListing() {
    assertThat(oneRead.method()).isEqualTo("GET");
    assertThat(oneRead.uri().getRawPath())
        .isEqualTo("/listings/2021-08-01/items/A2EXAMPLESELLER/TSHIRT%20M%2F01");
    assertThat(oneRead.uri().getRawQuery())
        .isEqualTo("marketplaceIds=A1VC38T7YXB528&includedData=fulfillmentAvailability");
    assertThat(oneRead.headers())
        .containsEntry("x-amz-access-token", "Atza|example-token")
        .containsEntry("Accept", "application/json");
    assertThat(oneRead.body()).isEmpty();
    assertThat(oneRead.skus()).containsExactly("TSHIRT M/01");
  }

  @Test
  void readsOneSkuACall() {
    List<ListingRef> listings = IntStream.range(0, 3).mapToObj(i -> listing("S" + i)).toList();

    List<MarketplaceRequest> requests = adapter.stockRead(BASE, CREDENTIALS, listings, NOW);

    assertThat(requests)
        .extracting(MarketplaceRequest::skus)
        .containsExactly(List.of("S0"), List.of("S1"), List.of("S2"));
    assertThat(requests.get(2).uri().getRawPath()).endsWith("/A2EXAMPLESELLER/S2");
  }

  @Test
  void readsTheSellerFulfilledQuantity() {
    String answer =
        q(
            "{'sku':'TSHIRT M/01','fulfillmentAvailability':["
                + "{'fulfillmentChannelCode':'AMAZON_JP','quantity':40},"
                + "{'fulfillmentChannelCode':'DEFAULT','quantity':9}]}");

    assertThat(adapter.parseStockRead(oneRead, response(200, answer)))
        .containsExactly(Map.entry("TSHIRT M/01", 9L));
  }

  @Test
  void leavesOutAListingWithoutSellerFulfilledStockOrAnswerForAnotherSku() {
    String fbaOnly =
        q(
            "{'sku':'TSHIRT M/01','fulfillmentAvailability':["
                + "{'fulfillmentChannelCode':'AMAZON_JP','quantity':40}]}");
    String other =
        q(
            "{'sku':'OTHER','fulfillmentAvailability':["
                + "{'fulfillmentChannelCode':'DEFAULT','quantity':9}]}");

    assertThat(adapter.parseStockRead(oneRead, response(200, fbaOnly))).isEmpty();
    assertThat(adapter.parseStockRead(oneRead, response(200, other))).isEmpty();
  }

  @Test
  void readsANotFoundListingAsMissingRatherThanFailing() {
    String notFound = q("{'errors':[{'code':'NOT_FOUND','message':'SKU not found','details':''}]}");

    assertThat(adapter.parseStockRead(oneRead, response(404, notFound))).isEmpty();
  }

  @Test
  void throttlesAReadAtThePlansRate() {
    assertThatThrownBy(
            () ->
                adapter.parseStockRead(
                    oneRead, response(429, Map.of("x-amzn-RateLimit-Limit", List.of("5.0")), "")))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e ->
                assertThat(e.outcome())
                    .isEqualTo(new PushResult.Throttled(Duration.ofMillis(200))));
  }

  @Test
  void failsARefusedOrBrokenRead() {
    String denied = q("{'errors':[{'code':'Unauthorized','message':'Access denied'}]}");
    assertThatThrownBy(() -> adapter.parseStockRead(oneRead, response(403, denied)))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e -> {
              assertThat(((PushResult.Failed) e.outcome()).retryable()).isFalse();
              assertThat(e.getMessage()).doesNotContain("Atza|example-token");
            });
    assertThatThrownBy(() -> adapter.parseStockRead(oneRead, response(503, "")))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e -> assertThat(((PushResult.Failed) e.outcome()).retryable()).isTrue());
    assertThatThrownBy(() -> adapter.parseStockRead(oneRead, response(200, "")))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e -> assertThat(((PushResult.Failed) e.outcome()).retryable()).isTrue());
  }
}
