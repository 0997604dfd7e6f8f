package io.ecengine.loadtest.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.ecengine.engine.channel.marketplace.Marketplace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for the five marketplaces over real HTTP, for tests and benchmarks: one server that
 * answers each marketplace's stock update, stock read, order pull and shipment calls in the request
 * and answer shapes the engine's adapters use, checks their authentication and signatures as the
 * marketplace would, enforces each marketplace's rate limits per shop ({@link Quota}), and records
 * every stock value it is sent. A stock read answers what a listing shows now (what it was last
 * sent less what it sold since) and changes nothing. Its shops sell only what they currently show,
 * and report each sale the way the marketplace does: a signed webhook (TikTok Shop, Shopify) and an
 * order the engine's pull finds.
 *
 * <p>Each marketplace lives under its own path prefix of the server ({@link #baseUrl}); a shop is
 * found the way the marketplace finds it: by the shop cipher (TikTok Shop), by the ESA key pair
 * (Rakuten), by seller id (Yahoo! Shopping, Amazon), and by the access token or the shop domain in
 * the path (Shopify).
 *
 * <p>Limitation: it keeps everything in memory, serves plain HTTP and only the calls the engine
 * makes; Amazon applies a listing patch at once instead of minutes later.
 */
public final class MarketplaceSimulator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MarketplaceSimulator.class);

  /** A rate limit: {@code burst} calls at once, refilled at {@code perSecond}. */
  public record Limit(double perSecond, int burst) {
    public Limit {
      if (!(perSecond > 0) || burst < 1) {
        throw new IllegalArgumentException("A limit needs a positive rate and a burst of 1+");
      }
    }
  }

  /**
   * How the simulator runs. {@code port} 0 picks a free port. {@code limits} overrides the {@link
   * Quota} defaults (for {@link Quota#SHOPIFY_COST} in query-cost points). {@code yahooDailyLimit}
   * is the calls a Yahoo! Shopping shop may make per day (Japan time) before every call is answered
   * 403. Webhooks are retried {@code webhookAttempts} times in all, {@code webhookRetryDelay} apart
   * and doubling. TikTok Shop refuses a request whose signed timestamp is further than {@code
   * tiktokTimestampWindow} from now.
   */
  public record Settings(
      String host,
      int port,
      Map<Quota, Limit> limits,
      long yahooDailyLimit,
      int webhookAttempts,
      Duration webhookRetryDelay,
      Duration tiktokTimestampWindow) {

    public Settings {
      limits = Map.copyOf(limits);
      if (webhookAttempts < 1) {
        throw new IllegalArgumentException("webhookAttempts must be at least 1");
      }
    }

    /** 127.0.0.1, a free port, the documented limits, 8 webhook attempts from 1 second apart. */
    public static Settings defaults() {
      return new Settings(
          "127.0.0.1", 0, Map.of(), 50_000, 8, Duration.ofSeconds(1), Duration.ofMinutes(5));
    }

    public Settings withHost(String newHost) {
      return new Settings(
          newHost,
          port,
          limits,
          yahooDailyLimit,
          webhookAttempts,
          webhookRetryDelay,
          tiktokTimestampWindow);
    }

    public Settings withPort(int newPort) {
      return new Settings(
          host,
          newPort,
          limits,
          yahooDailyLimit,
          webhookAttempts,
          webhookRetryDelay,
          tiktokTimestampWindow);
    }

    /** Overrides one quota; for {@link Quota#SHOPIFY_COST} the figures are points. */
    public Settings withLimit(Quota quota, double perSecond, int burst) {
      Map<Quota, Limit> changed = new EnumMap<>(Quota.class);
      changed.putAll(limits);
      changed.put(quota, new Limit(perSecond, burst));
      return new Settings(
          host,
          port,
          changed,
          yahooDailyLimit,
          webhookAttempts,
          webhookRetryDelay,
          tiktokTimestampWindow);
    }

    /**
     * Overrides the limit of a marketplace's stock update call, in calls. For Shopify, whose limit
     * is in query-cost points, the bucket is set so that this many stock mutations (10 points each)
     * fit: a restore rate of {@code 10 * perSecond} and a size of {@code 10 * burst}.
     */
    public Settings withRateLimit(Marketplace marketplace, double perSecond, int burst) {
      Quota quota = Quota.ofStockUpdate(marketplace);
      if (quota == Quota.SHOPIFY_COST) {
        return withLimit(
            quota, perSecond * ShopifyApi.MUTATION_COST, burst * ShopifyApi.MUTATION_COST);
      }
      return withLimit(quota, perSecond, burst);
    }

    public Settings withYahooDailyLimit(long calls) {
      return new Settings(
          host, port, limits, calls, webhookAttempts, webhookRetryDelay, tiktokTimestampWindow);
    }

    public Settings withWebhookRetries(int attempts, Duration firstDelay) {
      return new Settings(
          host, port, limits, yahooDailyLimit, attempts, firstDelay, tiktokTimestampWindow);
    }

    /** The limit in force for a quota. */
    public Limit limit(Quota quota) {
      Limit limit = limits.get(quota);
      return limit != null ? limit : new Limit(quota.defaultPerSecond(), quota.defaultBurst());
    }
  }

  static final ObjectMapper JSON = new ObjectMapper();

  private final Settings settings;
  private final HttpServer server;
  private final ExecutorService handlers;
  private final ScheduledExecutorService scheduler;
  private final HttpClient webhookClient;
  private final Map<Marketplace, MarketplaceApi> apis = new EnumMap<>(Marketplace.class);
  private final Map<Marketplace, Map<String, SimShop>> shops = new ConcurrentHashMap<>();
  private final Instant startedAt = Instant.now();
  private final long startedNanos = System.nanoTime();
  private final AtomicLong unattributedCalls = new AtomicLong();
  private final AtomicLong sequence = new AtomicLong(1);

  private MarketplaceSimulator(Settings settings) throws IOException {
    this.settings = settings;
    this.handlers = Executors.newFixedThreadPool(16, daemon("marketplace-sim-http"));
    this.scheduler = Executors.newScheduledThreadPool(2, daemon("marketplace-sim-timer"));
    this.webhookClient =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(handlers)
            .build();
    List.of(
            new TikTokShopApi(this),
            new RakutenApi(this),
            new YahooShoppingApi(this),
            new AmazonApi(this),
            new ShopifyApi(this))
        .forEach(api -> apis.put(api.marketplace(), api));
    this.server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 128);
    for (MarketplaceApi api : apis.values()) {
      server.createContext(api.prefix(), http -> dispatch(api, http));
    }
    server.createContext("/_sim", new ControlApi(this)::handle);
    server.setExecutor(handlers);
    server.start();
    log.info(
        "Marketplace simulator listening on http://{}:{}",
        settings.host(),
        server.getAddress().getPort());
  }

  /** Starts a simulator on 127.0.0.1 and a free port with the documented limits. */
  public static MarketplaceSimulator start() {
    return start(Settings.defaults());
  }

  public static MarketplaceSimulator start(Settings settings) {
    try {
      return new MarketplaceSimulator(settings);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start the marketplace simulator", e);
    }
  }

  public Settings settings() {
    return settings;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * The base URL a channel of this marketplace is configured with. For Shopify it finds the shop by
   * its access token; {@link SimShop#baseUrl()} is the per-shop URL, as a real shop domain is.
   */
  public String baseUrl(Marketplace marketplace) {
    return "http://" + hostForUrls() + ":" + port() + apis.get(marketplace).prefix();
  }

  /**
   * The shop of this marketplace with this key, created on first use. The key is what the requests
   * carry to name the account: the shop cipher (TikTok Shop), the shop's URL name (Rakuten, whose
   * requests carry it as the ESA key pair the shop is given), the seller id (Yahoo! Shopping,
   * Amazon), the shop domain such as {@code my-shop.myshopify.com} (Shopify).
   */
  public SimShop shop(Marketplace marketplace, String shopKey) {
    if (shopKey == null || shopKey.isBlank() || shopKey.contains("/")) {
      throw new IllegalArgumentException("A shop key is a non-blank string without '/'");
    }
    return shops
        .computeIfAbsent(marketplace, m -> new ConcurrentHashMap<>())
        .computeIfAbsent(shopKey, key -> new SimShop(this, apis.get(marketplace), key));
  }

  /** Every shop created so far. */
  public List<SimShop> shops() {
    List<SimShop> all = new ArrayList<>();
    shops.values().forEach(byKey -> all.addAll(byKey.values()));
    return all;
  }

  /** Calls no shop could be named for (an unknown account or credentials that did not match). */
  public long unattributedCalls() {
    return unattributedCalls.get();
  }

  @Override
  public void close() {
    shops().forEach(SimShop::stopAllSelling);
    server.stop(0);
    scheduler.shutdownNow();
    handlers.shutdownNow();
    try {
      handlers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // For the marketplace APIs and shops ----------------------------------------------------------

  Optional<SimShop> findShop(Marketplace marketplace, String shopKey) {
    if (shopKey == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(shops.getOrDefault(marketplace, Map.of()).get(shopKey));
  }

  Collection<SimShop> shopsOf(Marketplace marketplace) {
    return shops.getOrDefault(marketplace, Map.of()).values();
  }

  /** Now, on a clock that never goes back (wall-clock at start plus elapsed nanoseconds). */
  Instant now() {
    return startedAt.plusNanos(System.nanoTime() - startedNanos);
  }

  long nanos() {
    return System.nanoTime();
  }

  Instant instantOf(long nanos) {
    return startedAt.plusNanos(nanos - startedNanos);
  }

  long nextSequence() {
    return sequence.getAndIncrement();
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  HttpClient webhookClient() {
    return webhookClient;
  }

  private String hostForUrls() {
    String host = settings.host();
    return host.equals("0.0.0.0") ? "127.0.0.1" : host;
  }

  private void dispatch(MarketplaceApi api, com.sun.net.httpserver.HttpExchange http)
      throws IOException {
    long nanos = nanos();
    Exchange exchange;
    try {
      exchange = new Exchange(http, api.prefix(), instantOf(nanos), nanos);
    } catch (IOException e) {
      http.close();
      return;
    }
    try {
      api.handle(exchange);
    } catch (RuntimeException e) {
      log.warn("The {} simulator failed on {}", api.marketplace().id(), exchange.rawPath(), e);
      if (exchange.status() < 0) {
        exchange.json(500, "{\"error\":\"simulator failure\"}");
      }
    } finally {
      if (exchange.status() < 0) {
        exchange.empty(500);
      }
      if (exchange.shop() == null || exchange.api() == null) {
        unattributedCalls.incrementAndGet();
      }
    }
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
