package io.ecengine.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecengine.engine.sku.AdjustmentReason;
import io.ecengine.engine.sku.Component;
import io.ecengine.engine.sku.Levels;
import io.ecengine.engine.sku.Reservation;
import io.ecengine.engine.sku.SkuEntity;
import io.ecengine.engine.sku.SkuId;
import io.ecengine.engine.sku.SkuOutcome;
import io.ecengine.engine.sku.SkuOutcome.Done;
import io.ecengine.engine.sku.SkuOutcome.Rejected;
import io.ecengine.engine.sku.SkuRequest;
import io.ecengine.engine.sku.StockPolicy;
import io.ecengine.http.api.Access;
import io.ecengine.http.api.ApiException;
import io.ecengine.http.api.Call;
import io.ecengine.http.api.Endpoint;
import io.ecengine.http.api.Ids;
import io.ecengine.http.api.JsonBody;
import io.ecengine.http.api.Problem;
import io.ecengine.http.api.Reply;
import io.ecengine.http.api.ResendingAsk;
import io.ecengine.persistence.SkuSummaries;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/** The SKU stock ledger over HTTP: definition, levels, adjustments and reservations. */
public final class SkuRoutes {

  /** Largest quantity in one request; keeps every sum far from overflow. */
  static final long MAX_QUANTITY = 1_000_000_000L;

  /** Longest hold with an expiry: 30 days. */
  static final long MAX_EXPIRY_SECONDS = 30L * 24 * 3600;

  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final Duration resendAfter;
  private final ObjectMapper json;
  private final SkuSummaries summaries;
  private final Executor blocking;
  private final BundleHolds bundles;

  public SkuRoutes(
      ClusterSharding sharding,
      Duration askTimeout,
      ObjectMapper json,
      SkuSummaries summaries,
      Executor blocking) {
    this(sharding, askTimeout, Duration.ZERO, json, summaries, blocking);
  }

  /** With a SKU command sent again every {@code resendAfter} until answered (see ResendingAsk). */
  public SkuRoutes(
      ClusterSharding sharding,
      Duration askTimeout,
      Duration resendAfter,
      ObjectMapper json,
      SkuSummaries summaries,
      Executor blocking) {
    this.sharding = sharding;
    this.askTimeout = askTimeout;
    this.resendAfter = resendAfter;
    this.json = json;
    this.summaries = summaries;
    this.blocking = blocking;
    this.bundles = new BundleHolds(this::outcome, this);
  }

  public List<Endpoint> endpoints() {
    return List.of(
        new Endpoint("GET", "/v1/skus", Access.TENANT, this::list),
        new Endpoint("PUT", "/v1/skus/{sku}", Access.TENANT, this::define),
        new Endpoint("GET", "/v1/skus/{sku}", Access.TENANT, this::get),
        new Endpoint("POST", "/v1/skus/{sku}/adjustments", Access.TENANT, this::adjust),
        new Endpoint("PUT", "/v1/skus/{sku}/safety-stock", Access.TENANT, this::safetyStock),
        new Endpoint("PUT", "/v1/skus/{sku}/policy", Access.TENANT, this::policy),
        new Endpoint("POST", "/v1/skus/{sku}/incoming", Access.TENANT, this::incoming),
        new Endpoint(
            "POST", "/v1/skus/{sku}/incoming/{incomingId}/receipt", Access.TENANT, this::receipt),
        new Endpoint("POST", "/v1/skus/{sku}/reservations", Access.TENANT, this::reserve),
        new Endpoint(
            "DELETE", "/v1/skus/{sku}/reservations/{reservationId}", Access.TENANT, this::release),
        new Endpoint(
            "POST",
            "/v1/skus/{sku}/reservations/{reservationId}/commit",
            Access.TENANT,
            this::commit));
  }

  private CompletionStage<Reply> define(Call call) {
    JsonBody body = JsonBody.parse(json, call.body(), Set.of("name", "components"));
    String name = Ids.checkName("name", body.requiredText("name"));
    List<Component> components = components(body.raw("components"));
    return submit(call, new SkuRequest.Define(name, components))
        .thenCompose(
            done ->
                withBundleAvailable(call, done.levels())
                    .thenApply(
                        view ->
                            done.created()
                                ? Reply.created(view, "/v1/skus/" + encode(sku(call)))
                                : Reply.ok(view)));
  }

  private static List<Component> components(JsonNode node) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray() || node.size() > 50) {
      throw JsonBody.invalid("'components' must be an array of at most 50 components.");
    }
    List<Component> components = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    for (JsonNode item : node) {
      JsonBody c = JsonBody.of(item, "components[]", Set.of("sku", "quantity"));
      String sku = Ids.check("sku", c.requiredText("sku"));
      if (!seen.add(sku)) {
        throw JsonBody.invalid("Component " + sku + " is listed twice.");
      }
      components.add(new Component(sku, c.requiredLong("quantity", 1, 10_000)));
    }
    return components;
  }

  private CompletionStage<Reply> get(Call call) {
    return ask(call, SkuEntity.Get::new)
        .thenCompose(done -> withBundleAvailable(call, done.levels()))
        .thenApply(Reply::ok);
  }

  /**
   * The view of a SKU; for a bundle its available is computed from its components' current levels
   * (a bundle holds no stock of its own).
   */
  private CompletionStage<Map<String, Object>> withBundleAvailable(Call call, Levels levels) {
    String sku = sku(call);
    return bundleAvailable(call.tenantId(), levels)
        .thenApply(
            effective -> {
              Map<String, Object> view = skuView(sku, levels);
              view.put("available", effective.available());
              return view;
            });
  }

  /**
   * The levels to sell from: for a bundle, its available is the number of sets its components'
   * current levels allow; an ordinary SKU's levels are returned as they are.
   */
  CompletionStage<Levels> bundleAvailable(String tenantId, Levels levels) {
    if (levels.components().isEmpty()) {
      return CompletableFuture.completedFuture(levels);
    }
    Map<String, CompletableFuture<SkuOutcome>> parts = new LinkedHashMap<>();
    for (Component component : levels.components()) {
      parts.put(
          component.sku(),
          ResendingAsk.<SkuEntity.Command, SkuOutcome>ask(
                  sharding.entityRefFor(
                      SkuEntity.TYPE_KEY, new SkuId(tenantId, component.sku()).entityId()),
                  SkuEntity.Get::new,
                  askTimeout,
                  resendAfter)
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(parts.values().toArray(CompletableFuture[]::new))
        .thenApply(
            all -> {
              Map<String, Long> available = new LinkedHashMap<>();
              parts.forEach(
                  (component, outcome) -> {
                    if (outcome.join() instanceof Done done) {
                      available.put(component, done.levels().available());
                    }
                  });
              return new Levels(
                  levels.name(),
                  0,
                  0,
                  0,
                  Levels.bundleAvailable(levels.components(), available),
                  0,
                  0,
                  0,
                  levels.components());
            });
  }

  /** Current levels of a SKU, bundles resolved; fails with a 404 problem for an unknown SKU. */
  CompletionStage<Levels> currentLevels(String tenantId, String sku) {
    return ResendingAsk.<SkuEntity.Command, SkuOutcome>ask(
            sharding.entityRefFor(SkuEntity.TYPE_KEY, new SkuId(tenantId, sku).entityId()),
            SkuEntity.Get::new,
            askTimeout,
            resendAfter)
        .thenCompose(
            outcome -> {
              if (outcome instanceof Done done) {
                return bundleAvailable(tenantId, done.levels());
              }
              throw new ApiException(problem((Rejected) outcome));
            });
  }

  /** The view of a SKU as {@code GET /v1/skus/{sku}} shows it, for the console's live feed. */
  public CompletionStage<Map<String, Object>> currentView(String tenantId, String sku) {
    return sharding
        .entityRefFor(SkuEntity.TYPE_KEY, new SkuId(tenantId, sku).entityId())
        .<SkuOutcome>ask(SkuEntity.Get::new, askTimeout)
        .thenCompose(
            outcome -> {
              if (!(outcome instanceof Done done)) {
                throw new ApiException(problem((Rejected) outcome));
              }
              return bundleAvailable(tenantId, done.levels())
                  .thenApply(
                      effective -> {
                        Map<String, Object> view = skuView(sku, done.levels());
                        view.put("available", effective.available());
                        return view;
                      });
            });
  }

  private CompletionStage<Reply> adjust(Call call) {
    JsonBody body = JsonBody.parse(json, call.body(), Set.of("adjustmentId", "delta", "reason"));
    String adjustmentId = Ids.check("adjustmentId", body.requiredText("adjustmentId"));
    long delta = body.requiredLong("delta", -MAX_QUANTITY, MAX_QUANTITY);
    if (delta == 0) {
      throw JsonBody.invalid("'delta' must not be 0.");
    }
    AdjustmentReason reason = reason(body.requiredText("reason"));
    return submit(call, new SkuRequest.Adjust(adjustmentId, delta, reason))
        .thenApply(done -> Reply.ok(skuView(sku(call), done.levels())));
  }

  private static AdjustmentReason reason(String text) {
    try {
      return AdjustmentReason.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw JsonBody.invalid("'reason' must be one of receipt, count, damage, correction, return.");
    }
  }

  private CompletionStage<Reply> safetyStock(Call call) {
    JsonBody body = JsonBody.parse(json, call.body(), Set.of("quantity"));
    long quantity = body.requiredLong("quantity", 0, MAX_QUANTITY);
    return submit(call, new SkuRequest.SetSafetyStock(quantity))
        .thenApply(done -> Reply.ok(skuView(sku(call), done.levels())));
  }

  private CompletionStage<Reply> policy(Call call) {
    JsonBody body = JsonBody.parse(json, call.body(), Set.of("policy", "backorderLimit"));
    StockPolicy policy;
    try {
      policy = StockPolicy.valueOf(body.requiredText("policy").toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw JsonBody.invalid("'policy' must be one of reject, backorder, preorder.");
    }
    long limit = body.optionalLong("backorderLimit", 0, MAX_QUANTITY).orElse(0L);
    return submit(call, new SkuRequest.SetPolicy(policy, limit))
        .thenApply(done -> Reply.ok(skuView(sku(call), done.levels())));
  }

  private CompletionStage<Reply> incoming(Call call) {
    JsonBody body =
        JsonBody.parse(json, call.body(), Set.of("incomingId", "quantity", "expectedAt"));
    String incomingId = Ids.check("incomingId", body.requiredText("incomingId"));
    long quantity = body.requiredLong("quantity", 1, MAX_QUANTITY);
    Instant expectedAt;
    try {
      expectedAt = Instant.parse(body.requiredText("expectedAt"));
    } catch (java.time.format.DateTimeParseException e) {
      throw JsonBody.invalid("'expectedAt' must be an instant like 2026-12-24T09:00:00Z.");
    }
    return submit(call, new SkuRequest.AddIncoming(incomingId, quantity, expectedAt))
        .thenApply(done -> Reply.ok(skuView(sku(call), done.levels())));
  }

  private CompletionStage<Reply> receipt(Call call) {
    String incomingId = Ids.check("incomingId", call.param("incomingId"));
    return submit(call, new SkuRequest.ReceiveIncoming(incomingId))
        .thenApply(done -> Reply.ok(skuView(sku(call), done.levels())));
  }

  private CompletionStage<Reply> reserve(Call call) {
    JsonBody body =
        JsonBody.parse(
            json,
            call.body(),
            Set.of("reservationId", "quantity", "channelId", "expiresInSeconds"));
    String reservationId = Ids.check("reservationId", body.requiredText("reservationId"));
    long quantity = body.requiredLong("quantity", 1, MAX_QUANTITY);
    String channelId =
        body.optionalText("channelId").map(c -> Ids.check("channelId", c)).orElse(null);
    Long expires = body.optionalLong("expiresInSeconds", 1, MAX_EXPIRY_SECONDS).orElse(null);
    String sku = sku(call);
    return outcome(
            call.tenantId(),
            sku,
            new SkuRequest.Reserve(reservationId, quantity, channelId, expires))
        .thenCompose(
            outcome -> {
              Levels bundle = bundleOf(outcome);
              if (bundle != null) {
                return bundles.reserve(
                    call.tenantId(), sku, bundle, reservationId, quantity, channelId, expires);
              }
              Done done = done(outcome);
              Map<String, Object> view = reservationView(sku, done.reservation());
              return CompletableFuture.completedFuture(
                  done.created()
                      ? Reply.created(
                          view,
                          "/v1/skus/" + encode(sku) + "/reservations/" + encode(reservationId))
                      : Reply.ok(view));
            });
  }

  private CompletionStage<Reply> release(Call call) {
    return close(call, false);
  }

  private CompletionStage<Reply> commit(Call call) {
    return close(call, true);
  }

  /** Releases or ships a reservation; on a bundle, its holds on every component. */
  private CompletionStage<Reply> close(Call call, boolean commit) {
    String reservationId = Ids.check("reservationId", call.param("reservationId"));
    String sku = sku(call);
    SkuRequest request =
        commit ? new SkuRequest.Commit(reservationId) : new SkuRequest.Release(reservationId);
    return outcome(call.tenantId(), sku, request)
        .thenCompose(
            outcome -> {
              Levels bundle = bundleOf(outcome);
              if (bundle != null) {
                return bundles.close(call.tenantId(), sku, bundle, reservationId, commit);
              }
              return CompletableFuture.completedFuture(
                  Reply.ok(closedView(sku, done(outcome), commit ? "committed" : "released")));
            });
  }

  /** The bundle's levels when the SKU refused a hold because it is a bundle, else null. */
  private static Levels bundleOf(SkuOutcome outcome) {
    return outcome instanceof Rejected rejected
            && rejected.reason() == SkuOutcome.Rejection.BUNDLE_HAS_NO_STOCK
            && rejected.levels() != null
            && !rejected.levels().components().isEmpty()
        ? rejected.levels()
        : null;
  }

  private static Done done(SkuOutcome outcome) {
    if (outcome instanceof Done done) {
      return done;
    }
    throw new ApiException(problem((Rejected) outcome));
  }

  /** Submits a request to a SKU of the tenant and answers its outcome, refusals included. */
  private CompletionStage<SkuOutcome> outcome(String tenantId, String sku, SkuRequest request) {
    return ResendingAsk.ask(
        sharding.entityRefFor(SkuEntity.TYPE_KEY, new SkuId(tenantId, sku).entityId()),
        replyTo -> new SkuEntity.Submit(request, replyTo),
        askTimeout,
        resendAfter);
  }

  private CompletionStage<Reply> list(Call call) {
    int limit = call.queryParam("limit").map(SkuRoutes::limit).orElse(100);
    String after =
        call.queryParam("cursor")
            .filter(c -> !c.isEmpty())
            .map(SkuRoutes::decodeCursor)
            .orElse(null);
    String tenantId = call.tenantId();
    return CompletableFuture.supplyAsync(() -> summaries.list(tenantId, after, limit), blocking)
        .thenApply(
            page -> {
              Map<String, Object> body = new LinkedHashMap<>();
              body.put(
                  "items",
                  page.items().stream()
                      .map(
                          row ->
                              skuView(
                                  row.sku(),
                                  new Levels(
                                      row.name(),
                                      row.onHand(),
                                      row.reserved(),
                                      row.safetyStock(),
                                      row.available(),
                                      row.backordered(),
                                      row.preordered(),
                                      row.incoming(),
                                      row.components(),
                                      row.shared())))
                      .toList());
              body.put(
                  "nextCursor", page.nextCursor() == null ? null : encodeCursor(page.nextCursor()));
              return Reply.ok(body);
            });
  }

  static int limit(String text) {
    try {
      int limit = Integer.parseInt(text);
      if (limit >= 1 && limit <= 1000) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw JsonBody.invalid("'limit' must be a whole number from 1 to 1000.");
  }

  static String encodeCursor(String lastSku) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(lastSku.getBytes(StandardCharsets.UTF_8));
  }

  private static String decodeCursor(String cursor) {
    try {
      return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw JsonBody.invalid("'cursor' is not a cursor this API returned.");
    }
  }

  private String sku(Call call) {
    return Ids.check("sku", call.param("sku"));
  }

  private EntityRef<SkuEntity.Command> entity(Call call) {
    SkuId id = new SkuId(call.tenantId(), sku(call));
    return sharding.entityRefFor(SkuEntity.TYPE_KEY, id.entityId());
  }

  private CompletionStage<Done> submit(Call call, SkuRequest request) {
    return ask(call, replyTo -> new SkuEntity.Submit(request, replyTo));
  }

  private CompletionStage<Done> ask(
      Call call, Function<ActorRef<SkuOutcome>, SkuEntity.Command> message) {
    EntityRef<SkuEntity.Command> entity = entity(call);
    return ResendingAsk.ask(entity, message, askTimeout, resendAfter)
        .thenApply(
            outcome -> {
              if (outcome instanceof Done done) {
                return done;
              }
              throw new ApiException(problem((Rejected) outcome));
            });
  }

  static Problem problem(Rejected rejected) {
    return switch (rejected.reason()) {
      case SKU_NOT_FOUND -> Problem.notFound("sku-not-found", rejected.detail());
      case RESERVATION_NOT_FOUND -> Problem.notFound("reservation-not-found", rejected.detail());
      case INSUFFICIENT_STOCK ->
          Problem.conflict("insufficient-stock", "Not enough stock available", rejected.detail())
              .with("available", rejected.levels().available());
      case ID_REUSED ->
          Problem.conflict(
              "id-reused", "The id was already used for a different request", rejected.detail());
      case BELOW_RESERVED ->
          Problem.conflict(
              "below-reserved", "On hand cannot drop below reserved", rejected.detail());
      case RESERVATION_CLOSED ->
          Problem.conflict("reservation-closed", "The reservation is closed", rejected.detail());
      case OVERLOADED -> Problem.unavailable("overloaded", rejected.detail());
      case BUNDLE_HAS_NO_STOCK ->
          Problem.conflict(
              "bundle-has-no-stock", "A bundle holds no stock of its own", rejected.detail());
      case BUNDLE_LISTS_ITSELF ->
          Problem.of(400, "invalid-request", "The request is not valid", rejected.detail());
      case KIND_CHANGE ->
          Problem.conflict(
              "kind-change", "A SKU with stock cannot become a bundle", rejected.detail());
      case INCOMING_NOT_FOUND -> Problem.notFound("incoming-not-found", rejected.detail());
      case NOT_IN_STOCK ->
          Problem.conflict("not-in-stock", "The hold is owed, not on stock", rejected.detail());
      case EXCEEDS_HOLD ->
          Problem.conflict("exceeds-hold", "More than the hold has", rejected.detail());
    };
  }

  static Map<String, Object> skuView(String sku, Levels levels) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("sku", sku);
    view.put("name", levels.name());
    view.put("onHand", levels.onHand());
    view.put("reserved", levels.reserved());
    view.put("safetyStock", levels.safetyStock());
    view.put("available", levels.available());
    view.put("backordered", levels.backordered());
    view.put("preordered", levels.preordered());
    view.put("incoming", levels.incoming());
    view.put("shared", levels.shared());
    view.put("components", levels.components());
    return view;
  }

  private static Map<String, Object> reservationView(String sku, Reservation r) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("reservationId", r.reservationId());
    view.put("sku", sku);
    view.put("quantity", r.quantity());
    view.put("kind", r.kind().name());
    view.put("channelId", r.channelId());
    view.put("expiresAt", r.expiresAt() == null ? null : r.expiresAt().toString());
    view.put("available", r.availableAfter());
    return view;
  }

  private static Map<String, Object> closedView(String sku, Done done, String status) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("reservationId", done.reservation().reservationId());
    view.put("sku", sku);
    view.put("quantity", done.reservation().quantity());
    view.put("status", status);
    view.put("levels", skuView(sku, done.levels()));
    return view;
  }

  private static String encode(String segment) {
    return encodeSegment(segment);
  }

  static String encodeSegment(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
