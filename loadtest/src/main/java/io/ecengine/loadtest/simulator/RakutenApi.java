package io.ecengine.loadtest.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecengine.engine.channel.marketplace.Marketplace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Rakuten RMS: Inventory API 2.0 bulk-upsert and bulk-get, and the Rakuten Pay order API
 * (searchOrder, getOrder, updateOrderShipping). Calls must carry {@code Authorization: ESA
 * base64(serviceSecret:licenseKey)} of a shop; a wrong pair is 401. bulk-upsert stores all items or
 * none: a refused item is named by its property path ({@code inventories[3].quantity}) in a 400,
 * and success is 204. The order API answers with a MessageModelList and wants the content type
 * {@code application/json;charset=utf-8}. Beyond a quota the answer is 429 (Rakuten documents no
 * throttle body; the gateway codes used for 401 and 429 are illustrative).
 */
final class RakutenApi extends MarketplaceApi {

  private static final String BASE = "/es/2.0";
  private static final long MAX_QUANTITY = 99_999;
  private static final int MAX_ITEMS = 400;
  private static final int MAX_READ_ITEMS = 1000;
  private static final DateTimeFormatter ISO_JST = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
  private static final int MAX_GET_ORDER = 100;
  private static final ZoneId JAPAN = ZoneId.of("Asia/Tokyo");
  private static final DateTimeFormatter RMS_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssZ");
  private static final DateTimeFormatter ORDER_DAY = DateTimeFormatter.ofPattern("yyyyMMdd");

  RakutenApi(MarketplaceSimulator sim) {
    super(sim);
  }

  @Override
  Marketplace marketplace() {
    return Marketplace.RAKUTEN;
  }

  @Override
  String prefix() {
    return "/rakuten";
  }

  @Override
  Map<String, String> newCredentials(String shopKey) {
    Map<String, String> credentials = new LinkedHashMap<>();
    credentials.put("service_secret", "SP" + randomHex(4) + "_" + randomHex(12));
    credentials.put("license_key", "SL" + randomHex(4) + "_" + randomHex(12));
    return credentials;
  }

  @Override
  Map<String, String> listingIds(String listingKey, long serial) {
    String[] parts = twoParts(listingKey, "manageNumber:variantId");
    Map<String, String> ids = new LinkedHashMap<>();
    ids.put("manage_number", parts[0]);
    ids.put("variant_id", parts[1]);
    return ids;
  }

  @Override
  SimOrder newOrder(
      SimShop shop, String listingKey, int quantity, String buyerRef, long number, Instant at) {
    String id =
        shop.shopNumber()
            + "-"
            + ORDER_DAY.format(at.atZone(JAPAN))
            + "-"
            + String.format("%010d", number);
    return new SimOrder(
        id,
        number,
        listingKey,
        quantity,
        buyerRef,
        at,
        Map.of("basket_id", String.valueOf(90_000_000L + number)));
  }

  @Override
  void handle(Exchange exchange) throws IOException {
    String path = exchange.rawPath();
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    Api api =
        switch (path) {
          case BASE + "/inventories/bulk-upsert" -> Api.RAKUTEN_BULK_UPSERT;
          case BASE + "/inventories/bulk-get" -> Api.RAKUTEN_BULK_GET;
          case BASE + "/order/searchOrder" -> Api.RAKUTEN_SEARCH_ORDER;
          case BASE + "/order/getOrder" -> Api.RAKUTEN_GET_ORDER;
          case BASE + "/order/updateOrderShipping" -> Api.RAKUTEN_UPDATE_SHIPPING;
          default -> null;
        };
    if (api == null || !exchange.method().equals("POST")) {
      gatewayError(exchange, 404, "ES01-01", "Not Found");
      return;
    }
    Optional<SimShop> found = shopOf(exchange.header("Authorization"));
    if (found.isEmpty()) {
      gatewayError(exchange, 401, "ES04-01", "Unauthorized");
      return;
    }
    SimShop shop = found.get();
    exchange.attribute(shop, api);
    String contentType = exchange.header("Content-Type");
    boolean orderApi = api != Api.RAKUTEN_BULK_UPSERT && api != Api.RAKUTEN_BULK_GET;
    if (contentType == null
        || (orderApi
            ? !contentType.equalsIgnoreCase("application/json;charset=utf-8")
            : !contentType.toLowerCase().startsWith("application/json"))) {
      gatewayError(exchange, 415, "ES01-02", "Unsupported Media Type");
      return;
    }
    Duration wait = throttle(exchange, shop, api, 1);
    if (wait != null) {
      exchange.json(
          429,
          "{\"Results\":{\"errorCode\":\"ES04-04\",\"message\":\"Too Many Requests\"}}",
          Map.of());
      return;
    }
    JsonNode body;
    try {
      body = MarketplaceSimulator.JSON.readTree(exchange.body());
    } catch (IOException e) {
      body = null;
    }
    if (body == null || !body.isObject()) {
      if (orderApi) {
        orderError(exchange, "ORDER_EXT_API_COMMON_ERROR_001", "Request body is not JSON.");
      } else {
        inventoryErrors(exchange, List.of(itemError("IE0001", "Request body is not JSON.", "")));
      }
      return;
    }
    switch (api) {
      case RAKUTEN_BULK_UPSERT -> bulkUpsert(exchange, shop, body);
      case RAKUTEN_BULK_GET -> bulkGet(exchange, shop, body);
      case RAKUTEN_SEARCH_ORDER -> searchOrder(exchange, shop, body);
      case RAKUTEN_GET_ORDER -> getOrder(exchange, shop, body);
      case RAKUTEN_UPDATE_SHIPPING -> updateShipping(exchange, shop, body);
      default -> throw new IllegalStateException("Not a Rakuten call: " + api);
    }
  }

  private Optional<SimShop> shopOf(String authorization) {
    if (authorization == null || !authorization.startsWith("ESA ")) {
      return Optional.empty();
    }
    String pair;
    try {
      pair =
          new String(
              Base64.getDecoder().decode(authorization.substring(4).trim()),
              StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = pair.indexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    String secret = pair.substring(0, colon);
    String license = pair.substring(colon + 1);
    return sim.shopsOf(marketplace()).stream()
        .filter(shop -> shop.credentials().get("service_secret").equals(secret))
        .filter(shop -> shop.credentials().get("license_key").equals(license))
        .findFirst();
  }

  private void bulkUpsert(Exchange exchange, SimShop shop, JsonNode body) throws IOException {
    JsonNode inventories = body.path("inventories");
    if (!inventories.isArray() || inventories.isEmpty() || inventories.size() > MAX_ITEMS) {
      inventoryErrors(
          exchange,
          List.of(itemError("IE0001", "inventories must hold 1 to 400 items.", "inventories")));
      return;
    }
    List<ObjectNode> errors = new ArrayList<>();
    Map<String, Long> updates = new LinkedHashMap<>();
    for (int i = 0; i < inventories.size(); i++) {
      JsonNode item = inventories.get(i);
      String at = "inventories[" + i + "]";
      String manageNumber = item.path("manageNumber").asText("");
      String variantId = item.path("variantId").asText("");
      String mode = item.path("mode").asText("");
      JsonNode quantity = item.path("quantity");
      String listingKey = manageNumber + ":" + variantId;
      Optional<SimShop.Listing> listing =
          manageNumber.isEmpty() || variantId.isEmpty()
              ? Optional.empty()
              : shop.listing(listingKey);
      if (listing.isEmpty()) {
        errors.add(
            itemError("IE0105", "The item or its variant does not exist.", at + ".variantId"));
        continue;
      }
      if (!mode.equals("ABSOLUTE") && !mode.equals("RELATIVE")) {
        errors.add(itemError("IE0002", "mode must be ABSOLUTE or RELATIVE.", at + ".mode"));
        continue;
      }
      if (!quantity.isIntegralNumber()) {
        errors.add(itemError("IE0003", "quantity must be a whole number.", at + ".quantity"));
        continue;
      }
      long base =
          mode.equals("RELATIVE")
              ? updates.getOrDefault(listingKey, currentShown(shop, listingKey))
              : 0;
      long result = base + quantity.asLong();
      if (result < 0 || result > MAX_QUANTITY) {
        errors.add(itemError("IE0003", "quantity must be between 0 and 99999.", at + ".quantity"));
        continue;
      }
      updates.put(listingKey, result);
    }
    if (!errors.isEmpty()) {
      inventoryErrors(exchange, errors);
      return;
    }
    updates.forEach((key, quantity) -> shop.setShown(key, quantity, exchange.arrivedAt()));
    exchange.empty(204);
  }

  /**
   * The quantity each named item shows now, with the times its stock was first and last set.
   * Rakuten keeps manage numbers in lower case, so an item is found under either spelling; items
   * the shop does not have are left out of the answer.
   */
  private void bulkGet(Exchange exchange, SimShop shop, JsonNode body) throws IOException {
    JsonNode inventories = body.path("inventories");
    if (!inventories.isArray() || inventories.isEmpty() || inventories.size() > MAX_READ_ITEMS) {
      inventoryErrors(
          exchange,
          List.of(itemError("IE0001", "inventories must hold 1 to 1000 items.", "inventories")));
      return;
    }
    ArrayNode found = MarketplaceSimulator.JSON.createArrayNode();
    for (JsonNode item : inventories) {
      String manageNumber = item.path("manageNumber").asText("");
      String variantId = item.path("variantId").asText("");
      String listingKey = manageNumber + ":" + variantId;
      if (!shop.isListed(listingKey)) {
        listingKey = manageNumber.toLowerCase(Locale.ROOT) + ":" + variantId;
      }
      if (manageNumber.isEmpty() || variantId.isEmpty() || !shop.isListed(listingKey)) {
        continue;
      }
      List<StockRecord> history = shop.history(listingKey);
      Instant created = history.isEmpty() ? exchange.arrivedAt() : history.get(0).at();
      Instant updated =
          history.isEmpty() ? exchange.arrivedAt() : history.get(history.size() - 1).at();
      ObjectNode inventory = found.addObject();
      inventory.put("manageNumber", manageNumber.toLowerCase(Locale.ROOT));
      inventory.put("variantId", variantId);
      inventory.put("quantity", currentShown(shop, listingKey));
      inventory.put("created", jst(created));
      inventory.put("updated", jst(updated));
    }
    ObjectNode answer = MarketplaceSimulator.JSON.createObjectNode();
    answer.set("inventories", found);
    exchange.json(200, answer.toString());
  }

  private static String jst(Instant at) {
    return ISO_JST.format(at.atZone(JAPAN).toOffsetDateTime().truncatedTo(ChronoUnit.SECONDS));
  }

  private static long currentShown(SimShop shop, String listingKey) {
    return shop.shown(listingKey).orElse(0);
  }

  private void searchOrder(Exchange exchange, SimShop shop, JsonNode body) throws IOException {
    Instant start = rmsTime(body.path("startDatetime").asText(null));
    Instant end = rmsTime(body.path("endDatetime").asText(null));
    if (start == null || end == null || end.isBefore(start)) {
      orderError(
          exchange,
          "ORDER_EXT_API_SEARCH_ORDER_ERROR_012",
          "startDatetime and endDatetime are required, start before end.");
      return;
    }
    if (Duration.between(start, end).compareTo(Duration.ofDays(63)) > 0) {
      orderError(exchange, "ORDER_EXT_API_SEARCH_ORDER_ERROR_014", "The period exceeds 63 days.");
      return;
    }
    JsonNode pagination = body.path("PaginationRequestModel");
    int perPage = pagination.path("requestRecordsAmount").asInt(30);
    int page = pagination.path("requestPage").asInt(1);
    if (perPage < 30 || perPage > 1000 || page < 1) {
      orderError(
          exchange,
          "ORDER_EXT_API_SEARCH_ORDER_ERROR_030",
          "requestRecordsAmount must be 30 to 1000 and requestPage 1 or more.");
      return;
    }
    List<SimOrder> matching =
        shop.ordersSnapshot().stream()
            .filter(o -> !o.placedAt().truncatedTo(ChronoUnit.SECONDS).isBefore(start))
            .filter(o -> !o.placedAt().truncatedTo(ChronoUnit.SECONDS).isAfter(end))
            .toList();
    int pages = (matching.size() + perPage - 1) / perPage;
    ObjectNode answer = MarketplaceSimulator.JSON.createObjectNode();
    info(answer, "ORDER_EXT_API_SEARCH_ORDER_INFO_101", "注文検索に成功しました。");
    ArrayNode numbers = answer.putArray("orderNumberList");
    for (int i = (page - 1) * perPage; i < Math.min(matching.size(), page * perPage); i++) {
      numbers.add(matching.get(i).id());
    }
    ObjectNode pageModel = answer.putObject("PaginationResponseModel");
    pageModel.put("totalRecordsAmount", matching.size());
    pageModel.put("totalPages", pages);
    pageModel.put("requestPage", page);
    exchange.json(200, answer.toString());
  }

  private void getOrder(Exchange exchange, SimShop shop, JsonNode body) throws IOException {
    JsonNode numbers = body.path("orderNumberList");
    if (!numbers.isArray() || numbers.isEmpty() || numbers.size() > MAX_GET_ORDER) {
      orderError(
          exchange, "ORDER_EXT_API_GET_ORDER_ERROR_001", "orderNumberList takes 1 to 100 orders.");
      return;
    }
    int version = body.path("version").asInt(1);
    ObjectNode answer = MarketplaceSimulator.JSON.createObjectNode();
    ArrayNode messages = answer.putArray("MessageModelList");
    ArrayNode orders = answer.putArray("OrderModelList");
    for (JsonNode number : numbers) {
      Optional<SimOrder> order = shop.order(number.asText());
      ObjectNode message = messages.addObject();
      if (order.isPresent()) {
        message.put("messageType", "INFO");
        message.put("messageCode", "ORDER_EXT_API_GET_ORDER_INFO_101");
        message.put("message", "受注情報取得に成功しました。");
        orders.add(orderModel(order.get(), version));
      } else {
        message.put("messageType", "WARNING");
        message.put("messageCode", "ORDER_EXT_API_GET_ORDER_WARNING_101");
        message.put("message", "指定された受注番号が存在しません。");
      }
      message.put("orderNumber", number.asText());
    }
    exchange.json(200, answer.toString());
  }

  private static ObjectNode orderModel(SimOrder order, int version) {
    String[] ids = twoParts(order.listingKey(), "manageNumber:variantId");
    ObjectNode node = MarketplaceSimulator.JSON.createObjectNode();
    node.put("orderNumber", order.id());
    node.put("orderProgress", 100);
    node.put("orderDatetime", RMS_TIME.format(order.placedAt().atZone(JAPAN)));
    ObjectNode orderer = node.putObject("OrdererModel");
    person(orderer, order);
    orderer.put("emailAddress", "s" + order.number() + "@pc.fw.rakuten.ne.jp");
    ObjectNode basket = node.putArray("PackageModelList").addObject();
    basket.put("basketId", Long.parseLong(order.idOf("basket_id")));
    person(basket.putObject("SenderModel"), order);
    ObjectNode item = basket.putArray("ItemModelList").addObject();
    item.put("itemDetailId", order.number());
    item.put("itemName", ids[0]);
    item.put("itemId", 10_000_000L + Math.abs(ids[0].hashCode() % 1_000_000));
    item.put("itemNumber", ids[0]);
    item.put("manageNumber", ids[0]);
    item.put("units", order.quantity());
    item.put("deleteItemFlag", 0);
    ObjectNode sku = item.putArray("SkuModelList").addObject();
    if (version >= 7) {
      sku.put("variantId", ids[1]);
    }
    return node;
  }

  private static void person(ObjectNode node, SimOrder order) {
    node.put("zipCode1", "150");
    node.put("zipCode2", "0001");
    node.put("prefecture", "東京都");
    node.put("city", "渋谷区");
    node.put("subAddress", "神宮前1-2-3");
    node.put("familyName", order.buyerRef());
    node.put("firstName", "");
    node.put("phoneNumber1", "090");
    node.put("phoneNumber2", "0000");
    node.put("phoneNumber3", String.format("%04d", order.number() % 10_000));
  }

  private void updateShipping(Exchange exchange, SimShop shop, JsonNode body) throws IOException {
    Optional<SimOrder> order = shop.order(body.path("orderNumber").asText(""));
    if (order.isEmpty()) {
      orderError(
          exchange, "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_002", "The order does not exist.");
      return;
    }
    JsonNode baskets = body.path("BasketidModelList");
    if (!baskets.isArray() || baskets.isEmpty()) {
      orderError(
          exchange, "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_003", "BasketidModelList is empty.");
      return;
    }
    List<TrackingRecord> reports = new ArrayList<>();
    for (JsonNode basket : baskets) {
      if (!order.get().idOf("basket_id").equals(basket.path("basketId").asText())) {
        orderError(
            exchange,
            "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_004",
            "The basket does not belong to the order.");
        return;
      }
      for (JsonNode shipping : basket.path("ShippingModelList")) {
        String company = shipping.path("deliveryCompany").asText("");
        String number = shipping.path("shippingNumber").asText("");
        String date = shipping.path("shippingDate").asText("");
        if (!company.matches("\\d{4}") || number.isBlank() || !isDate(date)) {
          orderError(
              exchange,
              "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_010",
              "deliveryCompany, shippingNumber and shippingDate (yyyy-MM-dd) are required.");
          return;
        }
        reports.add(new TrackingRecord(order.get().id(), company, number, exchange.arrivedAt()));
      }
    }
    if (reports.isEmpty()) {
      orderError(
          exchange, "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_003", "ShippingModelList is empty.");
      return;
    }
    reports.forEach(shop::recordTracking);
    ObjectNode answer = MarketplaceSimulator.JSON.createObjectNode();
    info(answer, "ORDER_EXT_API_UPDATE_ORDERSHIPPING_INFO_101", "発送情報の更新を受け付けました。");
    exchange.json(200, answer.toString());
  }

  private static boolean isDate(String text) {
    try {
      LocalDate.parse(text);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static Instant rmsTime(String text) {
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text, RMS_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static void info(ObjectNode answer, String code, String message) {
    ObjectNode entry = answer.putArray("MessageModelList").addObject();
    entry.put("messageType", "INFO");
    entry.put("messageCode", code);
    entry.put("message", message);
  }

  private static void orderError(Exchange exchange, String code, String message)
      throws IOException {
    ObjectNode answer = MarketplaceSimulator.JSON.createObjectNode();
    ObjectNode entry = answer.putArray("MessageModelList").addObject();
    entry.put("messageType", "ERROR");
    entry.put("messageCode", code);
    entry.put("message", message);
    exchange.json(400, answer.toString());
  }

  private static ObjectNode itemError(String code, String message, String propertyPath) {
    ObjectNode error = MarketplaceSimulator.JSON.createObjectNode();
    error.put("code", code);
    error.put("message", message);
    error.putObject("metadata").put("propertyPath", propertyPath);
    return error;
  }

  private static void inventoryErrors(Exchange exchange, List<ObjectNode> errors)
      throws IOException {
    ObjectNode answer = MarketplaceSimulator.JSON.createObjectNode();
    ArrayNode list = answer.putArray("errors");
    errors.forEach(list::add);
    exchange.json(400, answer.toString());
  }

  private static void gatewayError(Exchange exchange, int status, String code, String message)
      throws IOException {
    ObjectNode answer = MarketplaceSimulator.JSON.createObjectNode();
    ObjectNode results = answer.putObject("Results");
    results.put("errorCode", code);
    results.put("message", message);
    exchange.json(status, answer.toString());
  }
}
