package io.ecengine.loadtest.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecengine.engine.channel.marketplace.Marketplace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Amazon Selling Partner API: Listings Items 2021-08-01 (PATCH of fulfillment_availability and
 * getListingsItem), Orders v0 (getOrders, getOrderItems, confirmShipment). Calls need the seller's
 * {@code x-amz-access-token} (403 Unauthorized otherwise) and the seller's own id and marketplace.
 * Each operation has its usage plan ({@link Quota}); beyond it the answer is 429 QuotaExceeded with
 * the plan's rate in {@code x-amzn-RateLimit-Limit} and no Retry-After, as Amazon answers.
 */
final class AmazonApi extends MarketplaceApi {

  static final String JAPAN_MARKETPLACE = "A1VC38T7YXB528";
  private static final int MAX_PAGE = 100;
  private static final Instant NO_END = Instant.parse("9999-12-31T23:59:59Z");

  AmazonApi(MarketplaceSimulator sim) {
    super(sim);
  }

  @Override
  Marketplace marketplace() {
    return Marketplace.AMAZON;
  }

  @Override
  String prefix() {
    return "/amazon";
  }

  @Override
  Map<String, String> newCredentials(String shopKey) {
    Map<String, String> credentials = new LinkedHashMap<>();
    credentials.put("access_token", "Atza|" + randomHex(40));
    credentials.put("seller_id", shopKey);
    credentials.put("marketplace_id", JAPAN_MARKETPLACE);
    return credentials;
  }

  @Override
  Map<String, String> listingIds(String listingKey, long serial) {
    if (listingKey == null || listingKey.isBlank() || listingKey.length() > 40) {
      throw new IllegalArgumentException("An Amazon listing key is the seller SKU (1-40 chars)");
    }
    return Map.of("seller_sku", listingKey);
  }

  @Override
  SimOrder newOrder(
      SimShop shop, String listingKey, int quantity, String buyerRef, long number, Instant at) {
    return new SimOrder(
        String.format("503-%07d-%07d", (number / 10_000_000) % 10_000_000, number % 10_000_000),
        number,
        listingKey,
        quantity,
        buyerRef,
        at,
        Map.of("order_item_id", String.format("6%013d", number)));
  }

  @Override
  void handle(Exchange exchange) throws IOException {
    List<String> path = exchange.segments();
    Api api = route(exchange.method(), path);
    if (api == null) {
      errors(exchange, 404, "NotFound", "Resource not found.", null);
      return;
    }
    String token = exchange.header("x-amz-access-token");
    Optional<SimShop> found =
        token == null
            ? Optional.empty()
            : sim.shopsOf(marketplace()).stream()
                .filter(shop -> shop.credentials().get("access_token").equals(token))
                .findFirst();
    if (found.isEmpty()
        || ((api == Api.AMAZON_PATCH_LISTING || api == Api.AMAZON_GET_LISTING)
            && !found.get().shopKey().equals(path.get(4)))) {
      found.ifPresent(shop -> exchange.attribute(shop, api));
      errors(exchange, 403, "Unauthorized", "Access to requested resource is denied.", null);
      return;
    }
    SimShop shop = found.get();
    Duration wait = throttle(exchange, shop, api, 1);
    MarketplaceSimulator.Limit plan = sim.settings().limit(api.quota());
    String rate = String.valueOf(plan.perSecond());
    if (wait != null) {
      errors(
          exchange,
          429,
          "QuotaExceeded",
          "You exceeded your quota for the requested resource.",
          rate);
      return;
    }
    switch (api) {
      case AMAZON_PATCH_LISTING -> patchListing(exchange, shop, path.get(5), rate);
      case AMAZON_GET_LISTING -> getListing(exchange, shop, path.get(5), rate);
      case AMAZON_GET_ORDERS -> getOrders(exchange, shop, rate);
      case AMAZON_GET_ORDER_ITEMS -> getOrderItems(exchange, shop, path.get(4), rate);
      case AMAZON_CONFIRM_SHIPMENT -> confirmShipment(exchange, shop, path.get(4), rate);
      default -> throw new IllegalStateException("Not an Amazon call: " + api);
    }
  }

  private static Api route(String method, List<String> path) {
    // ["", "listings", "2021-08-01", "items", sellerId, sku]
    if (method.equals("PATCH")
        && path.size() == 6
        && path.get(1).equals("listings")
        && path.get(2).equals("2021-08-01")
        && path.get(3).equals("items")) {
      return Api.AMAZON_PATCH_LISTING;
    }
    if (method.equals("GET")
        && path.size() == 6
        && path.get(1).equals("listings")
        && path.get(2).equals("2021-08-01")
        && path.get(3).equals("items")) {
      return Api.AMAZON_GET_LISTING;
    }
    if (path.size() >= 4
        && path.get(1).equals("orders")
        && path.get(2).equals("v0")
        && path.get(3).equals("orders")) {
      if (method.equals("GET") && path.size() == 4) {
        return Api.AMAZON_GET_ORDERS;
      }
      if (method.equals("GET") && path.size() == 6 && path.get(5).equals("orderItems")) {
        return Api.AMAZON_GET_ORDER_ITEMS;
      }
      if (method.equals("POST") && path.size() == 6 && path.get(5).equals("shipmentConfirmation")) {
        return Api.AMAZON_CONFIRM_SHIPMENT;
      }
    }
    return null;
  }

  private void patchListing(Exchange exchange, SimShop shop, String sku, String rate)
      throws IOException {
    if (!shop.credentials().get("marketplace_id").equals(exchange.query().get("marketplaceIds"))) {
      errors(exchange, 400, "InvalidInput", "marketplaceIds is invalid.", rate);
      return;
    }
    JsonNode body = json(exchange.body());
    if (body == null
        || body.path("productType").asText("").isBlank()
        || !body.path("patches").isArray()
        || body.path("patches").isEmpty()) {
      errors(exchange, 400, "InvalidInput", "productType and patches are required.", rate);
      return;
    }
    if (!shop.isListed(sku)) {
      errors(exchange, 404, "NOT_FOUND", "SKU not found", rate);
      return;
    }
    Long quantity = null;
    List<String> problems = new ArrayList<>();
    for (JsonNode patch : body.path("patches")) {
      String op = patch.path("op").asText("");
      if (!patch.path("path").asText("").equals("/attributes/fulfillment_availability")) {
        problems.add("Only fulfillment_availability is patched here.");
        continue;
      }
      if (!op.equals("replace") && !op.equals("merge") && !op.equals("add")) {
        problems.add("op must be add, replace or merge.");
        continue;
      }
      JsonNode availability = patch.path("value").path(0);
      JsonNode amount = availability.path("quantity");
      if (!"DEFAULT".equals(availability.path("fulfillment_channel_code").asText())
          || !amount.isIntegralNumber()
          || amount.asLong() < 0) {
        problems.add(
            "fulfillment_availability needs fulfillment_channel_code DEFAULT and a"
                + " quantity of 0 or more.");
        continue;
      }
      quantity = amount.asLong();
    }
    ObjectNode answer = MarketplaceSimulator.JSON.createObjectNode();
    answer.put("sku", sku);
    answer.put("submissionId", randomHex(16));
    ArrayNode issues = answer.putArray("issues");
    if (!problems.isEmpty() || quantity == null) {
      answer.put("status", "INVALID");
      for (String problem : problems.isEmpty() ? List.of("No quantity given.") : problems) {
        ObjectNode issue = issues.addObject();
        issue.put("code", "4000001");
        issue.put("message", problem);
        issue.put("severity", "ERROR");
        issue.putArray("attributeNames").add("fulfillment_availability");
      }
    } else {
      // Limitation: Amazon applies an ACCEPTED patch minutes later; the simulator at once.
      shop.setShown(sku, quantity, exchange.arrivedAt());
      answer.put("status", "ACCEPTED");
    }
    exchange.json(200, answer.toString(), headers(rate));
  }

  /**
   * getListingsItem with the data sets asked for in includedData (summaries by default): the
   * seller-fulfilled quantity the listing shows now under fulfillmentAvailability. A SKU the seller
   * does not list is 404 NOT_FOUND.
   */
  private void getListing(Exchange exchange, SimShop shop, String sku, String rate)
      throws IOException {
    if (!shop.credentials().get("marketplace_id").equals(exchange.query().get("marketplaceIds"))) {
      errors(exchange, 400, "InvalidInput", "marketplaceIds is invalid.", rate);
      return;
    }
    OptionalLong shown = shop.shown(sku);
    if (shown.isEmpty()) {
      errors(exchange, 404, "NOT_FOUND", "SKU '" + sku + "' not found in marketplace.", rate);
      return;
    }
    List<String> included =
        List.of(exchange.query().getOrDefault("includedData", "summaries").split(","));
    ObjectNode answer = MarketplaceSimulator.JSON.createObjectNode();
    answer.put("sku", sku);
    if (included.contains("summaries")) {
      ObjectNode summary = answer.putArray("summaries").addObject();
      summary.put("marketplaceId", JAPAN_MARKETPLACE);
      summary.put("asin", asin(sku));
      summary.put("productType", "PRODUCT");
      summary.put("conditionType", "new_new");
      ArrayNode status = summary.putArray("status");
      status.add("DISCOVERABLE");
      if (shown.getAsLong() > 0) {
        status.add("BUYABLE");
      }
      summary.put("itemName", sku);
    }
    if (included.contains("fulfillmentAvailability")) {
      ObjectNode availability = answer.putArray("fulfillmentAvailability").addObject();
      availability.put("fulfillmentChannelCode", "DEFAULT");
      availability.put("quantity", shown.getAsLong());
    }
    exchange.json(200, answer.toString(), headers(rate));
  }

  private void getOrders(Exchange exchange, SimShop shop, String rate) throws IOException {
    Map<String, String> query = exchange.query();
    Instant after;
    Instant before;
    int offset;
    int pageSize;
    String next = query.get("NextToken");
    if (next != null) {
      String[] token = decodeToken(next);
      if (token == null) {
        errors(exchange, 400, "InvalidInput", "Invalid NextToken.", rate);
        return;
      }
      after = Instant.parse(token[0]);
      before = Instant.parse(token[1]);
      offset = Integer.parseInt(token[2]);
      pageSize = Integer.parseInt(token[3]);
    } else {
      if (!shop.credentials().get("marketplace_id").equals(query.get("MarketplaceIds"))) {
        errors(exchange, 400, "InvalidInput", "MarketplaceIds is invalid.", rate);
        return;
      }
      after = isoTime(query.get("CreatedAfter"));
      before = query.containsKey("CreatedBefore") ? isoTime(query.get("CreatedBefore")) : NO_END;
      pageSize = parse(query.getOrDefault("MaxResultsPerPage", "100"));
      if (after == null || before == null || pageSize < 1 || pageSize > MAX_PAGE) {
        errors(
            exchange,
            400,
            "InvalidInput",
            "CreatedAfter (ISO 8601) is required; MaxResultsPerPage is 1 to 100.",
            rate);
        return;
      }
      offset = 0;
    }
    Instant from = after;
    Instant to = before;
    List<SimOrder> matching =
        shop.ordersSnapshot().stream()
            .filter(order -> !order.placedAt().isBefore(from) && order.placedAt().isBefore(to))
            .toList();
    ObjectNode answer = MarketplaceSimulator.JSON.createObjectNode();
    ObjectNode payload = answer.putObject("payload");
    ArrayNode orders = payload.putArray("Orders");
    int end = Math.min(matching.size(), offset + pageSize);
    for (int i = offset; i < end; i++) {
      SimOrder order = matching.get(i);
      ObjectNode node = orders.addObject();
      node.put("AmazonOrderId", order.id());
      node.put("PurchaseDate", order.placedAt().truncatedTo(ChronoUnit.SECONDS).toString());
      node.put("LastUpdateDate", order.placedAt().truncatedTo(ChronoUnit.SECONDS).toString());
      node.put("OrderStatus", "Unshipped");
      node.put("FulfillmentChannel", "MFN");
      node.put("NumberOfItemsShipped", 0);
      node.put("NumberOfItemsUnshipped", order.quantity());
      node.put("MarketplaceId", JAPAN_MARKETPLACE);
      ObjectNode address = node.putObject("ShippingAddress");
      address.put("StateOrRegion", "東京都");
      address.put("PostalCode", "150-0001");
      address.put("City", "渋谷区");
      address.put("CountryCode", "JP");
    }
    if (end < matching.size()) {
      payload.put("NextToken", encodeToken(from, to, end, pageSize));
    }
    payload.put("CreatedBefore", sim.now().truncatedTo(ChronoUnit.SECONDS).toString());
    exchange.json(200, answer.toString(), headers(rate));
  }

  private void getOrderItems(Exchange exchange, SimShop shop, String orderId, String rate)
      throws IOException {
    Optional<SimOrder> order = shop.order(orderId);
    if (order.isEmpty()) {
      errors(exchange, 404, "NotFound", "Order " + orderId + " not found.", rate);
      return;
    }
    ObjectNode answer = MarketplaceSimulator.JSON.createObjectNode();
    ObjectNode payload = answer.putObject("payload");
    payload.put("AmazonOrderId", orderId);
    ObjectNode item = payload.putArray("OrderItems").addObject();
    item.put("ASIN", asin(order.get().listingKey()));
    item.put("SellerSKU", order.get().listingKey());
    item.put("OrderItemId", order.get().idOf("order_item_id"));
    item.put("QuantityOrdered", order.get().quantity());
    item.put("QuantityShipped", 0);
    exchange.json(200, answer.toString(), headers(rate));
  }

  private void confirmShipment(Exchange exchange, SimShop shop, String orderId, String rate)
      throws IOException {
    Optional<SimOrder> order = shop.order(orderId);
    if (order.isEmpty()) {
      errors(exchange, 404, "NotFound", "Order " + orderId + " not found.", rate);
      return;
    }
    JsonNode body = json(exchange.body());
    JsonNode detail = body == null ? null : body.path("packageDetail");
    if (detail == null
        || !shop.credentials().get("marketplace_id").equals(body.path("marketplaceId").asText())
        || detail.path("packageReferenceId").asText("").isBlank()
        || detail.path("carrierCode").asText("").isBlank()
        || detail.path("trackingNumber").asText("").isBlank()
        || isoTime(detail.path("shipDate").asText(null)) == null) {
      errors(
          exchange,
          400,
          "InvalidInput",
          "marketplaceId and packageDetail (packageReferenceId, carrierCode, trackingNumber,"
              + " shipDate) are required.",
          rate);
      return;
    }
    String carrier = detail.path("carrierCode").asText();
    if (carrier.equals("Others")) {
      carrier = detail.path("carrierName").asText("");
      if (carrier.isBlank()) {
        errors(exchange, 400, "InvalidInput", "carrierName is required for Others.", rate);
        return;
      }
    }
    JsonNode items = detail.path("orderItems");
    if (!items.isArray() || items.isEmpty()) {
      errors(exchange, 400, "InvalidInput", "orderItems is required.", rate);
      return;
    }
    for (JsonNode item : items) {
      if (!order.get().idOf("order_item_id").equals(item.path("orderItemId").asText())
          || item.path("quantity").asInt(0) < 1
          || item.path("quantity").asInt() > order.get().quantity()) {
        errors(exchange, 400, "InvalidInput", "An order item is not in the order.", rate);
        return;
      }
    }
    shop.recordTracking(
        new TrackingRecord(
            orderId, carrier, detail.path("trackingNumber").asText(), exchange.arrivedAt()));
    exchange.respond(204, null, null, headers(rate));
  }

  private static String asin(String sellerSku) {
    return String.format("B0%08X", sellerSku.hashCode() & 0xFFFFFFFFL).substring(0, 10);
  }

  private static Map<String, String> headers(String rate) {
    return Map.of("x-amzn-RateLimit-Limit", rate, "x-amzn-RequestId", randomHex(16));
  }

  private static void errors(
      Exchange exchange, int status, String code, String message, String rate) throws IOException {
    ObjectNode answer = MarketplaceSimulator.JSON.createObjectNode();
    ObjectNode error = answer.putArray("errors").addObject();
    error.put("code", code);
    error.put("message", message);
    error.put("details", "");
    exchange.json(
        status,
        answer.toString(),
        rate == null ? Map.of("x-amzn-RequestId", randomHex(16)) : headers(rate));
  }

  private static JsonNode json(byte[] body) {
    try {
      JsonNode node = MarketplaceSimulator.JSON.readTree(body);
      return node != null && node.isObject() ? node : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static Instant isoTime(String text) {
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static int parse(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String encodeToken(Instant after, Instant before, int offset, int pageSize) {
    String plain = after + "|" + before + "|" + offset + "|" + pageSize;
    return Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  private static String[] decodeToken(String token) {
    try {
      String[] parts =
          new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8).split("\\|");
      if (parts.length != 4) {
        return null;
      }
      Instant.parse(parts[0]);
      Instant.parse(parts[1]);
      Integer.parseInt(parts[2]);
      Integer.parseInt(parts[3]);
      return parts;
    } catch (IllegalArgumentException | DateTimeParseException e) {
      return null;
    }
  }
}
