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

class RakutenAdapterTest {

  static final URI BASE = URI.create("https://api.rms.rakuten.co.jp");
  static final Credentials CREDENTIALS =
      Credentials.of(
          Map.of(
              "service_secret",
              "SP000001_exampleSecret",
              "license_key",
              "SL000001_exampleLicense"));
  // "ESA " + base64("SP000001_exampleSecret:SL000001_exampleLicense"), computed with Python.
  static final String AUTHORIZATION =
      "ESA U1AwMDAwMDFfZXhhbXBsZVNlY3JldDpTTDAwMDAwMV9leGFtcGxlTGljZW5zZQ==";

  final RakutenAdapter adapter = new RakutenAdapter(400, Fixtures.CLOCK);

  static StockPush push(String sku, String manageNumber, String variantId, long quantity) {
    return new StockPush(
        sku, ListingIds.of("manage_number", manageNumber, "variant_id", variantId), quantity);
  }

  final MarketplaceRequest twoItems =
      adapter
          .stockUpdate(
              BASE,
              CREDENTIALS,
              List.of(
                  push("TSHIRT-M", "tshirt-01", "sku-m", 7),
                  push("TSHIRT-L", "tshirt-01", "sku-l", 0)),
              NOW)
          .get(0);

  @Test
  void buildsABulkUpsertWithAbsoluteQuantities() {
    assertThat(twoItems.method()).isEqualTo("POST");
    assertThat(twoItems.uri())
        .isEqualTo(URI.create("https://api.rms.rakuten.co.jp/es/2.0/inventories/bulk-upsert"));
    assertThat(twoItems.headers())
        .containsEntry("Authorization", AUTHORIZATION)
        .containsEntry("Content-Type", "application/json;charset=utf-8");
    assertThat(twoItems.bodyText())
        .isEqualTo(
            q(
                "{'inventories':[{'manageNumber':'tshirt-01','variantId':'sku-m',"
                    + "'mode':'ABSOLUTE','quantity':7},{'manageNumber':'tshirt-01',"
                    + "'variantId':'sku-l',"
                    + "'mode':'ABSOLUTE','quantity':0}]}"));
    assertThat(twoItems.skus()).containsExactly("TSHIRT-M", "TSHIRT-L");
  }

  @Test
  void fillsCallsUpToFourHundredItems() {
    List<StockPush> pushes =
        IntStream.range(0, 801).mapToObj(i -> push("S" + i, "m" + i, "v" + i, i)).toList();

    List<MarketplaceRequest> requests = adapter.stockUpdate(BASE, CREDENTIALS, pushes, NOW);

    assertThat(requests).extracting(request -> request.skus().size()).containsExactly(400, 400, 1);
    assertThat(json(requests.get(2).body()).path("inventories").get(0).path("variantId").asText())
        .isEqualTo("v800");
  }

  @Test
  void capsQuantitiesAtRakutensMaximum() {
    MarketplaceRequest request =
        adapter.stockUpdate(BASE, CREDENTIALS, List.of(push("A", "m", "v", 120_000)), NOW).get(0);

    assertThat(json(request.body()).findValue("quantity").asLong()).isEqualTo(99_999L);
  }

  @Test
  void refusesAPushWithoutVariantId() {
    StockPush incomplete = new StockPush("A", ListingIds.of("manage_number", "m"), 1);

    assertThatThrownBy(() -> adapter.stockUpdate(BASE, CREDENTIALS, List.of(incomplete), NOW))
        .hasMessageContaining("variant_id");
  }

  @Test
  void acceptsEveryItemOn204() {
    assertThat(adapter.parseStockUpdate(twoItems, response(204, "")))
        .isEqualTo(new PushResult.Accepted(List.of("TSHIRT-M", "TSHIRT-L")));
  }

  @Test
  void rejectsTheItemsNamedByTheirPropertyPath() {
    String body =
        q(
            "{'errors':[{'code':'IE0003','message':'quantity must be between 0 and 99999.',"
                + "'metadata':{'propertyPath':'inventories[1].quantity'}}]}");

    PushResult result = adapter.parseStockUpdate(twoItems, response(400, body));

    assertThat(result)
        .isEqualTo(
            new PushResult.PartlyRejected(
                List.of(), Map.of("TSHIRT-L", "IE0003: quantity must be between 0 and 99999.")));
  }

  @Test
  void failsABadRequestThatNamesNoItem() {
    PushResult result =
        adapter.parseStockUpdate(
            twoItems, response(400, q("{'errors':[{'code':'IE0105','message':'bad'}]}")));

    assertThat(result).isInstanceOf(PushResult.Failed.class);
    assertThat(((PushResult.Failed) result).retryable()).isFalse();
  }

  @Test
  void throttlesOn429WithAndWithoutRetryAfter() {
    assertThat(
            adapter.parseStockUpdate(
                twoItems, response(429, Map.of("Retry-After", List.of("2")), "")))
        .isEqualTo(new PushResult.Throttled(Duration.ofSeconds(2)));
    assertThat(adapter.parseStockUpdate(twoItems, response(429, "")))
        .isEqualTo(new PushResult.Throttled(null));
  }

  @Test
  void retriesServerErrors() {
    PushResult result = adapter.parseStockUpdate(twoItems, response(503, ""));

    assertThat(result).isInstanceOf(PushResult.Failed.class);
    assertThat(((PushResult.Failed) result).retryable()).isTrue();
  }

  @Test
  void saysTheLicenseKeyMayHaveExpiredOn401() {
    PushResult result =
        adapter.parseStockUpdate(
            twoItems, response(401, q("{'errors':[{'code':'GE0011','message':'unauthorized'}]}")));

    assertThat(result).isInstanceOf(PushResult.Failed.class);
    PushResult.Failed failed = (PushResult.Failed) result;
    assertThat(failed.retryable()).isFalse();
    assertThat(failed.reason()).contains("license key");
  }

  @Test
  void searchesOrdersInJapanTimeOldestFirst() {
    MarketplaceRequest request =
        adapter.orderPull(BASE, CREDENTIALS, Instant.parse("2024-02-28T15:00:00Z"), "2", NOW);

    assertThat(request.uri())
        .isEqualTo(URI.create("https://api.rms.rakuten.co.jp/es/2.0/order/searchOrder/"));
    assertThat(request.headers()).containsEntry("Authorization", AUTHORIZATION);
    assertThat(json(request.body()))
        .isEqualTo(
            json(
                q(
                    "{'dateType':1,'startDatetime':'2024-02-29T00:00:00+0900',"
                        + "'endDatetime':'2024-03-01T09:00:00+0900',"
                        + "'PaginationRequestModel':{'requestRecordsAmount':1000,'requestPage':2,"
                        + "'SortModelList':[{'sortColumn':1,'sortDirection':1}]}}")));
  }

  @Test
  void movesASinceOlderThanTheSearchWindowUp() {
    MarketplaceRequest request =
        adapter.orderPull(BASE, CREDENTIALS, Instant.parse("2023-01-01T00:00:00Z"), null, NOW);

    assertThat(json(request.body()).path("startDatetime").asText())
        .isEqualTo("2023-12-29T09:00:00+0900");
    assertThat(json(request.body()).path("PaginationRequestModel").path("requestPage").asInt())
        .isEqualTo(1);
  }

  @Test
  void aSearchNamesOrdersToFetchAndTheNextPage() {
    String body =
        q(
            "{'MessageModelList':[{'messageType':'INFO',"
                + "'messageCode':'ORDER_EXT_API_SEARCH_ORDER_INFO_101','message':'注文検索に成功しました。'}],"
                + "'orderNumberList':['123456-20240301-0000000101','123456-20240301-0000000102'],"
                + "'PaginationResponseModel':{'totalRecordsAmount':1002,'totalPages':2,"
                + "'requestPage':1}}");

    OrderPage page = adapter.parseOrderPull(response(200, body));

    assertThat(page.orders()).isEmpty();
    assertThat(page.orderIdsToFetch())
        .containsExactly("123456-20240301-0000000101", "123456-20240301-0000000102");
    assertThat(page.nextPageToken()).isEqualTo("2");
  }

  @Test
  void theLastSearchPageHasNoNextPage() {
    String body =
        q(
            "{'orderNumberList':['123456-20240301-0000000103'],"
                + "'PaginationResponseModel':{'totalRecordsAmount':1001,'totalPages':2,"
                + "'requestPage':2}}");

    assertThat(adapter.parseOrderPull(response(200, body)).nextPageToken()).isNull();
  }

  @Test
  void aSearchErrorIsThrown() {
    String body =
        q(
            "{'MessageModelList':[{'messageType':'ERROR',"
                + "'messageCode':'ORDER_EXT_API_SEARCH_ORDER_ERROR_012','message':'期間指定が不正です'}]}");

    assertThatThrownBy(() -> adapter.parseOrderPull(response(400, body)))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e -> assertThat(e.outcome()).isInstanceOf(PushResult.Failed.class));
  }

  @Test
  void getsOrderDetailsAHundredAtATime() {
    List<String> numbers = IntStream.range(0, 150).mapToObj(i -> "123456-20240301-" + i).toList();

    List<MarketplaceRequest> requests = adapter.orderDetails(BASE, CREDENTIALS, numbers, NOW);

    assertThat(requests).hasSize(2);
    assertThat(requests.get(0).uri())
        .isEqualTo(URI.create("https://api.rms.rakuten.co.jp/es/2.0/order/getOrder/"));
    assertThat(json(requests.get(0).body()).path("orderNumberList").size()).isEqualTo(100);
    assertThat(json(requests.get(0).body()).path("version").asInt()).isEqualTo(7);
    assertThat(json(requests.get(1).body()).path("orderNumberList").size()).isEqualTo(50);
  }

  static final String GET_ORDER_ANSWER =
      q(
          "{'MessageModelList':[{'messageType':'INFO',"
              + "'messageCode':'ORDER_EXT_API_GET_ORDER_INFO_101','message':'受注情報取得に成功しました。',"
              + "'orderNumber':'123456-20240301-0000000101'}],"
              + "'OrderModelList':[{'orderNumber':'123456-20240301-0000000101','orderProgress':100,"
              + "'orderDatetime':'2024-03-01T08:15:00+0900','OrdererModel':{'zipCode1':'100',"
              + "'zipCode2':'0001','prefecture':'東京都','city':'千代田区','subAddress':'千代田1-1',"
              + "'familyName':'山田',"
              + "'firstName':'太郎','phoneNumber1':'03','phoneNumber2':'1111',"
              + "'phoneNumber3':'2222','emailAddress':'abc123@pc.fw.rakuten.ne.jp'},"
              + "'PackageModelList':[{'basketId':987654321,'SenderModel':{'zipCode1':'150',"
              + "'zipCode2':'0001',"
              + "'prefecture':'東京都','city':'渋谷区','subAddress':'神宮前1-2-3 401','familyName':'山田',"
              + "'firstName':'花子','phoneNumber1':'090','phoneNumber2':'1234',"
              + "'phoneNumber3':'5678'},"
              + "'ItemModelList':[{'itemDetailId':1,'itemName':'Tシャツ','itemId':10,"
              + "'itemNumber':'ts-01',"
              + "'manageNumber':'tshirt-01','units':2,'deleteItemFlag':0,"
              + "'SkuModelList':[{'variantId':'sku-m','merchantDefinedSkuId':'TSHIRT-M'}]},"
              + "{'itemDetailId':2,"
              + "'itemName':'削除済み','itemId':11,'manageNumber':'gone','units':1,'deleteItemFlag':1,"
              + "'SkuModelList':[]}]}]}]}");

  @Test
  void readsAnOrderFromGetOrder() {
    List<MarketplaceOrder> orders = adapter.parseOrderDetails(response(200, GET_ORDER_ANSWER));

    assertThat(orders).hasSize(1);
    MarketplaceOrder order = orders.get(0);
    assertThat(order.channelOrderId()).isEqualTo("123456-20240301-0000000101");
    assertThat(order.placedAt()).isEqualTo(Instant.parse("2024-02-29T23:15:00Z"));
    assertThat(order.buyerName()).isEqualTo("山田 太郎");
    assertThat(order.buyerEmail()).isEqualTo("abc123@pc.fw.rakuten.ne.jp");
    assertThat(order.postalCode()).isEqualTo("150-0001");
    assertThat(order.prefecture()).isEqualTo("東京都");
    assertThat(order.city()).isEqualTo("渋谷区");
    assertThat(order.address1()).isEqualTo("神宮前1-2-3 401");
    assertThat(order.address2()).isNull();
    assertThat(order.phone()).isEqualTo("090-1234-5678");
    assertThat(order.lines())
        .containsExactly(
            new MarketplaceOrder.Line(
                new ListingIds(
                    Map.of(
                        "manage_number", "tshirt-01",
                        "variant_id", "sku-m",
                        "item_number", "ts-01",
                        "basket_id", "987654321")),
                2));
  }

  @Test
  void reportsTheShipmentOfTheBasketsTheLinesBelongTo() {
    List<MarketplaceOrder.Line> lines =
        adapter.parseOrderDetails(response(200, GET_ORDER_ANSWER)).get(0).lines();

    MarketplaceRequest request =
        adapter.trackingWriteBack(
            BASE,
            CREDENTIALS,
            "123456-20240301-0000000101",
            "yamato",
            "4912-3456-7890",
            lines,
            NOW);

    assertThat(request.uri())
        .isEqualTo(URI.create("https://api.rms.rakuten.co.jp/es/2.0/order/updateOrderShipping/"));
    assertThat(request.headers()).containsEntry("Authorization", AUTHORIZATION);
    assertThat(request.bodyText())
        .isEqualTo(
            q(
                "{'orderNumber':'123456-20240301-0000000101',"
                    + "'BasketidModelList':[{'basketId':987654321,"
                    + "'ShippingModelList':[{'deliveryCompany':'1001',"
                    + "'shippingNumber':'4912-3456-7890','shippingDate':'2024-03-01'}]}]}"));
  }

  @Test
  void mapsCarriersToDeliveryCompanyCodes() {
    assertThat(RakutenAdapter.deliveryCompany("sagawa")).isEqualTo("1002");
    assertThat(RakutenAdapter.deliveryCompany("japan_post")).isEqualTo("1003");
    assertThat(RakutenAdapter.deliveryCompany("1021")).isEqualTo("1021");
    assertThat(RakutenAdapter.deliveryCompany("unknown courier")).isEqualTo("1000");
  }

  @Test
  void cannotReportAShipmentWithoutItsBasket() {
    assertThatThrownBy(() -> adapter.trackingWriteBack(BASE, CREDENTIALS, "1", "yamato", "T", NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("basket_id");
  }

  @Test
  void readsTheShippingReportAnswer() {
    MarketplaceRequest request =
        adapter.trackingWriteBack(
            BASE,
            CREDENTIALS,
            "1",
            "yamato",
            "T",
            List.of(new MarketplaceOrder.Line(ListingIds.of("basket_id", "5"), 1)),
            NOW);
    String ok =
        q(
            "{'MessageModelList':[{'messageType':'INFO',"
                + "'messageCode':'ORDER_EXT_API_UPDATE_ORDERSHIPPING_INFO_101',"
                + "'message':'発送情報の更新に成功しました。'}]}");
    String refused =
        q(
            "{'MessageModelList':[{'messageType':'ERROR',"
                + "'messageCode':'ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_017',"
                + "'message':'お荷物伝票番号が不正です。'}]}");

    assertThat(adapter.parseWriteBack(request, response(200, ok)))
        .isEqualTo(new PushResult.Accepted(List.of()));
    assertThat(adapter.parseWriteBack(request, response(400, refused)))
        .isEqualTo(
            new PushResult.Failed(
                false, "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_017: お荷物伝票番号が不正です。"));
    assertThat(adapter.parseWriteBack(request, response(500, "")))
        .isInstanceOfSatisfying(PushResult.Failed.class, f -> assertThat(f.retryable()).isTrue());
  }

  // Stock read-back

  static ListingRef listing(String sku, String manageNumber, String variantId) {
    return new ListingRef(
        sku, ListingIds.of("manage_number", manageNumber, "variant_id", variantId));
  }

  final MarketplaceRequest twoListings =
      adapter
          .stockRead(
              BASE,
              CREDENTIALS,
              List.of(listing("TSHIRT-M", "Tshirt-01", "sku-M"), listing("MUG", "mug-02", "mug")),
              NOW)
          .get(0);

  @Test
  void readsListingsWithOneBulkGet() {
    assertThat(twoListings.method()).isEqualTo("POST");
    assertThat(twoListings.uri())
        .isEqualTo(URI.create("https://api.rms.rakuten.co.jp/es/2.0/inventories/bulk-get"));
    assertThat(twoListings.headers())
        .containsEntry("Authorization", AUTHORIZATION)
        .containsEntry("Content-Type", "application/json;charset=utf-8");
    assertThat(twoListings.bodyText())
        .isEqualTo(
            q(
                "{'inventories':[{'manageNumber':'Tshirt-01','variantId':'sku-M'},"
                    + "{'manageNumber':'mug-02','variantId':'mug'}]}"));
    assertThat(twoListings.skus()).containsExactly("TSHIRT-M", "MUG");
  }

  @Test
  void readsAThousandListingsACall() {
    List<ListingRef> listings =
        IntStream.range(0, 2001).mapToObj(i -> listing("S" + i, "m" + i, "v" + i)).toList();

    List<MarketplaceRequest> requests = adapter.stockRead(BASE, CREDENTIALS, listings, NOW);

    assertThat(requests)
        .extracting(request -> request.skus().size())
        .containsExactly(1000, 1000, 1);
    assertThat(json(requests.get(2).body()).path("inventories").get(0).path("variantId").asText())
        .isEqualTo("v2000");
  }

  @Test
  void matchesTheAnswerByItsIdsWithTheManageNumberInLowerCase() {
    String answer =
        q(
            "{'inventories':[{'manageNumber':'mug-02','variantId':'mug','quantity':0,"
                + "'created':'2024-01-01T19:00:00+09:00','updated':'2024-02-28T19:30:00+09:00'},"
                + "{'manageNumber':'tshirt-01','variantId':'sku-M','quantity':18,"
                + "'created':'2024-01-01T19:00:00+09:00','updated':'2024-02-28T19:30:00+09:00'}]}");

    Map<String, Long> shown = adapter.parseStockRead(twoListings, response(200, answer));

    assertThat(shown).containsExactly(Map.entry("TSHIRT-M", 18L), Map.entry("MUG", 0L));
  }

  @Test
  void keepsTheVariantIdsCaseAndLeavesOutWhatTheAnswerDoesNotHold() {
    String answer =
        q("{'inventories':[{'manageNumber':'tshirt-01','variantId':'sku-m','quantity':18}]}");

    assertThat(adapter.parseStockRead(twoListings, response(200, answer))).isEmpty();
  }

  @Test
  void readsANotFoundAnswerAsNothingListed() {
    String notFound =
        q("{'errors':[{'code':'GE0014','message':'Not found for inputs; manageNumber=mug-02'}]}");

    assertThat(adapter.parseStockRead(twoListings, response(404, notFound))).isEmpty();
  }

  @Test
  void failsOtherReadErrorsAsForOrderCalls() {
    assertThatThrownBy(() -> adapter.parseStockRead(twoListings, response(401, "")))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e -> {
              assertThat(((PushResult.Failed) e.outcome()).retryable()).isFalse();
              assertThat(e.getMessage()).doesNotContain("SL000001_exampleLicense");
            });
    assertThatThrownBy(
            () ->
                adapter.parseStockRead(
                    twoListings, response(404, q("{'Results':{'errorCode':'ES01-01'}}"))))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e -> assertThat(((PushResult.Failed) e.outcome()).retryable()).isFalse());
    assertThatThrownBy(() -> adapter.parseStockRead(twoListings, response(500, "")))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e -> assertThat(((PushResult.Failed) e.outcome()).retryable()).isTrue());
    assertThatThrownBy(() -> adapter.parseStockRead(twoListings, response(200, "not json")))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e -> assertThat(((PushResult.Failed) e.outcome()).retryable()).isTrue());
  }

  @Test
  void throttlesAReadOn429WithItsRetryAfter() {
    assertThatThrownBy(
            () ->
                adapter.parseStockRead(
                    twoListings, response(429, Map.of("Retry-After", List.of("2")), "")))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e ->
                assertThat(e.outcome()).isEqualTo(new PushResult.Throttled(Duration.ofSeconds(2))));
  }
}
