package io.ecengine.engine.channel.marketplace;

import static io.ecengine.engine.channel.marketplace.Fixtures.NOW;
import static io.ecengine.engine.channel.marketplace.Fixtures.json;
import static io.ecengine.engine.channel.marketplace.Fixtures.q;
import static io.ecengine.engine.channel.marketplace.Fixtures.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TikTokShopAdapterTest {

  static final URI BASE = URI.create("https://open-api.tiktokglobalshop.com");
  static final String APP_KEY = "6a1b2c3d4e5f";
  static final String APP_SECRET = "e59af819cc2d4f1fa2ac3b5a1c9b1e0d";
  static final String SHOP_CIPHER = "ROW_Mfxq0QAAAADY9jhQTMr4JXq4U19IpM5-";
  static final String WAREHOUSE = "7068517275539719942";
  static final String PRODUCT = "1729592969712207000";

  static final Credentials CREDENTIALS =
      Credentials.of(
          Map.of(
              "app_key", APP_KEY,
              "app_secret", APP_SECRET,
              "access_token", "ROW_example_access_token",
              "shop_cipher", SHOP_CIPHER,
              "warehouse_id", WAREHOUSE));

  final TikTokShopAdapter adapter = new TikTokShopAdapter(100, Fixtures.CLOCK);

  static StockPush push(String sku, String product, String skuId, long quantity) {
    return new StockPush(sku, ListingIds.of("product_id", product, "sku_id", skuId), quantity);
  }

  /** The documented signature, computed here without the adapter's code. */
  static String expectedSign(String path, Map<String, String> query, String body) {
    StringBuilder base = new StringBuilder(APP_SECRET).append(path);
    new TreeMap<>(query)
        .forEach(
            (name, value) -> {
              if (!name.equals("sign") && !name.equals("access_token")) {
                base.append(name).append(value);
              }
            });
    base.append(body).append(APP_SECRET);
    return Fixtures.hex(
        Fixtures.hmacSha256(APP_SECRET, base.toString().getBytes(StandardCharsets.UTF_8)));
  }

  static Map<String, String> query(URI uri) {
    Map<String, String> query = new TreeMap<>();
    for (String pair : uri.getRawQuery().split("&")) {
      String[] parts = pair.split("=", 2);
      query.put(
          java.net.URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
          java.net.URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
    }
    return query;
  }

  @Test
  void buildsASignedInventoryUpdateForOneProduct() {
    List<MarketplaceRequest> requests =
        adapter.stockUpdate(
            BASE,
            CREDENTIALS,
            List.of(
                push("TSHIRT-M", PRODUCT, "1729592969712207008", 12),
                push("TSHIRT-L", PRODUCT, "1729592969712207016", 0)),
            NOW);

    assertThat(requests).hasSize(1);
    MarketplaceRequest request = requests.get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.uri().getPath())
        .isEqualTo("/product/202309/products/1729592969712207000/inventory/update");
    assertThat(request.bodyText())
        .isEqualTo(
            q(
                "{'skus':[{'id':'1729592969712207008',"
                    + "'inventory':[{'warehouse_id':'7068517275539719942','quantity':12}]},"
                    + "{'id':'1729592969712207016',"
                    + "'inventory':[{'warehouse_id':'7068517275539719942',"
                    + "'quantity':0}]}]}"));
    assertThat(request.headers())
        .containsEntry("x-tts-access-token", "ROW_example_access_token")
        .containsEntry("Content-Type", "application/json");
    assertThat(request.skus()).containsExactly("TSHIRT-M", "TSHIRT-L");
    // Computed independently (Python's hmac) from the documented formula and these inputs.
    assertThat(request.uri().getRawQuery())
        .isEqualTo(
            "app_key=6a1b2c3d4e5f&timestamp=1709251200&"
                + "shop_cipher=ROW_Mfxq0QAAAADY9jhQTMr4JXq4U19IpM5-&"
                + "sign=17f8b99aa10b59117c7f40f988393ed5a73e88603fed2d852c5df2dbcd293ace");
  }

  @Test
  void signatureCoversPathQueryAndBodyAsDocumented() {
    MarketplaceRequest request =
        adapter
            .stockUpdate(
                BASE, CREDENTIALS, List.of(push("A", "555", "556", 3)), Instant.ofEpochSecond(42))
            .get(0);

    Map<String, String> query = query(request.uri());
    assertThat(query).containsEntry("timestamp", "42").doesNotContainKey("access_token");
    assertThat(query.get("sign"))
        .isEqualTo(expectedSign(request.uri().getPath(), query, request.bodyText()));
  }

  @Test
  void makesOneCallPerProduct() {
    List<MarketplaceRequest> requests =
        adapter.stockUpdate(
            BASE,
            CREDENTIALS,
            List.of(
                push("A1", "100", "101", 1),
                push("B1", "200", "201", 2),
                push("A2", "100", "102", 3),
                push("C1", "300", "301", 4)),
            NOW);

    assertThat(requests)
        .extracting(request -> request.uri().getPath())
        .containsExactly(
            "/product/202309/products/100/inventory/update",
            "/product/202309/products/200/inventory/update",
            "/product/202309/products/300/inventory/update");
    assertThat(requests.get(0).skus()).containsExactly("A1", "A2");
  }

  @Test
  void splitsAProductWithMoreSkusThanTheCap() {
    List<StockPush> pushes =
        IntStream.range(0, 150).mapToObj(i -> push("S" + i, "100", "sku" + i, i)).toList();

    List<MarketplaceRequest> requests = adapter.stockUpdate(BASE, CREDENTIALS, pushes, NOW);

    assertThat(requests).extracting(request -> request.skus().size()).containsExactly(100, 50);
  }

  @Test
  void clampsQuantitiesToTheAcceptedRange() {
    MarketplaceRequest request =
        adapter
            .stockUpdate(
                BASE,
                CREDENTIALS,
                List.of(push("A", "1", "2", 250_000), push("B", "1", "3", -4)),
                NOW)
            .get(0);

    assertThat(json(request.body()).findValues("quantity"))
        .extracting(node -> node.asLong())
        .containsExactly(99_999L, 0L);
  }

  @Test
  void omitsTheWarehouseWhenNoneIsConfigured() {
    Credentials withoutWarehouse =
        Credentials.of(
            Map.of(
                "app_key", APP_KEY,
                "app_secret", APP_SECRET,
                "access_token", "t",
                "shop_cipher", SHOP_CIPHER));

    MarketplaceRequest request =
        adapter.stockUpdate(BASE, withoutWarehouse, List.of(push("A", "1", "2", 5)), NOW).get(0);

    assertThat(request.bodyText())
        .isEqualTo(q("{'skus':[{'id':'2','inventory':[{'quantity':5}]}]}"));
  }

  @Test
  void rejectsAPushWithoutItsSkuId() {
    StockPush incomplete = new StockPush("A", ListingIds.of("product_id", "1"), 1);

    assertThatThrownBy(() -> adapter.stockUpdate(BASE, CREDENTIALS, List.of(incomplete), NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sku_id");
  }

  final MarketplaceRequest request =
      adapter
          .stockUpdate(
              BASE, CREDENTIALS, List.of(push("A", "1", "11", 1), push("B", "1", "12", 2)), NOW)
          .get(0);

  @Test
  void acceptsEverySkuOnCodeZero() {
    PushResult result =
        adapter.parseStockUpdate(
            request, response(200, q("{'code':0,'message':'Success','data':{},'request_id':'r'}")));

    assertThat(result).isEqualTo(new PushResult.Accepted(List.of("A", "B")));
  }

  @Test
  void rejectsTheSkusTikTokNamesAndKeepsTheOthers() {
    String body =
        q(
            "{'code':0,'message':'Success','data':{'errors':[{'code':12052700,'message':'sku "
                + "is not live','detail':{'sku_id':'12','extra_errors':[]}}]}}");

    PushResult result = adapter.parseStockUpdate(request, response(200, body));

    assertThat(result)
        .isEqualTo(
            new PushResult.PartlyRejected(
                List.of("A"), Map.of("B", "TikTok code 12052700: sku is not live")));
  }

  @Test
  void acceptsNothingWhenAFailingCodeNamesASku() {
    String body =
        q(
            "{'code':12019052,'message':'Invalid inventory','data':{'errors':[{'code':12019052,"
                + "'message':'quantity invalid','detail':{'sku_id':'11'}}]}}");

    PushResult result = adapter.parseStockUpdate(request, response(200, body));

    assertThat(result)
        .isEqualTo(
            new PushResult.PartlyRejected(
                List.of(), Map.of("A", "TikTok code 12019052: quantity invalid")));
  }

  @Test
  void failsABusinessErrorThatNamesNoSku() {
    PushResult result =
        adapter.parseStockUpdate(
            request, response(200, q("{'code':105002,'message':'access token expired'}")));

    assertThat(result)
        .isEqualTo(new PushResult.Failed(false, "TikTok code 105002: access token expired"));
  }

  @Test
  void throttlesOnHttp429HonouringRetryAfterSeconds() {
    PushResult result =
        adapter.parseStockUpdate(request, response(429, Map.of("retry-after", List.of("7")), "{}"));

    assertThat(result).isEqualTo(new PushResult.Throttled(Duration.ofSeconds(7)));
  }

  @Test
  void throttlesOnHttp429WithoutRetryAfter() {
    PushResult result = adapter.parseStockUpdate(request, response(429, ""));

    assertThat(result).isEqualTo(new PushResult.Throttled(null));
  }

  @Test
  void throttlesOnTheRateLimitCodeUnderHttp200() {
    PushResult result =
        adapter.parseStockUpdate(
            request,
            response(
                200,
                Map.of(
                    "Retry-After", List.of("Fri, 01 Mar 2024 00:00:30 GMT"),
                    "Date", List.of("Fri, 01 Mar 2024 00:00:10 GMT")),
                q("{'code':36009002,'message':'Too many requests'}")));

    assertThat(result).isEqualTo(new PushResult.Throttled(Duration.ofSeconds(20)));
  }

  @Test
  void retriesServerErrors() {
    PushResult result = adapter.parseStockUpdate(request, response(502, "Bad Gateway"));

    assertThat(result).isInstanceOf(PushResult.Failed.class);
    assertThat(((PushResult.Failed) result).retryable()).isTrue();
  }

  @Test
  void retriesAnUnreadableAnswer() {
    PushResult result = adapter.parseStockUpdate(request, response(200, "<html>oops</html>"));

    assertThat(result).isInstanceOf(PushResult.Failed.class);
    assertThat(((PushResult.Failed) result).retryable()).isTrue();
  }

  static final String SEARCH_ANSWER =
      q(
          "{'code':0,'message':'Success','request_id':'2024030109000001',"
              + "'data':{'next_page_token':'aDU2dmlPNkhHWmI=','total_count':3,"
              + "'orders':[{'id':'576461413038785752','status':'AWAITING_SHIPMENT',"
              + "'create_time':1709250000,"
              + "'buyer_email':'v8a1c2@scs.tiktokw.us','recipient_address':{'name':'Hanako Suzuki',"
              + "'phone_number':'(+81)90****5678','postal_code':'150-0001',"
              + "'address_line1':'1-2-3 Jingumae',"
              + "'address_line2':'Room 401','full_address':'Tokyo Shibuya-ku 1-2-3 Jingumae "
              + "Room 401',"
              + "'district_info':[{'address_level_name':'Country','address_name':'Japan',"
              + "'address_level':'L0'},{'address_level_name':'Prefecture','address_name':'Tokyo',"
              + "'address_level':'L1'},{'address_level_name':'City','address_name':'Shibuya-ku',"
              + "'address_level':'L2'}]},'line_items':[{'id':'5764614130387801',"
              + "'sku_id':'1729592969712207008','product_id':'1729592969712207000',"
              + "'seller_sku':'TSHIRT-M',"
              + "'display_status':'AWAITING_SHIPMENT'},{'id':'5764614130387802',"
              + "'sku_id':'1729592969712207008','product_id':'1729592969712207000',"
              + "'seller_sku':'TSHIRT-M','display_status':'AWAITING_SHIPMENT'},"
              + "{'id':'5764614130387803',"
              + "'sku_id':'1729592969712207016','product_id':'1729592969712207000',"
              + "'seller_sku':'TSHIRT-L',"
              + "'display_status':'CANCELLED'}]},{'id':'576461413038785999','status':'UNPAID',"
              + "'create_time':1709250100,'line_items':[{'id':'9','sku_id':'77','product_id':'70',"
              + "'display_status':'UNPAID'}]}]}}");

  @Test
  void searchesOrdersCreatedSinceAPointSigned() {
    MarketplaceRequest request =
        adapter.orderPull(
            BASE, CREDENTIALS, Instant.parse("2024-02-29T00:00:00Z"), "aDU2dmlPNkhHWmI=", NOW);

    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.uri().getPath()).isEqualTo("/order/202309/orders/search");
    Map<String, String> query = query(request.uri());
    assertThat(query)
        .containsEntry("page_size", "100")
        .containsEntry("sort_field", "create_time")
        .containsEntry("sort_order", "ASC")
        .containsEntry("page_token", "aDU2dmlPNkhHWmI=")
        .containsEntry("shop_cipher", SHOP_CIPHER)
        .containsEntry("timestamp", "1709251200");
    assertThat(request.bodyText()).isEqualTo(q("{'create_time_ge':1709164800}"));
    assertThat(query.get("sign"))
        .isEqualTo(expectedSign(request.uri().getPath(), query, request.bodyText()));
  }

  @Test
  void readsOrdersCountingUnitsPerSkuAndSkippingCancelledOnes() {
    OrderPage page = adapter.parseOrderPull(response(200, SEARCH_ANSWER));

    assertThat(page.nextPageToken()).isEqualTo("aDU2dmlPNkhHWmI=");
    assertThat(page.orderIdsToFetch()).isEmpty();
    assertThat(page.orders()).hasSize(2);
    MarketplaceOrder order = page.orders().get(0);
    assertThat(order.channelOrderId()).isEqualTo("576461413038785752");
    assertThat(order.placedAt()).isEqualTo(Instant.ofEpochSecond(1709250000));
    assertThat(order.buyerName()).isEqualTo("Hanako Suzuki");
    assertThat(order.buyerEmail()).isEqualTo("v8a1c2@scs.tiktokw.us");
    assertThat(order.postalCode()).isEqualTo("150-0001");
    assertThat(order.prefecture()).isEqualTo("Tokyo");
    assertThat(order.city()).isEqualTo("Shibuya-ku");
    assertThat(order.address1()).isEqualTo("1-2-3 Jingumae");
    assertThat(order.address2()).isEqualTo("Room 401");
    assertThat(order.phone()).isEqualTo("(+81)90****5678");
    assertThat(order.lines()).hasSize(1);
    MarketplaceOrder.Line line = order.lines().get(0);
    assertThat(line.quantity()).isEqualTo(2);
    assertThat(line.ids().ids())
        .containsEntry("product_id", "1729592969712207000")
        .containsEntry("sku_id", "1729592969712207008")
        .containsEntry("seller_sku", "TSHIRT-M")
        .containsEntry("line_item_ids", "5764614130387801,5764614130387802");
    assertThat(page.orders().get(1).buyerName()).isNull();
  }

  @Test
  void endsPagingWhenTheTokenIsEmpty() {
    OrderPage page =
        adapter.parseOrderPull(
            response(200, q("{'code':0,'data':{'next_page_token':'','orders':[]}}")));

    assertThat(page.nextPageToken()).isNull();
    assertThat(page.orders()).isEmpty();
  }

  @Test
  void throwsThrottledWhenThePullIsRateLimited() {
    assertThatThrownBy(
            () -> adapter.parseOrderPull(response(429, Map.of("Retry-After", List.of("3")), "")))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e ->
                assertThat(e.outcome()).isEqualTo(new PushResult.Throttled(Duration.ofSeconds(3))));
  }

  @Test
  void throwsOnABusinessError() {
    assertThatThrownBy(
            () -> adapter.parseOrderPull(response(200, q("{'code':36009004,'message':'x'}"))))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e -> assertThat(e.outcome()).isInstanceOf(PushResult.Failed.class));
  }

  @Test
  void fetchesDetailsFiftyOrdersACall() {
    List<String> ids = new ArrayList<>();
    IntStream.range(0, 51).forEach(i -> ids.add("order" + i));

    List<MarketplaceRequest> requests = adapter.orderDetails(BASE, CREDENTIALS, ids, NOW);

    assertThat(requests).hasSize(2);
    MarketplaceRequest first = requests.get(0);
    assertThat(first.method()).isEqualTo("GET");
    assertThat(first.uri().getPath()).isEqualTo("/order/202309/orders");
    Map<String, String> query = query(first.uri());
    assertThat(query.get("ids").split(",")).hasSize(50).startsWith("order0");
    assertThat(query.get("sign")).isEqualTo(expectedSign("/order/202309/orders", query, ""));
    assertThat(query(requests.get(1).uri())).containsEntry("ids", "order50");
  }

  @Test
  void readsOrderDetails() {
    List<MarketplaceOrder> orders = adapter.parseOrderDetails(response(200, SEARCH_ANSWER));

    assertThat(orders)
        .extracting(MarketplaceOrder::channelOrderId)
        .containsExactly("576461413038785752", "576461413038785999");
  }

  @Test
  void marksTheOrderShippedWithTheCarrierMappedToItsProviderId() {
    Credentials withProviders =
        Credentials.of(
            Map.of(
                "app_key", APP_KEY,
                "app_secret", APP_SECRET,
                "access_token", "t",
                "shop_cipher", SHOP_CIPHER,
                "shipping_provider_id.yamato", "6617675021119438849"));

    MarketplaceRequest request =
        adapter.trackingWriteBack(
            BASE, withProviders, "576461413038785752", "yamato", "4912-3456-7890", NOW);

    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.uri().getPath())
        .isEqualTo("/fulfillment/202309/orders/576461413038785752/packages");
    assertThat(request.bodyText())
        .isEqualTo(
            q("{'tracking_number':'4912-3456-7890','shipping_provider_id':'6617675021119438849'}"));
    Map<String, String> query = query(request.uri());
    assertThat(query.get("sign"))
        .isEqualTo(expectedSign(request.uri().getPath(), query, request.bodyText()));
  }

  @Test
  void shipsOnlyTheUnitsOfTheGivenLines() {
    List<MarketplaceOrder.Line> lines =
        List.of(
            new MarketplaceOrder.Line(
                new ListingIds(Map.of("sku_id", "8", "line_item_ids", "101,102")), 2));

    MarketplaceRequest request =
        adapter.trackingWriteBack(BASE, CREDENTIALS, "1", "6617675021119438849", "T1", lines, NOW);

    assertThat(request.bodyText())
        .isEqualTo(
            q(
                "{'order_line_item_ids':['101','102'],'tracking_number':'T1',"
                    + "'shipping_provider_id':'6617675021119438849'}"));
  }

  @Test
  void readsTheAnswer() {
    MarketplaceRequest request = adapter.trackingWriteBack(BASE, CREDENTIALS, "1", "p", "T1", NOW);

    assertThat(adapter.parseWriteBack(request, response(200, q("{'code':0,'data':{}}"))))
        .isInstanceOf(PushResult.Accepted.class);
    assertThat(
            adapter.parseWriteBack(
                request, response(200, q("{'code':21011001,'message':'order is cancelled'}"))))
        .isEqualTo(new PushResult.Failed(false, "TikTok code 21011001: order is cancelled"));
  }

  static final String BODY =
      q(
          "{'type':1,'tts_notification_id':'7327112393057371910',"
              + "'shop_id':'7494049642642441621','timestamp':1709251200,"
              + "'data':{'order_id':'576461413038785752','order_status':'AWAITING_SHIPMENT',"
              + "'update_time':1709251195}}");
  // Lowercase hex HMAC-SHA256(app_secret, app_key + body), computed with Python's hmac.
  static final String SIGNATURE =
      "f7a35606369fb8cb6a2455c8a7804e3a1e9fa59514d4cd302f2a2163197936cd";

  final byte[] body = BODY.getBytes(StandardCharsets.UTF_8);

  @Test
  void verifiesAGenuineDelivery() {
    assertThat(adapter.verify(Map.of("Authorization", List.of(SIGNATURE)), body, CREDENTIALS))
        .isTrue();
  }

  @Test
  void findsTheHeaderWhateverItsCase() {
    assertThat(adapter.verify(Map.of("authorization", List.of(SIGNATURE)), body, CREDENTIALS))
        .isTrue();
  }

  @Test
  void refusesAWrongSignature() {
    String wrong = SIGNATURE.substring(0, 63) + "0";

    assertThat(adapter.verify(Map.of("Authorization", List.of(wrong)), body, CREDENTIALS))
        .isFalse();
  }

  @Test
  void refusesADeliveryWithoutSignature() {
    assertThat(adapter.verify(Map.of(), body, CREDENTIALS)).isFalse();
  }

  @Test
  void refusesATamperedBody() {
    byte[] tampered =
        BODY.replace("AWAITING_SHIPMENT", "CANCELLED").getBytes(StandardCharsets.UTF_8);

    assertThat(adapter.verify(Map.of("Authorization", List.of(SIGNATURE)), tampered, CREDENTIALS))
        .isFalse();
  }

  @Test
  void refusesASignatureMadeWithAnotherSecret() {
    Credentials other = Credentials.of(Map.of("app_key", APP_KEY, "app_secret", "another-secret"));

    assertThat(adapter.verify(Map.of("Authorization", List.of(SIGNATURE)), body, other)).isFalse();
  }

  @Test
  void readsTheDeliveryIdFromTheBody() {
    assertThat(adapter.deliveryId(Map.of(), body)).contains("7327112393057371910");
  }

  @Test
  void anOrderStatusChangeAsksForTheOrderToBeFetched() {
    WebhookEvent event = adapter.event(Map.of(), body).orElseThrow();

    assertThat(event)
        .isEqualTo(
            new WebhookEvent(
                "7327112393057371910", "ORDER_STATUS_CHANGE", "576461413038785752", null));
    assertThat(event.needsFetch()).isTrue();
  }

  @Test
  void ignoresEventsThatNameNoOrder() {
    byte[] deauthorized =
        q("{'type':6,'tts_notification_id':'1','data':{'message':'seller deauthorized'}}")
            .getBytes(StandardCharsets.UTF_8);

    assertThat(adapter.event(Map.of(), deauthorized)).isEmpty();
  }

  // Stock read-back

  static ListingRef listing(String sku, String product, String skuId) {
    return new ListingRef(sku, ListingIds.of("product_id", product, "sku_id", skuId));
  }

  final MarketplaceRequest twoListings =
      adapter
          .stockRead(
              BASE,
              CREDENTIALS,
              List.of(
                  listing("TSHIRT-M", PRODUCT, "1729592969712207008"),
                  listing("MUG", "1729592969712208000", "1729592969712208001")),
              NOW)
          .get(0);

  @Test
  void searchesTheInventoryOfTheListedSkusSigned() {
    assertThat(twoListings.method()).isEqualTo("POST");
    assertThat(twoListings.uri().getPath()).isEqualTo("/product/202309/inventory/search");
    assertThat(twoListings.bodyText())
        .isEqualTo(q("{'sku_ids':['1729592969712207008','1729592969712208001']}"));
    assertThat(twoListings.headers())
        .containsEntry("x-tts-access-token", "ROW_example_access_token")
        .containsEntry("Content-Type", "application/json");
    assertThat(twoListings.skus()).containsExactly("TSHIRT-M", "MUG");
    Map<String, String> query = query(twoListings.uri());
    assertThat(query)
        .containsEntry("app_key", APP_KEY)
        .containsEntry("shop_cipher", SHOP_CIPHER)
        .containsEntry("timestamp", "1709251200")
        .doesNotContainKey("access_token");
    assertThat(query.get("sign"))
        .isEqualTo(
            expectedSign(
                "/product/202309/inventory/search",
                query,
                q("{'sku_ids':['1729592969712207008','1729592969712208001']}")));
  }

  @Test
  void readsSixHundredSkusACallAcrossProducts() {
    List<ListingRef> listings =
        IntStream.range(0, 601).mapToObj(i -> listing("S" + i, "p" + (i % 7), "s" + i)).toList();

    List<MarketplaceRequest> requests = adapter.stockRead(BASE, CREDENTIALS, listings, NOW);

    assertThat(requests).extracting(request -> request.skus().size()).containsExactly(600, 1);
    assertThat(requests.get(1).bodyText()).isEqualTo(q("{'sku_ids':['s600']}"));
    assertThat(requests.get(0).skus().get(599)).isEqualTo("S599");
  }

  @Test
  void aListingToReadNeedsItsSkuId() {
    ListingRef incomplete = new ListingRef("A", ListingIds.of("product_id", "1"));

    assertThatThrownBy(() -> adapter.stockRead(BASE, CREDENTIALS, List.of(incomplete), NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sku_id");
  }

  @Test
  void readsTheTotalAvailableOfEachSkuWhateverOrderTheAnswerHas() {
    String answer =
        q(
            "{'code':0,'message':'Success','request_id':'r','data':{'inventory':["
                + "{'product_id':'1729592969712208000','skus':[{'id':'1729592969712208001',"
                + "'seller_sku':'MUG','total_available_quantity':4,'total_committed_quantity':1,"
                + "'warehouse_inventory':[{'warehouse_id':'7068517275539719942',"
                + "'available_quantity':4,'committed_quantity':1}]}]},"
                + "{'product_id':'1729592969712207000','skus':[{'id':'1729592969712207008',"
                + "'seller_sku':'TSHIRT-M','total_available_quantity':17,"
                + "'total_committed_quantity':3,'warehouse_inventory':["
                + "{'warehouse_id':'7068517275539719942','available_quantity':17,"
                + "'committed_quantity':3}]}]}]}}");

    Map<String, Long> shown = adapter.parseStockRead(twoListings, response(200, answer));

    assertThat(shown).containsExactly(Map.entry("TSHIRT-M", 17L), Map.entry("MUG", 4L));
  }

  @Test
  void leavesOutASkuTheAnswerDoesNotName() {
    String answer =
        q(
            "{'code':0,'data':{'inventory':[{'product_id':'1729592969712207000','skus':["
                + "{'id':'1729592969712207008','total_available_quantity':0}]},"
                + "{'product_id':'9','skus':[{'id':'999','total_available_quantity':50}]}]}}");

    Map<String, Long> shown = adapter.parseStockRead(twoListings, response(200, answer));

    assertThat(shown).containsExactly(Map.entry("TSHIRT-M", 0L));
  }

  @Test
  void addsUpTheWarehousesWhenNoTotalIsGiven() {
    String answer =
        q(
            "{'code':0,'data':{'inventory':[{'product_id':'1729592969712207000','skus':["
                + "{'id':'1729592969712207008','warehouse_inventory':["
                + "{'warehouse_id':'1','available_quantity':5},"
                + "{'warehouse_id':'2','available_quantity':2}]}]}]}}");

    assertThat(adapter.parseStockRead(twoListings, response(200, answer)))
        .containsExactly(Map.entry("TSHIRT-M", 7L));
  }

  @Test
  void throttlesAReadOnTheRateLimitCodeOr429() {
    assertThatThrownBy(
            () ->
                adapter.parseStockRead(
                    twoListings, response(429, q("{'code':36009002,'message':'Too many'}"))))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e -> assertThat(e.outcome()).isEqualTo(new PushResult.Throttled(null)));
    assertThatThrownBy(
            () ->
                adapter.parseStockRead(
                    twoListings,
                    response(
                        200,
                        Map.of("Retry-After", List.of("4")),
                        q("{'code':36009002,'message':'Too many'}"))))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e ->
                assertThat(e.outcome()).isEqualTo(new PushResult.Throttled(Duration.ofSeconds(4))));
  }

  @Test
  void failsAReadOnARefusedSignatureOrABusinessError() {
    assertThatThrownBy(
            () ->
                adapter.parseStockRead(
                    twoListings, response(401, q("{'code':106001,'message':'Invalid sign'}"))))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e -> {
              assertThat(e.outcome()).isInstanceOf(PushResult.Failed.class);
              assertThat(((PushResult.Failed) e.outcome()).retryable()).isFalse();
              assertThat(e.getMessage())
                  .doesNotContain(APP_SECRET)
                  .doesNotContain("ROW_example_access_token");
            });
    assertThatThrownBy(
            () ->
                adapter.parseStockRead(
                    twoListings, response(200, q("{'code':12052048,'message':'not found'}"))))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e ->
                assertThat(e.outcome())
                    .isEqualTo(new PushResult.Failed(false, "TikTok code 12052048: not found")));
  }

  @Test
  void retriesAReadAfterAServerErrorOrAnUnreadableAnswer() {
    for (MarketplaceResponse failed : List.of(response(503, ""), response(200, "<html/>"))) {
      assertThatThrownBy(() -> adapter.parseStockRead(twoListings, failed))
          .isInstanceOfSatisfying(
              MarketplaceCallException.class,
              e -> assertThat(((PushResult.Failed) e.outcome()).retryable()).isTrue());
    }
  }
}
