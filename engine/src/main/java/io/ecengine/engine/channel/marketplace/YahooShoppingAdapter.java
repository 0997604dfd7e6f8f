package io.ecengine.engine.channel.marketplace;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.crypto.Cipher;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Yahoo! Shopping store API (ShoppingWebService V1), which answers in XML: setStock and getStock
 * for stock, orderList, orderInfo and orderShipStatusChange for orders.
 *
 * <p>Credentials: {@code access_token} (sent as {@code Authorization: Bearer}; it lasts an hour and
 * its refresh token four weeks), {@code seller_id} (the store account); optional {@code public_key}
 * (the store's API public key, PEM or base64 DER) with {@code public_key_version}, and {@code
 * ship_company_code.<carrier>} entries mapping our carrier codes to Yahoo's. Listing ids: {@code
 * item_code}, optional {@code sub_code} (個別商品コード).
 *
 * <p>With a public key configured every call carries Yahoo's public-key authentication: {@code
 * X-sws-signature} = base64 RSA (PKCS#1 v1.5) encryption of {@code seller_id:unix seconds}, and
 * {@code X-sws-signature-version}. The order APIs require it for stores that enabled it.
 */
public final class YahooShoppingAdapter implements MarketplaceAdapter {

  static final String SET_STOCK_PATH = "/ShoppingWebService/V1/setStock";
  static final String GET_STOCK_PATH = "/ShoppingWebService/V1/getStock";
  static final String ORDER_LIST_PATH = "/ShoppingWebService/V1/orderList";
  static final String ORDER_INFO_PATH = "/ShoppingWebService/V1/orderInfo";
  static final String SHIP_STATUS_PATH = "/ShoppingWebService/V1/orderShipStatusChange";

  static final long MAX_QUANTITY = 999_999_999L;
  // getStock takes up to 1,000 item codes a call, as setStock does.
  static final int ITEM_CODES_PER_GET_STOCK = 1000;
  static final String ORDER_INFO_FIELDS =
      "OrderId,OrderTime,BillFirstName,BillLastName,BillMailAddress,ShipFirstName,ShipLastName,"
          + "ShipZipCode,ShipPrefecture,ShipCity,ShipAddress1,ShipAddress2,ShipPhoneNumber,"
          + "LineId,ItemId,SubCode,Quantity";
  // Yahoo's 出荷ステータス: 3 = shipped (出荷済み).
  static final int SHIPPED = 3;

  static final ZoneId JAPAN = ZoneId.of("Asia/Tokyo");
  private static final DateTimeFormatter COMPACT_TIME =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
  private static final DateTimeFormatter COMPACT_DATE = DateTimeFormatter.ofPattern("yyyyMMdd");
  // The only delivery company codes confirmed in public material; others come from credentials.
  private static final Map<String, String> SHIP_COMPANIES =
      Map.of("yamato", "1001", "sagawa", "1002");
  private static final String OTHER_SHIP_COMPANY = "1000";
  // When the daily quota answer has no Retry-After, wait for the quota day to roll over (midnight
  // in Japan, assumed), and never less than this.
  private static final Duration MIN_QUOTA_WAIT = Duration.ofMinutes(15);
  private static final Pattern START = Pattern.compile("<Start>(\\d+)</Start>");

  private final int batchSize;
  private final int ordersPerPage;
  private final Clock clock;

  public YahooShoppingAdapter() {
    this(Marketplace.YAHOO_SHOPPING.defaultBatchSize(), 100, Clock.systemUTC());
  }

  /**
   * @param batchSize item codes per setStock call, at most 1,000
   * @param ordersPerPage orders per orderList page; Yahoo sets no upper bound
   * @param clock used for the quota wait when an answer has no Date header
   */
  public YahooShoppingAdapter(int batchSize, int ordersPerPage, Clock clock) {
    if (batchSize < 1 || batchSize > Marketplace.YAHOO_SHOPPING.defaultBatchSize()) {
      throw new IllegalArgumentException("batchSize must be 1 to 1000");
    }
    if (ordersPerPage < 1) {
      throw new IllegalArgumentException("ordersPerPage must be positive");
    }
    this.batchSize = batchSize;
    this.ordersPerPage = ordersPerPage;
    this.clock = clock;
  }

  @Override
  public Marketplace marketplace() {
    return Marketplace.YAHOO_SHOPPING;
  }

  @Override
  public List<String> requiredCredentialKeys() {
    return List.of("access_token", "seller_id");
  }

  @Override
  public List<String> requiredListingKeys() {
    return List.of("item_code");
  }

  @Override
  public List<MarketplaceRequest> stockUpdate(
      URI baseUrl, Credentials credentials, List<StockPush> pushes, Instant now) {
    pushes.forEach(push -> validate(push.ids()));
    return MarketplaceHttp.chunks(pushes, batchSize).stream()
        .map(chunk -> setStock(baseUrl, credentials, chunk, now))
        .toList();
  }

  private MarketplaceRequest setStock(
      URI baseUrl, Credentials credentials, List<StockPush> pushes, Instant now) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("seller_id", credentials.require("seller_id"));
    form.put(
        "item_code",
        pushes.stream().map(push -> itemCode(push.ids())).collect(Collectors.joining(",")));
    // A bare number sets the stock; "+N" or "-N" would adjust it, which we never want.
    form.put(
        "quantity",
        pushes.stream()
            .map(push -> String.valueOf(MarketplaceHttp.clamp(push.quantity(), MAX_QUANTITY)))
            .collect(Collectors.joining(",")));
    return request(
        baseUrl,
        SET_STOCK_PATH,
        "application/x-www-form-urlencoded",
        MarketplaceHttp.form(form),
        credentials,
        now,
        pushes.stream().map(StockPush::sku).toList());
  }

  /** Yahoo names an item with a sub code as {@code item_code:sub_code}. */
  static String itemCode(ListingIds ids) {
    String itemCode = ids.require("item_code");
    return ids.optional("sub_code").map(sub -> itemCode + ":" + sub).orElse(itemCode);
  }

  /**
   * Yahoo stores a whole setStock call or refuses it: an unknown item code is not an error (the
   * stock waits for the item to be registered), so success accepts every SKU. A refusal that names
   * one of our item codes rejects that SKU so the rest can go out without it.
   */
  @Override
  public PushResult parseStockUpdate(MarketplaceRequest request, MarketplaceResponse response) {
    if (response.isSuccess()) {
      Optional<String> error = errorOf(response);
      if (error.isEmpty()) {
        return new PushResult.Accepted(request.skus());
      }
      return new PushResult.Failed(false, error.get());
    }
    if (response.status() == 400) {
      Optional<String> error = errorOf(response);
      Map<String, String> rejected = new LinkedHashMap<>();
      if (error.isPresent()) {
        List<String> codes = List.of(formValue(request, "item_code").split(","));
        for (int i = 0; i < codes.size() && i < request.skus().size(); i++) {
          if (error.get().contains("(" + codes.get(i) + ")")) {
            rejected.put(request.skus().get(i), error.get());
          }
        }
      }
      if (!rejected.isEmpty()) {
        return new PushResult.PartlyRejected(List.of(), rejected);
      }
      return new PushResult.Failed(
          false, error.orElse("HTTP 400" + MarketplaceHttp.snippet(response)));
    }
    return callFailure(response);
  }

  /** getStock (在庫参照API): the listings' item codes, comma separated, as setStock names them. */
  @Override
  public List<MarketplaceRequest> stockRead(
      URI baseUrl, Credentials credentials, List<ListingRef> listings, Instant now) {
    listings.forEach(listing -> validate(listing.ids()));
    return MarketplaceHttp.chunks(listings, ITEM_CODES_PER_GET_STOCK).stream()
        .map(
            chunk -> {
              Map<String, String> form = new LinkedHashMap<>();
              form.put("seller_id", credentials.require("seller_id"));
              form.put(
                  "item_code",
                  chunk.stream()
                      .map(listing -> itemCode(listing.ids()))
                      .collect(Collectors.joining(",")));
              return request(
                  baseUrl,
                  GET_STOCK_PATH,
                  "application/x-www-form-urlencoded",
                  MarketplaceHttp.form(form),
                  credentials,
                  now,
                  chunk.stream().map(ListingRef::sku).toList());
            })
        .toList();
  }

  /**
   * Each {@code Result} of the ResultSet names its ItemCode and SubCode and carries the Quantity in
   * stock; a code the answer does not name, or names without a number, is left out. A negative
   * Quantity (a store that takes orders beyond its stock) is passed on as it is.
   */
  @Override
  public Map<String, Long> parseStockRead(
      MarketplaceRequest request, MarketplaceResponse response) {
    Element resultSet = answerOf(response);
    Map<String, Long> byCode = new HashMap<>();
    for (Element result : descendants(resultSet, "Result")) {
      String itemCode = text(result, "ItemCode");
      String subCode = text(result, "SubCode");
      String quantity = text(result, "Quantity");
      if (itemCode == null || quantity == null) {
        continue;
      }
      try {
        byCode.put(subCode == null ? itemCode : itemCode + ":" + subCode, Long.parseLong(quantity));
      } catch (NumberFormatException notANumber) {
        // An item without a stock figure (never set) shows nothing to compare with.
      }
    }
    String sent = formValue(request, "item_code");
    List<String> codes = sent.isEmpty() ? List.of() : List.of(sent.split(","));
    Map<String, Long> shown = new LinkedHashMap<>();
    for (int i = 0; i < codes.size() && i < request.skus().size(); i++) {
      Long quantity = byCode.get(codes.get(i));
      if (quantity != null) {
        shown.put(request.skus().get(i), quantity);
      }
    }
    return shown;
  }

  /**
   * Yahoo answers 403 when the application's 50,000 calls a day are used up; any other reading of
   * 403 (a store that revoked the app) would also not recover before the next day.
   */
  private PushResult callFailure(MarketplaceResponse response) {
    if (response.status() == 403) {
      Optional<Duration> asked = MarketplaceHttp.retryAfter(response, clock);
      if (asked.isPresent()) {
        return new PushResult.Throttled(asked.get());
      }
      Instant reference =
          response.header("Date").flatMap(MarketplaceHttp::httpDate).orElse(clock.instant());
      Instant nextDay =
          reference.atZone(JAPAN).toLocalDate().plusDays(1).atStartOfDay(JAPAN).toInstant();
      Duration wait = Duration.between(reference, nextDay);
      return new PushResult.Throttled(wait.compareTo(MIN_QUOTA_WAIT) < 0 ? MIN_QUOTA_WAIT : wait);
    }
    if (response.status() == 401) {
      return new PushResult.Failed(
          false,
          "Yahoo refused the access token (it lasts an hour; refresh it)"
              + MarketplaceHttp.snippet(response));
    }
    return MarketplaceHttp.failure(response, clock);
  }

  @Override
  public MarketplaceRequest orderPull(
      URI baseUrl, Credentials credentials, Instant since, String pageToken, Instant now) {
    int start = pageToken == null ? 1 : Integer.parseInt(pageToken);
    String body =
        "<Req><Search>"
            + element("Result", String.valueOf(ordersPerPage))
            + element("Start", String.valueOf(start))
            + element("Sort", "+order_time")
            + "<Condition>"
            + element("OrderTimeFrom", COMPACT_TIME.format(since.atZone(JAPAN)))
            + "</Condition>"
            + element("Field", "OrderId,OrderTime")
            + "</Search>"
            + element("SellerId", credentials.require("seller_id"))
            + "</Req>";
    return request(
        baseUrl,
        ORDER_LIST_PATH,
        "application/xml; charset=utf-8",
        body,
        credentials,
        now,
        List.of());
  }

  /**
   * orderList names orders without their items, so every order goes to {@code orderIdsToFetch}. The
   * next page starts after the highest Index, which counts across the whole result as Start does;
   * {@link #parseOrderPull(MarketplaceRequest, MarketplaceResponse)} does not depend on that.
   */
  @Override
  public OrderPage parseOrderPull(MarketplaceResponse response) {
    Element result = answerOf(response);
    List<String> orderIds = new ArrayList<>();
    int lastIndex = 0;
    for (Element info : children(result, "OrderInfo")) {
      orderIds.add(text(info, "OrderId"));
      lastIndex = Math.max(lastIndex, parseInt(text(info, "Index"), 0));
    }
    return page(result, orderIds, lastIndex);
  }

  @Override
  public OrderPage parseOrderPull(MarketplaceRequest request, MarketplaceResponse response) {
    Element result = answerOf(response);
    List<String> orderIds = new ArrayList<>();
    children(result, "OrderInfo").forEach(info -> orderIds.add(text(info, "OrderId")));
    Matcher start = START.matcher(request.bodyText());
    int first = start.find() ? Integer.parseInt(start.group(1)) : 1;
    return page(result, orderIds, first + orderIds.size() - 1);
  }

  private static OrderPage page(Element result, List<String> orderIds, int lastPosition) {
    int total = parseInt(text(result, "TotalCount"), 0);
    String next =
        !orderIds.isEmpty() && lastPosition < total ? String.valueOf(lastPosition + 1) : null;
    return new OrderPage(List.of(), next, orderIds);
  }

  /** orderInfo calls, one order each. */
  @Override
  public List<MarketplaceRequest> orderDetails(
      URI baseUrl, Credentials credentials, List<String> channelOrderIds, Instant now) {
    // Limitation: the field list is placed under Target as we read the reference; public
    // clients differ on this, so check it against the test environment before production.
    return channelOrderIds.stream()
        .map(
            orderId ->
                request(
                    baseUrl,
                    ORDER_INFO_PATH,
                    "application/xml; charset=utf-8",
                    "<Req><Target>"
                        + element("OrderId", orderId)
                        + element("Field", ORDER_INFO_FIELDS)
                        + "</Target>"
                        + element("SellerId", credentials.require("seller_id"))
                        + "</Req>",
                    credentials,
                    now,
                    List.of()))
        .toList();
  }

  @Override
  public List<MarketplaceOrder> parseOrderDetails(MarketplaceResponse response) {
    Element result = answerOf(response);
    List<MarketplaceOrder> orders = new ArrayList<>();
    for (Element info : descendants(result, "OrderInfo")) {
      List<MarketplaceOrder.Line> lines = new ArrayList<>();
      for (Element item : descendants(info, "Item")) {
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("item_code", text(item, "ItemId"));
        Optional.ofNullable(text(item, "SubCode")).ifPresent(sub -> ids.put("sub_code", sub));
        Optional.ofNullable(text(item, "LineId")).ifPresent(line -> ids.put("line_id", line));
        lines.add(
            new MarketplaceOrder.Line(new ListingIds(ids), parseInt(text(item, "Quantity"), 0)));
      }
      orders.add(
          new MarketplaceOrder(
              text(info, "OrderId"),
              lines,
              fullName(text(info, "BillLastName"), text(info, "BillFirstName")),
              text(info, "BillMailAddress"),
              text(info, "ShipZipCode"),
              text(info, "ShipPrefecture"),
              text(info, "ShipCity"),
              text(info, "ShipAddress1"),
              text(info, "ShipAddress2"),
              text(info, "ShipPhoneNumber"),
              orderTime(text(info, "OrderTime"))));
    }
    return orders;
  }

  private static String fullName(String lastName, String firstName) {
    String name =
        ((lastName == null ? "" : lastName) + " " + (firstName == null ? "" : firstName)).trim();
    return name.isEmpty() ? null : name;
  }

  /**
   * Sets the order's shipping status to shipped with the tracking number (orderShipStatusChange),
   * and fixes the points as Yahoo asks when an order ships.
   */
  @Override
  public MarketplaceRequest trackingWriteBack(
      URI baseUrl,
      Credentials credentials,
      String channelOrderId,
      String carrier,
      String trackingNumber,
      List<MarketplaceOrder.Line> lines,
      Instant now) {
    // Limitation: the ship date is sent as yyyyMMdd in Japan time, and carriers other than
    // yamato and sagawa are sent as 1000 (other) unless the credentials map them.
    String company =
        credentials
            .optional("ship_company_code." + carrier)
            .orElseGet(
                () ->
                    carrier.matches("\\d{4}")
                        ? carrier
                        : SHIP_COMPANIES.getOrDefault(carrier, OTHER_SHIP_COMPANY));
    String body =
        "<Req><Target>"
            + element("OrderId", channelOrderId)
            + element("IsPointFix", "true")
            + "</Target><Order><Ship>"
            + element("ShipStatus", String.valueOf(SHIPPED))
            + element("ShipCompanyCode", company)
            + element("ShipInvoiceNumber1", trackingNumber)
            + element("ShipDate", COMPACT_DATE.format(now.atZone(JAPAN)))
            + "</Ship></Order>"
            + element("SellerId", credentials.require("seller_id"))
            + "</Req>";
    return request(
        baseUrl,
        SHIP_STATUS_PATH,
        "application/xml; charset=utf-8",
        body,
        credentials,
        now,
        List.of());
  }

  @Override
  public PushResult parseWriteBack(MarketplaceRequest request, MarketplaceResponse response) {
    Optional<String> error = errorOf(response);
    if (response.isSuccess() && error.isEmpty()) {
      return new PushResult.Accepted(request.skus());
    }
    if (response.status() == 400 || (response.isSuccess() && error.isPresent())) {
      return new PushResult.Failed(false, error.orElse("HTTP 400"));
    }
    return callFailure(response);
  }

  /** The root of a read's XML answer (orders, stock), or the call's failure as an exception. */
  private Element answerOf(MarketplaceResponse response) {
    if (!response.isSuccess()) {
      PushResult failure = callFailure(response);
      if (response.status() == 400) {
        failure = new PushResult.Failed(false, errorOf(response).orElse("HTTP 400"));
      }
      throw new MarketplaceCallException(failure);
    }
    Optional<String> error = errorOf(response);
    if (error.isPresent()) {
      throw new MarketplaceCallException(new PushResult.Failed(false, error.get()));
    }
    Document document = parse(response.body());
    if (document == null) {
      throw new MarketplaceCallException(
          new PushResult.Failed(
              true, "Unreadable Yahoo answer" + MarketplaceHttp.snippet(response)));
    }
    return document.getDocumentElement();
  }

  /**
   * An Error element ({@code <Error><Message/><Code/></Error>}) or a Result with Status NG, as
   * "code: message".
   */
  private static Optional<String> errorOf(MarketplaceResponse response) {
    Document document = parse(response.body());
    if (document == null) {
      return Optional.empty();
    }
    Element root = document.getDocumentElement();
    List<Element> errors =
        root.getTagName().equals("Error") ? List.of(root) : descendants(root, "Error");
    if (!errors.isEmpty()) {
      Element error = errors.get(0);
      return Optional.of(text(error, "Code") + ": " + text(error, "Message"));
    }
    for (Element status : descendants(root, "Status")) {
      if ("NG".equals(status.getTextContent().trim())) {
        return Optional.of("Yahoo answered Status NG");
      }
    }
    return Optional.empty();
  }

  private static Document parse(byte[] body) {
    if (body.length == 0) {
      return null;
    }
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      // Answers come from outside: no DTDs, no external entities.
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setExpandEntityReferences(false);
      return factory.newDocumentBuilder().parse(new ByteArrayInputStream(body));
    } catch (ParserConfigurationException | SAXException | IOException e) {
      return null;
    }
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    for (Element search : descendants(parent, "Search")) {
      NodeList nodes = search.getChildNodes();
      for (int i = 0; i < nodes.getLength(); i++) {
        if (nodes.item(i) instanceof Element element && element.getTagName().equals(name)) {
          found.add(element);
        }
      }
    }
    return found;
  }

  private static List<Element> descendants(Element parent, String name) {
    NodeList nodes = parent.getElementsByTagName(name);
    List<Element> elements = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i).getNodeType() == Node.ELEMENT_NODE) {
        elements.add((Element) nodes.item(i));
      }
    }
    return elements;
  }

  /** The text of the first descendant with this name, or null when absent or empty. */
  private static String text(Element parent, String name) {
    List<Element> found = descendants(parent, name);
    if (found.isEmpty()) {
      return null;
    }
    String text = found.get(0).getTextContent().trim();
    return text.isEmpty() ? null : text;
  }

  private static int parseInt(String value, int fallback) {
    try {
      return value == null ? fallback : Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private static Instant orderTime(String value) {
    if (value == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException notIso) {
      try {
        return LocalDateTime.parse(value, COMPACT_TIME).atZone(JAPAN).toInstant();
      } catch (DateTimeParseException e) {
        return null;
      }
    }
  }

  private static String formValue(MarketplaceRequest request, String name) {
    for (String pair : request.bodyText().split("&")) {
      int equals = pair.indexOf('=');
      if (equals > 0 && pair.substring(0, equals).equals(name)) {
        return java.net.URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      }
    }
    return "";
  }

  static String element(String name, String value) {
    return "<" + name + ">" + escape(value) + "</" + name + ">";
  }

  private static String escape(String value) {
    return value
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&apos;");
  }

  private MarketplaceRequest request(
      URI baseUrl,
      String path,
      String contentType,
      String body,
      Credentials credentials,
      Instant now,
      List<String> skus) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "Bearer " + credentials.require("access_token"));
    headers.put("Content-Type", contentType);
    Optional<String> publicKey = credentials.optional("public_key");
    if (publicKey.isPresent()) {
      headers.put(
          "X-sws-signature",
          publicKeySignature(publicKey.get(), credentials.require("seller_id"), now));
      headers.put("X-sws-signature-version", credentials.require("public_key_version"));
    }
    return new MarketplaceRequest(
        "POST",
        MarketplaceHttp.uri(baseUrl, path, Map.of()),
        headers,
        body.getBytes(StandardCharsets.UTF_8),
        skus);
  }

  /**
   * The signature for a call made in this second. An RSA encryption costs a millisecond of CPU; a
   * channel reading orders at Yahoo's 10 calls a second would spend it on every call, so the
   * signature of the current second is kept and used again (it says the same thing).
   */
  static String publicKeySignature(String publicKey, String sellerId, Instant now) {
    String key = sellerId + "\n" + publicKey;
    long second = now.getEpochSecond();
    SignedSecond last = SIGNATURES.get(key);
    if (last != null && last.second() == second) {
      return last.signature();
    }
    String signature = encryptSignature(publicKey, sellerId, second);
    if (SIGNATURES.size() > 1_000) {
      SIGNATURES.clear();
    }
    SIGNATURES.put(key, new SignedSecond(second, signature));
    return signature;
  }

  private record SignedSecond(long second, String signature) {}

  private static final Map<String, SignedSecond> SIGNATURES =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** RSA-encrypts "seller_id:unix seconds" with the store's public key, as Yahoo checks it. */
  private static String encryptSignature(String publicKey, String sellerId, long second) {
    try {
      String base64 =
          publicKey.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
      PublicKey key =
          KeyFactory.getInstance("RSA")
              .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
      Cipher cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding");
      cipher.init(Cipher.ENCRYPT_MODE, key);
      byte[] message = (sellerId + ":" + second).getBytes(StandardCharsets.UTF_8);
      return Base64.getEncoder().encodeToString(cipher.doFinal(message));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("The Yahoo public_key is not an RSA public key", e);
    }
  }
}
