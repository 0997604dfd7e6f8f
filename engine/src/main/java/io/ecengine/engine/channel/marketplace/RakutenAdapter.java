package io.ecengine.engine.channel.marketplace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Rakuten Ichiba RMS Web Service: Inventory API 2.0 (bulk-upsert, bulk-get) and the Rakuten Pay
 * order API.
 *
 * <p>Credentials: {@code service_secret}, {@code license_key} (sent as {@code Authorization: ESA
 * base64(serviceSecret:licenseKey)}; the license key expires every 90 days, so a 401 means renew
 * it). Listing ids: {@code manage_number} (商品管理番号), {@code variant_id} (SKU管理番号).
 *
 * <p>Orders take two calls: {@code searchOrder} returns order numbers only (up to 1,000 a page), so
 * every pulled order is listed in {@link OrderPage#orderIdsToFetch()}, and {@code getOrder} (100
 * numbers a call, see {@link #orderDetails}) returns them in full.
 */
public final class RakutenAdapter implements MarketplaceAdapter {

  static final String BULK_UPSERT_PATH = "/es/2.0/inventories/bulk-upsert";
  static final String BULK_GET_PATH = "/es/2.0/inventories/bulk-get";
  static final String SEARCH_ORDER_PATH = "/es/2.0/order/searchOrder/";
  static final String GET_ORDER_PATH = "/es/2.0/order/getOrder/";
  static final String UPDATE_SHIPPING_PATH = "/es/2.0/order/updateOrderShipping/";

  // A public client reports 415 from the order API for "application/json" and for a space before
  // the charset; this form is accepted by both APIs.
  static final String CONTENT_TYPE = "application/json;charset=utf-8";

  static final long MAX_QUANTITY = 99_999L;
  // bulk-get takes 1 to 1,000 inventories a call.
  static final int INVENTORIES_PER_BULK_GET = 1000;
  // The code Rakuten's inventory API gives a manageNumber and variantId it does not know.
  static final String NOT_FOUND_CODE = "GE0014";
  static final int ORDERS_PER_SEARCH_PAGE = 1000;
  static final int ORDERS_PER_GET_CALL = 100;
  // Version 7 is the first getOrder version that returns variantId (SKU管理番号) per item.
  static final int GET_ORDER_VERSION = 7;
  // searchOrder refuses a date range longer than 63 days.
  static final Duration MAX_SEARCH_RANGE = Duration.ofDays(63);

  static final ZoneId JAPAN = ZoneId.of("Asia/Tokyo");
  private static final DateTimeFormatter RMS_DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssZ");
  private static final Pattern ITEM_INDEX = Pattern.compile("inventories\\[(\\d+)]");

  // Rakuten's delivery company codes (deliveryCompany) for the carriers we name.
  private static final Map<String, String> DELIVERY_COMPANIES =
      Map.of(
          "yamato", "1001",
          "sagawa", "1002",
          "japan_post", "1003",
          "seino", "1004",
          "fukuyama", "1006");
  private static final String OTHER_DELIVERY_COMPANY = "1000";

  private final int batchSize;
  private final Clock clock;

  public RakutenAdapter() {
    this(Marketplace.RAKUTEN.defaultBatchSize(), Clock.systemUTC());
  }

  /**
   * @param batchSize inventories per bulk-upsert call, at most 400
   * @param clock used only to resolve a Retry-After date when the answer has no Date header
   */
  public RakutenAdapter(int batchSize, Clock clock) {
    if (batchSize < 1 || batchSize > Marketplace.RAKUTEN.defaultBatchSize()) {
      throw new IllegalArgumentException("batchSize must be 1 to 400");
    }
    this.batchSize = batchSize;
    this.clock = clock;
  }

  @Override
  public Marketplace marketplace() {
    return Marketplace.RAKUTEN;
  }

  @Override
  public List<String> requiredCredentialKeys() {
    return List.of("service_secret", "license_key");
  }

  @Override
  public List<String> requiredListingKeys() {
    return List.of("manage_number", "variant_id");
  }

  @Override
  public List<MarketplaceRequest> stockUpdate(
      URI baseUrl, Credentials credentials, List<StockPush> pushes, Instant now) {
    pushes.forEach(push -> validate(push.ids()));
    return MarketplaceHttp.chunks(pushes, batchSize).stream()
        .map(chunk -> bulkUpsert(baseUrl, credentials, chunk))
        .toList();
  }

  private MarketplaceRequest bulkUpsert(
      URI baseUrl, Credentials credentials, List<StockPush> pushes) {
    ObjectNode body = JsonAdapter.object();
    ArrayNode inventories = body.putArray("inventories");
    for (StockPush push : pushes) {
      ObjectNode inventory = inventories.addObject();
      inventory.put("manageNumber", push.ids().require("manage_number"));
      inventory.put("variantId", push.ids().require("variant_id"));
      inventory.put("mode", "ABSOLUTE");
      inventory.put("quantity", MarketplaceHttp.clamp(push.quantity(), MAX_QUANTITY));
    }
    return post(
        baseUrl, BULK_UPSERT_PATH, body, credentials, pushes.stream().map(StockPush::sku).toList());
  }

  /**
   * 204 means every item was stored. A 400 lists its errors with a property path such as {@code
   * inventories[3].quantity}; those items are rejected and the rest, not applied, go out again.
   */
  @Override
  public PushResult parseStockUpdate(MarketplaceRequest request, MarketplaceResponse response) {
    if (response.isSuccess()) {
      return new PushResult.Accepted(request.skus());
    }
    if (response.status() == 401) {
      return new PushResult.Failed(
          false,
          "Rakuten refused the ESA credentials (the license key expires every 90 days)"
              + MarketplaceHttp.snippet(response));
    }
    if (response.status() == 400 || response.status() == 404) {
      Map<String, String> rejected = new LinkedHashMap<>();
      for (JsonNode error : JsonAdapter.read(response.body()).path("errors")) {
        String path = JsonAdapter.string(error.path("metadata"), "propertyPath");
        Matcher index = ITEM_INDEX.matcher(path == null ? "" : path);
        if (index.lookingAt()) {
          int position = Integer.parseInt(index.group(1));
          if (position < request.skus().size()) {
            rejected.merge(request.skus().get(position), reason(error), (a, b) -> a + "; " + b);
          }
        }
      }
      if (!rejected.isEmpty()) {
        return new PushResult.PartlyRejected(List.of(), rejected);
      }
    }
    return MarketplaceHttp.failure(response, clock);
  }

  @Override
  public List<MarketplaceRequest> stockRead(
      URI baseUrl, Credentials credentials, List<ListingRef> listings, Instant now) {
    listings.forEach(listing -> validate(listing.ids()));
    return MarketplaceHttp.chunks(listings, INVENTORIES_PER_BULK_GET).stream()
        .map(
            chunk -> {
              ObjectNode body = JsonAdapter.object();
              ArrayNode inventories = body.putArray("inventories");
              for (ListingRef listing : chunk) {
                ObjectNode inventory = inventories.addObject();
                inventory.put("manageNumber", listing.ids().require("manage_number"));
                inventory.put("variantId", listing.ids().require("variant_id"));
              }
              return post(
                  baseUrl,
                  BULK_GET_PATH,
                  body,
                  credentials,
                  chunk.stream().map(ListingRef::sku).toList());
            })
        .toList();
  }

  /**
   * bulk-get's {@code inventories[]}, matched by manageNumber and variantId. Rakuten stores
   * manageNumber in lower case (it converts upper case) and variantId as given, so the match
   * ignores the case of the first only.
   */
  @Override
  public Map<String, Long> parseStockRead(
      MarketplaceRequest request, MarketplaceResponse response) {
    JsonNode answer = JsonAdapter.read(response.body());
    if (response.status() == 401) {
      throw new MarketplaceCallException(
          new PushResult.Failed(
              false,
              "Rakuten refused the ESA credentials (the license key expires every 90 days)"));
    }
    if (response.status() == 404 && onlyNotFound(answer)) {
      // Limitation: the spec does not say whether unknown items are left out of a 200 or answered
      // 404 GE0014; a 404 naming only unknown items is read as none of them being listed.
      return Map.of();
    }
    if (!response.isSuccess()) {
      throw new MarketplaceCallException(MarketplaceHttp.failure(response, clock));
    }
    if (!answer.path("inventories").isArray()) {
      throw new MarketplaceCallException(
          new PushResult.Failed(
              true, "Unreadable Rakuten answer" + MarketplaceHttp.snippet(response)));
    }
    Map<String, Long> byListing = new HashMap<>();
    for (JsonNode inventory : answer.path("inventories")) {
      String manageNumber = JsonAdapter.string(inventory, "manageNumber");
      String variantId = JsonAdapter.string(inventory, "variantId");
      if (manageNumber != null
          && variantId != null
          && inventory.path("quantity").isIntegralNumber()) {
        byListing.put(listingKey(manageNumber, variantId), inventory.path("quantity").asLong());
      }
    }
    JsonNode sent = JsonAdapter.read(request.body()).path("inventories");
    Map<String, Long> shown = new LinkedHashMap<>();
    for (int i = 0; i < sent.size() && i < request.skus().size(); i++) {
      Long quantity =
          byListing.get(
              listingKey(
                  sent.get(i).path("manageNumber").asText(),
                  sent.get(i).path("variantId").asText()));
      if (quantity != null) {
        shown.put(request.skus().get(i), quantity);
      }
    }
    return shown;
  }

  private static String listingKey(String manageNumber, String variantId) {
    return manageNumber.toLowerCase(Locale.ROOT) + "\n" + variantId;
  }

  private static boolean onlyNotFound(JsonNode answer) {
    JsonNode errors = answer.path("errors");
    if (!errors.isArray() || errors.isEmpty()) {
      return false;
    }
    for (JsonNode error : errors) {
      if (!NOT_FOUND_CODE.equals(JsonAdapter.string(error, "code"))) {
        return false;
      }
    }
    return true;
  }

  /** One page of order numbers, oldest first. */
  @Override
  public MarketplaceRequest orderPull(
      URI baseUrl, Credentials credentials, Instant since, String pageToken, Instant now) {
    // Limitation: searchOrder accepts at most 63 days, so a since further back is moved up to
    // now minus 63 days and older orders are not pulled.
    Instant earliest = now.minus(MAX_SEARCH_RANGE);
    Instant start = since.isBefore(earliest) ? earliest : since;
    ObjectNode body = JsonAdapter.object();
    body.put("dateType", 1);
    body.put("startDatetime", rmsDateTime(start));
    body.put("endDatetime", rmsDateTime(now));
    ObjectNode pagination = body.putObject("PaginationRequestModel");
    pagination.put("requestRecordsAmount", ORDERS_PER_SEARCH_PAGE);
    pagination.put("requestPage", pageToken == null ? 1 : Integer.parseInt(pageToken));
    ObjectNode sort = pagination.putArray("SortModelList").addObject();
    sort.put("sortColumn", 1);
    sort.put("sortDirection", 1);
    return post(baseUrl, SEARCH_ORDER_PATH, body, credentials, List.of());
  }

  @Override
  public OrderPage parseOrderPull(MarketplaceResponse response) {
    JsonNode answer = orderAnswer(response);
    List<String> orderNumbers = new ArrayList<>();
    answer.path("orderNumberList").forEach(number -> orderNumbers.add(number.asText()));
    JsonNode pages = answer.path("PaginationResponseModel");
    int page = pages.path("requestPage").asInt(1);
    String next = page < pages.path("totalPages").asInt(0) ? String.valueOf(page + 1) : null;
    return new OrderPage(List.of(), next, orderNumbers);
  }

  /** getOrder calls, 100 order numbers each. */
  @Override
  public List<MarketplaceRequest> orderDetails(
      URI baseUrl, Credentials credentials, List<String> channelOrderIds, Instant now) {
    return rakutenGetOrder(baseUrl, credentials, channelOrderIds);
  }

  public List<MarketplaceRequest> rakutenGetOrder(
      URI baseUrl, Credentials credentials, List<String> orderNumbers) {
    return MarketplaceHttp.chunks(orderNumbers, ORDERS_PER_GET_CALL).stream()
        .map(
            chunk -> {
              ObjectNode body = JsonAdapter.object();
              ArrayNode numbers = body.putArray("orderNumberList");
              chunk.forEach(numbers::add);
              body.put("version", GET_ORDER_VERSION);
              return post(baseUrl, GET_ORDER_PATH, body, credentials, List.of());
            })
        .toList();
  }

  /** Orders from getOrder. Lines carry {@code basket_id}, which the shipping report needs. */
  @Override
  public List<MarketplaceOrder> parseOrderDetails(MarketplaceResponse response) {
    // Limitation: an order sent to several addresses (several baskets) is reported with the address
    // of its first basket; its lines still name their own basket.
    JsonNode answer = orderAnswer(response);
    List<MarketplaceOrder> orders = new ArrayList<>();
    answer.path("OrderModelList").forEach(order -> orders.add(order(order)));
    return orders;
  }

  private static MarketplaceOrder order(JsonNode order) {
    List<MarketplaceOrder.Line> lines = new ArrayList<>();
    JsonNode firstRecipient = null;
    for (JsonNode basket : order.path("PackageModelList")) {
      if (firstRecipient == null) {
        firstRecipient = basket.path("SenderModel");
      }
      for (JsonNode item : basket.path("ItemModelList")) {
        if (item.path("deleteItemFlag").asInt() == 1) {
          continue;
        }
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("manage_number", item.path("manageNumber").asText());
        JsonNode sku = item.path("SkuModelList").path(0);
        Optional.ofNullable(JsonAdapter.string(sku, "variantId"))
            .ifPresent(variant -> ids.put("variant_id", variant));
        Optional.ofNullable(JsonAdapter.string(item, "itemNumber"))
            .ifPresent(number -> ids.put("item_number", number));
        ids.put("basket_id", basket.path("basketId").asText());
        lines.add(new MarketplaceOrder.Line(new ListingIds(ids), item.path("units").asLong()));
      }
    }
    JsonNode orderer = order.path("OrdererModel");
    JsonNode recipient = firstRecipient == null ? orderer : firstRecipient;
    return new MarketplaceOrder(
        order.path("orderNumber").asText(),
        lines,
        joined(" ", JsonAdapter.string(orderer, "familyName"), orderer.path("firstName")),
        JsonAdapter.string(orderer, "emailAddress"),
        joined("-", JsonAdapter.string(recipient, "zipCode1"), recipient.path("zipCode2")),
        JsonAdapter.string(recipient, "prefecture"),
        JsonAdapter.string(recipient, "city"),
        JsonAdapter.string(recipient, "subAddress"),
        null,
        joined(
            "-",
            JsonAdapter.string(recipient, "phoneNumber1"),
            recipient.path("phoneNumber2"),
            recipient.path("phoneNumber3")),
        instant(JsonAdapter.string(order, "orderDatetime")));
  }

  private static String joined(String separator, String first, JsonNode... rest) {
    List<String> parts =
        Stream.concat(
                Stream.of(first),
                Stream.of(rest).map(node -> node.isMissingNode() ? null : node.asText(null)))
            .filter(part -> part != null && !part.isBlank())
            .toList();
    return parts.isEmpty() ? null : String.join(separator, parts);
  }

  /**
   * Reports the shipment of the baskets the lines belong to (updateOrderShipping). Rakuten ships
   * per basket (送付先), so the lines as getOrder returned them are required: their {@code basket_id}
   * names the baskets.
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
    // Limitation: the shipping date is the JST date of now, and carriers outside the mapped
    // ones are reported as 1000 (other) rather than by name.
    List<String> basketIds =
        lines.stream()
            .flatMap(line -> line.ids().optional("basket_id").stream())
            .distinct()
            .toList();
    if (basketIds.isEmpty()) {
      throw new IllegalArgumentException(
          "Rakuten ships per basket: pass the order lines from getOrder, which carry basket_id");
    }
    ObjectNode body = JsonAdapter.object();
    body.put("orderNumber", channelOrderId);
    ArrayNode baskets = body.putArray("BasketidModelList");
    for (String basketId : basketIds) {
      ObjectNode basket = baskets.addObject();
      basket.put("basketId", Long.parseLong(basketId));
      ObjectNode shipping = basket.putArray("ShippingModelList").addObject();
      shipping.put("deliveryCompany", deliveryCompany(carrier));
      shipping.put("shippingNumber", trackingNumber);
      shipping.put("shippingDate", now.atZone(JAPAN).toLocalDate().toString());
    }
    return post(baseUrl, UPDATE_SHIPPING_PATH, body, credentials, List.of());
  }

  static String deliveryCompany(String carrier) {
    if (carrier.matches("\\d{4}")) {
      return carrier;
    }
    return DELIVERY_COMPANIES.getOrDefault(carrier, OTHER_DELIVERY_COMPANY);
  }

  @Override
  public PushResult parseWriteBack(MarketplaceRequest request, MarketplaceResponse response) {
    List<String> errors = errorMessages(JsonAdapter.read(response.body()));
    if (response.isSuccess() && errors.isEmpty()) {
      return new PushResult.Accepted(request.skus());
    }
    if (!errors.isEmpty() && response.status() < 500 && response.status() != 429) {
      return new PushResult.Failed(false, String.join("; ", errors));
    }
    return MarketplaceHttp.failure(response, clock);
  }

  /**
   * The order API answers with a MessageModelList whose ERROR entries say why a call failed, with
   * HTTP 200 or 400 alike.
   */
  private JsonNode orderAnswer(MarketplaceResponse response) {
    // Limitation: a search that finds nothing is assumed to answer without an ERROR entry, as the
    // public clients we checked treat it; if it does not, an empty pull surfaces as a failure.
    JsonNode answer = JsonAdapter.read(response.body());
    List<String> errors = errorMessages(answer);
    if (response.status() == 401) {
      throw new MarketplaceCallException(
          new PushResult.Failed(
              false,
              "Rakuten refused the ESA credentials (the license key expires every 90 days)"));
    }
    if (!response.isSuccess()) {
      throw new MarketplaceCallException(MarketplaceHttp.failure(response, clock));
    }
    if (!errors.isEmpty()) {
      throw new MarketplaceCallException(new PushResult.Failed(false, String.join("; ", errors)));
    }
    return answer;
  }

  private static List<String> errorMessages(JsonNode answer) {
    List<String> errors = new ArrayList<>();
    for (JsonNode message : answer.path("MessageModelList")) {
      if ("ERROR".equals(JsonAdapter.string(message, "messageType"))) {
        errors.add(message.path("messageCode").asText() + ": " + message.path("message").asText());
      }
    }
    return errors;
  }

  private static String reason(JsonNode error) {
    return error.path("code").asText() + ": " + error.path("message").asText();
  }

  static String rmsDateTime(Instant instant) {
    return RMS_DATE_TIME.format(instant.atZone(JAPAN));
  }

  private static Instant instant(String value) {
    if (value == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value, RMS_DATE_TIME).toInstant();
    } catch (DateTimeParseException compact) {
      try {
        return OffsetDateTime.parse(value).toInstant();
      } catch (DateTimeParseException e) {
        return null;
      }
    }
  }

  private MarketplaceRequest post(
      URI baseUrl, String path, ObjectNode body, Credentials credentials, List<String> skus) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", authorization(credentials));
    headers.put("Content-Type", CONTENT_TYPE);
    return new MarketplaceRequest(
        "POST",
        MarketplaceHttp.uri(baseUrl, path, Map.of()),
        headers,
        JsonAdapter.bytes(body),
        skus);
  }

  private static String authorization(Credentials credentials) {
    String pair = credentials.require("service_secret") + ":" + credentials.require("license_key");
    return "ESA " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }
}
