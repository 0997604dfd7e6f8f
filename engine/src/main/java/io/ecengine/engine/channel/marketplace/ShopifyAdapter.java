package io.ecengine.engine.channel.marketplace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Shopify Admin GraphQL API.
 *
 * <p>Credentials: {@code access_token} (sent as {@code X-Shopify-Access-Token}); optional {@code
 * api_version} (default {@value #DEFAULT_API_VERSION}); webhooks need {@code webhook_secret} (the
 * app's client secret). {@code baseUrl} is the shop's domain, https://{shop}.myshopify.com. Listing
 * ids: {@code inventory_item_id}, {@code location_id}, as numbers or GraphQL ids.
 *
 * <p>Stock is set with {@code inventorySetQuantities} on the "available" quantity, 250 items a
 * call, and read back from the same quantity of each item's inventory level at its location.
 * Shopify throttles by query cost: a THROTTLED error says how many points the bucket lacks and how
 * fast it refills, which gives the wait.
 */
public final class ShopifyAdapter implements MarketplaceAdapter, WebhookVerifier {

  static final String DEFAULT_API_VERSION = "2025-01";
  static final String GRAPHQL_PATH = "/admin/api/%s/graphql.json";

  static final String SET_QUANTITIES =
      "mutation SetStock($input: InventorySetQuantitiesInput!) {"
          + " inventorySetQuantities(input: $input) {"
          + " inventoryAdjustmentGroup { id }"
          + " userErrors { code field message } } }";

  static final String INVENTORY_LEVELS =
      "query StockRead($ids: [ID!]!, $locationId: ID!) { nodes(ids: $ids) {"
          + " ... on InventoryItem { id inventoryLevel(locationId: $locationId) {"
          + " quantities(names: [\"available\"]) { name quantity } } } } }";

  // nodes takes up to 250 ids, but each item costs about 3 points (item, level, quantity): 100
  // items stay near 300 points, well under the 1,000 one query may ask for, and the Standard
  // plan restores that in three seconds.
  static final int ITEMS_PER_READ = 100;

  // Cost is the product of the page sizes: 5 orders x (50 lines x 3 objects + 3 fulfillment
  // orders x 3 objects) stays under the 1,000 points one query may ask for.
  static final int ORDERS_PER_PAGE = 5;
  static final String ORDERS =
      "query Orders($first: Int!, $after: String, $query: String!) {"
          + " orders(first: $first, after: $after, query: $query, sortKey: CREATED_AT) {"
          + " pageInfo { hasNextPage endCursor }"
          + " nodes { id createdAt email phone"
          + " shippingAddress { name zip province city address1 address2 phone }"
          + " lineItems(first: 50) { nodes { id quantity sku"
          + " variant { id inventoryItem { id } } } }"
          + " fulfillmentOrders(first: 3) { nodes { id"
          + " assignedLocation { location { id } } } } } } }";

  static final String ORDERS_BY_ID =
      "query OrdersById($ids: [ID!]!) { nodes(ids: $ids) { ... on Order { id createdAt email phone"
          + " shippingAddress { name zip province city address1 address2 phone }"
          + " lineItems(first: 50) { nodes { id quantity sku"
          + " variant { id inventoryItem { id } } } }"
          + " fulfillmentOrders(first: 3) { nodes { id"
          + " assignedLocation { location { id } } } } } } }";

  static final String FULFILL =
      "mutation Fulfill($fulfillment: FulfillmentInput!) {"
          + " fulfillmentCreate(fulfillment: $fulfillment) {"
          + " fulfillment { id status }"
          + " userErrors { field message } } }";

  // Tracking company names Shopify recognises for Japanese carriers (it then links tracking).
  private static final Map<String, String> TRACKING_COMPANIES =
      Map.of(
          "yamato", "Yamato (JA)",
          "sagawa", "Sagawa (JA)",
          "japan_post", "Japan Post (JA)");

  private final boolean notifyCustomer;
  private final Clock clock;

  public ShopifyAdapter() {
    this(true, Clock.systemUTC());
  }

  /**
   * @param notifyCustomer whether Shopify e-mails the buyer the tracking number on fulfillment
   * @param clock used only to resolve a Retry-After date when the answer has no Date header
   */
  public ShopifyAdapter(boolean notifyCustomer, Clock clock) {
    this.notifyCustomer = notifyCustomer;
    this.clock = clock;
  }

  @Override
  public Marketplace marketplace() {
    return Marketplace.SHOPIFY;
  }

  @Override
  public List<String> requiredCredentialKeys() {
    return List.of("access_token");
  }

  @Override
  public List<String> requiredListingKeys() {
    return List.of("inventory_item_id", "location_id");
  }

  @Override
  public List<MarketplaceRequest> stockUpdate(
      URI baseUrl, Credentials credentials, List<StockPush> pushes, Instant now) {
    // Limitation: quantities are set unconditionally (ignoreCompareQuantity), since the
    // engine's count is the truth; a Shopify sale landing between two pushes is overwritten
    // until its order reaches the engine and the next push subtracts it. Newer API versions
    // than the default change the compare-and-set and idempotency rules of this mutation.
    pushes.forEach(push -> validate(push.ids()));
    List<MarketplaceRequest> requests = new ArrayList<>();
    for (List<StockPush> chunk :
        MarketplaceHttp.chunks(pushes, Marketplace.SHOPIFY.defaultBatchSize())) {
      ObjectNode input = JsonAdapter.object();
      input.put("name", "available");
      input.put("reason", "correction");
      input.put("ignoreCompareQuantity", true);
      ArrayNode quantities = input.putArray("quantities");
      for (StockPush push : chunk) {
        ObjectNode quantity = quantities.addObject();
        quantity.put(
            "inventoryItemId", gid("InventoryItem", push.ids().require("inventory_item_id")));
        quantity.put("locationId", gid("Location", push.ids().require("location_id")));
        quantity.put("quantity", Math.max(0, push.quantity()));
      }
      ObjectNode variables = JsonAdapter.object();
      variables.set("input", input);
      requests.add(
          graphql(
              baseUrl,
              credentials,
              SET_QUANTITIES,
              variables,
              chunk.stream().map(StockPush::sku).toList()));
    }
    return requests;
  }

  /**
   * userErrors name the item by its place in the input ({@code ["input", "quantities", "3", ...]});
   * the mutation applies all or nothing, so the other items are sent again without it.
   */
  @Override
  public PushResult parseStockUpdate(MarketplaceRequest request, MarketplaceResponse response) {
    Optional<PushResult> callFailure = callFailure(response);
    if (callFailure.isPresent()) {
      return callFailure.get();
    }
    JsonNode userErrors =
        JsonAdapter.read(response.body())
            .path("data")
            .path("inventorySetQuantities")
            .path("userErrors");
    if (userErrors.isEmpty()) {
      return new PushResult.Accepted(request.skus());
    }
    Map<String, String> rejected = new LinkedHashMap<>();
    List<String> unplaced = new ArrayList<>();
    for (JsonNode error : userErrors) {
      Optional<Integer> position = quantityIndex(error.path("field"));
      String reason = error.path("code").asText() + ": " + error.path("message").asText();
      if (position.isPresent() && position.get() < request.skus().size()) {
        rejected.merge(request.skus().get(position.get()), reason, (a, b) -> a + "; " + b);
      } else {
        unplaced.add(reason);
      }
    }
    if (!unplaced.isEmpty() || rejected.isEmpty()) {
      return new PushResult.Failed(false, String.join("; ", unplaced));
    }
    return new PushResult.PartlyRejected(List.of(), rejected);
  }

  private static Optional<Integer> quantityIndex(JsonNode field) {
    for (int i = 0; i + 1 < field.size(); i++) {
      if ("quantities".equals(field.get(i).asText())) {
        try {
          return Optional.of(Integer.parseInt(field.get(i + 1).asText()));
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /**
   * One query per location (the inventory level takes one location), the items of that location 100
   * at a time.
   */
  @Override
  public List<MarketplaceRequest> stockRead(
      URI baseUrl, Credentials credentials, List<ListingRef> listings, Instant now) {
    listings.forEach(listing -> validate(listing.ids()));
    Map<String, List<ListingRef>> byLocation = new LinkedHashMap<>();
    for (ListingRef listing : listings) {
      byLocation
          .computeIfAbsent(
              gid("Location", listing.ids().require("location_id")), location -> new ArrayList<>())
          .add(listing);
    }
    List<MarketplaceRequest> requests = new ArrayList<>();
    byLocation.forEach(
        (location, atLocation) -> {
          for (List<ListingRef> chunk : MarketplaceHttp.chunks(atLocation, ITEMS_PER_READ)) {
            ObjectNode variables = JsonAdapter.object();
            ArrayNode ids = variables.putArray("ids");
            chunk.forEach(
                listing ->
                    ids.add(gid("InventoryItem", listing.ids().require("inventory_item_id"))));
            variables.put("locationId", location);
            requests.add(
                graphql(
                    baseUrl,
                    credentials,
                    INVENTORY_LEVELS,
                    variables,
                    chunk.stream().map(ListingRef::sku).toList()));
          }
        });
    return requests;
  }

  /**
   * The "available" quantity of each node, matched by its inventory item id. An unknown item comes
   * back as a null node, and an item not stocked at the location with a null inventory level: both
   * leave the SKU out.
   */
  @Override
  public Map<String, Long> parseStockRead(
      MarketplaceRequest request, MarketplaceResponse response) {
    Map<String, Long> byItem = new HashMap<>();
    for (JsonNode node : data(response).path("nodes")) {
      String id = JsonAdapter.string(node, "id");
      for (JsonNode quantity : node.path("inventoryLevel").path("quantities")) {
        if (id != null
            && "available".equals(JsonAdapter.string(quantity, "name"))
            && quantity.path("quantity").isIntegralNumber()) {
          byItem.put(id, quantity.path("quantity").asLong());
        }
      }
    }
    JsonNode sent = JsonAdapter.read(request.body()).path("variables").path("ids");
    Map<String, Long> shown = new LinkedHashMap<>();
    for (int i = 0; i < sent.size() && i < request.skus().size(); i++) {
      Long quantity = byItem.get(sent.get(i).asText());
      if (quantity != null) {
        shown.put(request.skus().get(i), quantity);
      }
    }
    return shown;
  }

  @Override
  public MarketplaceRequest orderPull(
      URI baseUrl, Credentials credentials, Instant since, String pageToken, Instant now) {
    ObjectNode variables = JsonAdapter.object();
    variables.put("first", ORDERS_PER_PAGE);
    if (pageToken == null) {
      variables.putNull("after");
    } else {
      variables.put("after", pageToken);
    }
    variables.put("query", "created_at:>='" + since.truncatedTo(ChronoUnit.SECONDS) + "'");
    return graphql(baseUrl, credentials, ORDERS, variables, List.of());
  }

  @Override
  public OrderPage parseOrderPull(MarketplaceResponse response) {
    JsonNode orders = data(response).path("orders");
    List<MarketplaceOrder> page = new ArrayList<>();
    orders.path("nodes").forEach(order -> page.add(order(order)));
    JsonNode pageInfo = orders.path("pageInfo");
    String next =
        pageInfo.path("hasNextPage").asBoolean() ? JsonAdapter.string(pageInfo, "endCursor") : null;
    return new OrderPage(page, next);
  }

  /** One query for all the orders (their GraphQL ids or numbers). */
  @Override
  public List<MarketplaceRequest> orderDetails(
      URI baseUrl, Credentials credentials, List<String> channelOrderIds, Instant now) {
    return MarketplaceHttp.chunks(channelOrderIds, ORDERS_PER_PAGE).stream()
        .map(
            chunk -> {
              ObjectNode variables = JsonAdapter.object();
              ArrayNode ids = variables.putArray("ids");
              chunk.forEach(id -> ids.add(gid("Order", id)));
              return graphql(baseUrl, credentials, ORDERS_BY_ID, variables, List.of());
            })
        .toList();
  }

  @Override
  public List<MarketplaceOrder> parseOrderDetails(MarketplaceResponse response) {
    List<MarketplaceOrder> orders = new ArrayList<>();
    for (JsonNode order : data(response).path("nodes")) {
      if (!order.isNull() && order.has("id")) {
        orders.add(order(order));
      }
    }
    return orders;
  }

  /**
   * An order from the GraphQL query. Every line carries the order's fulfillment order ids (which
   * the tracking write-back fulfils) and the location of the first one.
   */
  private static MarketplaceOrder order(JsonNode order) {
    // Limitation: an order split over several locations reports the first location on every line,
    // and only the first 50 lines and 3 fulfillment orders are read.
    List<String> fulfillmentOrders = new ArrayList<>();
    String location = null;
    for (JsonNode fulfillmentOrder : order.path("fulfillmentOrders").path("nodes")) {
      fulfillmentOrders.add(fulfillmentOrder.path("id").asText());
      if (location == null) {
        location =
            JsonAdapter.string(fulfillmentOrder.path("assignedLocation").path("location"), "id");
      }
    }
    List<MarketplaceOrder.Line> lines = new ArrayList<>();
    for (JsonNode item : order.path("lineItems").path("nodes")) {
      Map<String, String> ids = new LinkedHashMap<>();
      JsonNode variant = item.path("variant");
      putIfPresent(
          ids, "inventory_item_id", JsonAdapter.string(variant.path("inventoryItem"), "id"));
      putIfPresent(ids, "location_id", location);
      putIfPresent(ids, "variant_id", JsonAdapter.string(variant, "id"));
      putIfPresent(ids, "sku", JsonAdapter.string(item, "sku"));
      putIfPresent(ids, "line_item_id", JsonAdapter.string(item, "id"));
      if (!fulfillmentOrders.isEmpty()) {
        ids.put("fulfillment_order_ids", String.join(",", fulfillmentOrders));
      }
      lines.add(new MarketplaceOrder.Line(new ListingIds(ids), item.path("quantity").asLong()));
    }
    JsonNode address = order.path("shippingAddress");
    return new MarketplaceOrder(
        order.path("id").asText(),
        lines,
        JsonAdapter.string(address, "name"),
        JsonAdapter.string(order, "email"),
        JsonAdapter.string(address, "zip"),
        JsonAdapter.string(address, "province"),
        JsonAdapter.string(address, "city"),
        JsonAdapter.string(address, "address1"),
        JsonAdapter.string(address, "address2"),
        Optional.ofNullable(JsonAdapter.string(address, "phone"))
            .orElse(JsonAdapter.string(order, "phone")),
        instant(JsonAdapter.string(order, "createdAt")));
  }

  private static void putIfPresent(Map<String, String> ids, String key, String value) {
    if (value != null) {
      ids.put(key, value);
    }
  }

  /**
   * Fulfils the order's fulfillment orders named by the lines' {@code fulfillment_order_ids}, with
   * the tracking number, in full.
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
    // Limitation: a partial shipment (some lines of a fulfillment order) is not expressible
    // yet; the whole fulfillment order is marked shipped.
    List<String> fulfillmentOrders =
        lines.stream()
            .flatMap(line -> line.ids().optional("fulfillment_order_ids").stream())
            .flatMap(joined -> List.of(joined.split(",")).stream())
            .distinct()
            .toList();
    if (fulfillmentOrders.isEmpty()) {
      throw new IllegalArgumentException(
          "Shopify fulfils fulfillment orders: pass the order lines, which carry"
              + " fulfillment_order_ids");
    }
    ObjectNode fulfillment = JsonAdapter.object();
    ArrayNode byOrder = fulfillment.putArray("lineItemsByFulfillmentOrder");
    fulfillmentOrders.forEach(id -> byOrder.addObject().put("fulfillmentOrderId", id));
    fulfillment.put("notifyCustomer", notifyCustomer);
    ObjectNode tracking = fulfillment.putObject("trackingInfo");
    tracking.put("company", TRACKING_COMPANIES.getOrDefault(carrier, carrier));
    tracking.put("number", trackingNumber);
    ObjectNode variables = JsonAdapter.object();
    variables.set("fulfillment", fulfillment);
    return graphql(baseUrl, credentials, FULFILL, variables, List.of());
  }

  @Override
  public PushResult parseWriteBack(MarketplaceRequest request, MarketplaceResponse response) {
    Optional<PushResult> callFailure = callFailure(response);
    if (callFailure.isPresent()) {
      return callFailure.get();
    }
    JsonNode userErrors =
        JsonAdapter.read(response.body()).path("data").path("fulfillmentCreate").path("userErrors");
    if (userErrors.isEmpty()) {
      return new PushResult.Accepted(request.skus());
    }
    List<String> reasons = new ArrayList<>();
    userErrors.forEach(error -> reasons.add(error.path("message").asText()));
    return new PushResult.Failed(false, String.join("; ", reasons));
  }

  /**
   * REST-style 429 with Retry-After, HTTP errors, and GraphQL top-level errors, THROTTLED among
   * them, which arrive with HTTP 200.
   */
  private Optional<PushResult> callFailure(MarketplaceResponse response) {
    if (!response.isSuccess()) {
      return Optional.of(MarketplaceHttp.failure(response, clock));
    }
    JsonNode answer = JsonAdapter.read(response.body());
    if (answer.isMissingNode()) {
      return Optional.of(
          new PushResult.Failed(
              true, "Unreadable Shopify answer" + MarketplaceHttp.snippet(response)));
    }
    JsonNode errors = answer.path("errors");
    if (errors.isEmpty()) {
      return Optional.empty();
    }
    for (JsonNode error : errors) {
      if ("THROTTLED".equals(JsonAdapter.string(error.path("extensions"), "code"))) {
        return Optional.of(
            new PushResult.Throttled(
                MarketplaceHttp.retryAfter(response, clock)
                    .orElseGet(
                        () -> refillTime(answer.path("extensions").path("cost")).orElse(null))));
      }
    }
    List<String> messages = new ArrayList<>();
    errors.forEach(error -> messages.add(error.path("message").asText(error.asText())));
    return Optional.of(new PushResult.Failed(false, String.join("; ", messages)));
  }

  /** How long the cost bucket needs to refill enough for the query that was refused. */
  private static Optional<Duration> refillTime(JsonNode cost) {
    JsonNode status = cost.path("throttleStatus");
    double requested = cost.path("requestedQueryCost").asDouble(-1);
    double available = status.path("currentlyAvailable").asDouble(-1);
    double restoreRate = status.path("restoreRate").asDouble(0);
    if (requested < 0 || available < 0 || restoreRate <= 0) {
      return Optional.empty();
    }
    double seconds = Math.max(0, requested - available) / restoreRate;
    return Optional.of(Duration.ofMillis((long) Math.ceil(seconds * 1000)));
  }

  private JsonNode data(MarketplaceResponse response) {
    Optional<PushResult> callFailure = callFailure(response);
    if (callFailure.isPresent()) {
      throw new MarketplaceCallException(callFailure.get());
    }
    return JsonAdapter.read(response.body()).path("data");
  }

  private static MarketplaceRequest graphql(
      URI baseUrl, Credentials credentials, String query, ObjectNode variables, List<String> skus) {
    ObjectNode body = JsonAdapter.object();
    body.put("query", query);
    body.set("variables", variables);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("X-Shopify-Access-Token", credentials.require("access_token"));
    headers.put("Content-Type", "application/json");
    headers.put("Accept", "application/json");
    String version = credentials.optional("api_version").orElse(DEFAULT_API_VERSION);
    return new MarketplaceRequest(
        "POST",
        MarketplaceHttp.uri(baseUrl, String.format(GRAPHQL_PATH, version), Map.of()),
        headers,
        JsonAdapter.bytes(body),
        skus);
  }

  /** A GraphQL global id from a REST number, or the id itself when it already is one. */
  static String gid(String type, String id) {
    return id.startsWith("gid://") ? id : "gid://shopify/" + type + "/" + id;
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

  // Webhooks

  @Override
  public List<String> webhookCredentialKeys() {
    return List.of("webhook_secret");
  }

  /** {@code X-Shopify-Hmac-SHA256} is the base64 HMAC-SHA256 of the raw body under the secret. */
  @Override
  public boolean verify(
      Map<String, List<String>> headers, byte[] rawBody, Credentials credentials) {
    Optional<String> received =
        MarketplaceHttp.header(headers, "X-Shopify-Hmac-SHA256").map(String::trim);
    if (received.isEmpty() || received.get().isEmpty()) {
      return false;
    }
    String expected =
        Base64.getEncoder()
            .encodeToString(
                MarketplaceHttp.hmacSha256(credentials.require("webhook_secret"), rawBody));
    return MarketplaceHttp.constantTimeEquals(expected, received.get());
  }

  /** Shopify retries a delivery with the same webhook id, up to 8 times over 4 hours. */
  @Override
  public Optional<String> deliveryId(Map<String, List<String>> headers, byte[] rawBody) {
    return MarketplaceHttp.header(headers, "X-Shopify-Webhook-Id");
  }

  /** Order topics (orders/create, orders/cancelled, ...) carry the whole order in REST form. */
  @Override
  public Optional<WebhookEvent> event(Map<String, List<String>> headers, byte[] rawBody) {
    String topic = MarketplaceHttp.header(headers, "X-Shopify-Topic").orElse(null);
    if (topic == null || !topic.startsWith("orders/")) {
      return Optional.empty();
    }
    JsonNode payload = JsonAdapter.read(rawBody);
    if (!payload.has("id")) {
      return Optional.empty();
    }
    MarketplaceOrder order = restOrder(payload);
    return Optional.of(
        new WebhookEvent(
            deliveryId(headers, rawBody).orElse(null), topic, order.channelOrderId(), order));
  }

  /** The orders/create payload, with ids turned into GraphQL ids to match pulled orders. */
  public Optional<MarketplaceOrder> order(byte[] rawBody) {
    JsonNode payload = JsonAdapter.read(rawBody);
    return payload.has("id") ? Optional.of(restOrder(payload)) : Optional.empty();
  }

  private static MarketplaceOrder restOrder(JsonNode payload) {
    List<MarketplaceOrder.Line> lines = new ArrayList<>();
    for (JsonNode item : payload.path("line_items")) {
      Map<String, String> ids = new LinkedHashMap<>();
      if (item.path("variant_id").isNumber()) {
        ids.put("variant_id", gid("ProductVariant", item.path("variant_id").asText()));
      }
      putIfPresent(ids, "sku", JsonAdapter.string(item, "sku"));
      ids.put("line_item_id", gid("LineItem", item.path("id").asText()));
      lines.add(new MarketplaceOrder.Line(new ListingIds(ids), item.path("quantity").asLong()));
    }
    JsonNode address = payload.path("shipping_address");
    String id =
        Optional.ofNullable(JsonAdapter.string(payload, "admin_graphql_api_id"))
            .orElse(gid("Order", payload.path("id").asText()));
    return new MarketplaceOrder(
        id,
        lines,
        JsonAdapter.string(address, "name"),
        JsonAdapter.string(payload, "email"),
        JsonAdapter.string(address, "zip"),
        JsonAdapter.string(address, "province"),
        JsonAdapter.string(address, "city"),
        JsonAdapter.string(address, "address1"),
        JsonAdapter.string(address, "address2"),
        Optional.ofNullable(JsonAdapter.string(address, "phone"))
            .orElse(JsonAdapter.string(payload, "phone")),
        instant(JsonAdapter.string(payload, "created_at")));
  }
}
