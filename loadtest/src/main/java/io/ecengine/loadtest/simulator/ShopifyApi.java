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
import java.time.ZoneId;
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
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shopify Admin GraphQL API: the engine's inventorySetQuantities, inventory levels, orders and
 * nodes queries and fulfillmentCreate, at {@code /admin/api/{version}/graphql.json} of the shop's
 * domain. Calls need the shop's {@code X-Shopify-Access-Token} (401 otherwise). Throttling is by
 * query cost as Shopify does it: a call's requested cost must be in the shop's bucket ({@link
 * Quota#SHOPIFY_COST}) or the answer is a THROTTLED error under HTTP 200, with the bucket in {@code
 * extensions.cost}; what a query did not use is refunded. Costs are computed from the engine's
 * selections the way Shopify counts them (1 per object, a connection's page size times its node),
 * which is an approximation. New orders are sent as signed {@code orders/create} webhooks.
 */
final class ShopifyApi extends MarketplaceApi {

  /** What a mutation costs. */
  static final int MUTATION_COST = 10;

  /** What each inventory item of a stock read costs: the item, its level and its quantity. */
  static final int READ_COST_PER_ITEM = 3;

  private static final int MAX_QUERY_COST = 1000;
  private static final int LINES_PER_ORDER = 50;
  private static final int FULFILLMENT_ORDERS_PER_ORDER = 3;
  // One order node as the engine selects it: the order and its address, 50 lines of three
  // objects and 3 fulfillment orders of three objects, each connection costing 2.
  private static final int ORDER_NODE_COST =
      1 + 1 + (2 + LINES_PER_ORDER * 3) + (2 + FULFILLMENT_ORDERS_PER_ORDER * 3);
  private static final Pattern VERSION = Pattern.compile("\\d{4}-\\d{2}");
  private static final Pattern CREATED_AT =
      Pattern.compile("created_at:(>=|>)'?([0-9T:.+\\-Z]+)'?");
  private static final Set<String> REASONS =
      Set.of(
          "correction",
          "cycle_count_available",
          "damaged",
          "movement_created",
          "movement_updated",
          "movement_received",
          "movement_canceled",
          "other",
          "promotion",
          "quality_control",
          "received",
          "reservation_created",
          "reservation_deleted",
          "reservation_updated",
          "restock",
          "safety_stock",
          "shrinkage");
  private static final ZoneId JAPAN = ZoneId.of("Asia/Tokyo");

  private final Map<String, Boolean> fulfilled = new java.util.concurrent.ConcurrentHashMap<>();

  ShopifyApi(MarketplaceSimulator sim) {
    super(sim);
  }

  @Override
  Marketplace marketplace() {
    return Marketplace.SHOPIFY;
  }

  @Override
  String prefix() {
    return "/shopify";
  }

  @Override
  String shopBaseUrl(SimShop shop) {
    return sim.baseUrl(marketplace()) + "/" + shop.shopKey();
  }

  @Override
  Map<String, String> newCredentials(String shopKey) {
    Map<String, String> credentials = new LinkedHashMap<>();
    credentials.put("access_token", "shpat_" + randomHex(16));
    credentials.put("webhook_secret", randomHex(16));
    return credentials;
  }

  @Override
  Map<String, String> listingIds(String listingKey, long serial) {
    String[] parts = twoParts(listingKey, "inventoryItemId:locationId (numbers)");
    if (!parts[0].matches("\\d{1,18}") || !parts[1].matches("\\d{1,18}")) {
      throw new IllegalArgumentException(
          "A Shopify listing key is inventoryItemId:locationId, both numbers");
    }
    Map<String, String> ids = new LinkedHashMap<>();
    ids.put("inventory_item_id", "gid://shopify/InventoryItem/" + parts[0]);
    ids.put("location_id", "gid://shopify/Location/" + parts[1]);
    ids.put("variant_id", "gid://shopify/ProductVariant/" + (40_000_000_000L + serial));
    return ids;
  }

  @Override
  SimOrder newOrder(
      SimShop shop, String listingKey, int quantity, String buyerRef, long number, Instant at) {
    long orderNumber = 5_600_000_000_000L + number;
    Map<String, String> listing = shop.listingIds(listingKey);
    Map<String, String> ids = new LinkedHashMap<>();
    ids.put("order_number", String.valueOf(orderNumber));
    ids.put("line_item_id", String.valueOf(13_000_000_000_000L + number));
    ids.put("fulfillment_order_id", String.valueOf(6_500_000_000_000L + number));
    ids.put("variant_id", listing.get("variant_id"));
    ids.put("inventory_item_id", listing.get("inventory_item_id"));
    ids.put("location_id", listing.get("location_id"));
    return new SimOrder(
        "gid://shopify/Order/" + orderNumber, number, listingKey, quantity, buyerRef, at, ids);
  }

  /** orders/create with the order in REST form, signed with the app's client secret. */
  @Override
  Optional<Webhook> webhookFor(SimShop shop, SimOrder order) {
    ObjectNode body = MarketplaceSimulator.JSON.createObjectNode();
    long id = Long.parseLong(order.idOf("order_number"));
    body.put("id", id);
    body.put("admin_graphql_api_id", order.id());
    body.put("name", "#" + (1000 + order.number()));
    body.put("email", "buyer" + order.number() + "@example.com");
    body.put(
        "created_at",
        order
            .placedAt()
            .atZone(JAPAN)
            .toOffsetDateTime()
            .truncatedTo(ChronoUnit.SECONDS)
            .toString());
    body.put("currency", "JPY");
    body.put("financial_status", "paid");
    ArrayNode lines = body.putArray("line_items");
    ObjectNode line = lines.addObject();
    line.put("id", Long.parseLong(order.idOf("line_item_id")));
    line.put("admin_graphql_api_id", "gid://shopify/LineItem/" + order.idOf("line_item_id"));
    line.put("variant_id", Long.parseLong(numeric(order.idOf("variant_id"))));
    line.putNull("sku");
    line.put("quantity", order.quantity());
    line.put("title", order.listingKey());
    address(body.putObject("shipping_address"), order);
    byte[] raw = body.toString().getBytes(StandardCharsets.UTF_8);
    String hmac =
        Base64.getEncoder()
            .encodeToString(TikTokShopApi.hmac(shop.credentials().get("webhook_secret"), raw));
    String deliveryId = UUID.randomUUID().toString();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("X-Shopify-Topic", "orders/create");
    headers.put("X-Shopify-Hmac-Sha256", hmac);
    headers.put("X-Shopify-Shop-Domain", shop.shopKey());
    headers.put("X-Shopify-API-Version", "2025-01");
    headers.put("X-Shopify-Webhook-Id", deliveryId);
    headers.put("X-Shopify-Event-Id", UUID.randomUUID().toString());
    headers.put("X-Shopify-Triggered-At", order.placedAt().toString());
    return Optional.of(new Webhook(deliveryId, order.id(), headers, raw));
  }

  @Override
  void handle(Exchange exchange) throws IOException {
    List<String> path = exchange.segments();
    // ["", "admin", "api", version, "graphql.json"] or ["", domain, "admin", ...]
    String domain = null;
    if (path.size() == 6 && !path.get(1).equals("admin")) {
      domain = path.get(1);
      path = new ArrayList<>(path);
      path.remove(1);
    }
    if (path.size() != 5
        || !path.get(1).equals("admin")
        || !path.get(2).equals("api")
        || !VERSION.matcher(path.get(3)).matches()
        || !path.get(4).equals("graphql.json")
        || !exchange.method().equals("POST")) {
      exchange.json(404, "{\"errors\":\"Not Found\"}");
      return;
    }
    String token = exchange.header("X-Shopify-Access-Token");
    String wanted = domain;
    Optional<SimShop> found =
        token == null
            ? Optional.empty()
            : sim.shopsOf(marketplace()).stream()
                .filter(shop -> shop.credentials().get("access_token").equals(token))
                .filter(shop -> wanted == null || shop.shopKey().equals(wanted))
                .findFirst();
    if (found.isEmpty()) {
      exchange.json(
          401,
          "{\"errors\":\"[API] Invalid API key or access token (unrecognized login or wrong"
              + " password)\"}");
      return;
    }
    SimShop shop = found.get();
    JsonNode body;
    try {
      body = MarketplaceSimulator.JSON.readTree(exchange.body());
    } catch (IOException e) {
      body = null;
    }
    String query = body == null ? null : body.path("query").asText(null);
    if (query == null) {
      exchange.attribute(shop, Api.SHOPIFY_ORDERS);
      exchange.json(400, "{\"errors\":{\"query\":\"Required parameter missing or invalid\"}}");
      return;
    }
    JsonNode variables = body.path("variables");
    Api api;
    int requested;
    if (query.contains("inventoryLevel(")) {
      api = Api.SHOPIFY_INVENTORY_LEVELS;
      requested = 1 + Math.max(1, variables.path("ids").size()) * READ_COST_PER_ITEM;
    } else if (query.contains("inventorySetQuantities(")) {
      api = Api.SHOPIFY_SET_QUANTITIES;
      requested = MUTATION_COST;
    } else if (query.contains("fulfillmentCreate(")) {
      api = Api.SHOPIFY_FULFILL;
      requested = MUTATION_COST;
    } else if (query.contains("nodes(ids:")) {
      api = Api.SHOPIFY_ORDERS_BY_ID;
      requested = 1 + Math.max(1, variables.path("ids").size()) * ORDER_NODE_COST;
    } else if (query.contains("orders(")) {
      api = Api.SHOPIFY_ORDERS;
      requested = 2 + Math.max(1, variables.path("first").asInt(1)) * ORDER_NODE_COST;
    } else {
      exchange.attribute(shop, Api.SHOPIFY_ORDERS);
      graphqlError(exchange, "The simulator serves only the engine's operations.", "UNSUPPORTED");
      return;
    }
    exchange.attribute(shop, api);
    if (requested > MAX_QUERY_COST) {
      graphqlError(
          exchange,
          "Query cost is " + requested + ", which exceeds the single query max cost limit (1000).",
          "MAX_COST_EXCEEDED");
      return;
    }
    Duration wait = throttle(exchange, shop, api, requested);
    if (wait != null) {
      ObjectNode answer = MarketplaceSimulator.JSON.createObjectNode();
      ObjectNode error = answer.putArray("errors").addObject();
      error.put("message", "Throttled");
      ObjectNode extensions = error.putObject("extensions");
      extensions.put("code", "THROTTLED");
      extensions.put("documentation", "https://shopify.dev/api/usage/rate-limits");
      answer.putObject("extensions").set("cost", cost(shop, requested, null, exchange));
      exchange.json(200, answer.toString());
      return;
    }
    ObjectNode answer = MarketplaceSimulator.JSON.createObjectNode();
    ObjectNode data = answer.putObject("data");
    int actual =
        switch (api) {
          case SHOPIFY_SET_QUANTITIES -> setQuantities(exchange, shop, variables, data);
          case SHOPIFY_INVENTORY_LEVELS -> inventoryLevels(shop, variables, data);
          case SHOPIFY_FULFILL -> fulfill(exchange, shop, variables, data);
          case SHOPIFY_ORDERS_BY_ID -> ordersById(shop, variables, data);
          case SHOPIFY_ORDERS -> orders(shop, variables, data);
          default -> throw new IllegalStateException("Not a Shopify call: " + api);
        };
    if (actual < 0) {
      return;
    }
    shop.bucket(Quota.SHOPIFY_COST).refund(requested - actual, sim.nanos());
    answer.putObject("extensions").set("cost", cost(shop, requested, actual, exchange));
    exchange.json(200, answer.toString());
  }

  private ObjectNode cost(SimShop shop, int requested, Integer actual, Exchange exchange) {
    RateBucket bucket = shop.bucket(Quota.SHOPIFY_COST);
    ObjectNode cost = MarketplaceSimulator.JSON.createObjectNode();
    cost.put("requestedQueryCost", requested);
    if (actual == null) {
      cost.putNull("actualQueryCost");
    } else {
      cost.put("actualQueryCost", actual);
    }
    ObjectNode status = cost.putObject("throttleStatus");
    status.put("maximumAvailable", bucket.capacity());
    status.put("currentlyAvailable", Math.floor(bucket.available(exchange.arrivedNanos())));
    status.put("restoreRate", bucket.perSecond());
    return cost;
  }

  private int setQuantities(Exchange exchange, SimShop shop, JsonNode variables, ObjectNode data) {
    JsonNode input = variables.path("input");
    ObjectNode result = data.putObject("inventorySetQuantities");
    ArrayNode userErrors = MarketplaceSimulator.JSON.createArrayNode();
    if (!input.path("name").asText("").equals("available")) {
      userError(userErrors, "INVALID_NAME", "The quantity name must be available.", "name");
    }
    if (!REASONS.contains(input.path("reason").asText(""))) {
      userError(userErrors, "INVALID_REASON", "The specified reason is invalid.", "reason");
    }
    JsonNode quantities = input.path("quantities");
    if (!quantities.isArray() || quantities.isEmpty() || quantities.size() > 250) {
      userError(
          userErrors, "INVALID_QUANTITY_LIST", "quantities takes 1 to 250 items.", "quantities");
    }
    boolean ignoreCompare = input.path("ignoreCompareQuantity").asBoolean(false);
    Map<String, Long> updates = new LinkedHashMap<>();
    for (int i = 0; quantities.isArray() && i < quantities.size(); i++) {
      JsonNode item = quantities.get(i);
      String itemId = numeric(item.path("inventoryItemId").asText(""));
      String locationId = numeric(item.path("locationId").asText(""));
      String listingKey = itemId + ":" + locationId;
      JsonNode quantity = item.path("quantity");
      if (!shop.isListed(listingKey)) {
        boolean knownItem =
            shop.listingKeys().stream().anyMatch(key -> key.startsWith(itemId + ":"));
        if (knownItem) {
          quantityError(
              userErrors,
              i,
              "locationId",
              "ITEM_NOT_STOCKED_AT_LOCATION",
              "The inventory item is not stocked at the location.");
        } else {
          quantityError(
              userErrors,
              i,
              "inventoryItemId",
              "INVALID_INVENTORY_ITEM",
              "The specified inventory item could not be found.");
        }
        continue;
      }
      if (!quantity.isIntegralNumber()) {
        quantityError(
            userErrors, i, "quantity", "INVALID_QUANTITY", "The quantity must be a whole number.");
        continue;
      }
      if (!ignoreCompare) {
        JsonNode compare = item.path("compareQuantity");
        if (!compare.isIntegralNumber()) {
          quantityError(
              userErrors,
              i,
              "compareQuantity",
              "COMPARE_QUANTITY_REQUIRED",
              "compareQuantity is required unless ignoreCompareQuantity is true.");
          continue;
        }
        if (compare.asLong() != shop.shown(listingKey).orElse(0)) {
          quantityError(
              userErrors,
              i,
              "compareQuantity",
              "COMPARE_QUANTITY_STALE",
              "The compareQuantity does not match the current quantity.");
          continue;
        }
      }
      updates.put(listingKey, quantity.asLong());
    }
    if (!userErrors.isEmpty()) {
      result.putNull("inventoryAdjustmentGroup");
      result.set("userErrors", userErrors);
      return MUTATION_COST;
    }
    updates.forEach((key, quantity) -> shop.setShown(key, quantity, exchange.arrivedAt()));
    ObjectNode group = result.putObject("inventoryAdjustmentGroup");
    group.put("id", "gid://shopify/InventoryAdjustmentGroup/" + sim.nextSequence());
    result.putArray("userErrors");
    return MUTATION_COST;
  }

  /**
   * The "available" quantity of each inventory item at the location, as nodes in the order asked:
   * null for an item the shop does not have, and a null inventory level for one it has elsewhere
   * only. Only the "available" name is served, the one the engine reads.
   */
  private int inventoryLevels(SimShop shop, JsonNode variables, ObjectNode data) {
    String locationId = numeric(variables.path("locationId").asText(""));
    ArrayNode nodes = data.putArray("nodes");
    int actual = 1;
    for (JsonNode id : variables.path("ids")) {
      String itemId = numeric(id.asText(""));
      boolean knownItem = shop.listingKeys().stream().anyMatch(key -> key.startsWith(itemId + ":"));
      if (!knownItem) {
        nodes.addNull();
        continue;
      }
      ObjectNode node = nodes.addObject();
      node.put("id", "gid://shopify/InventoryItem/" + itemId);
      OptionalLong shown = shop.shown(itemId + ":" + locationId);
      if (shown.isEmpty()) {
        node.putNull("inventoryLevel");
        actual += 1;
        continue;
      }
      ObjectNode quantity = node.putObject("inventoryLevel").putArray("quantities").addObject();
      quantity.put("name", "available");
      quantity.put("quantity", shown.getAsLong());
      actual += READ_COST_PER_ITEM;
    }
    return actual;
  }

  private int fulfill(Exchange exchange, SimShop shop, JsonNode variables, ObjectNode data) {
    JsonNode fulfillment = variables.path("fulfillment");
    ObjectNode result = data.putObject("fulfillmentCreate");
    ArrayNode userErrors = MarketplaceSimulator.JSON.createArrayNode();
    List<SimOrder> orders = new ArrayList<>();
    for (JsonNode byOrder : fulfillment.path("lineItemsByFulfillmentOrder")) {
      String id = numeric(byOrder.path("fulfillmentOrderId").asText(""));
      Optional<SimOrder> order =
          shop.ordersSnapshot().stream()
              .filter(o -> o.idOf("fulfillment_order_id").equals(id))
              .findFirst();
      if (order.isEmpty()) {
        plainError(userErrors, "Fulfillment order does not exist.", "fulfillment");
      } else if (fulfilled.containsKey(shop.shopKey() + "|" + id)) {
        plainError(
            userErrors,
            "Fulfillment order " + id + " has an unfulfillable status= closed.",
            "fulfillment");
      } else {
        orders.add(order.get());
      }
    }
    String number = fulfillment.path("trackingInfo").path("number").asText("");
    String company = fulfillment.path("trackingInfo").path("company").asText("");
    if (orders.isEmpty() && userErrors.isEmpty()) {
      plainError(userErrors, "lineItemsByFulfillmentOrder is required.", "fulfillment");
    }
    if (!userErrors.isEmpty()) {
      result.putNull("fulfillment");
      result.set("userErrors", userErrors);
      return MUTATION_COST;
    }
    for (SimOrder order : orders) {
      fulfilled.put(shop.shopKey() + "|" + order.idOf("fulfillment_order_id"), true);
      shop.recordTracking(new TrackingRecord(order.id(), company, number, exchange.arrivedAt()));
    }
    ObjectNode created = result.putObject("fulfillment");
    created.put("id", "gid://shopify/Fulfillment/" + sim.nextSequence());
    created.put("status", "SUCCESS");
    result.putArray("userErrors");
    return MUTATION_COST;
  }

  private int orders(SimShop shop, JsonNode variables, ObjectNode data) {
    int first = Math.max(1, variables.path("first").asInt(1));
    String after = variables.path("after").isTextual() ? variables.path("after").asText() : null;
    Instant since = Instant.EPOCH;
    boolean strictlyAfter = false;
    Matcher filter = CREATED_AT.matcher(variables.path("query").asText(""));
    if (filter.find()) {
      try {
        since = OffsetDateTime.parse(filter.group(2)).toInstant();
        strictlyAfter = filter.group(1).equals(">");
      } catch (DateTimeParseException e) {
        since = Instant.EPOCH;
      }
    }
    Instant from = since;
    boolean strict = strictlyAfter;
    List<SimOrder> matching =
        shop.ordersSnapshot().stream()
            .filter(
                o -> {
                  Instant created = o.placedAt().truncatedTo(ChronoUnit.SECONDS);
                  return strict ? created.isAfter(from) : !created.isBefore(from);
                })
            .toList();
    int offset = after == null ? 0 : cursorOffset(after);
    ObjectNode orders = data.putObject("orders");
    ArrayNode nodes = MarketplaceSimulator.JSON.createArrayNode();
    int end = Math.min(matching.size(), Math.max(0, offset) + first);
    int actual = 2;
    for (int i = Math.max(0, offset); i < end; i++) {
      nodes.add(orderNode(matching.get(i)));
      actual += 1 + 1 + (2 + 3) + (2 + 3);
    }
    ObjectNode pageInfo = orders.putObject("pageInfo");
    pageInfo.put("hasNextPage", end < matching.size());
    pageInfo.put("endCursor", end > 0 ? cursor(end) : null);
    orders.set("nodes", nodes);
    return actual;
  }

  private int ordersById(SimShop shop, JsonNode variables, ObjectNode data) {
    ArrayNode nodes = data.putArray("nodes");
    int actual = 1;
    for (JsonNode id : variables.path("ids")) {
      Optional<SimOrder> order = shop.order(id.asText());
      if (order.isPresent()) {
        nodes.add(orderNode(order.get()));
        actual += 1 + 1 + (2 + 3) + (2 + 3);
      } else {
        nodes.addNull();
      }
    }
    return actual;
  }

  private static ObjectNode orderNode(SimOrder order) {
    ObjectNode node = MarketplaceSimulator.JSON.createObjectNode();
    node.put("id", order.id());
    node.put("createdAt", order.placedAt().truncatedTo(ChronoUnit.SECONDS).toString());
    node.put("email", "buyer" + order.number() + "@example.com");
    node.putNull("phone");
    ObjectNode address = node.putObject("shippingAddress");
    address(address, order);
    ObjectNode line = node.putObject("lineItems").putArray("nodes").addObject();
    line.put("id", "gid://shopify/LineItem/" + order.idOf("line_item_id"));
    line.put("quantity", order.quantity());
    line.putNull("sku");
    ObjectNode variant = line.putObject("variant");
    variant.put("id", order.idOf("variant_id"));
    variant.putObject("inventoryItem").put("id", order.idOf("inventory_item_id"));
    ObjectNode fulfillmentOrder = node.putObject("fulfillmentOrders").putArray("nodes").addObject();
    fulfillmentOrder.put(
        "id", "gid://shopify/FulfillmentOrder/" + order.idOf("fulfillment_order_id"));
    fulfillmentOrder
        .putObject("assignedLocation")
        .putObject("location")
        .put("id", order.idOf("location_id"));
    return node;
  }

  private static void address(ObjectNode address, SimOrder order) {
    address.put("name", order.buyerRef());
    address.put("zip", "150-0001");
    address.put("province", "Tokyo");
    address.put("city", "Shibuya");
    address.put("address1", "1-2-3 Jingumae");
    address.putNull("address2");
    address.putNull("phone");
  }

  private static String cursor(int offset) {
    return Base64.getEncoder()
        .encodeToString(("{\"offset\":" + offset + "}").getBytes(StandardCharsets.UTF_8));
  }

  private static int cursorOffset(String cursor) {
    try {
      String text = new String(Base64.getDecoder().decode(cursor), StandardCharsets.UTF_8);
      return MarketplaceSimulator.JSON.readTree(text).path("offset").asInt(0);
    } catch (IllegalArgumentException | IOException e) {
      return 0;
    }
  }

  /** The number at the end of a GraphQL id, or the text itself. */
  private static String numeric(String id) {
    int slash = id.lastIndexOf('/');
    return slash >= 0 ? id.substring(slash + 1) : id;
  }

  private static void userError(ArrayNode errors, String code, String message, String field) {
    ObjectNode error = errors.addObject();
    error.put("code", code);
    error.put("message", message);
    error.putArray("field").add("input").add(field);
  }

  private static void quantityError(
      ArrayNode errors, int index, String field, String code, String message) {
    ObjectNode error = errors.addObject();
    error.put("code", code);
    error.put("message", message);
    error.putArray("field").add("input").add("quantities").add(String.valueOf(index)).add(field);
  }

  private static void plainError(ArrayNode errors, String message, String field) {
    ObjectNode error = errors.addObject();
    error.putArray("field").add(field);
    error.put("message", message);
  }

  private static void graphqlError(Exchange exchange, String message, String code)
      throws IOException {
    ObjectNode answer = MarketplaceSimulator.JSON.createObjectNode();
    ObjectNode error = answer.putArray("errors").addObject();
    error.put("message", message);
    error.putObject("extensions").put("code", code);
    exchange.json(200, answer.toString());
  }
}
