package io.ecengine.engine.channel.marketplace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * TikTok Shop Open API, version 202309.
 *
 * <p>Credentials: {@code app_key}, {@code app_secret}, {@code access_token}, {@code shop_cipher};
 * optional {@code warehouse_id} (needed when a SKU is stocked in more than the default warehouse; a
 * push's own {@code warehouse_id} listing id wins) and {@code shipping_provider_id.<carrier>}
 * entries that map our carrier codes to TikTok's shipping provider ids. Webhooks need {@code
 * app_key} and {@code app_secret}. Listing ids: {@code product_id}, {@code sku_id}.
 *
 * <p>Every call is signed: the query carries {@code app_key}, {@code timestamp}, {@code
 * shop_cipher} and {@code sign} = lowercase hex HMAC-SHA256 keyed by the app secret over app secret
 * + path + the sorted query parameters (name then value, without sign and access_token) + the body
 * + app secret. The access token travels in the {@code x-tts-access-token} header.
 */
public final class TikTokShopAdapter implements MarketplaceAdapter, WebhookVerifier {

  static final String INVENTORY_PATH = "/product/202309/products/%s/inventory/update";
  static final String INVENTORY_SEARCH_PATH = "/product/202309/inventory/search";
  static final String ORDER_SEARCH_PATH = "/order/202309/orders/search";
  static final String ORDER_DETAIL_PATH = "/order/202309/orders";
  static final String MARK_SHIPPED_PATH = "/fulfillment/202309/orders/%s/packages";

  /** The body code TikTok answers with, sometimes under HTTP 200, when a call was rate limited. */
  static final long RATE_LIMITED_CODE = 36009002L;

  static final long MAX_QUANTITY = 99_999L;
  static final int ORDER_PAGE_SIZE = 100;
  static final int ORDERS_PER_DETAIL_CALL = 50;
  // Inventory search takes up to 600 sku_ids (or 100 product_ids) a call.
  static final int SKUS_PER_INVENTORY_SEARCH = 600;

  private static final String ORDER_STATUS_CHANGE = "ORDER_STATUS_CHANGE";

  private final int maxSkusPerCall;
  private final Clock clock;

  public TikTokShopAdapter() {
    this(Marketplace.TIKTOK_SHOP.defaultBatchSize(), Clock.systemUTC());
  }

  /**
   * @param maxSkusPerCall how many SKUs of one product go in one call; the documentation gives no
   *     cap beyond "the SKUs of one product", so products with more SKUs are split
   * @param clock used only to resolve a Retry-After date when the answer has no Date header
   */
  public TikTokShopAdapter(int maxSkusPerCall, Clock clock) {
    if (maxSkusPerCall < 1) {
      throw new IllegalArgumentException("maxSkusPerCall must be positive");
    }
    this.maxSkusPerCall = maxSkusPerCall;
    this.clock = clock;
  }

  @Override
  public Marketplace marketplace() {
    return Marketplace.TIKTOK_SHOP;
  }

  @Override
  public List<String> requiredCredentialKeys() {
    return List.of("app_key", "app_secret", "access_token", "shop_cipher");
  }

  @Override
  public List<String> requiredListingKeys() {
    return List.of("product_id", "sku_id");
  }

  @Override
  public String callKey(ListingIds ids) {
    return ids.optional("product_id").orElse("");
  }

  @Override
  public List<MarketplaceRequest> stockUpdate(
      URI baseUrl, Credentials credentials, List<StockPush> pushes, Instant now) {
    pushes.forEach(push -> validate(push.ids()));
    Map<String, List<StockPush>> byProduct = new LinkedHashMap<>();
    for (StockPush push : pushes) {
      byProduct
          .computeIfAbsent(push.ids().require("product_id"), product -> new ArrayList<>())
          .add(push);
    }

    List<MarketplaceRequest> requests = new ArrayList<>();
    byProduct.forEach(
        (productId, productPushes) -> {
          for (List<StockPush> chunk : MarketplaceHttp.chunks(productPushes, maxSkusPerCall)) {
            requests.add(inventoryUpdate(baseUrl, credentials, productId, chunk, now));
          }
        });
    return requests;
  }

  private MarketplaceRequest inventoryUpdate(
      URI baseUrl, Credentials credentials, String productId, List<StockPush> pushes, Instant now) {
    ObjectNode body = JsonAdapter.object();
    ArrayNode skus = body.putArray("skus");
    for (StockPush push : pushes) {
      ObjectNode sku = skus.addObject();
      sku.put("id", push.ids().require("sku_id"));
      ObjectNode inventory = sku.putArray("inventory").addObject();
      push.ids()
          .optional("warehouse_id")
          .or(() -> credentials.optional("warehouse_id"))
          .ifPresent(warehouse -> inventory.put("warehouse_id", warehouse));
      // TikTok takes 0 to 99,999; a larger sellable quantity cannot sell out before the next push.
      inventory.put("quantity", MarketplaceHttp.clamp(push.quantity(), MAX_QUANTITY));
    }
    String path = String.format(INVENTORY_PATH, MarketplaceHttp.pathSegment(productId));
    return signed(
        "POST",
        baseUrl,
        path,
        Map.of(),
        JsonAdapter.text(body),
        credentials,
        now,
        pushes.stream().map(StockPush::sku).toList());
  }

  @Override
  public PushResult parseStockUpdate(MarketplaceRequest request, MarketplaceResponse response) {
    Optional<PushResult> callFailure = callFailure(response);
    if (callFailure.isPresent()) {
      return callFailure.get();
    }
    JsonNode answer = JsonAdapter.read(response.body());
    long code = answer.path("code").asLong();

    Map<String, String> skuByTikTokId = skusByBodyPosition(request);
    Map<String, String> rejected = new LinkedHashMap<>();
    for (JsonNode error : answer.path("data").path("errors")) {
      String skuId = JsonAdapter.string(error.path("detail"), "sku_id");
      String sku = skuId == null ? null : skuByTikTokId.get(skuId);
      if (sku != null) {
        rejected.put(sku, reason(error));
      }
    }
    if (code == 0 && rejected.isEmpty()) {
      return new PushResult.Accepted(request.skus());
    }
    if (!rejected.isEmpty()) {
      // With code 0 the other SKUs were applied; with a failing code nothing is known to be, so
      // they are left out of both lists and sent again (absolute quantities make that harmless).
      List<String> accepted =
          code == 0
              ? request.skus().stream().filter(sku -> !rejected.containsKey(sku)).toList()
              : List.of();
      return new PushResult.PartlyRejected(accepted, rejected);
    }
    return new PushResult.Failed(false, reason(answer));
  }

  /** Maps TikTok sku ids back to our SKUs by their position in the body we built. */
  private static Map<String, String> skusByBodyPosition(MarketplaceRequest request) {
    Map<String, String> skus = new HashMap<>();
    JsonNode sent = JsonAdapter.read(request.body()).path("skus");
    for (int i = 0; i < sent.size() && i < request.skus().size(); i++) {
      skus.put(sent.get(i).path("id").asText(), request.skus().get(i));
    }
    return skus;
  }

  /**
   * Inventory search by sku_ids, which names exactly the listings asked about (product_ids would
   * also return the product's other SKUs).
   */
  @Override
  public List<MarketplaceRequest> stockRead(
      URI baseUrl, Credentials credentials, List<ListingRef> listings, Instant now) {
    listings.forEach(listing -> validate(listing.ids()));
    List<MarketplaceRequest> requests = new ArrayList<>();
    for (List<ListingRef> chunk : MarketplaceHttp.chunks(listings, SKUS_PER_INVENTORY_SEARCH)) {
      ObjectNode body = JsonAdapter.object();
      ArrayNode skuIds = body.putArray("sku_ids");
      chunk.forEach(listing -> skuIds.add(listing.ids().require("sku_id")));
      requests.add(
          signed(
              "POST",
              baseUrl,
              INVENTORY_SEARCH_PATH,
              Map.of(),
              JsonAdapter.text(body),
              credentials,
              now,
              chunk.stream().map(ListingRef::sku).toList()));
    }
    return requests;
  }

  /**
   * {@code data.inventory[].skus[]} by TikTok sku id, each SKU's {@code total_available_quantity}:
   * what buyers can still order, committed units (sold, not shipped) excluded.
   */
  @Override
  public Map<String, Long> parseStockRead(
      MarketplaceRequest request, MarketplaceResponse response) {
    // Limitation: a SKU stocked in several warehouses reads as the total of all of them, while a
    // push sets only the one warehouse it names; the answer alone cannot tell which one that is.
    JsonNode data = data(response);
    Map<String, Long> byTikTokId = new HashMap<>();
    for (JsonNode product : data.path("inventory")) {
      for (JsonNode sku : product.path("skus")) {
        String id = JsonAdapter.string(sku, "id");
        Optional<Long> available = available(sku);
        if (id != null && available.isPresent()) {
          byTikTokId.put(id, available.get());
        }
      }
    }
    JsonNode sent = JsonAdapter.read(request.body()).path("sku_ids");
    Map<String, Long> shown = new LinkedHashMap<>();
    for (int i = 0; i < sent.size() && i < request.skus().size(); i++) {
      Long quantity = byTikTokId.get(sent.get(i).asText());
      if (quantity != null) {
        shown.put(request.skus().get(i), quantity);
      }
    }
    return shown;
  }

  private static Optional<Long> available(JsonNode sku) {
    JsonNode total = sku.path("total_available_quantity");
    if (total.isIntegralNumber()) {
      return Optional.of(total.asLong());
    }
    long sum = 0;
    boolean any = false;
    for (JsonNode warehouse : sku.path("warehouse_inventory")) {
      if (warehouse.path("available_quantity").isIntegralNumber()) {
        sum += warehouse.path("available_quantity").asLong();
        any = true;
      }
    }
    return any ? Optional.of(sum) : Optional.empty();
  }

  @Override
  public MarketplaceRequest orderPull(
      URI baseUrl, Credentials credentials, Instant since, String pageToken, Instant now) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("page_size", String.valueOf(ORDER_PAGE_SIZE));
    query.put("sort_field", "create_time");
    query.put("sort_order", "ASC");
    if (pageToken != null) {
      query.put("page_token", pageToken);
    }
    // Only a lower bound: an upper bound moving with `now` would shift the pages under the cursor.
    ObjectNode body = JsonAdapter.object();
    body.put("create_time_ge", since.getEpochSecond());
    return signed(
        "POST",
        baseUrl,
        ORDER_SEARCH_PATH,
        query,
        JsonAdapter.text(body),
        credentials,
        now,
        List.of());
  }

  @Override
  public OrderPage parseOrderPull(MarketplaceResponse response) {
    JsonNode data = data(response);
    List<MarketplaceOrder> orders = new ArrayList<>();
    data.path("orders").forEach(order -> orders.add(order(order)));
    return new OrderPage(orders, JsonAdapter.string(data, "next_page_token"));
  }

  @Override
  public List<MarketplaceRequest> orderDetails(
      URI baseUrl, Credentials credentials, List<String> channelOrderIds, Instant now) {
    // Limitation: ids are sent comma separated; the reference shows a string list without saying
    // how it is serialized in the query, and comma separation is what public clients use.
    return MarketplaceHttp.chunks(channelOrderIds, ORDERS_PER_DETAIL_CALL).stream()
        .map(
            ids ->
                signed(
                    "GET",
                    baseUrl,
                    ORDER_DETAIL_PATH,
                    Map.of("ids", String.join(",", ids)),
                    "",
                    credentials,
                    now,
                    List.of()))
        .toList();
  }

  @Override
  public List<MarketplaceOrder> parseOrderDetails(MarketplaceResponse response) {
    List<MarketplaceOrder> orders = new ArrayList<>();
    data(response).path("orders").forEach(order -> orders.add(order(order)));
    return orders;
  }

  /** The data of a read (orders, inventory), or the call's failure as an exception. */
  private JsonNode data(MarketplaceResponse response) {
    Optional<PushResult> callFailure = callFailure(response);
    if (callFailure.isPresent()) {
      throw new MarketplaceCallException(callFailure.get());
    }
    JsonNode answer = JsonAdapter.read(response.body());
    if (answer.path("code").asLong() != 0) {
      throw new MarketplaceCallException(new PushResult.Failed(false, reason(answer)));
    }
    return answer.path("data");
  }

  /**
   * One order. TikTok lists a line item per unit, so units of the same SKU are counted into one
   * line; cancelled units are left out because they no longer need stock.
   */
  private static MarketplaceOrder order(JsonNode order) {
    Map<String, List<JsonNode>> unitsBySku = new LinkedHashMap<>();
    for (JsonNode item : order.path("line_items")) {
      if ("CANCELLED".equals(JsonAdapter.string(item, "display_status"))) {
        continue;
      }
      unitsBySku.computeIfAbsent(item.path("sku_id").asText(), sku -> new ArrayList<>()).add(item);
    }
    List<MarketplaceOrder.Line> lines = new ArrayList<>();
    unitsBySku.forEach(
        (skuId, units) -> {
          Map<String, String> ids = new LinkedHashMap<>();
          ids.put("product_id", units.get(0).path("product_id").asText());
          ids.put("sku_id", skuId);
          Optional.ofNullable(JsonAdapter.string(units.get(0), "seller_sku"))
              .ifPresent(sellerSku -> ids.put("seller_sku", sellerSku));
          ids.put(
              "line_item_ids",
              String.join(",", units.stream().map(unit -> unit.path("id").asText()).toList()));
          lines.add(new MarketplaceOrder.Line(new ListingIds(ids), units.size()));
        });

    JsonNode address = order.path("recipient_address");
    String prefecture = null;
    String city = null;
    for (JsonNode district : address.path("district_info")) {
      String level = JsonAdapter.string(district, "address_level");
      if ("L1".equals(level)) {
        prefecture = JsonAdapter.string(district, "address_name");
      } else if ("L2".equals(level)) {
        city = JsonAdapter.string(district, "address_name");
      }
    }
    JsonNode created = order.path("create_time");
    return new MarketplaceOrder(
        order.path("id").asText(),
        lines,
        JsonAdapter.string(address, "name"),
        JsonAdapter.string(order, "buyer_email"),
        JsonAdapter.string(address, "postal_code"),
        prefecture,
        city,
        JsonAdapter.string(address, "address_line1"),
        JsonAdapter.string(address, "address_line2"),
        JsonAdapter.string(address, "phone_number"),
        created.isNumber() ? Instant.ofEpochSecond(created.asLong()) : null);
  }

  /**
   * Marks the order (or, when the lines carry their line_item_ids, those units) as shipped by the
   * seller's own carrier ("Mark Package As Shipped").
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
    // Limitation: orders shipped with TikTok's own labels are shipped with "Ship Package"
    // instead, which this adapter does not build; and carrier must be a TikTok shipping
    // provider id unless the credentials map it with a shipping_provider_id.<carrier> entry.
    ObjectNode body = JsonAdapter.object();
    List<String> lineItemIds =
        lines.stream()
            .flatMap(line -> line.ids().optional("line_item_ids").stream())
            .flatMap(joined -> List.of(joined.split(",")).stream())
            .toList();
    if (!lineItemIds.isEmpty()) {
      ArrayNode ids = body.putArray("order_line_item_ids");
      lineItemIds.forEach(ids::add);
    }
    body.put("tracking_number", trackingNumber);
    body.put(
        "shipping_provider_id",
        credentials.optional("shipping_provider_id." + carrier).orElse(carrier));
    String path = String.format(MARK_SHIPPED_PATH, MarketplaceHttp.pathSegment(channelOrderId));
    return signed(
        "POST", baseUrl, path, Map.of(), JsonAdapter.text(body), credentials, now, List.of());
  }

  @Override
  public PushResult parseWriteBack(MarketplaceRequest request, MarketplaceResponse response) {
    Optional<PushResult> callFailure = callFailure(response);
    if (callFailure.isPresent()) {
      return callFailure.get();
    }
    JsonNode answer = JsonAdapter.read(response.body());
    return answer.path("code").asLong() == 0
        ? new PushResult.Accepted(request.skus())
        : new PushResult.Failed(false, reason(answer));
  }

  /**
   * Throttling and HTTP failures, which look the same for every TikTok call: HTTP 429 or the rate
   * limit code throttle (honouring Retry-After when sent), other non-2xx statuses follow HTTP, and
   * an unreadable body is worth one more try.
   */
  private Optional<PushResult> callFailure(MarketplaceResponse response) {
    JsonNode answer = JsonAdapter.read(response.body());
    if (response.status() == 429 || answer.path("code").asLong() == RATE_LIMITED_CODE) {
      return Optional.of(
          new PushResult.Throttled(MarketplaceHttp.retryAfter(response, clock).orElse(null)));
    }
    if (!response.isSuccess()) {
      return Optional.of(MarketplaceHttp.failure(response, clock));
    }
    if (!answer.path("code").isNumber()) {
      return Optional.of(
          new PushResult.Failed(
              true, "Unreadable TikTok answer" + MarketplaceHttp.snippet(response)));
    }
    return Optional.empty();
  }

  private static String reason(JsonNode error) {
    return "TikTok code " + error.path("code").asText() + ": " + error.path("message").asText();
  }

  private MarketplaceRequest signed(
      String method,
      URI baseUrl,
      String path,
      Map<String, String> extraQuery,
      String body,
      Credentials credentials,
      Instant now,
      List<String> skus) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("app_key", credentials.require("app_key"));
    query.put("timestamp", String.valueOf(now.getEpochSecond()));
    query.put("shop_cipher", credentials.require("shop_cipher"));
    query.putAll(extraQuery);
    query.put("sign", sign(credentials.require("app_secret"), path, query, body));

    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("x-tts-access-token", credentials.require("access_token"));
    headers.put("Content-Type", "application/json");
    return new MarketplaceRequest(
        method,
        MarketplaceHttp.uri(baseUrl, path, query),
        headers,
        body.getBytes(StandardCharsets.UTF_8),
        skus);
  }

  private static String sign(
      String appSecret, String path, Map<String, String> query, String body) {
    StringBuilder base = new StringBuilder(appSecret).append(path);
    new TreeMap<>(query)
        .forEach(
            (name, value) -> {
              if (!name.equals("sign") && !name.equals("access_token")) {
                base.append(name).append(value);
              }
            });
    base.append(body).append(appSecret);
    return MarketplaceHttp.hex(
        MarketplaceHttp.hmacSha256(appSecret, base.toString().getBytes(StandardCharsets.UTF_8)));
  }

  // Webhooks

  @Override
  public List<String> webhookCredentialKeys() {
    return List.of("app_key", "app_secret");
  }

  /**
   * TikTok puts lowercase hex HMAC-SHA256(app secret, app key + raw body) in the Authorization
   * header. Nothing time-bound is signed, so deduplicating on the delivery id is what stops a
   * replay from acting twice.
   */
  @Override
  public boolean verify(
      Map<String, List<String>> headers, byte[] rawBody, Credentials credentials) {
    Optional<String> received = MarketplaceHttp.header(headers, "Authorization").map(String::trim);
    if (received.isEmpty() || received.get().isEmpty()) {
      return false;
    }
    byte[] appKey = credentials.require("app_key").getBytes(StandardCharsets.UTF_8);
    byte[] signed = new byte[appKey.length + rawBody.length];
    System.arraycopy(appKey, 0, signed, 0, appKey.length);
    System.arraycopy(rawBody, 0, signed, appKey.length, rawBody.length);
    String expected =
        MarketplaceHttp.hex(MarketplaceHttp.hmacSha256(credentials.require("app_secret"), signed));
    return MarketplaceHttp.constantTimeEquals(expected, received.get());
  }

  @Override
  public Optional<String> deliveryId(Map<String, List<String>> headers, byte[] rawBody) {
    return Optional.ofNullable(
        JsonAdapter.string(JsonAdapter.read(rawBody), "tts_notification_id"));
  }

  /**
   * Order events name the order but do not carry it, so the event asks for a fetch. Type 1 is an
   * order status change; other types that name an order are passed on as {@code type_<n>}.
   */
  @Override
  public Optional<WebhookEvent> event(Map<String, List<String>> headers, byte[] rawBody) {
    JsonNode delivery = JsonAdapter.read(rawBody);
    String orderId = JsonAdapter.string(delivery.path("data"), "order_id");
    if (orderId == null) {
      return Optional.empty();
    }
    int type = delivery.path("type").asInt();
    String topic = type == 1 ? ORDER_STATUS_CHANGE : "type_" + type;
    return Optional.of(
        new WebhookEvent(
            JsonAdapter.string(delivery, "tts_notification_id"), topic, orderId, null));
  }
}
