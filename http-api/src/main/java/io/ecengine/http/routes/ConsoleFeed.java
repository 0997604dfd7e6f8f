package io.ecengine.http.routes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import io.ecengine.engine.channel.ChannelEntity;
import io.ecengine.engine.channel.ChannelKey;
import io.ecengine.engine.report.KpiMath;
import io.ecengine.engine.report.KpiMath.BurstRule;
import io.ecengine.engine.report.KpiMath.MinuteCount;
import io.ecengine.http.api.ApiException;
import io.ecengine.http.api.Problem;
import io.ecengine.persistence.ChannelStore;
import io.ecengine.persistence.OverviewStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live feed of the operations console, as Server-Sent Events. Every tick it computes, once per
 * watched tenant, the overview (orders per minute with bursts, stock alerts, channel sync health,
 * orders at risk) and the current levels of each SKU someone has open, and sends each client what
 * changed since it last heard. Clients that connect get the latest state at once.
 *
 * <p>Streams are counted here, apart from the API's in-flight requests, and capped: beyond {@code
 * maxStreams} a new one is refused with 503. Each client has a bounded buffer; one that falls that
 * far behind is disconnected (its stream ends cleanly and the page reconnects to a fresh snapshot),
 * so a slow client never holds memory for long.
 */
public final class ConsoleFeed {

  private static final Logger log = LoggerFactory.getLogger(ConsoleFeed.class);

  /** A stream the HTTP layer never started is let go after this long. */
  private static final Duration START_GRACE = Duration.ofSeconds(30);

  private static final ByteString HEARTBEAT = ByteString.fromString(": keep-alive\n\n");
  private static final ByteString RETRY = ByteString.fromString("retry: 3000\n\n");

  /** How the feed runs; from {@code ec.console}. */
  public record Settings(
      Duration tick,
      Duration heartbeat,
      int maxStreams,
      int streamBuffer,
      Duration maxStreamAge,
      long lowStock,
      Duration atRiskHorizon) {

    public static Settings fromConfig(Config config) {
      return new Settings(
          config.getDuration("tick"),
          config.getDuration("heartbeat"),
          config.getInt("max-streams"),
          config.getInt("stream-buffer"),
          config.getDuration("max-stream-age"),
          config.getLong("low-stock"),
          config.getDuration("at-risk-horizon"));
    }
  }

  private static final class Subscriber {
    final String tenantId;
    final String sku;
    final BoundedSourceQueue<ByteString> queue;
    final Instant openedAt = Instant.now();
    final AtomicBoolean closed = new AtomicBoolean();
    volatile boolean started;
    volatile String overviewSent;
    volatile String skuSent;

    Subscriber(String tenantId, String sku, BoundedSourceQueue<ByteString> queue) {
      this.tenantId = tenantId;
      this.sku = sku;
      this.queue = queue;
    }
  }

  private static final class Hub {
    final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    final AtomicBoolean busy = new AtomicBoolean();
  }

  private final Settings settings;
  private final OverviewStore overviews;
  private final ChannelStore channels;
  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final BiFunction<String, String, CompletionStage<Map<String, Object>>> skuLevels;
  private final ObjectMapper json;
  private final Executor blocking;
  private final Materializer materializer;
  private final Map<String, Hub> hubs = new ConcurrentHashMap<>();
  private final AtomicInteger streams = new AtomicInteger();
  private final Counter refused;
  private final Counter lagging;

  /**
   * @param skuLevels the current levels of a tenant's SKU as the API shows them; fails with a 404
   *     problem for an unknown SKU
   */
  public ConsoleFeed(
      Settings settings,
      OverviewStore overviews,
      ChannelStore channels,
      ClusterSharding sharding,
      Duration askTimeout,
      BiFunction<String, String, CompletionStage<Map<String, Object>>> skuLevels,
      ObjectMapper json,
      Executor blocking,
      Materializer materializer,
      MeterRegistry metrics) {
    this.settings = settings;
    this.overviews = overviews;
    this.channels = channels;
    this.sharding = sharding;
    this.askTimeout = askTimeout;
    this.skuLevels = skuLevels;
    this.json = json;
    this.blocking = blocking;
    this.materializer = materializer;
    metrics.gauge("console.streams", streams);
    this.refused = metrics.counter("console.streams.refused");
    this.lagging = metrics.counter("console.streams.lagging");
  }

  public Settings settings() {
    return settings;
  }

  /** Starts the ticks; they run until the actor system stops. */
  public void start(ActorSystem<?> system) {
    system
        .scheduler()
        .scheduleWithFixedDelay(
            settings.tick(), settings.tick(), this::tick, system.executionContext());
  }

  /**
   * A new stream for a tenant, with the levels of {@code sku} too when it is not null.
   *
   * @throws ApiException 503 when the node already serves its maximum of streams
   */
  public Source<ByteString, NotUsed> open(String tenantId, String sku) {
    if (streams.incrementAndGet() > settings.maxStreams()) {
      streams.decrementAndGet();
      refused.increment();
      throw new ApiException(
          Problem.unavailable("overloaded", "This node serves its maximum of live streams."));
    }
    Pair<BoundedSourceQueue<ByteString>, Source<ByteString, NotUsed>> queue =
        Source.<ByteString>queue(settings.streamBuffer()).preMaterialize(materializer);
    Subscriber subscriber = new Subscriber(tenantId, sku, queue.first());
    hubs.computeIfAbsent(tenantId, t -> new Hub()).subscribers.add(subscriber);
    return Source.single(RETRY)
        .concat(queue.second())
        .keepAlive(settings.heartbeat(), () -> HEARTBEAT)
        .takeWithin(settings.maxStreamAge())
        .watchTermination(
            (notUsed, done) -> {
              subscriber.started = true;
              done.whenComplete((d, failure) -> close(subscriber));
              return NotUsed.getInstance();
            });
  }

  /** Streams open on this node now. */
  public int openStreams() {
    return streams.get();
  }

  private void close(Subscriber subscriber) {
    if (!subscriber.closed.compareAndSet(false, true)) {
      return;
    }
    try {
      subscriber.queue.complete();
    } catch (RuntimeException alreadyClosed) {
      // The stream ended first; nothing is left to complete.
    }
    Hub hub = hubs.get(subscriber.tenantId);
    if (hub != null) {
      hub.subscribers.remove(subscriber);
    }
    streams.decrementAndGet();
  }

  // Limitation: the feed polls the read side and the entities every tick instead of being told
  // of changes, so a change shows within about a tick (plus the projections' lag for read-side
  // figures), and a stream is authorised only when it opens (until max-stream-age).
  private void tick() {
    for (Map.Entry<String, Hub> entry : hubs.entrySet()) {
      Hub hub = entry.getValue();
      for (Subscriber s : hub.subscribers) {
        if (!s.started && s.openedAt.plus(START_GRACE).isBefore(Instant.now())) {
          close(s);
        }
      }
      if (hub.subscribers.isEmpty()) {
        hubs.remove(entry.getKey(), hub);
        continue;
      }
      // One refresh per tenant at a time: a slow database skips ticks instead of piling them up.
      if (hub.busy.compareAndSet(false, true)) {
        refresh(entry.getKey(), hub)
            .whenComplete(
                (done, failure) -> {
                  hub.busy.set(false);
                  if (failure != null) {
                    log.warn(
                        "Console feed of tenant {} could not refresh: {}",
                        entry.getKey(),
                        failure.toString());
                  }
                });
      }
    }
  }

  private CompletionStage<Void> refresh(String tenantId, Hub hub) {
    CompletionStage<Void> overview =
        overview(tenantId).thenAccept(view -> send(hub, null, "overview", write(view)));
    Set<String> skus = new TreeSet<>();
    hub.subscribers.forEach(
        s -> {
          if (s.sku != null) {
            skus.add(s.sku);
          }
        });
    List<CompletableFuture<Void>> all = new ArrayList<>();
    all.add(overview.toCompletableFuture());
    for (String sku : skus) {
      all.add(
          skuLevels
              .apply(tenantId, sku)
              .thenAccept(view -> send(hub, sku, "sku", write(view)))
              .exceptionally(failure -> null)
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  /** Sends {@code data} to every subscriber of the kind that has not been sent exactly this. */
  private void send(Hub hub, String sku, String event, String data) {
    ByteString frame =
        ByteString.fromString(
            "event: " + event + "\ndata: " + data + "\n\n", StandardCharsets.UTF_8);
    for (Subscriber s : hub.subscribers) {
      boolean overview = sku == null;
      if (!overview && !sku.equals(s.sku)) {
        continue;
      }
      String sent = overview ? s.overviewSent : s.skuSent;
      if (data.equals(sent)) {
        continue;
      }
      QueueOfferResult result = s.queue.offer(frame);
      if (result == QueueOfferResult.enqueued()) {
        if (overview) {
          s.overviewSent = data;
        } else {
          s.skuSent = data;
        }
      } else {
        if (result == QueueOfferResult.dropped()) {
          lagging.increment();
          log.info("Console stream of tenant {} fell behind and was closed", s.tenantId);
        }
        close(s);
      }
    }
  }

  /** The overview of a tenant as the console shows it. */
  public CompletionStage<Map<String, Object>> overview(String tenantId) {
    Instant now = Instant.now();
    CompletableFuture<Map<String, Object>> fromDatabase =
        CompletableFuture.supplyAsync(
            () -> {
              Map<String, Object> v = new LinkedHashMap<>();
              v.put("ordersPerMinute", ordersPerMinute(tenantId, now));
              OverviewStore.StockAlerts stock =
                  overviews.stockAlerts(tenantId, settings.lowStock(), 50);
              v.put("stock", stockView(stock));
              OverviewStore.AtRiskOrders atRisk =
                  overviews.atRisk(tenantId, now.plus(settings.atRiskHorizon()), 50);
              v.put("atRisk", atRiskView(atRisk, now));
              v.put("channelRecords", channels.list(tenantId));
              return v;
            },
            blocking);
    return fromDatabase.thenCompose(
        v -> {
          @SuppressWarnings("unchecked")
          List<ChannelStore.ChannelRecord> records =
              (List<ChannelStore.ChannelRecord>) v.remove("channelRecords");
          List<CompletableFuture<Map<String, Object>>> health = new ArrayList<>();
          for (ChannelStore.ChannelRecord record : records) {
            health.add(channelHealth(record, now).toCompletableFuture());
          }
          return CompletableFuture.allOf(health.toArray(CompletableFuture[]::new))
              .thenApply(
                  all -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("channels", health.stream().map(CompletableFuture::join).toList());
                    out.putAll(v);
                    return out;
                  });
        });
  }

  private Map<String, Object> ordersPerMinute(String tenantId, Instant now) {
    int minutes = 60;
    List<MinuteCount> series =
        KpiMath.perMinute(
            overviews.ordersPerMinute(
                tenantId, KpiMath.truncateToMinute(now).minus(Duration.ofMinutes(minutes))),
            now,
            minutes);
    long[] counts = series.stream().mapToLong(MinuteCount::orders).toArray();
    boolean[] bursts = KpiMath.bursts(counts, BurstRule.DEFAULT);
    List<Map<String, Object>> items = new ArrayList<>();
    for (int i = 0; i < series.size(); i++) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("minute", series.get(i).minute().toString());
      m.put("orders", counts[i]);
      m.put("burst", bursts[i]);
      items.add(m);
    }
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("minutes", items);
    v.put("currentMinute", counts[counts.length - 1]);
    v.put("previousMinute", counts[counts.length - 2]);
    // The minute that just began has few orders yet; a burst still shows while the last full
    // minute was one.
    v.put("burst", bursts[bursts.length - 1] || bursts[bursts.length - 2]);
    BurstRule rule = BurstRule.DEFAULT;
    v.put(
        "burstRule",
        Map.of(
            "factor", rule.factor(),
            "baselineMinutes", rule.baselineMinutes(),
            "minimumOrders", rule.minimumOrders()));
    return v;
  }

  private Map<String, Object> stockView(OverviewStore.StockAlerts stock) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("lowStock", settings.lowStock());
    v.put("total", stock.total());
    v.put(
        "items",
        stock.items().stream()
            .map(
                a -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("sku", a.sku());
                  m.put("name", a.name());
                  m.put("state", a.state());
                  m.put("onHand", a.onHand());
                  m.put("reserved", a.reserved());
                  m.put("safetyStock", a.safetyStock());
                  m.put("available", a.available());
                  return m;
                })
            .toList());
    return v;
  }

  private Map<String, Object> atRiskView(OverviewStore.AtRiskOrders atRisk, Instant now) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("horizonHours", settings.atRiskHorizon().toMinutes() / 60.0);
    v.put("total", atRisk.total());
    v.put(
        "items",
        atRisk.items().stream()
            .map(
                o -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("orderId", o.orderId());
                  m.put("channelId", o.channelId());
                  m.put("channelOrderId", o.channelOrderId());
                  m.put("status", o.status());
                  m.put("shipBy", o.shipBy().toString());
                  m.put("overdue", o.shipBy().isBefore(now));
                  return m;
                })
            .toList());
    return v;
  }

  private CompletionStage<Map<String, Object>> channelHealth(
      ChannelStore.ChannelRecord record, Instant now) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("channelId", record.channelId());
    v.put("marketplace", record.marketplace());
    v.put("paused", record.paused());
    v.put("pauseReason", record.pauseReason());
    Instant expires = record.credentialsExpireAt();
    v.put("credentialsExpireAt", expires == null ? null : expires.toString());
    v.put(
        "credentials",
        expires == null
            ? "ok"
            : expires.isBefore(now)
                ? "expired"
                : expires.isBefore(now.plus(Duration.ofDays(7))) ? "expiring" : "ok");
    return sharding
        .entityRefFor(
            ChannelEntity.TYPE_KEY,
            new ChannelKey(record.tenantId(), record.channelId()).entityId())
        .<ChannelEntity.SyncStatus>ask(ChannelEntity.GetSync::new, askTimeout)
        .handle(
            (status, failure) -> {
              if (failure != null) {
                v.put("state", "unknown");
                v.put("reachable", false);
                return v;
              }
              v.put("reachable", true);
              v.put("state", status.state());
              v.put("queueLength", status.queued());
              v.put("oldestUnsentAgeMillis", status.oldestUnsentMillis());
              v.put("failedCalls", status.failedCalls());
              v.put("throttledCalls", status.throttled());
              v.put("lastError", status.lastError());
              v.put(
                  "lastErrorAt",
                  status.lastErrorAt() == null ? null : status.lastErrorAt().toString());
              return v;
            });
  }

  private String write(Object view) {
    try {
      return json.writeValueAsString(view);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Overview not serializable", e);
    }
  }
}
