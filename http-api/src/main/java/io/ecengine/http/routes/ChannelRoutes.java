package io.ecengine.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecengine.engine.channel.AllocationRule;
import io.ecengine.engine.channel.ChannelEntity;
import io.ecengine.engine.channel.ChannelKey;
import io.ecengine.engine.channel.ChannelRules;
import io.ecengine.engine.channel.Sellable;
import io.ecengine.engine.channel.SellableQuantity;
import io.ecengine.engine.channel.StockToChannelsAdapter;
import io.ecengine.engine.channel.marketplace.Marketplace;
import io.ecengine.engine.channel.marketplace.MarketplaceAdapter;
import io.ecengine.engine.channel.marketplace.MarketplaceAdapters;
import io.ecengine.engine.order.ShippingSla;
import io.ecengine.engine.sku.SkuEntity;
import io.ecengine.engine.sku.SkuId;
import io.ecengine.http.api.Access;
import io.ecengine.http.api.ApiException;
import io.ecengine.http.api.Call;
import io.ecengine.http.api.Endpoint;
import io.ecengine.http.api.Ids;
import io.ecengine.http.api.JsonBody;
import io.ecengine.http.api.Problem;
import io.ecengine.http.api.Reply;
import io.ecengine.http.intake.ListingIndex;
import io.ecengine.persistence.AllocationRuleStore;
import io.ecengine.persistence.ChannelSlas;
import io.ecengine.persistence.ChannelStore;
import io.ecengine.persistence.ListingStore;
import io.ecengine.persistence.PushLog;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Channels (one shop on one marketplace), their listings (which marketplace ids a SKU has there),
 * allocation rules, and the sellable quantity each channel gets. Credentials are write-only: they
 * are stored encrypted and never returned.
 */
public final class ChannelRoutes {

  /** Listing CSV uploads may be large: thousands of rows. */
  private static final long MAX_CSV_BYTES = 16L * 1024 * 1024;

  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final ObjectMapper json;
  private final ChannelStore channels;
  private final ListingStore listings;
  private final AllocationRuleStore rules;
  private final ChannelSlas slas;
  private final SkuRoutes skus;
  private final PushLog pushLog;
  private final StockToChannelsAdapter channelFeed;
  private final ListingIndex listingIndex;
  private final Executor blocking;

  public ChannelRoutes(
      ClusterSharding sharding,
      Duration askTimeout,
      ObjectMapper json,
      ChannelStore channels,
      ListingStore listings,
      AllocationRuleStore rules,
      ChannelSlas slas,
      SkuRoutes skus,
      PushLog pushLog,
      StockToChannelsAdapter channelFeed,
      ListingIndex listingIndex,
      Executor blocking) {
    this.listingIndex = listingIndex;
    this.sharding = sharding;
    this.askTimeout = askTimeout;
    this.json = json;
    this.channels = channels;
    this.listings = listings;
    this.rules = rules;
    this.slas = slas;
    this.skus = skus;
    this.pushLog = pushLog;
    this.channelFeed = channelFeed;
    this.blocking = blocking;
  }

  public List<Endpoint> endpoints() {
    return List.of(
        new Endpoint("GET", "/v1/channels", Access.TENANT, this::list),
        new Endpoint("PUT", "/v1/channels/{channelId}", Access.TENANT, this::put),
        new Endpoint("GET", "/v1/channels/{channelId}", Access.TENANT, this::get),
        new Endpoint("POST", "/v1/channels/{channelId}/pause", Access.TENANT, this::pause),
        new Endpoint("POST", "/v1/channels/{channelId}/resume", Access.TENANT, this::resume),
        new Endpoint("GET", "/v1/channels/{channelId}/sync", Access.TENANT, this::sync),
        new Endpoint("GET", "/v1/channels/{channelId}/listings", Access.TENANT, this::listings),
        Endpoint.upload(
            "POST",
            "/v1/channels/{channelId}/listings/import",
            "text/csv",
            MAX_CSV_BYTES,
            this::importCsv),
        new Endpoint("GET", "/v1/channels/{channelId}/listing-report", Access.TENANT, this::report),
        new Endpoint(
            "PUT", "/v1/channels/{channelId}/listings/{sku}", Access.TENANT, this::putListing),
        new Endpoint(
            "GET", "/v1/channels/{channelId}/listings/{sku}", Access.TENANT, this::getListing),
        new Endpoint(
            "DELETE",
            "/v1/channels/{channelId}/listings/{sku}",
            Access.TENANT,
            this::deleteListing),
        new Endpoint(
            "PUT", "/v1/skus/{sku}/allocation/{channelId}", Access.TENANT, this::putSkuRule),
        new Endpoint(
            "DELETE", "/v1/skus/{sku}/allocation/{channelId}", Access.TENANT, this::deleteSkuRule),
        new Endpoint(
            "PUT", "/v1/allocation-defaults/{channelId}", Access.TENANT, this::putDefaultRule),
        new Endpoint(
            "DELETE",
            "/v1/allocation-defaults/{channelId}",
            Access.TENANT,
            this::deleteDefaultRule),
        new Endpoint("GET", "/v1/skus/{sku}/availability", Access.TENANT, this::availability),
        new Endpoint("PUT", "/v1/safety-stock", Access.TENANT, this::putTenantSafetyStock),
        new Endpoint("GET", "/v1/safety-stock", Access.TENANT, this::getTenantSafetyStock));
  }

  // Channels ------------------------------------------------------------------------------------

  private CompletionStage<Reply> put(Call call) {
    String channelId = channelId(call);
    JsonBody body =
        JsonBody.parse(
            json,
            call.body(),
            Set.of(
                "marketplace",
                "baseUrl",
                "credentials",
                "rateLimit",
                "burst",
                "batchSize",
                "paused",
                "credentialsExpireAt",
                "shippingSla"));
    Marketplace marketplace;
    try {
      marketplace = Marketplace.fromId(body.requiredText("marketplace"));
    } catch (IllegalArgumentException e) {
      throw JsonBody.invalid(
          "'marketplace' must be one of tiktok_shop, rakuten, yahoo_shopping, amazon, shopify.");
    }
    MarketplaceAdapter adapter = MarketplaceAdapters.forMarketplace(marketplace);
    String baseUrl = baseUrl(body.requiredText("baseUrl"));
    Map<String, String> credentials = stringMap(body.raw("credentials"), "credentials", true);
    for (String key : adapter.requiredCredentialKeys()) {
      if (!credentials.containsKey(key)) {
        throw JsonBody.invalid(
            "'credentials' needs "
                + String.join(", ", adapter.requiredCredentialKeys())
                + " for "
                + marketplace.id()
                + ".");
      }
    }
    Double rate =
        body.raw("rateLimit") == null || body.raw("rateLimit").isNull()
            ? null
            : positiveNumber(body.raw("rateLimit"));
    Integer burst = body.optionalLong("burst", 1, 1000).map(Long::intValue).orElse(null);
    Integer batch = body.optionalLong("batchSize", 1, 25_000).map(Long::intValue).orElse(null);
    Instant expires =
        body.optionalText("credentialsExpireAt").map(ChannelRoutes::instant).orElse(null);
    JsonNode paused = body.raw("paused");
    if (paused != null && !paused.isNull() && !paused.isBoolean()) {
      throw JsonBody.invalid("'paused' must be true or false.");
    }
    ShippingSla sla = sla(body.raw("shippingSla"));
    ChannelStore.ChannelSettings settings =
        new ChannelStore.ChannelSettings(
            marketplace.id(), baseUrl, credentials, rate, burst, batch, expires);
    String tenantId = call.tenantId();
    return blocking(
        () -> {
          boolean created = channels.put(tenantId, channelId, settings);
          if (paused != null && paused.isBoolean()) {
            channels.setPaused(
                tenantId,
                channelId,
                paused.booleanValue(),
                paused.booleanValue() ? "paused by the operator" : null);
          }
          if (sla != null) {
            slas.put(tenantId, channelId, sla);
          }
          if (created) {
            channelFeed.invalidate(tenantId);
          }
          reload(tenantId, channelId);
          Map<String, Object> view = channelView(channels.get(tenantId, channelId).orElseThrow());
          return created ? Reply.created(view, "/v1/channels/" + channelId) : Reply.ok(view);
        });
  }

  private CompletionStage<Reply> get(Call call) {
    String channelId = channelId(call);
    String tenantId = call.tenantId();
    return blocking(() -> Reply.ok(channelView(channel(tenantId, channelId))));
  }

  private CompletionStage<Reply> list(Call call) {
    String tenantId = call.tenantId();
    return blocking(
        () ->
            Reply.ok(
                Map.of(
                    "items",
                    channels.list(tenantId).stream().map(ChannelRoutes::channelView).toList())));
  }

  private CompletionStage<Reply> pause(Call call) {
    String channelId = channelId(call);
    String reason =
        call.body().length == 0
            ? "paused by the operator"
            : JsonBody.parse(json, call.body(), Set.of("reason"))
                .optionalText("reason")
                .map(r -> Ids.checkName("reason", r))
                .orElse("paused by the operator");
    return setPaused(call, channelId, true, reason);
  }

  private CompletionStage<Reply> resume(Call call) {
    return setPaused(call, channelId(call), false, null);
  }

  private CompletionStage<Reply> setPaused(
      Call call, String channelId, boolean paused, String reason) {
    String tenantId = call.tenantId();
    return blocking(
        () -> {
          if (!channels.setPaused(tenantId, channelId, paused, reason)) {
            throw channelNotFound();
          }
          // The channel reads its setup again and, paused, pushes 0 for every SKU it lists (sold
          // out goes first in its queue); resumed, it pushes the computed quantities again.
          reload(tenantId, channelId);
          return Reply.ok(channelView(channel(tenantId, channelId)));
        });
  }

  /** Tells the channel's actor to read its setup again and reconcile what it lists. */
  private void reload(String tenantId, String channelId) {
    listingIndex.invalidate(tenantId, channelId);
    sharding
        .entityRefFor(ChannelEntity.TYPE_KEY, new ChannelKey(tenantId, channelId).entityId())
        .tell(ChannelEntity.Reload.INSTANCE);
  }

  private void reloadAll(String tenantId) {
    channels.list(tenantId).forEach(c -> reload(tenantId, c.channelId()));
  }

  private CompletionStage<Reply> sync(Call call) {
    String channelId = channelId(call);
    String tenantId = call.tenantId();
    CompletableFuture<ChannelStore.ChannelRecord> record =
        CompletableFuture.supplyAsync(() -> channel(tenantId, channelId), blocking);
    return record.thenCompose(
        c ->
            sharding
                .entityRefFor(
                    ChannelEntity.TYPE_KEY, new ChannelKey(tenantId, channelId).entityId())
                .<ChannelEntity.SyncStatus>ask(ChannelEntity.GetSync::new, askTimeout)
                .thenApplyAsync(status -> Reply.ok(syncView(tenantId, c, status)), blocking));
  }

  private Map<String, Object> syncView(
      String tenantId, ChannelStore.ChannelRecord channel, ChannelEntity.SyncStatus status) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("channelId", channel.channelId());
    v.put("marketplace", channel.marketplace());
    v.put("state", status.state());
    v.put("paused", channel.paused());
    v.put("pauseReason", channel.pauseReason());
    v.put("listedSkus", status.listedSkus());
    v.put("queueLength", status.queued());
    v.put("inFlight", status.inFlight());
    v.put("oldestUnsentAgeMillis", status.oldestUnsentMillis());
    v.put("calls", status.calls());
    v.put("throttledCalls", status.throttled());
    v.put("failedCalls", status.failedCalls());
    v.put("lastError", status.lastError());
    v.put("lastErrorAt", text(status.lastErrorAt()));
    v.put("nextCallAt", text(status.nextCallAt()));
    v.put("lastReconciledAt", text(status.lastReconciledAt()));
    v.put("shipmentReportsQueued", status.writeBacksQueued());
    v.put("shipmentReportsSent", status.writeBacksSent());
    v.put("shipmentReportsFailed", status.writeBacksFailed());
    v.put("ordersToFetch", status.ordersToFetch());
    v.put("ordersImported", status.ordersImported());
    v.put("orderCallFailures", status.orderCallFailures());
    v.put(
        "shares",
        status.shares().stream()
            .map(
                share -> {
                  Map<String, Object> s = new LinkedHashMap<>();
                  s.put("sku", share.sku());
                  s.put("claimed", share.claimed());
                  s.put("shownAtRead", share.shownAtRead() < 0 ? null : share.shownAtRead());
                  s.put("readAt", text(share.readAt()));
                  s.put("perSecond", share.perSecond());
                  return s;
                })
            .toList());
    v.put(
        "lastPushes",
        pushLog.recent(tenantId, channel.channelId(), 100).stream()
            .filter(row -> row.lastSentAt() != null)
            .map(
                row -> {
                  Map<String, Object> p = new LinkedHashMap<>();
                  p.put("sku", row.sku());
                  p.put("quantity", row.lastSentQuantity());
                  p.put("at", row.lastSentAt().toString());
                  return p;
                })
            .toList());
    v.put(
        "errors",
        pushLog.errors(tenantId, channel.channelId(), 100).stream()
            .map(
                row -> {
                  Map<String, Object> e = new LinkedHashMap<>();
                  e.put("sku", row.sku());
                  e.put("error", row.lastError());
                  e.put("at", text(row.lastErrorAt()));
                  return e;
                })
            .toList());
    List<String> warnings = new java.util.ArrayList<>();
    Instant expires = channel.credentialsExpireAt();
    if (expires != null && expires.isBefore(Instant.now())) {
      warnings.add("The credentials expired at " + expires + "; enter new ones.");
    } else if (expires != null && expires.isBefore(Instant.now().plus(Duration.ofDays(7)))) {
      warnings.add("The credentials expire at " + expires + "; renew them before then.");
    }
    if (status.lastError() != null && credentialsRefused(status.lastError())) {
      warnings.add(
          "The marketplace refused the credentials at "
              + status.lastErrorAt()
              + " ("
              + status.lastError()
              + "); enter fresh ones. Calls are tried again, but none will pass until then.");
    }
    v.put("warnings", warnings);
    return v;
  }

  /** Whether a call failed because the marketplace refused or no longer takes our credentials. */
  static boolean credentialsRefused(String error) {
    String text = error.toLowerCase(java.util.Locale.ROOT);
    return text.startsWith("http 401")
        || text.startsWith("http 403")
        || text.contains("credentials refused")
        || text.contains("refused the esa credentials")
        || text.contains("invalid access token")
        || text.contains("token expired");
  }

  private static String text(Instant at) {
    return at == null ? null : at.toString();
  }

  private ChannelStore.ChannelRecord channel(String tenantId, String channelId) {
    return channels.get(tenantId, channelId).orElseThrow(ChannelRoutes::channelNotFound);
  }

  private static ApiException channelNotFound() {
    return new ApiException(Problem.notFound("channel-not-found", "No such channel."));
  }

  static Map<String, Object> channelView(ChannelStore.ChannelRecord c) {
    Marketplace marketplace = Marketplace.fromId(c.marketplace());
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("channelId", c.channelId());
    v.put("marketplace", c.marketplace());
    v.put("baseUrl", c.baseUrl());
    v.put(
        "rateLimit",
        c.rateLimit() == null ? marketplace.defaultRequestsPerSecond() : c.rateLimit());
    v.put("burst", c.burst() == null ? marketplace.defaultBurst() : c.burst());
    v.put("batchSize", c.batchSize() == null ? marketplace.defaultBatchSize() : c.batchSize());
    v.put("paused", c.paused());
    v.put("pauseReason", c.pauseReason());
    v.put(
        "credentialsExpireAt",
        c.credentialsExpireAt() == null ? null : c.credentialsExpireAt().toString());
    boolean expiresSoon =
        c.credentialsExpireAt() != null
            && c.credentialsExpireAt().isBefore(Instant.now().plus(Duration.ofDays(7)));
    v.put("credentialsExpiringSoon", expiresSoon);
    v.put("updatedAt", c.updatedAt().toString());
    return v;
  }

  // Listings ------------------------------------------------------------------------------------

  private CompletionStage<Reply> putListing(Call call) {
    String channelId = channelId(call);
    String sku = Ids.check("sku", call.param("sku"));
    JsonBody body = JsonBody.parse(json, call.body(), Set.of("ids"));
    Map<String, String> ids = stringMap(body.raw("ids"), "ids", false);
    String tenantId = call.tenantId();
    return blocking(
        () -> {
          MarketplaceAdapter adapter = adapterOf(channel(tenantId, channelId));
          for (String key : adapter.requiredListingKeys()) {
            if (!ids.containsKey(key)) {
              throw JsonBody.invalid(
                  "'ids' needs " + String.join(", ", adapter.requiredListingKeys()) + ".");
            }
          }
          boolean created = listings.put(tenantId, channelId, sku, ids);
          reload(tenantId, channelId);
          Map<String, Object> view = Map.of("channelId", channelId, "sku", sku, "ids", ids);
          return created
              ? Reply.created(view, "/v1/channels/" + channelId + "/listings/" + sku)
              : Reply.ok(view);
        });
  }

  private CompletionStage<Reply> getListing(Call call) {
    String channelId = channelId(call);
    String sku = Ids.check("sku", call.param("sku"));
    String tenantId = call.tenantId();
    return blocking(
        () ->
            listings
                .get(tenantId, channelId, sku)
                .map(ids -> Reply.ok(Map.of("channelId", channelId, "sku", sku, "ids", ids)))
                .orElseThrow(
                    () ->
                        new ApiException(
                            Problem.notFound("listing-not-found", "The SKU is not listed."))));
  }

  private CompletionStage<Reply> deleteListing(Call call) {
    String channelId = channelId(call);
    String sku = Ids.check("sku", call.param("sku"));
    String tenantId = call.tenantId();
    return blocking(
        () -> {
          if (!listings.delete(tenantId, channelId, sku)) {
            throw new ApiException(Problem.notFound("listing-not-found", "The SKU is not listed."));
          }
          reload(tenantId, channelId);
          return Reply.noContent();
        });
  }

  private CompletionStage<Reply> listings(Call call) {
    String channelId = channelId(call);
    int limit = call.queryParam("limit").map(SkuRoutes::limit).orElse(100);
    String after = call.queryParam("cursor").filter(c -> !c.isEmpty()).orElse(null);
    String tenantId = call.tenantId();
    return blocking(
        () -> {
          channel(tenantId, channelId);
          List<ListingStore.Listing> page = listings.forChannel(tenantId, channelId, after, limit);
          Map<String, Object> body = new LinkedHashMap<>();
          body.put(
              "items",
              page.stream().map(l -> Map.of("sku", l.sku(), "ids", l.marketplaceIds())).toList());
          body.put("nextCursor", page.size() < limit ? null : page.get(page.size() - 1).sku());
          return Reply.ok(body);
        });
  }

  private CompletionStage<Reply> importCsv(Call call) {
    String channelId = channelId(call);
    String tenantId = call.tenantId();
    String text = new String(call.body(), StandardCharsets.UTF_8);
    return blocking(
        () -> {
          MarketplaceAdapter adapter = adapterOf(channel(tenantId, channelId));
          ListingStore.ImportResult result =
              listings.importCsv(
                  tenantId,
                  channelId,
                  new StringReader(text),
                  new HashSet<>(adapter.requiredListingKeys()));
          if (result.imported() > 0) {
            reload(tenantId, channelId);
          }
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("imported", result.imported());
          body.put(
              "errors",
              result.errors().stream()
                  .map(
                      e -> {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("row", e.row());
                        m.put("sku", e.sku());
                        m.put("reason", e.reason());
                        return m;
                      })
                  .toList());
          return Reply.ok(body);
        });
  }

  private CompletionStage<Reply> report(Call call) {
    String channelId = channelId(call);
    String tenantId = call.tenantId();
    return blocking(
        () -> {
          channel(tenantId, channelId);
          ListingStore.ListingReport report = listings.report(tenantId, channelId, 1000);
          return Reply.ok(
              Map.of(
                  "skusNotListed", report.skusNotListed(),
                  "listingsWithUnknownSku", report.listingsWithUnknownSku()));
        });
  }

  private static MarketplaceAdapter adapterOf(ChannelStore.ChannelRecord channel) {
    return MarketplaceAdapters.forMarketplace(Marketplace.fromId(channel.marketplace()));
  }

  // Allocation rules ----------------------------------------------------------------------------

  private CompletionStage<Reply> putSkuRule(Call call) {
    String sku = Ids.check("sku", call.param("sku"));
    return putRule(call, sku);
  }

  private CompletionStage<Reply> putDefaultRule(Call call) {
    return putRule(call, AllocationRuleStore.TENANT_DEFAULT);
  }

  private CompletionStage<Reply> putRule(Call call, String sku) {
    String channelId = channelId(call);
    JsonBody body = JsonBody.parse(json, call.body(), Set.of("rule", "amount"));
    String rule = body.requiredText("rule");
    long amount = body.optionalLong("amount", 0, SkuRoutes.MAX_QUANTITY).orElse(0L);
    AllocationRule parsed = toRule(rule, amount);
    String tenantId = call.tenantId();
    return blocking(
        () -> {
          rules.put(tenantId, sku, channelId, rule, amount);
          // A quota on one channel changes what every other channel may sell.
          reloadAll(tenantId);
          return Reply.ok(ruleView(sku, channelId, parsed));
        });
  }

  /**
   * The safety stock held back from every channel for each SKU without its own (a SKU's own, set
   * with {@code PUT /v1/skus/{sku}/safety-stock}, beats it). 0 holds nothing back.
   */
  private CompletionStage<Reply> putTenantSafetyStock(Call call) {
    JsonBody body = JsonBody.parse(json, call.body(), Set.of("quantity"));
    long quantity = body.requiredLong("quantity", 0, SkuRoutes.MAX_QUANTITY);
    String tenantId = call.tenantId();
    return blocking(
        () -> {
          rules.putTenantSafetyStock(tenantId, quantity);
          reloadAll(tenantId);
          return Reply.ok(Map.of("safetyStock", quantity));
        });
  }

  private CompletionStage<Reply> getTenantSafetyStock(Call call) {
    String tenantId = call.tenantId();
    return blocking(() -> Reply.ok(Map.of("safetyStock", rules.tenantSafetyStock(tenantId))));
  }

  private CompletionStage<Reply> deleteSkuRule(Call call) {
    return deleteRule(call, Ids.check("sku", call.param("sku")));
  }

  private CompletionStage<Reply> deleteDefaultRule(Call call) {
    return deleteRule(call, AllocationRuleStore.TENANT_DEFAULT);
  }

  private CompletionStage<Reply> deleteRule(Call call, String sku) {
    String channelId = channelId(call);
    String tenantId = call.tenantId();
    return blocking(
        () -> {
          if (!rules.delete(tenantId, sku, channelId)) {
            throw new ApiException(Problem.notFound("rule-not-found", "No such rule."));
          }
          reloadAll(tenantId);
          return Reply.noContent();
        });
  }

  static AllocationRule toRule(String rule, long amount) {
    try {
      return switch (rule) {
        case "shared" -> new AllocationRule.SharedPool();
        case "dedicated" -> new AllocationRule.DedicatedQuota(amount);
        case "percentage" -> new AllocationRule.Percentage((int) Math.min(amount, 101));
        case "buffer" -> new AllocationRule.Buffer(amount);
        case "cap" -> new AllocationRule.Cap(amount);
        default ->
            throw JsonBody.invalid(
                "'rule' must be one of shared, dedicated, percentage, buffer, cap.");
      };
    } catch (IllegalArgumentException e) {
      throw JsonBody.invalid("'amount' does not fit the rule: " + e.getMessage());
    }
  }

  private static Map<String, Object> ruleView(String sku, String channelId, AllocationRule rule) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("sku", sku.equals(AllocationRuleStore.TENANT_DEFAULT) ? null : sku);
    v.put("channelId", channelId);
    v.put("rule", ruleName(rule));
    v.put("amount", ruleAmount(rule));
    return v;
  }

  private static String ruleName(AllocationRule rule) {
    if (rule instanceof AllocationRule.DedicatedQuota) {
      return "dedicated";
    } else if (rule instanceof AllocationRule.Percentage) {
      return "percentage";
    } else if (rule instanceof AllocationRule.Buffer) {
      return "buffer";
    } else if (rule instanceof AllocationRule.Cap) {
      return "cap";
    }
    return "shared";
  }

  private static long ruleAmount(AllocationRule rule) {
    if (rule instanceof AllocationRule.DedicatedQuota q) {
      return q.units();
    } else if (rule instanceof AllocationRule.Percentage p) {
      return p.percent();
    } else if (rule instanceof AllocationRule.Buffer b) {
      return b.units();
    } else if (rule instanceof AllocationRule.Cap c) {
      return c.units();
    }
    return 0;
  }

  // Availability --------------------------------------------------------------------------------

  private CompletionStage<Reply> availability(Call call) {
    String sku = Ids.check("sku", call.param("sku"));
    String tenantId = call.tenantId();
    CompletableFuture<List<ChannelStore.ChannelRecord>> tenantChannels =
        CompletableFuture.supplyAsync(() -> channels.list(tenantId), blocking);
    CompletableFuture<List<AllocationRuleStore.RuleRow>> ruleRows =
        CompletableFuture.supplyAsync(() -> rules.forSku(tenantId, sku), blocking);
    CompletableFuture<SkuEntity.StockView> held =
        sharding
            .entityRefFor(SkuEntity.TYPE_KEY, new SkuId(tenantId, sku).entityId())
            .<SkuEntity.StockView>ask(SkuEntity.GetStock::new, askTimeout)
            .toCompletableFuture();
    return skus.currentLevels(tenantId, sku)
        .thenCombine(tenantChannels, (levels, list) -> Map.entry(levels, list))
        .thenCombine(ruleRows, (pair, rows) -> Map.entry(pair, rows))
        .thenCombine(
            held,
            (all, holds) -> {
              var levels = all.getKey().getKey();
              List<ChannelStore.ChannelRecord> list = all.getKey().getValue();
              Map<String, AllocationRule> perSku = new TreeMap<>();
              Map<String, AllocationRule> defaults = new TreeMap<>();
              long tenantSafety = 0;
              for (AllocationRuleStore.RuleRow row : all.getValue()) {
                if (row.channelId().equals(AllocationRuleStore.EVERY_CHANNEL)) {
                  tenantSafety = row.amount();
                  continue;
                }
                AllocationRule rule = toRule(row.rule(), row.amount());
                (row.sku().equals(AllocationRuleStore.TENANT_DEFAULT) ? defaults : perSku)
                    .put(row.channelId(), rule);
              }
              Set<String> paused = new HashSet<>();
              list.stream()
                  .filter(ChannelStore.ChannelRecord::paused)
                  .forEach(c -> paused.add(c.channelId()));
              Map<String, SellableQuantity> sellable =
                  Sellable.computeAll(
                      levels,
                      list.stream().map(ChannelStore.ChannelRecord::channelId).toList(),
                      new ChannelRules(perSku, null),
                      new ChannelRules(defaults, null, tenantSafety),
                      holds.heldByChannel(),
                      paused);
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("sku", sku);
              body.put("available", levels.available());
              body.put(
                  "channels",
                  list.stream()
                      .map(
                          c -> {
                            SellableQuantity q = sellable.get(c.channelId());
                            Map<String, Object> v = new LinkedHashMap<>();
                            v.put("channelId", c.channelId());
                            v.put("marketplace", c.marketplace());
                            v.put("paused", c.paused());
                            v.put(
                                "rule",
                                ruleName(
                                    Sellable.ruleFor(
                                        c.channelId(),
                                        new ChannelRules(perSku, null),
                                        new ChannelRules(defaults, null))));
                            v.put(
                                "amount",
                                ruleAmount(
                                    Sellable.ruleFor(
                                        c.channelId(),
                                        new ChannelRules(perSku, null),
                                        new ChannelRules(defaults, null))));
                            v.put(
                                "ruleSource",
                                perSku.containsKey(c.channelId())
                                    ? "sku"
                                    : defaults.containsKey(c.channelId()) ? "default" : "none");
                            long share = holds.shareOf(c.channelId());
                            v.put("sellable", q.quantity());
                            v.put("share", share);
                            v.put(
                                "explanation",
                                share > 0
                                    ? q.explanation()
                                        + "; and a share of the last units: "
                                        + share
                                        + " set aside, which the marketplace counts down (on"
                                        + " show there, or sold and not placed yet)"
                                    : q.explanation());
                            return v;
                          })
                      .toList());
              return Reply.ok(body);
            });
  }

  // Input helpers -------------------------------------------------------------------------------

  private static String channelId(Call call) {
    return Ids.check("channelId", call.param("channelId"));
  }

  private static String baseUrl(String text) {
    try {
      URI uri = URI.create(text);
      if (uri.getHost() == null
          || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          || text.length() > ChannelStore.MAX_BASE_URL_LENGTH) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
      return text;
    } catch (IllegalArgumentException | NullPointerException e) {
      throw JsonBody.invalid("'baseUrl' must be an http or https URL.");
    }
  }

  /**
   * A JSON object of non-empty strings. {@code lineBreaks} allows line breaks in the values, which
   * a PEM key (Yahoo! Shopping's public key) has; ids never do.
   */
  private static Map<String, String> stringMap(JsonNode node, String field, boolean lineBreaks) {
    if (node == null || !node.isObject() || node.size() > 50) {
      throw JsonBody.invalid("'" + field + "' must be an object of at most 50 strings.");
    }
    Map<String, String> out = new TreeMap<>();
    node.fields()
        .forEachRemaining(
            e -> {
              if (!e.getValue().isTextual()
                  || e.getValue().textValue().isEmpty()
                  || e.getValue().textValue().length() > 4000
                  || e.getKey().length() > 64
                  || e.getValue().textValue().chars().anyMatch(c -> forbidden(c, lineBreaks))) {
                throw JsonBody.invalid(
                    "'"
                        + field
                        + "."
                        + e.getKey()
                        + "' must be a non-empty string without"
                        + (lineBreaks
                            ? " control characters other than line breaks."
                            : " control characters."));
              }
              out.put(e.getKey(), e.getValue().textValue());
            });
    return out;
  }

  private static boolean forbidden(int c, boolean lineBreaks) {
    return Character.isISOControl(c) && !(lineBreaks && (c == '\n' || c == '\r'));
  }

  private static double positiveNumber(JsonNode node) {
    if (!node.isNumber() || !(node.doubleValue() > 0) || node.doubleValue() > 10_000) {
      throw JsonBody.invalid("'rateLimit' must be a number of requests per second above 0.");
    }
    return node.doubleValue();
  }

  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      throw JsonBody.invalid("'credentialsExpireAt' must be an instant like 2027-03-01T00:00:00Z.");
    }
  }

  private static ShippingSla sla(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    JsonBody body =
        JsonBody.of(node, "shippingSla", Set.of("shipWithinHours", "cutoff", "timeZone"));
    try {
      return new ShippingSla(
          (int) body.requiredLong("shipWithinHours", 1, 720),
          LocalTime.parse(body.requiredText("cutoff")),
          ZoneId.of(body.optionalText("timeZone").orElse("Asia/Tokyo")));
    } catch (java.time.DateTimeException e) {
      throw JsonBody.invalid("'shippingSla' needs a cutoff like 15:00 and a zone like Asia/Tokyo.");
    }
  }

  private CompletionStage<Reply> blocking(Supplier<Reply> work) {
    return CompletableFuture.supplyAsync(work, blocking);
  }
}
