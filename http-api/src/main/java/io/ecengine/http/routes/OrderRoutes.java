package io.ecengine.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecengine.engine.fulfillment.TimeSlot;
import io.ecengine.engine.order.OrderDetails;
import io.ecengine.engine.order.OrderEntity;
import io.ecengine.engine.order.OrderEvent.ReturnLine;
import io.ecengine.engine.order.OrderIds;
import io.ecengine.engine.order.OrderLine;
import io.ecengine.engine.order.OrderStatus;
import io.ecengine.engine.order.OrderView;
import io.ecengine.engine.order.ReturnCondition;
import io.ecengine.engine.order.ShippingSla;
import io.ecengine.http.api.Access;
import io.ecengine.http.api.ApiException;
import io.ecengine.http.api.Call;
import io.ecengine.http.api.Endpoint;
import io.ecengine.http.api.Ids;
import io.ecengine.http.api.JsonBody;
import io.ecengine.http.api.Problem;
import io.ecengine.http.api.Reply;
import io.ecengine.persistence.ChannelSlas;
import io.ecengine.persistence.ChannelStore;
import io.ecengine.persistence.OrderSummaries;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/** Orders over HTTP: intake, reads, cancellation, shipments, returns, and channel shipping SLAs. */
public final class OrderRoutes {

  private static final int MAX_LINES = 200;
  private static final Set<String> ORDER_FIELDS =
      Set.of(
          "channelId",
          "channelOrderId",
          "lines",
          "buyer",
          "shipTo",
          "deliveryDate",
          "deliveryTimeSlot",
          "giftWrap",
          "note");

  private final ClusterSharding sharding;
  private final java.time.Duration askTimeout;
  private final java.time.Duration resendAfter;
  private final ObjectMapper json;
  private final OrderSummaries summaries;
  private final ChannelSlas slas;
  private final ChannelStore channels;
  private final Executor blocking;

  public OrderRoutes(
      ClusterSharding sharding,
      java.time.Duration askTimeout,
      ObjectMapper json,
      OrderSummaries summaries,
      ChannelSlas slas,
      ChannelStore channels,
      Executor blocking) {
    this(sharding, askTimeout, java.time.Duration.ZERO, json, summaries, slas, channels, blocking);
  }

  /** With an order command sent again every {@code resendAfter} until answered. */
  public OrderRoutes(
      ClusterSharding sharding,
      java.time.Duration askTimeout,
      java.time.Duration resendAfter,
      ObjectMapper json,
      OrderSummaries summaries,
      ChannelSlas slas,
      ChannelStore channels,
      Executor blocking) {
    this.sharding = sharding;
    this.askTimeout = askTimeout;
    this.resendAfter = resendAfter;
    this.json = json;
    this.summaries = summaries;
    this.slas = slas;
    this.channels = channels;
    this.blocking = blocking;
  }

  public List<Endpoint> endpoints() {
    return List.of(
        new Endpoint("POST", "/v1/orders", Access.TENANT, this::place),
        new Endpoint("GET", "/v1/orders", Access.TENANT, this::list),
        new Endpoint("GET", "/v1/orders/{orderId}", Access.TENANT, this::get),
        new Endpoint("POST", "/v1/orders/{orderId}/cancel", Access.TENANT, this::cancel),
        new Endpoint("POST", "/v1/orders/{orderId}/shipments", Access.TENANT, this::ship),
        new Endpoint("POST", "/v1/orders/{orderId}/returns", Access.TENANT, this::returns),
        new Endpoint("PUT", "/v1/channels/{channelId}/shipping-sla", Access.TENANT, this::putSla),
        new Endpoint("GET", "/v1/channels/{channelId}/shipping-sla", Access.TENANT, this::getSla));
  }

  // Intake --------------------------------------------------------------------------------------

  private CompletionStage<Reply> place(Call call) {
    JsonBody body = JsonBody.parse(json, call.body(), ORDER_FIELDS);
    String channelId = Ids.check("channelId", body.requiredText("channelId"));
    String channelOrderId = Ids.check("channelOrderId", body.requiredText("channelOrderId"));
    List<OrderLine> lines = lines(body.raw("lines"));
    OrderDetails details =
        new OrderDetails(
            buyer(body.raw("buyer")),
            shipTo(body.raw("shipTo")),
            body.optionalText("deliveryDate").map(OrderRoutes::date).orElse(null),
            bool(body.raw("giftWrap")),
            body.optionalText("note").map(n -> text("note", n, 1000)).orElse(null),
            body.optionalText("deliveryTimeSlot").map(OrderRoutes::timeSlot).orElse(null));
    String tenantId = call.tenantId();
    String orderId = OrderIds.of(channelId, channelOrderId);
    return CompletableFuture.supplyAsync(
            () ->
                new Intake(
                    channels.get(tenantId, channelId).filter(ChannelStore.ChannelRecord::paused),
                    slas.get(tenantId, channelId)),
            blocking)
        .thenCompose(
            intake -> {
              Instant shipBy = intake.sla().orElse(ShippingSla.DEFAULT).shipBy(Instant.now());
              Function<ActorRef<OrderEntity.Reply>, OrderEntity.Command> place =
                  replyTo ->
                      new OrderEntity.Place(
                          channelId, channelOrderId, lines, details, shipBy, replyTo);
              if (intake.pausedChannel().isEmpty()) {
                return ask(tenantId, orderId, place);
              }
              // A paused channel takes no new orders, but an order it already has is answered as
              // before, so that a client retrying a placement it never heard back from sees it.
              String reason = intake.pausedChannel().get().pauseReason();
              return ask(tenantId, orderId, OrderEntity.Get::new)
                  .exceptionally(
                      error -> {
                        Throwable cause =
                            error instanceof CompletionException ? error.getCause() : error;
                        if (cause instanceof ApiException api && api.problem().status() == 404) {
                          throw new ApiException(
                              Problem.conflict(
                                  "channel-paused",
                                  "The channel is paused",
                                  "The channel takes no orders while paused (" + reason + ")."));
                        }
                        throw error instanceof CompletionException c
                            ? c
                            : new CompletionException(error);
                      })
                  .thenCompose(existing -> ask(tenantId, orderId, place));
            })
        .thenApply(
            accepted ->
                accepted.created()
                    ? Reply.created(view(accepted.order()), "/v1/orders/" + orderId)
                    : Reply.ok(view(accepted.order())));
  }

  /** What the intake reads before placing: the channel if it is paused, and its SLA. */
  private record Intake(
      Optional<ChannelStore.ChannelRecord> pausedChannel, Optional<ShippingSla> sla) {}

  private static List<OrderLine> lines(JsonNode node) {
    if (node == null || !node.isArray() || node.isEmpty()) {
      throw JsonBody.invalid("'lines' must be a non-empty array.");
    }
    if (node.size() > MAX_LINES) {
      throw JsonBody.invalid("An order has at most " + MAX_LINES + " lines.");
    }
    List<OrderLine> lines = new ArrayList<>();
    for (JsonNode line : node) {
      JsonBody item = JsonBody.of(line, "lines[]", Set.of("sku", "quantity"));
      lines.add(
          new OrderLine(
              Ids.check("sku", item.requiredText("sku")),
              item.requiredLong("quantity", 1, SkuRoutes.MAX_QUANTITY)));
    }
    return lines;
  }

  private static OrderDetails.Buyer buyer(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    JsonBody b = JsonBody.of(node, "buyer", Set.of("name", "email", "phone"));
    return new OrderDetails.Buyer(
        b.optionalText("name").map(v -> text("buyer.name", v, 200)).orElse(null),
        b.optionalText("email").map(v -> text("buyer.email", v, 254)).orElse(null),
        b.optionalText("phone").map(v -> text("buyer.phone", v, 40)).orElse(null));
  }

  private static OrderDetails.ShipTo shipTo(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    JsonBody a =
        JsonBody.of(
            node,
            "shipTo",
            Set.of("name", "postalCode", "prefecture", "city", "address1", "address2", "phone"));
    Function<String, String> field =
        name -> a.optionalText(name).map(v -> text("shipTo." + name, v, 200)).orElse(null);
    return new OrderDetails.ShipTo(
        field.apply("name"),
        field.apply("postalCode"),
        field.apply("prefecture"),
        field.apply("city"),
        field.apply("address1"),
        field.apply("address2"),
        field.apply("phone"));
  }

  private static boolean bool(JsonNode node) {
    if (node == null || node.isNull()) {
      return false;
    }
    if (!node.isBoolean()) {
      throw JsonBody.invalid("'giftWrap' must be true or false.");
    }
    return node.booleanValue();
  }

  private static LocalDate date(String text) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw JsonBody.invalid("'deliveryDate' must be a date like 2026-12-24.");
    }
  }

  /**
   * The slot's id when it is one a label file can carry. Whether the wave's carrier offers it is
   * decided when the label file is written, since the carrier is not known before.
   */
  private static String timeSlot(String text) {
    return TimeSlot.fromId(text)
        .map(TimeSlot::id)
        .orElseThrow(
            () ->
                JsonBody.invalid(
                    "'deliveryTimeSlot' must be one of "
                        + Arrays.stream(TimeSlot.values())
                            .map(TimeSlot::id)
                            .collect(Collectors.joining(", "))
                        + "."));
  }

  private static String text(String field, String value, int max) {
    if (value.codePointCount(0, value.length()) > max) {
      throw JsonBody.invalid("'" + field + "' is longer than " + max + " characters.");
    }
    if (value.codePoints().anyMatch(c -> Character.isISOControl(c) && c != '\n')) {
      throw JsonBody.invalid("'" + field + "' must not contain control characters.");
    }
    return value;
  }

  // Reads ---------------------------------------------------------------------------------------

  private CompletionStage<Reply> get(Call call) {
    return ask(call.tenantId(), orderId(call), OrderEntity.Get::new)
        .thenApply(accepted -> Reply.ok(view(accepted.order())));
  }

  private CompletionStage<Reply> list(Call call) {
    OrderStatus status =
        call.queryParam("status").filter(s -> !s.isEmpty()).map(OrderRoutes::status).orElse(null);
    String channelId =
        call.queryParam("channelId")
            .filter(s -> !s.isEmpty())
            .map(c -> Ids.check("channelId", c))
            .orElse(null);
    Instant shipByBefore =
        call.queryParam("shipByBefore")
            .filter(s -> !s.isEmpty())
            .map(OrderRoutes::instant)
            .orElse(null);
    int limit = call.queryParam("limit").map(SkuRoutes::limit).orElse(100);
    String after =
        call.queryParam("cursor").filter(c -> !c.isEmpty()).map(OrderRoutes::decode).orElse(null);
    String tenantId = call.tenantId();
    return CompletableFuture.supplyAsync(
            () ->
                summaries.list(
                    tenantId,
                    new OrderSummaries.Filter(
                        status == null ? null : status.name(), channelId, shipByBefore),
                    after,
                    limit),
            blocking)
        .thenApply(
            page -> {
              Map<String, Object> body = new LinkedHashMap<>();
              body.put(
                  "items",
                  page.items().stream()
                      .map(
                          o -> {
                            Map<String, Object> v = new LinkedHashMap<>();
                            v.put("orderId", o.orderId());
                            v.put("channelId", o.channelId());
                            v.put("channelOrderId", o.channelOrderId());
                            v.put("status", o.status());
                            v.put("placedAt", o.placedAt().toString());
                            v.put("shipBy", o.shipBy().toString());
                            v.put("updatedAt", o.updatedAt().toString());
                            return v;
                          })
                      .toList());
              body.put("nextCursor", page.nextCursor() == null ? null : encode(page.nextCursor()));
              return Reply.ok(body);
            });
  }

  private static OrderStatus status(String text) {
    try {
      return OrderStatus.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw JsonBody.invalid("'status' is not an order status.");
    }
  }

  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw JsonBody.invalid("'shipByBefore' must be an instant like 2026-12-24T09:00:00Z.");
    }
  }

  private static String encode(String cursor) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(cursor.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String cursor) {
    try {
      return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw JsonBody.invalid("'cursor' is not a cursor this API returned.");
    }
  }

  // Lifecycle -----------------------------------------------------------------------------------

  private CompletionStage<Reply> cancel(Call call) {
    if (call.body().length > 0) {
      JsonBody.parse(json, call.body(), Set.of());
    }
    return ask(call.tenantId(), orderId(call), OrderEntity.Cancel::new)
        .thenApply(accepted -> Reply.ok(view(accepted.order())));
  }

  private CompletionStage<Reply> ship(Call call) {
    JsonBody body =
        JsonBody.parse(
            json, call.body(), Set.of("shipmentId", "carrier", "trackingNumber", "lines"));
    String shipmentId = Ids.check("shipmentId", body.requiredText("shipmentId"));
    String carrier = text("carrier", body.requiredText("carrier"), 100);
    String tracking = Ids.check("trackingNumber", body.requiredText("trackingNumber"));
    JsonNode rawLines = body.raw("lines");
    Map<String, Long> lines = null;
    if (rawLines != null && !rawLines.isNull()) {
      lines = new LinkedHashMap<>();
      for (OrderLine line : lines(rawLines)) {
        lines.merge(line.sku(), line.quantity(), Long::sum);
      }
    }
    Map<String, Long> shipped = lines;
    return ask(
            call.tenantId(),
            orderId(call),
            replyTo -> new OrderEntity.Ship(shipmentId, carrier, tracking, shipped, replyTo))
        .thenApply(accepted -> Reply.ok(view(accepted.order())));
  }

  private CompletionStage<Reply> returns(Call call) {
    JsonBody body = JsonBody.parse(json, call.body(), Set.of("returnId", "lines"));
    String returnId = Ids.check("returnId", body.requiredText("returnId"));
    JsonNode node = body.raw("lines");
    if (node == null || !node.isArray() || node.isEmpty() || node.size() > MAX_LINES) {
      throw JsonBody.invalid("'lines' must be a non-empty array of at most " + MAX_LINES + ".");
    }
    List<ReturnLine> lines = new ArrayList<>();
    for (JsonNode line : node) {
      JsonBody item = JsonBody.of(line, "lines[]", Set.of("sku", "quantity", "condition"));
      lines.add(
          new ReturnLine(
              Ids.check("sku", item.requiredText("sku")),
              item.requiredLong("quantity", 1, SkuRoutes.MAX_QUANTITY),
              condition(item.requiredText("condition"))));
    }
    return ask(
            call.tenantId(),
            orderId(call),
            replyTo -> new OrderEntity.ReturnUnits(returnId, lines, replyTo))
        .thenApply(accepted -> Reply.ok(view(accepted.order())));
  }

  private static ReturnCondition condition(String text) {
    return switch (text) {
      case "sellable" -> ReturnCondition.SELLABLE;
      case "damaged" -> ReturnCondition.DAMAGED;
      default -> throw JsonBody.invalid("'condition' must be sellable or damaged.");
    };
  }

  // Shipping SLA --------------------------------------------------------------------------------

  private CompletionStage<Reply> putSla(Call call) {
    String channelId = Ids.check("channelId", call.param("channelId"));
    JsonBody body =
        JsonBody.parse(json, call.body(), Set.of("shipWithinHours", "cutoff", "timeZone"));
    int hours = (int) body.requiredLong("shipWithinHours", 1, 720);
    LocalTime cutoff;
    ZoneId zone;
    try {
      cutoff = LocalTime.parse(body.requiredText("cutoff"));
    } catch (DateTimeParseException e) {
      throw JsonBody.invalid("'cutoff' must be a local time like 15:00.");
    }
    try {
      zone = ZoneId.of(body.optionalText("timeZone").orElse("Asia/Tokyo"));
    } catch (java.time.DateTimeException e) {
      throw JsonBody.invalid("'timeZone' must be a time zone id like Asia/Tokyo.");
    }
    ShippingSla sla = new ShippingSla(hours, cutoff, zone);
    String tenantId = call.tenantId();
    return CompletableFuture.supplyAsync(
        () -> {
          slas.put(tenantId, channelId, sla);
          return Reply.ok(slaView(channelId, sla));
        },
        blocking);
  }

  private CompletionStage<Reply> getSla(Call call) {
    String channelId = Ids.check("channelId", call.param("channelId"));
    String tenantId = call.tenantId();
    return CompletableFuture.supplyAsync(
        () ->
            Reply.ok(slaView(channelId, slas.get(tenantId, channelId).orElse(ShippingSla.DEFAULT))),
        blocking);
  }

  private static Map<String, Object> slaView(String channelId, ShippingSla sla) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("channelId", channelId);
    v.put("shipWithinHours", sla.shipWithinHours());
    v.put("cutoff", sla.cutoff().toString());
    v.put("timeZone", sla.zone().getId());
    return v;
  }

  // Plumbing ------------------------------------------------------------------------------------

  private static String orderId(Call call) {
    String orderId = call.param("orderId");
    if (!OrderIds.looksValid(orderId)) {
      throw new ApiException(Problem.notFound("order-not-found", "No such order."));
    }
    return orderId;
  }

  private CompletionStage<OrderEntity.Accepted> ask(
      String tenantId,
      String orderId,
      Function<ActorRef<OrderEntity.Reply>, OrderEntity.Command> message) {
    return io.ecengine.http.api.ResendingAsk.ask(
            sharding.entityRefFor(OrderEntity.TYPE_KEY, OrderEntity.entityId(tenantId, orderId)),
            message,
            askTimeout,
            resendAfter)
        .thenApply(
            reply -> {
              if (reply instanceof OrderEntity.Accepted accepted) {
                return accepted;
              }
              OrderEntity.Refused refused = (OrderEntity.Refused) reply;
              throw new ApiException(
                  switch (refused.reason()) {
                    case NOT_FOUND -> Problem.notFound("order-not-found", refused.detail());
                    case LINES_DIFFER ->
                        Problem.conflict(
                            "order-lines-differ",
                            "The order exists with other lines",
                            refused.detail());
                    case ID_REUSED ->
                        Problem.conflict(
                            "id-reused",
                            "The id was already used for a different request",
                            refused.detail());
                    case NOT_ALLOWED ->
                        Problem.conflict(
                            "order-state-conflict",
                            "Not possible in the order's state",
                            refused.detail());
                  });
            });
  }

  static Map<String, Object> view(OrderView o) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("orderId", o.orderId());
    v.put("channelId", o.channelId());
    v.put("channelOrderId", o.channelOrderId());
    v.put("status", o.status().name());
    v.put("lines", o.lines());
    v.put("buyer", o.details().buyer());
    v.put("shipTo", o.details().shipTo());
    v.put(
        "deliveryDate",
        o.details().deliveryDate() == null ? null : o.details().deliveryDate().toString());
    v.put("deliveryTimeSlot", o.details().deliveryTimeSlot());
    v.put("giftWrap", o.details().giftWrap());
    v.put("note", o.details().note());
    v.put("placedAt", o.placedAt().toString());
    v.put("shipBy", o.shipBy().toString());
    Map<String, String> holds = new LinkedHashMap<>();
    o.holds().forEach((sku, kind) -> holds.put(sku, kind.name()));
    v.put("holds", holds);
    v.put("shortSkus", o.shortSkus());
    v.put("shipped", o.shipped());
    v.put("returned", o.returned());
    v.put(
        "shipments",
        o.shipments().stream()
            .map(
                s -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("shipmentId", s.shipmentId());
                  m.put("carrier", s.carrier());
                  m.put("trackingNumber", s.trackingNumber());
                  m.put("lines", s.lines());
                  m.put("at", s.at().toString());
                  return m;
                })
            .toList());
    v.put(
        "returns",
        o.returns().stream()
            .map(
                r -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("returnId", r.returnId());
                  m.put(
                      "lines",
                      r.lines().stream()
                          .map(
                              l ->
                                  Map.of(
                                      "sku", l.sku(),
                                      "quantity", l.quantity(),
                                      "condition", l.condition().name().toLowerCase(Locale.ROOT)))
                          .toList());
                  m.put("at", r.at().toString());
                  return m;
                })
            .toList());
    v.put(
        "history",
        o.history().stream()
            .map(h -> Map.of("status", h.status().name(), "at", h.at().toString()))
            .toList());
    return v;
  }
}
