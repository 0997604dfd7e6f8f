package io.ecengine.engine.channel.marketplace;

import static io.ecengine.engine.channel.marketplace.Fixtures.NOW;
import static io.ecengine.engine.channel.marketplace.Fixtures.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import javax.crypto.Cipher;
import org.junit.jupiter.api.Test;

class YahooShoppingAdapterTest {

  static final URI BASE = URI.create("https://circus.shopping.yahooapis.jp");
  static final Credentials CREDENTIALS =
      Credentials.of(Map.of("access_token", "example-access-token", "seller_id", "store-example"));

  final YahooShoppingAdapter adapter = new YahooShoppingAdapter(1000, 100, Fixtures.CLOCK);

  static StockPush push(String sku, String itemCode, long quantity) {
    return new StockPush(sku, ListingIds.of("item_code", itemCode), quantity);
  }

  final MarketplaceRequest twoItems =
      adapter
          .stockUpdate(
              BASE,
              CREDENTIALS,
              List.of(
                  new StockPush(
                      "TSHIRT-M", ListingIds.of("item_code", "tshirt-01", "sub_code", "m"), 7),
                  push("MUG", "mug-02", 0)),
              NOW)
          .get(0);

  @Test
  void buildsAFormEncodedSetStock() {
    assertThat(twoItems.method()).isEqualTo("POST");
    assertThat(twoItems.uri())
        .isEqualTo(
            URI.create("https://circus.shopping.yahooapis.jp/ShoppingWebService/V1/setStock"));
    assertThat(twoItems.headers())
        .containsEntry("Authorization", "Bearer example-access-token")
        .containsEntry("Content-Type", "application/x-www-form-urlencoded")
        .doesNotContainKey("X-sws-signature");
    // item_code "tshirt-01:m,mug-02" and quantity "7,0", form encoded.
    assertThat(twoItems.bodyText())
        .isEqualTo("seller_id=store-example&item_code=tshirt-01%3Am%2Cmug-02&quantity=7%2C0");
    assertThat(twoItems.skus()).containsExactly("TSHIRT-M", "MUG");
  }

  @Test
  void fillsCallsUpToAThousandItemCodes() {
    List<StockPush> pushes =
        IntStream.range(0, 1001).mapToObj(i -> push("S" + i, "item-" + i, i)).toList();

    List<MarketplaceRequest> requests = adapter.stockUpdate(BASE, CREDENTIALS, pushes, NOW);

    assertThat(requests).extracting(request -> request.skus().size()).containsExactly(1000, 1);
    assertThat(requests.get(1).bodyText())
        .isEqualTo("seller_id=store-example&item_code=item-1000&quantity=1000");
  }

  @Test
  void neverSendsASignedAdjustment() {
    MarketplaceRequest request =
        adapter.stockUpdate(BASE, CREDENTIALS, List.of(push("A", "a", -3)), NOW).get(0);

    assertThat(request.bodyText()).endsWith("&quantity=0");
  }

  @Test
  void acceptsTheWholeCallOn200() {
    String body =
        "<ResultSet totalResultsAvailable=\"2\" totalResultsReturned=\"2\" "
            + "firstResultPosition=\"1\"><Result><ItemCode>tshirt-01</ItemCode><SubCode>m</SubCode>"
            + "<Quantity>7</Quantity></Result><Result><ItemCode>mug-02</ItemCode><SubCode/>"
            + "<Quantity>"
            + "0</Quantity></Result></ResultSet>";

    assertThat(adapter.parseStockUpdate(twoItems, response(200, body)))
        .isEqualTo(new PushResult.Accepted(List.of("TSHIRT-M", "MUG")));
  }

  @Test
  void rejectsTheItemAnErrorNames() {
    String body =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error xmlns=\"urn:yahoo:api\"><Message>"
            + "item_code(mug-02) is invalid format.</Message><Code>st-02101</Code></Error>";

    assertThat(adapter.parseStockUpdate(twoItems, response(400, body)))
        .isEqualTo(
            new PushResult.PartlyRejected(
                List.of(), Map.of("MUG", "st-02101: item_code(mug-02) is invalid format.")));
  }

  @Test
  void failsAnErrorThatNamesNoItem() {
    String body = "<Error><Message>seller_id is invalid.</Message><Code>ed-00001</Code></Error>";

    assertThat(adapter.parseStockUpdate(twoItems, response(400, body)))
        .isEqualTo(new PushResult.Failed(false, "ed-00001: seller_id is invalid."));
  }

  @Test
  void waitsForTheQuotaDayToEndOn403() {
    // 06:00 UTC is 15:00 in Japan: nine hours to the next day there.
    MarketplaceResponse quota =
        response(403, Map.of("Date", List.of("Fri, 01 Mar 2024 06:00:00 GMT")), "");

    assertThat(adapter.parseStockUpdate(twoItems, quota))
        .isEqualTo(new PushResult.Throttled(Duration.ofHours(9)));
  }

  @Test
  void measuresTheQuotaWaitFromTheClockWithoutADateHeader() {
    assertThat(adapter.parseStockUpdate(twoItems, response(403, "")))
        .isEqualTo(new PushResult.Throttled(Duration.ofHours(15)));
  }

  @Test
  void honoursRetryAfterOn403() {
    assertThat(
            adapter.parseStockUpdate(
                twoItems, response(403, Map.of("Retry-After", List.of("120")), "")))
        .isEqualTo(new PushResult.Throttled(Duration.ofSeconds(120)));
  }

  @Test
  void throttlesOn429WithoutRetryAfter() {
    assertThat(adapter.parseStockUpdate(twoItems, response(429, "")))
        .isEqualTo(new PushResult.Throttled(null));
  }

  @Test
  void anExpiredTokenNeedsAnOperator() {
    String body =
        "<Error><Message>Please provide valid credentials. Bearer realm=\"yahooapis.jp\", "
            + "error=\"invalid_token\", error_description=\"expired token\"</Message></Error>";

    PushResult result = adapter.parseStockUpdate(twoItems, response(401, body));

    assertThat(result).isInstanceOf(PushResult.Failed.class);
    assertThat(((PushResult.Failed) result).retryable()).isFalse();
  }

  @Test
  void retriesMaintenance() {
    assertThat(adapter.parseStockUpdate(twoItems, response(503, "")))
        .isInstanceOfSatisfying(PushResult.Failed.class, f -> assertThat(f.retryable()).isTrue());
  }

  @Test
  void signsWithTheStorePublicKeyWhenOneIsConfigured() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair keys = generator.generateKeyPair();
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    Credentials withKey =
        Credentials.of(
            Map.of(
                "access_token", "t",
                "seller_id", "store-example",
                "public_key", pem,
                "public_key_version", "3"));

    MarketplaceRequest request =
        adapter.orderPull(BASE, withKey, Instant.parse("2024-02-29T00:00:00Z"), null, NOW);

    Cipher cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding");
    cipher.init(Cipher.DECRYPT_MODE, keys.getPrivate());
    byte[] decrypted =
        cipher.doFinal(Base64.getDecoder().decode(request.header("X-sws-signature").orElseThrow()));
    assertThat(new String(decrypted, StandardCharsets.UTF_8)).isEqualTo("store-example:1709251200");
    assertThat(request.header("X-sws-signature-version")).contains("3");
  }

  @Test
  void searchesOrdersPlacedSinceAPoint() {
    MarketplaceRequest request =
        adapter.orderPull(BASE, CREDENTIALS, Instant.parse("2024-02-29T00:00:00Z"), "101", NOW);

    assertThat(request.uri())
        .isEqualTo(
            URI.create("https://circus.shopping.yahooapis.jp/ShoppingWebService/V1/orderList"));
    assertThat(request.headers())
        .containsEntry("Content-Type", "application/xml; charset=utf-8")
        .containsEntry("Authorization", "Bearer example-access-token");
    assertThat(request.bodyText())
        .isEqualTo(
            "<Req><Search><Result>100</Result><Start>101</Start><Sort>+order_time</Sort>"
                + "<Condition><OrderTimeFrom>20240229090000</OrderTimeFrom></Condition><Field>"
                + "OrderId,"
                + "OrderTime</Field></Search><SellerId>store-example</SellerId></Req>");
  }

  static final String ORDER_LIST_ANSWER =
      "<Result><Status>OK</Status><Search><TotalCount>3</TotalCount><OrderInfo><Index>1</Index>"
          + "<OrderId>store-example-10000001</OrderId><OrderTime>"
          + "2024-02-29T10:00:00+09:00</OrderTime>"
          + "</OrderInfo><OrderInfo><Index>2</Index><OrderId>store-example-10000002</OrderId>"
          + "<OrderTime>"
          + "2024-02-29T11:30:00+09:00</OrderTime></OrderInfo></Search></Result>";

  @Test
  void aSearchNamesOrdersToFetchAndTheNextStart() {
    OrderPage page = adapter.parseOrderPull(response(200, ORDER_LIST_ANSWER));

    assertThat(page.orders()).isEmpty();
    assertThat(page.orderIdsToFetch())
        .containsExactly("store-example-10000001", "store-example-10000002");
    assertThat(page.nextPageToken()).isEqualTo("3");
  }

  @Test
  void theNextStartFollowsTheRequestedStart() {
    MarketplaceRequest second =
        adapter.orderPull(BASE, CREDENTIALS, Instant.parse("2024-02-29T00:00:00Z"), "3", NOW);
    String lastPage =
        "<Result><Status>OK</Status><Search><TotalCount>4</TotalCount><OrderInfo><Index>"
            + "1</Index><OrderId>a</OrderId></OrderInfo></Search></Result>";

    assertThat(adapter.parseOrderPull(second, response(200, lastPage)).nextPageToken())
        .isEqualTo("4");
    assertThat(adapter.parseOrderPull(second, response(200, ORDER_LIST_ANSWER)).nextPageToken())
        .isNull();
  }

  @Test
  void aSearchErrorIsThrown() {
    String body = "<Error><Message>OrderTimeFrom is invalid.</Message><Code>od00001</Code></Error>";

    assertThatThrownBy(() -> adapter.parseOrderPull(response(400, body)))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e ->
                assertThat(e.outcome())
                    .isEqualTo(new PushResult.Failed(false, "od00001: OrderTimeFrom is invalid.")));
  }

  @Test
  void readsEachOrderWithOneOrderInfoCall() {
    List<MarketplaceRequest> requests =
        adapter.orderDetails(
            BASE, CREDENTIALS, List.of("store-example-10000001", "store-example-10000002"), NOW);

    assertThat(requests).hasSize(2);
    assertThat(requests.get(0).uri().getPath()).isEqualTo("/ShoppingWebService/V1/orderInfo");
    assertThat(requests.get(0).bodyText())
        .isEqualTo(
            "<Req><Target><OrderId>store-example-10000001</OrderId><Field>"
                + YahooShoppingAdapter.ORDER_INFO_FIELDS
                + "</Field></Target><SellerId>store-example</SellerId></Req>");
  }

  @Test
  void readsAnOrderFromOrderInfo() {
    String body =
        "<ResultSet totalResultsAvailable=\"1\" totalResultsReturned=\"1\" "
            + "firstResultPosition=\"1\"><Result><Status>OK</Status><OrderInfo><OrderId>"
            + "store-example-10000001</OrderId><OrderTime>2024-02-29T10:00:00+09:00</OrderTime>"
            + "<Pay>"
            + "<BillFirstName>太郎</BillFirstName><BillLastName>山田</BillLastName><BillMailAddress>"
            + "buyer@example.jp</BillMailAddress></Pay><Ship><ShipFirstName>花子</ShipFirstName>"
            + "<ShipLastName>山田</ShipLastName><ShipZipCode>5300001</ShipZipCode><ShipPrefecture>"
            + "大阪府</ShipPrefecture><ShipCity>大阪市北区</ShipCity><ShipAddress1>"
            + "梅田1-1-1</ShipAddress1><ShipAddress2>梅田ビル 10F</ShipAddress2><ShipPhoneNumber>"
            + "06-1234-5678</ShipPhoneNumber></Ship><Item><LineId>1</LineId><ItemId>"
            + "tshirt-01</ItemId>"
            + "<SubCode>m</SubCode><Quantity>2</Quantity></Item><Item><LineId>2</LineId><ItemId>"
            + "mug-02</ItemId><SubCode></SubCode><Quantity>1</Quantity></Item></OrderInfo></Result>"
            + "</ResultSet>";

    List<MarketplaceOrder> orders = adapter.parseOrderDetails(response(200, body));

    assertThat(orders).hasSize(1);
    MarketplaceOrder order = orders.get(0);
    assertThat(order.channelOrderId()).isEqualTo("store-example-10000001");
    assertThat(order.placedAt()).isEqualTo(Instant.parse("2024-02-29T01:00:00Z"));
    assertThat(order.buyerName()).isEqualTo("山田 太郎");
    assertThat(order.buyerEmail()).isEqualTo("buyer@example.jp");
    assertThat(order.postalCode()).isEqualTo("5300001");
    assertThat(order.prefecture()).isEqualTo("大阪府");
    assertThat(order.city()).isEqualTo("大阪市北区");
    assertThat(order.address1()).isEqualTo("梅田1-1-1");
    assertThat(order.address2()).isEqualTo("梅田ビル 10F");
    assertThat(order.phone()).isEqualTo("06-1234-5678");
    assertThat(order.lines())
        .containsExactly(
            new MarketplaceOrder.Line(
                new ListingIds(Map.of("item_code", "tshirt-01", "sub_code", "m", "line_id", "1")),
                2),
            new MarketplaceOrder.Line(
                new ListingIds(Map.of("item_code", "mug-02", "line_id", "2")), 1));
  }

  @Test
  void marksTheOrderShippedWithItsTrackingNumber() {
    MarketplaceRequest request =
        adapter.trackingWriteBack(
            BASE, CREDENTIALS, "store-example-10000001", "sagawa", "3601-2345-6789", NOW);

    assertThat(request.uri().getPath()).isEqualTo("/ShoppingWebService/V1/orderShipStatusChange");
    assertThat(request.bodyText())
        .isEqualTo(
            "<Req><Target><OrderId>store-example-10000001</OrderId><IsPointFix>"
                + "true</IsPointFix></Target><Order><Ship><ShipStatus>3</ShipStatus>"
                + "<ShipCompanyCode>"
                + "1002</ShipCompanyCode><ShipInvoiceNumber1>"
                + "3601-2345-6789</ShipInvoiceNumber1><ShipDate>"
                + "20240301</ShipDate></Ship></Order><SellerId>store-example</SellerId></Req>");
  }

  @Test
  void mapsOtherCarriersThroughTheCredentials() {
    Credentials mapped =
        Credentials.of(
            Map.of(
                "access_token", "t",
                "seller_id", "s",
                "ship_company_code.japan_post", "1007"));

    String body = adapter.trackingWriteBack(BASE, mapped, "o", "japan_post", "n", NOW).bodyText();
    String unmapped =
        adapter.trackingWriteBack(BASE, CREDENTIALS, "o", "japan_post", "n", NOW).bodyText();

    assertThat(body).contains("<ShipCompanyCode>1007</ShipCompanyCode>");
    assertThat(unmapped).contains("<ShipCompanyCode>1000</ShipCompanyCode>");
  }

  @Test
  void escapesXmlInValues() {
    String body =
        adapter.trackingWriteBack(BASE, CREDENTIALS, "a<b&c", "yamato", "n", NOW).bodyText();

    assertThat(body).contains("<OrderId>a&lt;b&amp;c</OrderId>");
  }

  @Test
  void readsTheShippingStatusAnswer() {
    MarketplaceRequest request =
        adapter.trackingWriteBack(BASE, CREDENTIALS, "o", "yamato", "n", NOW);
    String ok =
        "<ResultSet totalResultsAvailable=\"1\"><Result><Status>OK</Status></Result></ResultSet>";
    String refused =
        "<Error><Message>The order can not be changed.</Message><Code>od20101</Code></Error>";

    assertThat(adapter.parseWriteBack(request, response(200, ok)))
        .isEqualTo(new PushResult.Accepted(List.of()));
    assertThat(adapter.parseWriteBack(request, response(400, refused)))
        .isEqualTo(new PushResult.Failed(false, "od20101: The order can not be changed."));
    assertThat(adapter.parseWriteBack(request, response(403, "")))
        .isInstanceOf(PushResult.Throttled.class);
  }

  // Stock read-back

  static ListingRef listing(String sku, String itemCode) {
    return new ListingRef(sku, ListingIds.of("item_code", itemCode));
  }

  final MarketplaceRequest twoListings =
      adapter
          .stockRead(
              BASE,
              CREDENTIALS,
              List.of(
                  new ListingRef(
                      "TSHIRT-M", ListingIds.of("item_code", "tshirt-01", "sub_code", "m")),
                  listing("MUG", "mug-02")),
              NOW)
          .get(0);

  static final String STOCK_ANSWER =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
          + "<ResultSet totalResultsAvailable=\"2\" totalResultsReturned=\"2\""
          + " firstResultPosition=\"1\" ok=\"2\" ng=\"0\">"
          + "<Result><ItemCode>mug-02</ItemCode><SubCode></SubCode><Status>1</Status>"
          + "<Quantity>0</Quantity><AllowOverdraft>0</AllowOverdraft><IsPublished>1</IsPublished>"
          + "<UpdateTime>2024-03-01T08:59:00+09:00</UpdateTime></Result>"
          + "<Result><ItemCode>tshirt-01</ItemCode><SubCode>m</SubCode><Status>1</Status>"
          + "<Quantity>12</Quantity><AllowOverdraft>0</AllowOverdraft><IsPublished>1</IsPublished>"
          + "<UpdateTime>2024-03-01T08:59:00+09:00</UpdateTime></Result></ResultSet>";

  @Test
  void readsStockWithAFormEncodedGetStock() {
    assertThat(twoListings.method()).isEqualTo("POST");
    assertThat(twoListings.uri())
        .isEqualTo(
            URI.create("https://circus.shopping.yahooapis.jp/ShoppingWebService/V1/getStock"));
    assertThat(twoListings.headers())
        .containsEntry("Authorization", "Bearer example-access-token")
        .containsEntry("Content-Type", "application/x-www-form-urlencoded")
        .doesNotContainKey("X-sws-signature");
    // item_code "tshirt-01:m,mug-02", form encoded; no quantity.
    assertThat(twoListings.bodyText())
        .isEqualTo("seller_id=store-example&item_code=tshirt-01%3Am%2Cmug-02");
    assertThat(twoListings.skus()).containsExactly("TSHIRT-M", "MUG");
  }

  @Test
  void readsAThousandItemCodesACall() {
    List<ListingRef> listings =
        IntStream.range(0, 1001).mapToObj(i -> listing("S" + i, "item-" + i)).toList();

    List<MarketplaceRequest> requests = adapter.stockRead(BASE, CREDENTIALS, listings, NOW);

    assertThat(requests).extracting(request -> request.skus().size()).containsExactly(1000, 1);
    assertThat(requests.get(1).bodyText()).isEqualTo("seller_id=store-example&item_code=item-1000");
  }

  @Test
  void signsTheReadWhenAPublicKeyIsConfigured() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair keys = generator.generateKeyPair();
    Credentials withKey =
        Credentials.of(
            Map.of(
                "access_token", "t",
                "seller_id", "store-example",
                "public_key", Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()),
                "public_key_version", "2"));

    MarketplaceRequest request =
        adapter.stockRead(BASE, withKey, List.of(listing("MUG", "mug-02")), NOW).get(0);

    Cipher cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding");
    cipher.init(Cipher.DECRYPT_MODE, keys.getPrivate());
    byte[] decrypted =
        cipher.doFinal(Base64.getDecoder().decode(request.header("X-sws-signature").orElseThrow()));
    assertThat(new String(decrypted, StandardCharsets.UTF_8)).isEqualTo("store-example:1709251200");
    assertThat(request.header("X-sws-signature-version")).contains("2");
  }

  @Test
  void readsEachResultByItsItemAndSubCode() {
    Map<String, Long> shown = adapter.parseStockRead(twoListings, response(200, STOCK_ANSWER));

    assertThat(shown).containsExactly(Map.entry("TSHIRT-M", 12L), Map.entry("MUG", 0L));
  }

  @Test
  void leavesOutACodeTheAnswerDoesNotNameOrNamesWithoutAQuantity() {
    String answer =
        "<ResultSet totalResultsAvailable=\"2\" totalResultsReturned=\"2\">"
            + "<Result><ItemCode>tshirt-01</ItemCode><SubCode>l</SubCode>"
            + "<Quantity>5</Quantity></Result>"
            + "<Result><ItemCode>mug-02</ItemCode><SubCode></SubCode><Quantity></Quantity>"
            + "</Result></ResultSet>";

    assertThat(adapter.parseStockRead(twoListings, response(200, answer))).isEmpty();
  }

  @Test
  void aReadErrorIsThrownAsForOrderCalls() {
    String invalid = "<Error><Message>seller_id is invalid.</Message><Code>ed-00001</Code></Error>";
    assertThatThrownBy(() -> adapter.parseStockRead(twoListings, response(400, invalid)))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e ->
                assertThat(e.outcome())
                    .isEqualTo(new PushResult.Failed(false, "ed-00001: seller_id is invalid.")));
    assertThatThrownBy(() -> adapter.parseStockRead(twoListings, response(401, "")))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e -> {
              assertThat(((PushResult.Failed) e.outcome()).retryable()).isFalse();
              assertThat(e.getMessage()).doesNotContain("example-access-token");
            });
    assertThatThrownBy(() -> adapter.parseStockRead(twoListings, response(200, "garbled")))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e -> assertThat(((PushResult.Failed) e.outcome()).retryable()).isTrue());
  }

  @Test
  void throttlesAReadPerSecondAndForTheRestOfTheQuotaDay() {
    assertThatThrownBy(() -> adapter.parseStockRead(twoListings, response(429, "")))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e -> assertThat(e.outcome()).isEqualTo(new PushResult.Throttled(null)));
    assertThatThrownBy(
            () ->
                adapter.parseStockRead(
                    twoListings,
                    response(403, Map.of("Date", List.of("Fri, 01 Mar 2024 06:00:00 GMT")), "")))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e -> assertThat(e.outcome()).isEqualTo(new PushResult.Throttled(Duration.ofHours(9))));
  }
}
