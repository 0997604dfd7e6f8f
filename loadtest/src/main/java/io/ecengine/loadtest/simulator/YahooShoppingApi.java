package io.ecengine.loadtest.simulator;

import io.ecengine.engine.channel.marketplace.Marketplace;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Yahoo! Shopping store API (ShoppingWebService V1): setStock, getStock, orderList, orderInfo and
 * orderShipStatusChange, answering in XML. Calls need the shop's bearer token (401 otherwise) and
 * name the shop's seller id. Each shop has an API public key: the order calls must carry {@code
 * X-sws-signature}, "seller_id:unix seconds" encrypted with it, which the simulator decrypts with
 * the private half and checks (seller, and a time within ten minutes). Each API allows 10 calls a
 * second (429 beyond); a shop's calls of a Japan day are capped (403 beyond, as Yahoo answers when
 * the daily limit is spent). setStock stores unknown item codes, as Yahoo keeps stock for items not
 * registered yet. Error codes are illustrative.
 */
final class YahooShoppingApi extends MarketplaceApi {

  private static final String BASE = "/ShoppingWebService/V1/";
  private static final long MAX_QUANTITY = 999_999_999L;
  private static final int MAX_ITEMS = 1000;
  private static final Duration SIGNATURE_WINDOW = Duration.ofMinutes(10);
  private static final Pattern ITEM_CODE = Pattern.compile("[A-Za-z0-9_-]{1,99}");
  private static final Pattern QUANTITY = Pattern.compile("[+-]?\\d{1,9}");
  private static final ZoneId JAPAN = ZoneId.of("Asia/Tokyo");
  private static final DateTimeFormatter COMPACT = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
  private static final DateTimeFormatter COMPACT_DATE = DateTimeFormatter.ofPattern("yyyyMMdd");
  private static final String RESULT_SET_OPEN =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
          + "<ResultSet totalResultsAvailable=\"%d\" totalResultsReturned=\"%d\""
          + " firstResultPosition=\"1\">";

  private final Map<String, PrivateKey> privateKeys = new ConcurrentHashMap<>();
  private final Map<String, String> decrypted = new ConcurrentHashMap<>();

  YahooShoppingApi(MarketplaceSimulator sim) {
    super(sim);
  }

  @Override
  Marketplace marketplace() {
    return Marketplace.YAHOO_SHOPPING;
  }

  @Override
  String prefix() {
    return "/yahoo";
  }

  @Override
  Map<String, String> newCredentials(String shopKey) {
    KeyPair keys;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      keys = generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA is part of every JDK", e);
    }
    privateKeys.put(shopKey, keys.getPrivate());
    // Base64 DER on one line: the form a credential value can carry (PEM has line breaks).
    String publicKey = Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
    Map<String, String> credentials = new LinkedHashMap<>();
    credentials.put("access_token", randomHex(32));
    credentials.put("seller_id", shopKey);
    credentials.put("public_key", publicKey);
    credentials.put("public_key_version", "1");
    return credentials;
  }

  @Override
  Map<String, String> listingIds(String listingKey, long serial) {
    String itemCode = listingKey;
    String subCode = null;
    int colon = listingKey == null ? -1 : listingKey.indexOf(':');
    if (colon >= 0) {
      itemCode = listingKey.substring(0, colon);
      subCode = listingKey.substring(colon + 1);
    }
    if (itemCode == null
        || !ITEM_CODE.matcher(itemCode).matches()
        || (subCode != null && !ITEM_CODE.matcher(subCode).matches())) {
      throw new IllegalArgumentException(
          "A Yahoo! Shopping listing key is itemCode or itemCode:subCode (letters, digits, - _)");
    }
    Map<String, String> ids = new LinkedHashMap<>();
    ids.put("item_code", itemCode);
    if (subCode != null) {
      ids.put("sub_code", subCode);
    }
    return ids;
  }

  @Override
  SimOrder newOrder(
      SimShop shop, String listingKey, int quantity, String buyerRef, long number, Instant at) {
    return new SimOrder(
        shop.shopKey() + "-" + (10_000_000L + number),
        number,
        listingKey,
        quantity,
        buyerRef,
        at,
        Map.of("line_id", "1"));
  }

  @Override
  void handle(Exchange exchange) throws IOException {
    String path = exchange.rawPath();
    Api api =
        !path.startsWith(BASE) || !exchange.method().equals("POST")
            ? null
            : switch (path.substring(BASE.length())) {
              case "setStock" -> Api.YAHOO_SET_STOCK;
              case "getStock" -> Api.YAHOO_GET_STOCK;
              case "orderList" -> Api.YAHOO_ORDER_LIST;
              case "orderInfo" -> Api.YAHOO_ORDER_INFO;
              case "orderShipStatusChange" -> Api.YAHOO_SHIP_STATUS;
              default -> null;
            };
    if (api == null) {
      error(exchange, 404, "Not Found", null);
      return;
    }
    String authorization = exchange.header("Authorization");
    Optional<SimShop> found =
        authorization == null || !authorization.startsWith("Bearer ")
            ? Optional.empty()
            : sim.shopsOf(marketplace()).stream()
                .filter(s -> s.credentials().get("access_token").equals(authorization.substring(7)))
                .findFirst();
    if (found.isEmpty()) {
      exchange.xml(
          401,
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Message>Please provide valid"
              + " credentials. Bearer realm=\"yahooapis.jp\", error=\"invalid_token\","
              + " error_description=\"invalid token\"</Message></Error>",
          Map.of("WWW-Authenticate", "Bearer realm=\"yahooapis.jp\", error=\"invalid_token\""));
      return;
    }
    SimShop shop = found.get();
    exchange.attribute(shop, api);
    if (!shop.withinDailyBudget(exchange.arrivedAt(), sim.settings().yahooDailyLimit())) {
      exchange.markThrottled();
      error(exchange, 403, "Your Request was Forbidden", "ed-00403");
      return;
    }
    Duration wait = throttle(exchange, shop, api, 1);
    if (wait != null) {
      error(exchange, 429, "Too many requests.", "ed-00429");
      return;
    }
    boolean orderCall = api != Api.YAHOO_SET_STOCK && api != Api.YAHOO_GET_STOCK;
    String signature = exchange.header("X-sws-signature");
    if ((orderCall || signature != null) && !signatureValid(shop, exchange)) {
      error(exchange, 401, "Public key authentication failed.", "px-04102");
      return;
    }
    switch (api) {
      case YAHOO_SET_STOCK -> setStock(exchange, shop);
      case YAHOO_GET_STOCK -> getStock(exchange, shop);
      case YAHOO_ORDER_LIST -> orderList(exchange, shop);
      case YAHOO_ORDER_INFO -> orderInfo(exchange, shop);
      case YAHOO_SHIP_STATUS -> shipStatus(exchange, shop);
      default -> throw new IllegalStateException("Not a Yahoo call: " + api);
    }
  }

  private boolean signatureValid(SimShop shop, Exchange exchange) {
    String signature = exchange.header("X-sws-signature");
    if (signature == null
        || !shop.credentials()
            .get("public_key_version")
            .equals(exchange.header("X-sws-signature-version"))) {
      return false;
    }
    try {
      String plain = decrypted.get(shop.shopKey() + "\n" + signature);
      if (plain == null) {
        Cipher cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        cipher.init(Cipher.DECRYPT_MODE, privateKeys.get(shop.shopKey()));
        plain =
            new String(
                cipher.doFinal(Base64.getDecoder().decode(signature)), StandardCharsets.UTF_8);
        // A signature seen before decrypts to the same text: decrypting it again would only cost
        // the machine the benchmark runs on a millisecond per call.
        if (decrypted.size() > 10_000) {
          decrypted.clear();
        }
        decrypted.put(shop.shopKey() + "\n" + signature, plain);
      }
      int colon = plain.lastIndexOf(':');
      if (colon < 0 || !plain.substring(0, colon).equals(shop.shopKey())) {
        return false;
      }
      long seconds = Long.parseLong(plain.substring(colon + 1));
      return Math.abs(exchange.arrivedAt().getEpochSecond() - seconds)
          <= SIGNATURE_WINDOW.toSeconds();
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  private void setStock(Exchange exchange, SimShop shop) throws IOException {
    Map<String, String> form = Exchange.parseForm(exchange.bodyText());
    if (!shop.shopKey().equals(form.get("seller_id"))) {
      error(exchange, 400, "seller_id is invalid.", "ed-00001");
      return;
    }
    String codes = form.getOrDefault("item_code", "");
    String quantities = form.getOrDefault("quantity", "");
    List<String> itemCodes = codes.isEmpty() ? List.of() : List.of(codes.split(",", -1));
    List<String> amounts = quantities.isEmpty() ? List.of() : List.of(quantities.split(",", -1));
    if (itemCodes.isEmpty() || itemCodes.size() > MAX_ITEMS) {
      error(exchange, 400, "item_code takes 1 to 1000 codes.", "st-02001");
      return;
    }
    if (amounts.size() != itemCodes.size()) {
      error(exchange, 400, "quantity must have as many values as item_code.", "st-02002");
      return;
    }
    Map<String, Long> updates = new LinkedHashMap<>();
    for (int i = 0; i < itemCodes.size(); i++) {
      String code = itemCodes.get(i);
      try {
        listingIds(code, 0);
      } catch (IllegalArgumentException e) {
        error(exchange, 400, "item_code(" + code + ") is invalid format.", "st-02101");
        return;
      }
      String amount = amounts.get(i).trim();
      if (!QUANTITY.matcher(amount).matches()) {
        error(exchange, 400, "quantity(" + amount + ") of (" + code + ") is invalid.", "st-02102");
        return;
      }
      long value = Long.parseLong(amount.startsWith("+") ? amount.substring(1) : amount);
      long result =
          amount.startsWith("+") || amount.startsWith("-")
              ? updates.getOrDefault(code, shop.shown(code).orElse(0)) + value
              : value;
      updates.put(code, Math.max(0, Math.min(MAX_QUANTITY, result)));
    }
    StringBuilder xml =
        new StringBuilder(String.format(RESULT_SET_OPEN, updates.size(), updates.size()));
    updates.forEach(
        (code, quantity) -> {
          shop.setShown(code, quantity, exchange.arrivedAt());
          int colon = code.indexOf(':');
          xml.append("<Result>")
              .append(element("SellerId", shop.shopKey()))
              .append(element("ItemCode", colon < 0 ? code : code.substring(0, colon)));
          if (colon >= 0) {
            xml.append(element("SubCode", code.substring(colon + 1)));
          }
          xml.append(element("Quantity", String.valueOf(quantity))).append("</Result>");
        });
    xml.append("</ResultSet>");
    exchange.xml(200, xml.toString());
  }

  /**
   * What each named item code shows now, one Result each in the order asked; codes the shop has
   * never had stock for are left out.
   */
  private void getStock(Exchange exchange, SimShop shop) throws IOException {
    Map<String, String> form = Exchange.parseForm(exchange.bodyText());
    if (!shop.shopKey().equals(form.get("seller_id"))) {
      error(exchange, 400, "seller_id is invalid.", "ed-00001");
      return;
    }
    String codes = form.getOrDefault("item_code", "");
    List<String> itemCodes = codes.isEmpty() ? List.of() : List.of(codes.split(",", -1));
    if (itemCodes.isEmpty() || itemCodes.size() > MAX_ITEMS) {
      error(exchange, 400, "item_code takes 1 to 1000 codes.", "st-01001");
      return;
    }
    StringBuilder results = new StringBuilder();
    int returned = 0;
    for (String code : itemCodes) {
      try {
        listingIds(code, 0);
      } catch (IllegalArgumentException e) {
        error(exchange, 400, "item_code(" + code + ") is invalid format.", "st-01002");
        return;
      }
      OptionalLong shown = shop.shown(code);
      if (shown.isEmpty()) {
        continue;
      }
      List<StockRecord> history = shop.history(code);
      Instant updated =
          history.isEmpty() ? exchange.arrivedAt() : history.get(history.size() - 1).at();
      int colon = code.indexOf(':');
      results
          .append("<Result>")
          .append(element("ItemCode", colon < 0 ? code : code.substring(0, colon)))
          .append(element("SubCode", colon < 0 ? "" : code.substring(colon + 1)))
          .append(element("Status", "1"))
          .append(element("Quantity", String.valueOf(shown.getAsLong())))
          .append(element("AllowOverdraft", "0"))
          .append(element("IsPublished", "1"))
          .append(
              element(
                  "UpdateTime",
                  updated
                      .atZone(JAPAN)
                      .toOffsetDateTime()
                      .truncatedTo(ChronoUnit.SECONDS)
                      .toString()))
          .append("</Result>");
      returned++;
    }
    exchange.xml(
        200, String.format(RESULT_SET_OPEN, returned, returned) + results + "</ResultSet>");
  }

  private void orderList(Exchange exchange, SimShop shop) throws IOException {
    Element request = parse(exchange.body());
    if (request == null || !shop.shopKey().equals(text(request, "SellerId"))) {
      error(exchange, 400, "SellerId is invalid.", "od00002");
      return;
    }
    int result = number(text(request, "Result"), 10);
    int start = number(text(request, "Start"), 1);
    String from = text(request, "OrderTimeFrom");
    String to = text(request, "OrderTimeTo");
    Instant fromTime = from == null ? Instant.MIN : compact(from);
    Instant toTime = to == null ? Instant.MAX : compact(to);
    if (result < 1 || start < 1 || fromTime == null || toTime == null) {
      error(exchange, 400, "OrderTimeFrom is invalid.", "od00001");
      return;
    }
    List<SimOrder> matching = new ArrayList<>();
    for (SimOrder order : shop.ordersSnapshot()) {
      Instant placed = order.placedAt().truncatedTo(ChronoUnit.SECONDS);
      if (!placed.isBefore(fromTime) && !placed.isAfter(toTime)) {
        matching.add(order);
      }
    }
    if ("-order_time".equals(text(request, "Sort"))) {
      java.util.Collections.reverse(matching);
    }
    StringBuilder xml =
        new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Result>")
            .append(element("Status", "OK"))
            .append("<Search>")
            .append(element("TotalCount", String.valueOf(matching.size())));
    for (int i = start - 1; i < Math.min(matching.size(), start - 1 + result); i++) {
      SimOrder order = matching.get(i);
      xml.append("<OrderInfo>")
          .append(element("Index", String.valueOf(i + 1)))
          .append(element("OrderId", order.id()))
          .append(element("OrderTime", COMPACT.format(order.placedAt().atZone(JAPAN))))
          .append("</OrderInfo>");
    }
    xml.append("</Search></Result>");
    exchange.xml(200, xml.toString());
  }

  private void orderInfo(Exchange exchange, SimShop shop) throws IOException {
    Element request = parse(exchange.body());
    if (request == null || !shop.shopKey().equals(text(request, "SellerId"))) {
      error(exchange, 400, "SellerId is invalid.", "od00002");
      return;
    }
    Optional<SimOrder> found = shop.order(String.valueOf(text(request, "OrderId")));
    if (found.isEmpty()) {
      error(exchange, 400, "OrderId is invalid.", "od00003");
      return;
    }
    String fieldList = text(request, "Field");
    Set<String> fields = fieldList == null ? Set.of() : Set.of(fieldList.split(","));
    SimOrder order = found.get();
    Map<String, String> listing = listingIds(order.listingKey(), 0);
    Map<String, String> pay = new LinkedHashMap<>();
    pay.put("BillFirstName", "");
    pay.put("BillLastName", order.buyerRef());
    pay.put("BillMailAddress", "y" + order.number() + "@example.yahoo.co.jp");
    Map<String, String> ship = new LinkedHashMap<>();
    ship.put("ShipFirstName", "");
    ship.put("ShipLastName", order.buyerRef());
    ship.put("ShipZipCode", "1500001");
    ship.put("ShipPrefecture", "東京都");
    ship.put("ShipCity", "渋谷区");
    ship.put("ShipAddress1", "神宮前1-2-3");
    ship.put("ShipAddress2", "");
    ship.put("ShipPhoneNumber", "090-0000-" + String.format("%04d", order.number() % 10_000));
    Map<String, String> item = new LinkedHashMap<>();
    item.put("LineId", order.idOf("line_id"));
    item.put("ItemId", listing.get("item_code"));
    if (listing.containsKey("sub_code")) {
      item.put("SubCode", listing.get("sub_code"));
    }
    item.put("Quantity", String.valueOf(order.quantity()));
    StringBuilder xml =
        new StringBuilder(String.format(RESULT_SET_OPEN, 1, 1))
            .append("<Result>")
            .append(element("Status", "OK"))
            .append("<OrderInfo>")
            .append(element("OrderId", order.id()));
    if (fields.contains("OrderTime")) {
      xml.append(
          element(
              "OrderTime",
              order
                  .placedAt()
                  .atZone(JAPAN)
                  .toOffsetDateTime()
                  .truncatedTo(ChronoUnit.SECONDS)
                  .toString()));
    }
    xml.append("<Pay>").append(selected(pay, fields)).append("</Pay>");
    xml.append("<Ship>").append(selected(ship, fields)).append("</Ship>");
    xml.append("<Item>").append(selected(item, fields)).append("</Item>");
    xml.append("</OrderInfo></Result></ResultSet>");
    exchange.xml(200, xml.toString());
  }

  private static String selected(Map<String, String> values, Set<String> fields) {
    StringBuilder xml = new StringBuilder();
    values.forEach(
        (name, value) -> {
          if (fields.contains(name)) {
            xml.append(element(name, value));
          }
        });
    return xml.toString();
  }

  private void shipStatus(Exchange exchange, SimShop shop) throws IOException {
    Element request = parse(exchange.body());
    if (request == null || !shop.shopKey().equals(text(request, "SellerId"))) {
      error(exchange, 400, "SellerId is invalid.", "od00002");
      return;
    }
    Optional<SimOrder> order = shop.order(String.valueOf(text(request, "OrderId")));
    if (order.isEmpty()) {
      error(exchange, 400, "OrderId is invalid.", "od00003");
      return;
    }
    String status = text(request, "ShipStatus");
    String company = text(request, "ShipCompanyCode");
    String invoice = text(request, "ShipInvoiceNumber1");
    String date = text(request, "ShipDate");
    if (!"3".equals(status) && !"2".equals(status) && !"1".equals(status)) {
      error(exchange, 400, "ShipStatus is invalid.", "od20001");
      return;
    }
    if ("3".equals(status)
        && (company == null || !company.matches("\\d{4}") || invoice == null || !isDate(date))) {
      error(
          exchange,
          400,
          "ShipCompanyCode, ShipInvoiceNumber1 and ShipDate are required to ship.",
          "od20002");
      return;
    }
    if ("3".equals(status)) {
      shop.recordTracking(
          new TrackingRecord(order.get().id(), company, invoice, exchange.arrivedAt()));
    }
    exchange.xml(
        200,
        String.format(RESULT_SET_OPEN, 1, 1)
            + "<Result>"
            + element("Status", "OK")
            + "</Result></ResultSet>");
  }

  private static boolean isDate(String text) {
    try {
      LocalDate.parse(text, COMPACT_DATE);
      return true;
    } catch (DateTimeParseException | NullPointerException e) {
      return false;
    }
  }

  private static Instant compact(String text) {
    try {
      return LocalDateTime.parse(text, COMPACT).atZone(JAPAN).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static int number(String text, int fallback) {
    try {
      return text == null ? fallback : Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void error(Exchange exchange, int status, String message, String code)
      throws IOException {
    exchange.xml(
        status,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error>"
            + element("Message", message)
            + (code == null ? "" : element("Code", code))
            + "</Error>");
  }

  private static Element parse(byte[] body) {
    if (body.length == 0) {
      return null;
    }
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setExpandEntityReferences(false);
      Document document = factory.newDocumentBuilder().parse(new ByteArrayInputStream(body));
      return document.getDocumentElement();
    } catch (ParserConfigurationException | SAXException | IOException e) {
      return null;
    }
  }

  private static String text(Element parent, String name) {
    NodeList nodes = parent.getElementsByTagName(name);
    if (nodes.getLength() == 0) {
      return null;
    }
    String text = nodes.item(0).getTextContent().trim();
    return text.isEmpty() ? null : text;
  }

  static String element(String name, String value) {
    return "<" + name + ">" + escape(value == null ? "" : value) + "</" + name + ">";
  }

  private static String escape(String value) {
    return value
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&apos;");
  }
}
