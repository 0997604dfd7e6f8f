package io.ecengine.engine.channel.marketplace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Amazon Selling Partner API: Listings Items 2021-08-01 for stock, Orders v0 for orders.
 *
 * <p>Credentials: {@code access_token} (a Login with Amazon access token, sent in {@code
 * x-amz-access-token}; it lasts an hour), {@code seller_id}, {@code marketplace_id} (A1VC38T7YXB528
 * for Japan). Listing ids: {@code seller_sku}; optional {@code product_type} (default {@value
 * #DEFAULT_PRODUCT_TYPE}).
 *
 * <p>A stock push is one PATCH per SKU that replaces {@code fulfillment_availability} for the
 * seller-fulfilled channel. Amazon answers ACCEPTED and applies it asynchronously, so ACCEPTED
 * means queued, not yet sellable. A stock read is one getListingsItem per SKU with its
 * fulfillmentAvailability, which shows what Amazon has applied so far.
 */
public final class AmazonAdapter implements MarketplaceAdapter {

  static final String LISTINGS_PATH = "/listings/2021-08-01/items/%s/%s";
  static final String ORDERS_PATH = "/orders/v0/orders";
  static final String ORDER_ITEMS_PATH = "/orders/v0/orders/%s/orderItems";
  static final String CONFIRM_SHIPMENT_PATH = "/orders/v0/orders/%s/shipmentConfirmation";

  // The generic product type Amazon accepts on a patch that only touches offer attributes.
  static final String DEFAULT_PRODUCT_TYPE = "PRODUCT";
  // Seller-fulfilled (merchant) stock; FBA stock is Amazon's to count.
  static final String FULFILLMENT_CHANNEL = "DEFAULT";
  static final int ORDERS_PER_PAGE = 100;
  static final String FULFILLMENT_AVAILABILITY = "fulfillmentAvailability";

  // Amazon's carrierCode values for the carriers we name; others go as "Others" with a name.
  private static final Map<String, String> CARRIER_CODES =
      Map.of(
          "yamato", "Yamato Transport",
          "sagawa", "Sagawa Express",
          "japan_post", "Japan Post");
  private static final String OTHER_CARRIER = "Others";

  private final String patchOperation;
  private final Clock clock;

  public AmazonAdapter() {
    this("replace", Clock.systemUTC());
  }

  /**
   * @param patchOperation the JSON Patch operation on fulfillment_availability: "replace" is what
   *     Amazon's published examples use; "merge" is also accepted by the API
   * @param clock used only to resolve a Retry-After date when the answer has no Date header
   */
  public AmazonAdapter(String patchOperation, Clock clock) {
    if (!patchOperation.equals("replace") && !patchOperation.equals("merge")) {
      throw new IllegalArgumentException("patchOperation must be replace or merge");
    }
    this.patchOperation = patchOperation;
    this.clock = clock;
  }

  @Override
  public Marketplace marketplace() {
    return Marketplace.AMAZON;
  }

  @Override
  public List<String> requiredCredentialKeys() {
    return List.of("access_token", "seller_id", "marketplace_id");
  }

  @Override
  public List<String> requiredListingKeys() {
    return List.of("seller_sku");
  }

  @Override
  public List<MarketplaceRequest> stockUpdate(
      URI baseUrl, Credentials credentials, List<StockPush> pushes, Instant now) {
    pushes.forEach(push -> validate(push.ids()));
    return pushes.stream().map(push -> patch(baseUrl, credentials, push)).toList();
  }

  private MarketplaceRequest patch(URI baseUrl, Credentials credentials, StockPush push) {
    ObjectNode body = JsonAdapter.object();
    body.put("productType", push.ids().optional("product_type").orElse(DEFAULT_PRODUCT_TYPE));
    ObjectNode patch = body.putArray("patches").addObject();
    patch.put("op", patchOperation);
    patch.put("path", "/attributes/fulfillment_availability");
    ObjectNode availability = patch.putArray("value").addObject();
    availability.put("fulfillment_channel_code", FULFILLMENT_CHANNEL);
    availability.put("quantity", Math.max(0, push.quantity()));

    return new MarketplaceRequest(
        "PATCH",
        MarketplaceHttp.uri(
            baseUrl,
            listingPath(credentials, push.ids()),
            Map.of("marketplaceIds", credentials.require("marketplace_id"))),
        headers(credentials),
        JsonAdapter.bytes(body),
        List.of(push.sku()));
  }

  /**
   * ACCEPTED takes the SKU (warnings included); INVALID, or an ERROR issue, rejects it with the
   * issues' messages, as does a 400 or 404 about the one SKU the call carried.
   */
  @Override
  public PushResult parseStockUpdate(MarketplaceRequest request, MarketplaceResponse response) {
    JsonNode answer = JsonAdapter.read(response.body());
    if (response.isSuccess()) {
      List<String> errors = new ArrayList<>();
      for (JsonNode issue : answer.path("issues")) {
        if ("ERROR".equals(JsonAdapter.string(issue, "severity"))) {
          errors.add(issue.path("code").asText() + ": " + issue.path("message").asText());
        }
      }
      if ("ACCEPTED".equals(JsonAdapter.string(answer, "status")) && errors.isEmpty()) {
        return new PushResult.Accepted(request.skus());
      }
      String reason =
          errors.isEmpty()
              ? "Amazon answered status " + JsonAdapter.string(answer, "status")
              : String.join("; ", errors);
      return rejectAll(request, reason);
    }
    if ((response.status() == 400 || response.status() == 404) && !errors(answer).isEmpty()) {
      return rejectAll(request, errors(answer));
    }
    return failure(response);
  }

  private static PushResult rejectAll(MarketplaceRequest request, String reason) {
    Map<String, String> rejected = new LinkedHashMap<>();
    request.skus().forEach(sku -> rejected.put(sku, reason));
    return new PushResult.PartlyRejected(List.of(), rejected);
  }

  /** getListingsItem with only the fulfillmentAvailability data set, one SKU a call. */
  @Override
  public List<MarketplaceRequest> stockRead(
      URI baseUrl, Credentials credentials, List<ListingRef> listings, Instant now) {
    listings.forEach(listing -> validate(listing.ids()));
    return listings.stream()
        .map(
            listing -> {
              Map<String, String> query = new LinkedHashMap<>();
              query.put("marketplaceIds", credentials.require("marketplace_id"));
              query.put("includedData", FULFILLMENT_AVAILABILITY);
              return new MarketplaceRequest(
                  "GET",
                  MarketplaceHttp.uri(baseUrl, listingPath(credentials, listing.ids()), query),
                  headers(credentials),
                  new byte[0],
                  List.of(listing.sku()));
            })
        .toList();
  }

  /**
   * The quantity of the seller-fulfilled (DEFAULT) entry of {@code fulfillmentAvailability}. A 404
   * means Amazon has no listing of that SKU for the seller: the SKU is missing from the map, and
   * the channel's other reads go on.
   */
  @Override
  public Map<String, Long> parseStockRead(
      MarketplaceRequest request, MarketplaceResponse response) {
    if (response.status() == 404) {
      return Map.of();
    }
    if (!response.isSuccess()) {
      throw new MarketplaceCallException(failure(response));
    }
    JsonNode answer = JsonAdapter.read(response.body());
    if (answer.isMissingNode() || request.skus().isEmpty()) {
      throw new MarketplaceCallException(
          new PushResult.Failed(
              true, "Unreadable Amazon answer" + MarketplaceHttp.snippet(response)));
    }
    String asked = requestedSellerSku(request);
    String answered = JsonAdapter.string(answer, "sku");
    if (answered != null && !answered.equals(asked)) {
      return Map.of();
    }
    for (JsonNode availability : answer.path("fulfillmentAvailability")) {
      if (FULFILLMENT_CHANNEL.equals(JsonAdapter.string(availability, "fulfillmentChannelCode"))
          && availability.path("quantity").isIntegralNumber()) {
        return Map.of(request.skus().get(0), availability.path("quantity").asLong());
      }
    }
    return Map.of();
  }

  /**
   * The seller SKU a listings call names: the last segment of its raw path, decoded (a SKU may hold
   * an encoded '/'; a '+' in it was encoded too, so decoding cannot turn one into a space).
   */
  private static String requestedSellerSku(MarketplaceRequest request) {
    String path = request.uri().getRawPath();
    return URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1), StandardCharsets.UTF_8);
  }

  private static String listingPath(Credentials credentials, ListingIds ids) {
    return String.format(
        LISTINGS_PATH,
        MarketplaceHttp.pathSegment(credentials.require("seller_id")),
        MarketplaceHttp.pathSegment(ids.require("seller_sku")));
  }

  /**
   * Throttling answers 429 QuotaExceeded, usually without Retry-After; then the rate in {@code
   * x-amzn-RateLimit-Limit} (requests a second) says when one more call is allowed.
   */
  private PushResult failure(MarketplaceResponse response) {
    if (response.status() == 429) {
      Optional<Duration> wait = MarketplaceHttp.retryAfter(response, clock);
      if (wait.isEmpty()) {
        wait = response.header("x-amzn-RateLimit-Limit").flatMap(AmazonAdapter::oneCallAt);
      }
      return new PushResult.Throttled(wait.orElse(null));
    }
    return MarketplaceHttp.failure(response, clock);
  }

  private static Optional<Duration> oneCallAt(String requestsPerSecond) {
    try {
      double rate = Double.parseDouble(requestsPerSecond.trim());
      return rate > 0
          ? Optional.of(Duration.ofMillis((long) Math.ceil(1000 / rate)))
          : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String errors(JsonNode answer) {
    List<String> errors = new ArrayList<>();
    for (JsonNode error : answer.path("errors")) {
      errors.add(error.path("code").asText() + ": " + error.path("message").asText());
    }
    return String.join("; ", errors);
  }

  /**
   * getOrders, created at or after {@code since}. A next page is asked for with its NextToken (and
   * the marketplace), which stands in for the other filters.
   */
  @Override
  public MarketplaceRequest orderPull(
      URI baseUrl, Credentials credentials, Instant since, String pageToken, Instant now) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("MarketplaceIds", credentials.require("marketplace_id"));
    if (pageToken == null) {
      query.put("CreatedAfter", since.truncatedTo(ChronoUnit.SECONDS).toString());
      query.put("MaxResultsPerPage", String.valueOf(ORDERS_PER_PAGE));
    } else {
      query.put("NextToken", pageToken);
    }
    return new MarketplaceRequest(
        "GET",
        MarketplaceHttp.uri(baseUrl, ORDERS_PATH, query),
        headers(credentials),
        new byte[0],
        List.of());
  }

  /**
   * Orders without their items, which getOrders does not return: every order is also listed in
   * {@code orderIdsToFetch}, and its lines come from {@link #orderDetails} (merge them with {@link
   * MarketplaceOrder#withLines}).
   */
  @Override
  public OrderPage parseOrderPull(MarketplaceResponse response) {
    // Limitation: buyer name, e-mail, phone and street lines are only sent with a restricted data
    // token, which this adapter does not request; without one they are null.
    JsonNode payload = payload(response);
    List<MarketplaceOrder> orders = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (JsonNode order : payload.path("Orders")) {
      JsonNode address = order.path("ShippingAddress");
      JsonNode buyer = order.path("BuyerInfo");
      String id = order.path("AmazonOrderId").asText();
      ids.add(id);
      orders.add(
          new MarketplaceOrder(
              id,
              List.of(),
              Optional.ofNullable(JsonAdapter.string(buyer, "BuyerName"))
                  .orElse(JsonAdapter.string(address, "Name")),
              JsonAdapter.string(buyer, "BuyerEmail"),
              JsonAdapter.string(address, "PostalCode"),
              JsonAdapter.string(address, "StateOrRegion"),
              JsonAdapter.string(address, "City"),
              JsonAdapter.string(address, "AddressLine1"),
              JsonAdapter.string(address, "AddressLine2"),
              JsonAdapter.string(address, "Phone"),
              instant(JsonAdapter.string(order, "PurchaseDate"))));
    }
    return new OrderPage(orders, JsonAdapter.string(payload, "NextToken"), ids);
  }

  /** getOrderItems, one call per order. */
  @Override
  public List<MarketplaceRequest> orderDetails(
      URI baseUrl, Credentials credentials, List<String> channelOrderIds, Instant now) {
    // Limitation: an order with more items than one page of getOrderItems (its NextToken) is
    // read from the first page only.
    return channelOrderIds.stream()
        .map(
            id ->
                new MarketplaceRequest(
                    "GET",
                    MarketplaceHttp.uri(
                        baseUrl,
                        String.format(ORDER_ITEMS_PATH, MarketplaceHttp.pathSegment(id)),
                        Map.of()),
                    headers(credentials),
                    new byte[0],
                    List.of()))
        .toList();
  }

  /** One order known by id with its lines; the rest of it came from the pull. */
  @Override
  public List<MarketplaceOrder> parseOrderDetails(MarketplaceResponse response) {
    JsonNode payload = payload(response);
    List<MarketplaceOrder.Line> lines = new ArrayList<>();
    for (JsonNode item : payload.path("OrderItems")) {
      Map<String, String> ids = new LinkedHashMap<>();
      ids.put("seller_sku", item.path("SellerSKU").asText());
      ids.put("order_item_id", item.path("OrderItemId").asText());
      Optional.ofNullable(JsonAdapter.string(item, "ASIN"))
          .ifPresent(asin -> ids.put("asin", asin));
      lines.add(
          new MarketplaceOrder.Line(new ListingIds(ids), item.path("QuantityOrdered").asLong()));
    }
    return List.of(
        MarketplaceOrder.idOnly(payload.path("AmazonOrderId").asText()).withLines(lines));
  }

  private JsonNode payload(MarketplaceResponse response) {
    if (!response.isSuccess()) {
      throw new MarketplaceCallException(failure(response));
    }
    JsonNode answer = JsonAdapter.read(response.body());
    if (answer.path("payload").isMissingNode()) {
      throw new MarketplaceCallException(
          new PushResult.Failed(
              true, "Amazon answer without a payload" + MarketplaceHttp.snippet(response)));
    }
    return answer.path("payload");
  }

  /**
   * confirmShipment for the given lines, which must carry their {@code order_item_id} (Amazon
   * confirms shipments item by item).
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
    // Limitation: every call is package 1 of the order, so a second parcel of the same order
    // needs its own reference id, which this adapter does not yet number.
    if (lines.isEmpty()
        || lines.stream().anyMatch(line -> line.ids().optional("order_item_id").isEmpty())) {
      throw new IllegalArgumentException(
          "Amazon confirms shipments per item: pass the order lines with their order_item_id");
    }
    ObjectNode body = JsonAdapter.object();
    ObjectNode detail = body.putObject("packageDetail");
    detail.put("packageReferenceId", "1");
    String carrierCode = CARRIER_CODES.getOrDefault(carrier, OTHER_CARRIER);
    detail.put("carrierCode", carrierCode);
    if (carrierCode.equals(OTHER_CARRIER)) {
      detail.put("carrierName", carrier);
    }
    detail.put("trackingNumber", trackingNumber);
    detail.put("shipDate", now.truncatedTo(ChronoUnit.SECONDS).toString());
    ArrayNode items = detail.putArray("orderItems");
    for (MarketplaceOrder.Line line : lines) {
      ObjectNode item = items.addObject();
      item.put("orderItemId", line.ids().require("order_item_id"));
      item.put("quantity", line.quantity());
    }
    body.put("marketplaceId", credentials.require("marketplace_id"));
    return new MarketplaceRequest(
        "POST",
        MarketplaceHttp.uri(
            baseUrl,
            String.format(CONFIRM_SHIPMENT_PATH, MarketplaceHttp.pathSegment(channelOrderId)),
            Map.of()),
        headers(credentials),
        JsonAdapter.bytes(body),
        List.of());
  }

  /** 204 confirms the shipment; 400 carries Amazon's errors. */
  @Override
  public PushResult parseWriteBack(MarketplaceRequest request, MarketplaceResponse response) {
    if (response.isSuccess()) {
      return new PushResult.Accepted(request.skus());
    }
    String errors = errors(JsonAdapter.read(response.body()));
    if (response.status() == 400 && !errors.isEmpty()) {
      return new PushResult.Failed(false, errors);
    }
    return failure(response);
  }

  private static Map<String, String> headers(Credentials credentials) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("x-amz-access-token", credentials.require("access_token"));
    headers.put("Content-Type", "application/json");
    headers.put("Accept", "application/json");
    return headers;
  }

  private static Instant instant(String value) {
    if (value == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
