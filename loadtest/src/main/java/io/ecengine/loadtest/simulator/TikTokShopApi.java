package io.ecengine.loadtest.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecengine.engine.channel.marketplace.Marketplace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * TikTok Shop Open API 202309: inventory update and search, order search and detail, mark package
 * shipped. Every call is checked like TikTok does: the app key, a timestamp within five minutes,
 * the HMAC signature over path, sorted query and body, and the access token. Answers carry TikTok's
 * {@code code} (0 for success; 36009002 with HTTP 429 when throttled; 36009004, 105002 or 106001
 * for refused requests; the business codes on item errors are illustrative).
 */
final class TikTokShopApi extends MarketplaceApi {

  private static final String VERSION = "202309";
  private static final long MAX_QUANTITY = 99_999;
  private static final int MAX_PAGE_SIZE = 100;
  private static final int MAX_DETAIL_IDS = 50;
  private static final int MAX_SEARCH_SKU_IDS = 600;
  private static final int MAX_SEARCH_PRODUCT_IDS = 100;

  TikTokShopApi(MarketplaceSimulator sim) {
    super(sim);
  }

  @Override
  Marketplace marketplace() {
    return Marketplace.TIKTOK_SHOP;
  }

  @Override
  String prefix() {
    return "/tiktok";
  }

  @Override
  Map<String, String> newCredentials(String shopKey) {
    Map<String, String> credentials = new LinkedHashMap<>();
    credentials.put("app_key", "6" + randomHex(6));
    credentials.put("app_secret", randomHex(20));
    credentials.put("access_token", "ROW_" + randomHex(24));
    credentials.put("shop_cipher", shopKey);
    credentials.put("warehouse_id", "73" + String.format("%017d", Math.abs(shopKey.hashCode())));
    return credentials;
  }

  @Override
  Map<String, String> listingIds(String listingKey, long serial) {
    String[] parts = twoParts(listingKey, "productId:skuId");
    Map<String, String> ids = new LinkedHashMap<>();
    ids.put("product_id", parts[0]);
    ids.put("sku_id", parts[1]);
    return ids;
  }

  @Override
  SimOrder newOrder(
      SimShop shop, String listingKey, int quantity, String buyerRef, long number, Instant at) {
    List<String> lineIds = new ArrayList<>();
    for (int unit = 0; unit < quantity; unit++) {
      lineIds.add(String.format("577%012d%03d", number, unit % 1000));
    }
    return new SimOrder(
        String.format("576%015d", number),
        number,
        listingKey,
        quantity,
        buyerRef,
        at,
        Map.of("line_item_ids", String.join(",", lineIds)));
  }

  /** ORDER_STATUS_CHANGE (type 1), signed as TikTok signs webhooks: hex HMAC(app key + body). */
  @Override
  Optional<Webhook> webhookFor(SimShop shop, SimOrder order) {
    String notificationId = String.format("73%017d", order.number());
    ObjectNode body = MarketplaceSimulator.JSON.createObjectNode();
    body.put("type", 1);
    body.put("tts_notification_id", notificationId);
    body.put("shop_id", String.valueOf(7_000_000_000L + shop.shopNumber()));
    body.put("timestamp", order.placedAt().getEpochSecond());
    ObjectNode data = body.putObject("data");
    data.put("order_id", order.id());
    data.put("order_status", "AWAITING_SHIPMENT");
    data.put("is_on_hold_order", false);
    data.put("update_time", order.placedAt().getEpochSecond());
    byte[] raw = body.toString().getBytes(StandardCharsets.UTF_8);
    byte[] appKey = shop.credentials().get("app_key").getBytes(StandardCharsets.UTF_8);
    byte[] signed = new byte[appKey.length + raw.length];
    System.arraycopy(appKey, 0, signed, 0, appKey.length);
    System.arraycopy(raw, 0, signed, appKey.length, raw.length);
    String signature = HexFormat.of().formatHex(hmac(shop.credentials().get("app_secret"), signed));
    return Optional.of(
        new Webhook(
            notificationId,
            order.id(),
            Map.of("Content-Type", "application/json", "Authorization", signature),
            raw));
  }

  @Override
  void handle(Exchange exchange) throws IOException {
    List<String> path = exchange.segments();
    Api api = route(exchange.method(), path);
    if (api == null) {
      error(exchange, 404, 36009009, "Invalid path. The requested path is not found.");
      return;
    }
    Map<String, String> query = exchange.query();
    if (query.get("sign") == null || query.get("timestamp") == null) {
      error(
          exchange,
          400,
          36009004,
          "Missing credentials. The request does not include a required signature in the query.");
      return;
    }
    Optional<SimShop> found = sim.findShop(marketplace(), query.get("shop_cipher"));
    if (found.isEmpty()) {
      error(exchange, 400, 36009004, "Invalid identifier. The `shop_cipher` is invalid.");
      return;
    }
    SimShop shop = found.get();
    exchange.attribute(shop, api);
    Map<String, String> credentials = shop.credentials();
    if (!credentials.get("app_key").equals(query.get("app_key"))) {
      error(exchange, 400, 36009004, "Invalid credentials. Invalid `app_key` query parameter.");
      return;
    }
    long timestamp;
    try {
      timestamp = Long.parseLong(query.get("timestamp"));
    } catch (NumberFormatException e) {
      timestamp = -1;
    }
    long window = sim.settings().tiktokTimestampWindow().toSeconds();
    if (timestamp < 0 || Math.abs(exchange.arrivedAt().getEpochSecond() - timestamp) > window) {
      error(
          exchange,
          400,
          36009004,
          "Invalid timestamp. The value of the `timestamp` query parameter must not be earlier"
              + " than 5 minutes before the current time.");
      return;
    }
    String expected =
        sign(credentials.get("app_secret"), exchange.rawPath(), query, exchange.bodyText());
    if (!MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8),
        query.get("sign").getBytes(StandardCharsets.UTF_8))) {
      error(exchange, 401, 106001, "Invalid signature. The `sign` does not match the request.");
      return;
    }
    if (!credentials.get("access_token").equals(exchange.header("x-tts-access-token"))) {
      error(
          exchange,
          401,
          105002,
          "Invalid credentials. The `x-tts-access-token` header is invalid.");
      return;
    }
    Duration wait = throttle(exchange, shop, api, 1);
    if (wait != null) {
      // TikTok documents no Retry-After for this answer; the code alone says "slow down".
      error(exchange, 429, 36009002, "Too many requests. Please retry later.");
      return;
    }
    JsonNode body =
        exchange.body().length == 0
            ? MarketplaceSimulator.JSON.createObjectNode()
            : readJson(exchange.body());
    if (body == null) {
      error(exchange, 400, 36009004, "Invalid request body. The body is not valid JSON.");
      return;
    }
    switch (api) {
      case TIKTOK_INVENTORY_UPDATE -> inventoryUpdate(exchange, shop, path.get(4), body);
      case TIKTOK_INVENTORY_SEARCH -> inventorySearch(exchange, shop, body);
      case TIKTOK_ORDER_SEARCH -> orderSearch(exchange, shop, body);
      case TIKTOK_ORDER_DETAIL -> orderDetail(exchange, shop);
      case TIKTOK_MARK_SHIPPED -> markShipped(exchange, shop, path.get(4), body);
      default -> throw new IllegalStateException("Not a TikTok call: " + api);
    }
  }

  private static Api route(String method, List<String> path) {
    // ["", "product", "202309", "products", id, "inventory", "update"]
    if (method.equals("POST")
        && path.size() == 7
        && path.get(1).equals("product")
        && path.get(2).equals(VERSION)
        && path.get(3).equals("products")
        && path.get(5).equals("inventory")
        && path.get(6).equals("update")) {
      return Api.TIKTOK_INVENTORY_UPDATE;
    }
    // ["", "product", "202309", "inventory", "search"]
    if (method.equals("POST")
        && path.size() == 5
        && path.get(1).equals("product")
        && path.get(2).equals(VERSION)
        && path.get(3).equals("inventory")
        && path.get(4).equals("search")) {
      return Api.TIKTOK_INVENTORY_SEARCH;
    }
    if (path.size() >= 4 && path.get(1).equals("order") && path.get(2).equals(VERSION)) {
      if (method.equals("POST") && path.size() == 5 && path.get(4).equals("search")) {
        return Api.TIKTOK_ORDER_SEARCH;
      }
      if (method.equals("GET") && path.size() == 4 && path.get(3).equals("orders")) {
        return Api.TIKTOK_ORDER_DETAIL;
      }
    }
    if (method.equals("POST")
        && path.size() == 6
        && path.get(1).equals("fulfillment")
        && path.get(2).equals(VERSION)
        && path.get(3).equals("orders")
        && path.get(5).equals("packages")) {
      return Api.TIKTOK_MARK_SHIPPED;
    }
    return null;
  }

  private void inventoryUpdate(Exchange exchange, SimShop shop, String productId, JsonNode body)
      throws IOException {
    JsonNode skus = body.path("skus");
    if (!skus.isArray() || skus.isEmpty()) {
      error(exchange, 400, 36009004, "Invalid params. `skus` is required.");
      return;
    }
    String warehouse = shop.credentials().get("warehouse_id");
    ArrayNode errors = MarketplaceSimulator.JSON.createArrayNode();
    for (JsonNode sku : skus) {
      String skuId = sku.path("id").asText("");
      JsonNode inventory = sku.path("inventory").path(0);
      JsonNode quantity = inventory.path("quantity");
      String listingKey = productId + ":" + skuId;
      if (!shop.isListed(listingKey)) {
        itemError(errors, 12052048, "The SKU does not belong to this product.", skuId);
      } else if (inventory.has("warehouse_id")
          && !warehouse.equals(inventory.path("warehouse_id").asText())) {
        itemError(errors, 12052230, "The warehouse does not belong to this shop.", skuId);
      } else if (!quantity.canConvertToLong()
          || !quantity.isIntegralNumber()
          || quantity.asLong() < 0
          || quantity.asLong() > MAX_QUANTITY) {
        itemError(errors, 12019052, "Inventory quantity must be 0 to 99999.", skuId);
      } else {
        shop.setShown(listingKey, quantity.asLong(), exchange.arrivedAt());
      }
    }
    ObjectNode data = MarketplaceSimulator.JSON.createObjectNode();
    if (!errors.isEmpty()) {
      data.set("errors", errors);
    }
    success(exchange, data);
  }

  /**
   * What the listings named by sku_ids (which win when both are sent) or product_ids show now, per
   * product, in the shop's one warehouse. Ids the shop does not list are left out. Committed units
   * are those of orders not reported shipped.
   */
  private void inventorySearch(Exchange exchange, SimShop shop, JsonNode body) throws IOException {
    JsonNode skuIds = body.path("sku_ids");
    JsonNode productIds = body.path("product_ids");
    boolean bySku = skuIds.isArray() && !skuIds.isEmpty();
    if (!bySku && (!productIds.isArray() || productIds.isEmpty())) {
      error(exchange, 400, 36009004, "Invalid params. `product_ids` or `sku_ids` is required.");
      return;
    }
    if (bySku ? skuIds.size() > MAX_SEARCH_SKU_IDS : productIds.size() > MAX_SEARCH_PRODUCT_IDS) {
      error(
          exchange,
          400,
          36009004,
          "Invalid params. At most 600 `sku_ids` or 100 `product_ids` are allowed.");
      return;
    }
    List<String> wanted = new ArrayList<>();
    (bySku ? skuIds : productIds).forEach(id -> wanted.add(id.asText()));
    Map<String, ArrayNode> skusByProduct = new LinkedHashMap<>();
    Map<String, Long> committedByListing = committed(shop);
    for (String listingKey : shop.listingKeys()) {
      String[] ids = twoParts(listingKey, "productId:skuId");
      if (!wanted.contains(bySku ? ids[1] : ids[0])) {
        continue;
      }
      long available = shop.shown(listingKey).orElse(0);
      long committed = committedByListing.getOrDefault(listingKey, 0L);
      ObjectNode sku =
          skusByProduct
              .computeIfAbsent(ids[0], product -> MarketplaceSimulator.JSON.createArrayNode())
              .addObject();
      sku.put("id", ids[1]);
      sku.put("seller_sku", "");
      sku.put("total_available_quantity", available);
      sku.put("total_committed_quantity", committed);
      ObjectNode warehouse = sku.putArray("warehouse_inventory").addObject();
      warehouse.put("warehouse_id", shop.credentials().get("warehouse_id"));
      warehouse.put("available_quantity", available);
      warehouse.put("committed_quantity", committed);
    }
    ObjectNode data = MarketplaceSimulator.JSON.createObjectNode();
    ArrayNode inventory = data.putArray("inventory");
    skusByProduct.forEach(
        (productId, skus) -> {
          ObjectNode product = inventory.addObject();
          product.put("product_id", productId);
          product.set("skus", skus);
        });
    success(exchange, data);
  }

  /** Units of orders not shipped yet, per listing: what TikTok Shop counts as committed. */
  private static Map<String, Long> committed(SimShop shop) {
    Set<String> shipped =
        shop.trackingReports().stream().map(TrackingRecord::orderId).collect(Collectors.toSet());
    Map<String, Long> committed = new HashMap<>();
    for (SimOrder order : shop.ordersSnapshot()) {
      if (!shipped.contains(order.id())) {
        committed.merge(order.listingKey(), (long) order.quantity(), Long::sum);
      }
    }
    return committed;
  }

  private static void itemError(ArrayNode errors, long code, String message, String skuId) {
    ObjectNode error = errors.addObject();
    error.put("code", code);
    error.put("message", message);
    ObjectNode detail = error.putObject("detail");
    detail.put("sku_id", skuId);
    detail.putArray("extra_errors");
  }

  private void orderSearch(Exchange exchange, SimShop shop, JsonNode body) throws IOException {
    int pageSize;
    try {
      pageSize = Integer.parseInt(exchange.query().getOrDefault("page_size", ""));
    } catch (NumberFormatException e) {
      pageSize = -1;
    }
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      error(exchange, 400, 36009004, "Invalid params. `page_size` must be 1 to 100.");
      return;
    }
    long from = body.path("create_time_ge").asLong(Long.MIN_VALUE);
    long before = body.path("create_time_lt").asLong(Long.MAX_VALUE);
    List<SimOrder> matching =
        shop.ordersSnapshot().stream()
            .filter(o -> o.placedAt().getEpochSecond() >= from)
            .filter(o -> o.placedAt().getEpochSecond() < before)
            .toList();
    if ("DESC".equals(exchange.query().get("sort_order"))) {
      matching = new ArrayList<>(matching);
      java.util.Collections.reverse(matching);
    }
    int offset = offset(exchange.query().get("page_token"));
    if (offset < 0) {
      error(exchange, 400, 36009004, "Invalid params. `page_token` is invalid.");
      return;
    }
    ObjectNode data = MarketplaceSimulator.JSON.createObjectNode();
    ArrayNode orders = data.putArray("orders");
    int end = Math.min(matching.size(), offset + pageSize);
    for (int i = offset; i < end; i++) {
      orders.add(order(matching.get(i)));
    }
    data.put("next_page_token", end < matching.size() ? token(end) : "");
    data.put("total_count", matching.size());
    success(exchange, data);
  }

  private void orderDetail(Exchange exchange, SimShop shop) throws IOException {
    String ids = exchange.query().getOrDefault("ids", "");
    List<String> wanted = ids.isBlank() ? List.of() : List.of(ids.split(","));
    if (wanted.isEmpty() || wanted.size() > MAX_DETAIL_IDS) {
      error(exchange, 400, 36009004, "Invalid params. `ids` takes 1 to 50 order ids.");
      return;
    }
    ObjectNode data = MarketplaceSimulator.JSON.createObjectNode();
    ArrayNode orders = data.putArray("orders");
    for (String id : wanted) {
      shop.order(id.trim()).ifPresent(order -> orders.add(order(order)));
    }
    success(exchange, data);
  }

  private void markShipped(Exchange exchange, SimShop shop, String orderId, JsonNode body)
      throws IOException {
    Optional<SimOrder> order = shop.order(orderId);
    String trackingNumber = body.path("tracking_number").asText("");
    String provider = body.path("shipping_provider_id").asText("");
    if (order.isEmpty()) {
      businessError(exchange, 21001001, "The order does not exist.");
      return;
    }
    if (trackingNumber.isBlank() || provider.isBlank()) {
      businessError(exchange, 21011003, "tracking_number and shipping_provider_id are required.");
      return;
    }
    List<String> known = List.of(order.get().idOf("line_item_ids").split(","));
    for (JsonNode lineItem : body.path("order_line_item_ids")) {
      if (!known.contains(lineItem.asText())) {
        businessError(exchange, 21011007, "The line item does not belong to the order.");
        return;
      }
    }
    shop.recordTracking(
        new TrackingRecord(orderId, provider, trackingNumber, exchange.arrivedAt()));
    success(exchange, MarketplaceSimulator.JSON.createObjectNode());
  }

  private static ObjectNode order(SimOrder order) {
    String[] ids = twoParts(order.listingKey(), "productId:skuId");
    ObjectNode node = MarketplaceSimulator.JSON.createObjectNode();
    node.put("id", order.id());
    node.put("status", "AWAITING_SHIPMENT");
    node.put("create_time", order.placedAt().getEpochSecond());
    node.put("update_time", order.placedAt().getEpochSecond());
    node.put("buyer_email", "v" + order.number() + "@scs.tiktokw.jp");
    ObjectNode address = node.putObject("recipient_address");
    address.put("name", order.buyerRef());
    address.put("phone_number", "(+81)90****" + String.format("%04d", order.number() % 10_000));
    address.put("postal_code", "150-0001");
    address.put("region_code", "JP");
    address.put("address_line1", "神宮前1-2-3");
    address.put("address_line2", "");
    ArrayNode districts = address.putArray("district_info");
    ObjectNode prefecture = districts.addObject();
    prefecture.put("address_level_name", "Prefecture");
    prefecture.put("address_name", "東京都");
    prefecture.put("address_level", "L1");
    ObjectNode city = districts.addObject();
    city.put("address_level_name", "City");
    city.put("address_name", "渋谷区");
    city.put("address_level", "L2");
    ArrayNode lines = node.putArray("line_items");
    for (String lineId : order.idOf("line_item_ids").split(",")) {
      ObjectNode line = lines.addObject();
      line.put("id", lineId);
      line.put("product_id", ids[0]);
      line.put("sku_id", ids[1]);
      line.put("display_status", "AWAITING_SHIPMENT");
      line.put("seller_sku", "");
    }
    return node;
  }

  private static int offset(String pageToken) {
    if (pageToken == null || pageToken.isEmpty()) {
      return 0;
    }
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
      return decoded.startsWith("offset:") ? Integer.parseInt(decoded.substring(7)) : -1;
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }

  private static String token(int offset) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("offset:" + offset).getBytes(StandardCharsets.UTF_8));
  }

  private static JsonNode readJson(byte[] body) {
    try {
      return MarketplaceSimulator.JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  private void success(Exchange exchange, ObjectNode data) throws IOException {
    ObjectNode answer = MarketplaceSimulator.JSON.createObjectNode();
    answer.put("code", 0);
    answer.put("message", "Success");
    answer.put("request_id", requestId());
    answer.set("data", data);
    exchange.json(200, answer.toString());
  }

  /** A refused call: TikTok's error body under an HTTP error status. */
  private void error(Exchange exchange, int status, long code, String message) throws IOException {
    ObjectNode answer = MarketplaceSimulator.JSON.createObjectNode();
    answer.put("code", code);
    answer.put("message", message);
    answer.put("request_id", requestId());
    answer.putObject("data");
    exchange.json(status, answer.toString());
  }

  /** A business error: TikTok answers it with HTTP 200 and a non-zero code. */
  private void businessError(Exchange exchange, long code, String message) throws IOException {
    error(exchange, 200, code, message);
  }

  private String requestId() {
    return String.format("2026%016d", sim.nextSequence());
  }

  /** TikTok's request signature: hex HMAC(secret, secret + path + sorted query + body + secret). */
  static String sign(String appSecret, String path, Map<String, String> query, String body) {
    StringBuilder base = new StringBuilder(appSecret).append(path);
    new TreeMap<>(query)
        .forEach(
            (name, value) -> {
              if (!name.equals("sign") && !name.equals("access_token")) {
                base.append(name).append(value);
              }
            });
    base.append(body).append(appSecret);
    return HexFormat.of()
        .formatHex(hmac(appSecret, base.toString().getBytes(StandardCharsets.UTF_8)));
  }

  static byte[] hmac(String key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
