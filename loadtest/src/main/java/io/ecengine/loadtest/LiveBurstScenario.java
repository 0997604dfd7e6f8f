package io.ecengine.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.ecengine.engine.channel.marketplace.Marketplace;
import io.ecengine.http.Server;
import io.ecengine.loadtest.simulator.MarketplaceSimulator;
import io.ecengine.loadtest.simulator.OrderRecord;
import io.ecengine.loadtest.simulator.SimShop;
import io.ecengine.loadtest.simulator.StockRecord;
import io.ecengine.loadtest.simulator.WebhookRecord;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live-commerce burst: one tenant with many SKUs listed on all five marketplaces of the {@link
 * MarketplaceSimulator}, buyers arriving at a baseline rate, then at ten and fifty times it, most
 * of them after three hot SKUs. Buyers buy on the marketplaces, which sell only what they show at
 * that moment and report each sale to the engine as the real ones do (webhooks from TikTok Shop and
 * Shopify, order pulls from the others).
 *
 * <p>The same run is made twice, each on a fresh schema and a fresh simulator: once with the
 * engine's real-time stock pushes, once with the engine in batch mode, which sends every listing's
 * quantity once per batch interval and nothing in between, as the batch sync tools it replaces do.
 * Everything else (rules, rate limits, order intake) is the same, so the difference in oversold
 * units is the difference the sync makes.
 *
 * <p>One hot SKU has a dedicated quota on the live channel (TikTok Shop), the other two share one
 * pool across all five marketplaces.
 */
public final class LiveBurstScenario {

  private static final Logger log = LoggerFactory.getLogger(LiveBurstScenario.class);

  /** The channel the live runs on, which gets the dedicated quota and most of the hot orders. */
  static final Marketplace LIVE = Marketplace.TIKTOK_SHOP;

  /** One stretch of the load: buyers per second, for how long, and the share on hot SKUs. */
  public record Step(String name, double buyersPerSecond, Duration duration, double hotShare) {}

  /**
   * What to run. {@code skusPerProduct} groups the cold SKUs into TikTok Shop products (one stock
   * call carries the SKUs of one product); each hot SKU is a product of its own. {@code
   * liveShareOfHot} is the share of hot-SKU buyers who buy on the live channel; the others spread
   * evenly over the other four. Cold-SKU buyers spread evenly over all five.
   */
  public record Settings(
      int skus,
      int hotSkus,
      long hotStock,
      long coldStock,
      long liveQuota,
      int skusPerProduct,
      List<Step> steps,
      double liveShareOfHot,
      Duration batchInterval,
      Duration orderPollInterval,
      MarketplaceSimulator.Settings marketplaces,
      Duration syncTimeout,
      Duration drainTimeout,
      String databaseUrl,
      String user) {

    public Settings {
      steps = List.copyOf(steps);
      if (hotSkus < 1 || hotSkus >= skus) {
        throw new IllegalArgumentException("Need at least one hot SKU and one cold SKU");
      }
      if (liveQuota <= 0 || liveQuota >= hotStock) {
        throw new IllegalArgumentException("The live quota must be part of the hot stock");
      }
    }
  }

  /** When and what a marketplace showed for a hot SKU, sampled during the run. */
  public record Sample(
      long millis, String sku, long realLeft, long engineAvailable, Map<Marketplace, Long> shown) {}

  /**
   * What one hot SKU went through. {@code sharedAtEnd} is what the engine still set aside in
   * channels' shares once the run was over: units on show at one marketplace each, or taken as sold
   * there and not placed yet.
   */
  public record HotSku(
      String sku,
      String rule,
      long stock,
      long sold,
      long oversold,
      Map<Marketplace, Long> soldOn,
      Instant lastUnitSoldAt,
      Map<Marketplace, Long> zeroShownAfterMillis,
      Long engineSawSoldOutAfterMillis,
      long sharedAtEnd) {}

  /** What a channel's marketplace saw, and how the engine's pushes to it went. */
  public record ChannelResult(
      Marketplace marketplace,
      long sales,
      long refusedSales,
      long calls,
      long throttledCalls,
      long stockCalls,
      long ordersImported,
      long ordersInEngine,
      double stockCallsPerSecond) {}

  /** One run, real-time or batch. */
  public record Run(
      String mode,
      Duration initialSync,
      List<LoadResult> phases,
      List<HotSku> hot,
      long oversoldUnits,
      long liveQuotaOversold,
      long skusOverReserved,
      long unitsOnHand,
      long unitsReserved,
      long marketplaceOrders,
      long engineOrders,
      long acknowledgedOrdersMissing,
      Map<String, Long> ordersByStatus,
      long ordersWaitedForStock,
      Histogram webhookLatencyMicros,
      Histogram saleToEngineMicros,
      Map<String, Long> errors,
      List<ChannelResult> channels,
      long heapMaxMiB,
      long heapAfterMiB,
      List<Sample> samples,
      boolean drained) {}

  /** Both runs. */
  public record Outcome(Settings settings, Run realtime, Run batch) {}

  private LiveBurstScenario() {}

  /** The full benchmark: 1,000 SKUs, 20 buyers a second, then 10x and 50x for a minute each. */
  public static Settings benchmark(String databaseUrl, String user) {
    return new Settings(
        1000,
        3,
        4_000,
        500,
        1_000,
        10,
        List.of(
            new Step("baseline 20/s", 20, Duration.ofSeconds(30), 0.8),
            new Step("10x 200/s", 200, Duration.ofSeconds(60), 0.8),
            new Step("50x 1000/s", 1000, Duration.ofSeconds(60), 0.8),
            new Step("after 20/s", 20, Duration.ofSeconds(30), 0.8)),
        0.7,
        Duration.ofMinutes(5),
        Duration.ofSeconds(5),
        MarketplaceSimulator.Settings.defaults(),
        Duration.ofMinutes(10),
        // The batch run oversells tens of thousands of orders, which a 2-core machine places
        // for minutes after the load; every acknowledged one must be in before it is measured.
        Duration.ofMinutes(5),
        databaseUrl,
        user);
  }

  /**
   * A short real-time run that measures order intake at one rate: 300 SKUs, 20 buyers a second for
   * 10 s, then {@code buyersPerSecond} for 40 s, with at most a minute to take in the orders. Run
   * it twice with one engine setting changed to see what the setting does to intake.
   */
  public static Settings intake(double buyersPerSecond, String databaseUrl, String user) {
    return new Settings(
        300,
        3,
        4_000,
        500,
        1_000,
        10,
        List.of(
            new Step("baseline 20/s", 20, Duration.ofSeconds(10), 0.8),
            new Step(
                "burst " + trimmed(buyersPerSecond) + "/s",
                buyersPerSecond,
                Duration.ofSeconds(40),
                0.8)),
        0.7,
        Duration.ofMinutes(5),
        Duration.ofSeconds(5),
        MarketplaceSimulator.Settings.defaults(),
        Duration.ofMinutes(10),
        Duration.ofSeconds(60),
        databaseUrl,
        user);
  }

  private static String trimmed(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  public static Outcome run(Settings settings) throws Exception {
    Run realtime = runOnce(settings, true);
    Run batch = runOnce(settings, false);
    return new Outcome(settings, realtime, batch);
  }

  static Run runOnce(Settings settings, boolean realtime) throws Exception {
    String mode =
        realtime ? "real-time pushes" : "batch sync every " + pretty(settings.batchInterval());
    log.info("=== live-burst: {} ===", mode);
    String schema = "burst_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection admin =
        DriverManager.getConnection(settings.databaseUrl(), settings.user(), "")) {
      try (Statement s = admin.createStatement()) {
        s.execute("CREATE SCHEMA " + schema);
      }
      String url =
          settings.databaseUrl()
              + (settings.databaseUrl().contains("?") ? "&" : "?")
              + "currentSchema="
              + schema;
      try {
        return new Attempt(settings, realtime, mode, url).run();
      } finally {
        try (Statement s = admin.createStatement()) {
          s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
      }
    }
  }

  static String pretty(Duration d) {
    return d.toSeconds() % 60 == 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
  }

  /** One run: its engine, its simulator, its SKUs and what was measured. */
  private static final class Attempt {
    private final Settings settings;
    private final boolean realtime;
    private final String mode;
    private final String url;
    private final List<String> skus = new ArrayList<>();
    private final Map<String, Long> stock = new LinkedHashMap<>();
    private final Map<Marketplace, SimShop> shops = new EnumMap<>(Marketplace.class);
    private final Map<Marketplace, String> channels = new EnumMap<>(Marketplace.class);
    // Listing key of each SKU on each marketplace.
    private final Map<Marketplace, Map<String, String>> keys = new EnumMap<>(Marketplace.class);
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final AtomicLong heapMax = new AtomicLong();
    private Server server;
    private MarketplaceSimulator sim;
    private EngineClient api;
    private long startNanos;
    private Instant startedAt;

    Attempt(Settings settings, boolean realtime, String mode, String url) {
      this.settings = settings;
      this.realtime = realtime;
      this.mode = mode;
      this.url = url;
    }

    Run run() throws Exception {
      sim = MarketplaceSimulator.start(settings.marketplaces());
      server = Server.start(ConfigFactory.parseMap(engineConfig()));
      try {
        URI base = URI.create("http://127.0.0.1:" + server.port());
        api = EngineClient.newTenant(base, "loadtest-admin", "burst");
        defineSkus();
        defineChannels();
        Duration initialSync = awaitInitialSync();
        List<LoadResult> phases = load();
        boolean drained = drain();
        return measure(initialSync, phases, drained);
      } finally {
        server.close();
        sim.close();
      }
    }

    private Map<String, Object> engineConfig() {
      Map<String, Object> config = new HashMap<>();
      config.put("ec.db.url", url);
      config.put("ec.db.user", settings.user());
      config.put("ec.http.port", 0);
      config.put("ec.http.interface", "127.0.0.1");
      config.put("ec.http.admin-key", "loadtest-admin");
      config.put("pekko.remote.artery.canonical.port", 0);
      config.put("pekko.coordinated-shutdown.exit-jvm", "off");
      config.put("ec.channels.mode", realtime ? "realtime" : "batch");
      if (!realtime) {
        config.put("ec.channels.reconcile-interval", settings.batchInterval().toMillis() + "ms");
      }
      config.put("ec.channels.order-poll-interval", settings.orderPollInterval().toMillis() + "ms");
      return config;
    }

    // Set-up --------------------------------------------------------------------------------

    private void defineSkus() throws Exception {
      for (int i = 1; i <= settings.skus(); i++) {
        boolean hot = i <= settings.hotSkus();
        String sku = hot ? "HOT-" + i : String.format("SKU-%05d", i);
        skus.add(sku);
        stock.put(sku, hot ? settings.hotStock() : settings.coldStock());
      }
      log.info("Defining {} SKUs", skus.size());
      // Both writes are idempotent by their ids, so a 503 while the new node warms up is retried.
      Duration patience = Duration.ofMinutes(1);
      forEachConcurrently(
          skus,
          sku ->
              EngineClient.patiently(
                      () -> api.putAsync("/v1/skus/" + sku, Map.of("name", sku)), patience)
                  .thenCompose(
                      r ->
                          EngineClient.patiently(
                              () ->
                                  api.postAsync(
                                      "/v1/skus/" + sku + "/adjustments",
                                      Map.of(
                                          "adjustmentId",
                                          "initial-" + sku,
                                          "delta",
                                          stock.get(sku),
                                          "reason",
                                          "receipt")),
                              patience))
                  .thenApply(EngineClient.Response::requireSuccess));
    }

    private void defineChannels() {
      int product = 0;
      for (Marketplace marketplace : Marketplace.values()) {
        SimShop shop = sim.shop(marketplace, shopKey(marketplace));
        shops.put(marketplace, shop);
        String channelId = channelId(marketplace);
        channels.put(marketplace, channelId);
        Map<String, String> byKey = new LinkedHashMap<>();
        keys.put(marketplace, byKey);
        for (int i = 0; i < skus.size(); i++) {
          String sku = skus.get(i);
          String key = listingKey(marketplace, i, sku);
          shop.list(key, 0);
          byKey.put(sku, key);
        }
        Map<String, Object> channel = new LinkedHashMap<>();
        channel.put("marketplace", marketplace.id());
        channel.put("baseUrl", shop.baseUrl());
        channel.put("credentials", shop.credentials());
        api.put("/v1/channels/" + channelId, channel).requireSuccess();
        api.postText("/v1/channels/" + channelId + "/listings/import", "text/csv", csv(marketplace))
            .requireSuccess();
        shop.deliverWebhooksTo(
            api.base().resolve("/webhooks/" + marketplace.id() + "/" + channelId).toString());
      }
      api.put(
              "/v1/skus/" + skus.get(0) + "/allocation/" + channels.get(LIVE),
              Map.of("rule", "dedicated", "amount", settings.liveQuota()))
          .requireSuccess();
    }

    private String listingKey(Marketplace marketplace, int index, String sku) {
      int n = index + 1;
      // Each hot SKU is a product of its own on TikTok Shop; cold SKUs are variants of products.
      long product =
          n <= settings.hotSkus()
              ? n
              : settings.hotSkus() + 1 + (n - settings.hotSkus() - 1) / settings.skusPerProduct();
      return switch (marketplace) {
        case TIKTOK_SHOP -> (1_729_000_000L + product) + ":" + (1_730_000_000L + n);
        case RAKUTEN -> "item-" + product + ":v" + n;
        case YAHOO_SHOPPING -> "yitem" + n;
        case AMAZON -> sku;
        case SHOPIFY -> (44_000_000L + n) + ":" + 7_001L;
      };
    }

    private String csv(Marketplace marketplace) {
      SimShop shop = shops.get(marketplace);
      Map<String, String> byKey = keys.get(marketplace);
      List<String> columns = null;
      StringBuilder csv = new StringBuilder();
      for (String sku : skus) {
        Map<String, String> ids = new TreeMap<>(shop.listingIds(byKey.get(sku)));
        if (columns == null) {
          columns = List.copyOf(ids.keySet());
          csv.append("sku,").append(String.join(",", columns)).append('\n');
        }
        csv.append(sku);
        for (String column : columns) {
          csv.append(',').append(ids.get(column));
        }
        csv.append('\n');
      }
      return csv.toString();
    }

    private static String shopKey(Marketplace marketplace) {
      return switch (marketplace) {
        case TIKTOK_SHOP -> "ROW_burst_cipher";
        case RAKUTEN -> "burst-shop";
        case YAHOO_SHOPPING -> "burst-store";
        case AMAZON -> "A1BURSTSELLER";
        case SHOPIFY -> "burst-shop.myshopify.com";
      };
    }

    private static String channelId(Marketplace marketplace) {
      return switch (marketplace) {
        case TIKTOK_SHOP -> "tiktok-live";
        case RAKUTEN -> "rakuten-main";
        case YAHOO_SHOPPING -> "yahoo-main";
        case AMAZON -> "amazon-jp";
        case SHOPIFY -> "shopify-own";
      };
    }

    /** Waits until every listing shows what the engine computes for it before the live starts. */
    private Duration awaitInitialSync() throws InterruptedException {
      long start = System.nanoTime();
      long listings = (long) skus.size() * shops.size();
      Progress progress =
          Progress.every(
              Duration.ofSeconds(5),
              () -> log.info("Initial sync: {} of {} listings shown", syncedListings(), listings));
      try {
        awaitUntil(() -> syncedListings() == listings, settings.syncTimeout(), "initial sync");
      } finally {
        progress.stop();
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      log.info("Initial sync of {} listings took {}", listings, took);
      return took;
    }

    private long syncedListings() {
      long synced = 0;
      for (Map.Entry<Marketplace, SimShop> entry : shops.entrySet()) {
        Map<String, String> byKey = keys.get(entry.getKey());
        for (String sku : skus) {
          if (entry.getValue().shown(byKey.get(sku)).orElse(0) > 0) {
            synced++;
          }
        }
      }
      return synced;
    }

    // Load ----------------------------------------------------------------------------------

    private List<LoadResult> load() throws InterruptedException {
      List<LoadResult> phases = new ArrayList<>();
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      startNanos = System.nanoTime();
      startedAt = Instant.now();
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      sampler.scheduleAtFixedRate(
          () -> {
            try {
              heapMax.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
              sample();
            } catch (RuntimeException e) {
              log.debug("Sample failed", e);
            }
          },
          0,
          250,
          TimeUnit.MILLISECONDS);
      AtomicLong buyers = new AtomicLong();
      try {
        for (Step step : settings.steps()) {
          LoadRunner.Call buy =
              n -> CompletableFuture.completedFuture(buy(step, buyers.incrementAndGet()));
          phases.add(
              LoadRunner.open(step.name(), step.buyersPerSecond(), step.duration(), 10_000, buy));
        }
      } finally {
        sampler.shutdownNow();
      }
      return phases;
    }

    /** One buyer: picks a SKU and a marketplace, and buys one unit if it is shown. */
    private String buy(Step step, long buyer) {
      SplittableRandom random = new SplittableRandom(buyer * 0x9E3779B97F4A7C15L);
      boolean hot = random.nextDouble() < step.hotShare();
      String sku =
          hot
              ? skus.get(random.nextInt(settings.hotSkus()))
              : skus.get(settings.hotSkus() + random.nextInt(skus.size() - settings.hotSkus()));
      Marketplace marketplace;
      if (hot && random.nextDouble() < settings.liveShareOfHot()) {
        marketplace = LIVE;
      } else if (hot) {
        List<Marketplace> others = new ArrayList<>(List.of(Marketplace.values()));
        others.remove(LIVE);
        marketplace = others.get(random.nextInt(others.size()));
      } else {
        marketplace = Marketplace.values()[random.nextInt(Marketplace.values().length)];
      }
      boolean sold =
          shops.get(marketplace).trySell(keys.get(marketplace).get(sku), 1, "buyer-" + buyer);
      return sold ? "sold" : "not shown";
    }

    private void sample() {
      long millis = (System.nanoTime() - startNanos) / 1_000_000;
      for (int i = 0; i < settings.hotSkus(); i++) {
        String sku = skus.get(i);
        Map<Marketplace, Long> shown = new EnumMap<>(Marketplace.class);
        long sold = 0;
        for (Map.Entry<Marketplace, SimShop> entry : shops.entrySet()) {
          String key = keys.get(entry.getKey()).get(sku);
          shown.put(entry.getKey(), entry.getValue().shown(key).orElse(0));
          sold += entry.getValue().unitsSold(key);
        }
        EngineClient.Response levels = api.get("/v1/skus/" + sku);
        long available = levels.status() == 200 ? levels.json().path("available").asLong() : -1;
        samples.add(new Sample(millis, sku, stock.get(sku) - sold, available, shown));
      }
    }

    // After the load ------------------------------------------------------------------------

    /**
     * Waits until every order the engine acknowledged by webhook is in it (which must happen), then
     * until it has every order the marketplaces took or the drain time is up: orders that are only
     * pulled arrive as fast as the marketplace's order API allows (Amazon's lines at one order in
     * two seconds), which can be far slower than they were sold.
     */
    private boolean drain() throws Exception {
      long sold = shops.values().stream().mapToLong(s -> s.orders().size()).sum();
      Progress progress =
          Progress.every(
              Duration.ofSeconds(5),
              () -> log.info("Draining: {} of {} orders in the engine", engineOrders(), sold));
      try {
        awaitUntil(() -> acknowledgedMissing() == 0, settings.drainTimeout().multipliedBy(2), null);
        awaitUntil(() -> engineOrders() >= sold, settings.drainTimeout(), null);
      } finally {
        progress.stop();
      }
      boolean drained = engineOrders() >= sold;
      if (!drained) {
        log.warn(
            "{} of {} orders reached the engine before the drain time ran out",
            engineOrders(),
            sold);
      }
      return drained;
    }

    /** Orders a marketplace delivered by webhook, answered 2xx, and the engine does not have. */
    private long acknowledgedMissing() {
      Map<String, Map<String, String>> inEngine;
      try {
        inEngine = engineOrdersByChannel();
      } catch (SQLException e) {
        return -1;
      }
      long missing = 0;
      for (Map.Entry<Marketplace, SimShop> e : shops.entrySet()) {
        Map<String, String> mine = inEngine.getOrDefault(channels.get(e.getKey()), Map.of());
        Set<String> acknowledged = new HashSet<>();
        for (WebhookRecord delivery : e.getValue().webhookDeliveries()) {
          if (delivery.status() >= 200 && delivery.status() < 300) {
            acknowledged.add(normalise(delivery.orderId()));
          }
        }
        for (String orderId : acknowledged) {
          if (!mine.containsKey(orderId)) {
            missing++;
          }
        }
      }
      return missing;
    }

    private long engineOrders() {
      try (Connection c = DriverManager.getConnection(url, settings.user(), "");
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM orders")) {
        rs.next();
        return rs.getLong(1);
      } catch (SQLException e) {
        return -1;
      }
    }

    private Run measure(Duration initialSync, List<LoadResult> phases, boolean drained)
        throws Exception {
      System.gc();
      long heapAfter = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      Map<String, Map<String, String>> engineOrders = engineOrdersByChannel();

      List<HotSku> hot = new ArrayList<>();
      for (int i = 0; i < settings.hotSkus(); i++) {
        hot.add(hotSku(skus.get(i), i == 0));
      }
      long oversold = 0;
      for (String sku : skus) {
        long sold = 0;
        for (Map.Entry<Marketplace, SimShop> e : shops.entrySet()) {
          sold += e.getValue().unitsSold(keys.get(e.getKey()).get(sku));
        }
        oversold += Math.max(0, sold - stock.get(sku));
      }
      String quotaKey = keys.get(LIVE).get(skus.get(0));
      long liveQuotaOversold =
          Math.max(0, shops.get(LIVE).unitsSold(quotaKey) - settings.liveQuota());

      long overReserved = 0;
      long onHand = 0;
      long reserved = 0;
      for (String sku : skus) {
        // An engine still working off the burst may answer 503 for a while: it is read as a
        // client that honours Retry-After would.
        JsonNode levels =
            api.getPatiently("/v1/skus/" + sku, Duration.ofMinutes(2)).requireSuccess().json();
        onHand += levels.path("onHand").asLong();
        reserved += levels.path("reserved").asLong();
        if (levels.path("reserved").asLong() > levels.path("onHand").asLong()) {
          overReserved++;
        }
      }

      Histogram webhookLatency = new Histogram(TimeUnit.MINUTES.toMicros(30), 3);
      Histogram saleToEngine = new Histogram(TimeUnit.HOURS.toMicros(2), 3);
      Map<String, Long> errors = new TreeMap<>();
      long marketplaceOrders = 0;
      long missing = 0;
      List<ChannelResult> channelResults = new ArrayList<>();
      double loadSeconds = (System.nanoTime() - startNanos) / 1e9;
      for (Map.Entry<Marketplace, SimShop> e : shops.entrySet()) {
        Marketplace marketplace = e.getKey();
        SimShop shop = e.getValue();
        Map<String, String> inEngine =
            engineOrders.getOrDefault(channels.get(marketplace), Map.of());
        List<OrderRecord> orders = shop.orders();
        marketplaceOrders += orders.size();
        Map<String, Instant> placed = new HashMap<>();
        orders.forEach(o -> placed.put(o.orderId(), o.placedAt()));
        Set<String> acknowledged = new HashSet<>();
        for (WebhookRecord delivery : shop.webhookDeliveries()) {
          if (delivery.status() >= 200 && delivery.status() < 300) {
            if (acknowledged.add(delivery.orderId()) && placed.containsKey(delivery.orderId())) {
              webhookLatency.recordValue(
                  micros(placed.get(delivery.orderId()), delivery.at(), webhookLatency));
            }
          } else {
            errors.merge(
                "webhook " + marketplace.id() + " answered " + label(delivery.status()),
                1L,
                Long::sum);
          }
        }
        for (String orderId : acknowledged) {
          if (!inEngine.containsKey(normalise(orderId))) {
            missing++;
          }
        }
        long imported = 0;
        for (OrderRecord order : orders) {
          if (inEngine.containsKey(normalise(order.orderId()))) {
            imported++;
          }
        }
        long stockCalls = shop.callTimes(io.ecengine.loadtest.simulator.Api.Kind.STOCK).size();
        long sales = orders.size();
        channelResults.add(
            new ChannelResult(
                marketplace,
                sales,
                shop.refusedSales(),
                shop.calls(),
                shop.throttledCalls(),
                stockCalls,
                imported,
                inEngine.size(),
                stockCalls / Math.max(1, loadSeconds)));
        if (shop.throttledCalls() > 0) {
          errors.merge(
              "throttled by " + marketplace.id() + " (engine backed off)",
              shop.throttledCalls(),
              Long::sum);
        }
      }
      saleToEngine(saleToEngine);
      for (LoadResult phase : phases) {
        phase
            .outcomes()
            .forEach(
                (k, v) -> {
                  if (k.startsWith("error") || k.equals("client-saturated")) {
                    errors.merge("load generator " + k, v, Long::sum);
                  }
                });
      }
      return new Run(
          mode,
          initialSync,
          phases,
          hot,
          oversold,
          liveQuotaOversold,
          overReserved,
          onHand,
          reserved,
          marketplaceOrders,
          engineOrders(),
          missing,
          ordersByStatus(),
          ordersWaitedForStock(),
          webhookLatency,
          saleToEngine,
          errors,
          channelResults,
          heapMax.get() / (1024 * 1024),
          heapAfter / (1024 * 1024),
          List.copyOf(samples),
          drained);
    }

    private static String label(int status) {
      return status < 0 ? "no connection" : Integer.toString(status);
    }

    private static long micros(Instant from, Instant to, Histogram h) {
      long micros = Math.max(0, Duration.between(from, to).toNanos() / 1000);
      return Math.min(micros, h.getHighestTrackableValue());
    }

    /** Engine order ids are the marketplace's own; Shopify's webhooks name orders by number. */
    private static String normalise(String orderId) {
      int slash = orderId.lastIndexOf('/');
      return slash >= 0 ? orderId.substring(slash + 1) : orderId;
    }

    /** channel id → (channel order id → placed at, as the engine stored it). */
    private Map<String, Map<String, String>> engineOrdersByChannel() throws SQLException {
      Map<String, Map<String, String>> byChannel = new HashMap<>();
      try (Connection c = DriverManager.getConnection(url, settings.user(), "");
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery("SELECT channel_id, channel_order_id, placed_at FROM orders")) {
        while (rs.next()) {
          byChannel
              .computeIfAbsent(rs.getString(1), k -> new HashMap<>())
              .put(normalise(rs.getString(2)), rs.getString(3));
        }
      }
      return byChannel;
    }

    /** From the marketplace's sale to the engine placing the order, per imported order. */
    private void saleToEngine(Histogram into) throws SQLException {
      Map<String, Instant> placedInEngine = new HashMap<>();
      try (Connection c = DriverManager.getConnection(url, settings.user(), "");
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery("SELECT channel_id, channel_order_id, placed_at FROM orders")) {
        while (rs.next()) {
          placedInEngine.put(
              rs.getString(1) + "/" + normalise(rs.getString(2)), rs.getTimestamp(3).toInstant());
        }
      }
      for (Map.Entry<Marketplace, SimShop> e : shops.entrySet()) {
        String channelId = channels.get(e.getKey());
        for (OrderRecord order : e.getValue().orders()) {
          Instant inEngine = placedInEngine.get(channelId + "/" + normalise(order.orderId()));
          if (inEngine != null) {
            into.recordValue(micros(order.placedAt(), inEngine, into));
          }
        }
      }
    }

    /**
     * Orders that went AWAITING_STOCK at least once, whether they got their units later or not, as
     * the engine's KPI report counts them; -1 when the report did not answer.
     */
    private long ordersWaitedForStock() {
      java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
      EngineClient.Response kpis =
          api.getPatiently(
              "/v1/reports/kpis?from=" + today.minusDays(1) + "&to=" + today.plusDays(1),
              Duration.ofMinutes(1));
      return kpis.status() == 200 ? kpis.json().path("waitedForStock").path("orders").asLong() : -1;
    }

    private Map<String, Long> ordersByStatus() throws SQLException {
      Map<String, Long> counts = new TreeMap<>();
      try (Connection c = DriverManager.getConnection(url, settings.user(), "");
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT status, count(*) FROM orders GROUP BY status")) {
        while (rs.next()) {
          counts.put(rs.getString(1), rs.getLong(2));
        }
      }
      return counts;
    }

    private HotSku hotSku(String sku, boolean quota) {
      long stockUnits = stock.get(sku);
      // Every sale of the SKU on any marketplace, in time order, to find the last real unit.
      List<Instant> sales = new ArrayList<>();
      Map<Marketplace, Long> soldOn = new EnumMap<>(Marketplace.class);
      Map<Marketplace, List<OrderRecord>> ordersOn = new EnumMap<>(Marketplace.class);
      for (Map.Entry<Marketplace, SimShop> e : shops.entrySet()) {
        String key = keys.get(e.getKey()).get(sku);
        List<OrderRecord> mine =
            e.getValue().orders().stream().filter(o -> o.listingKey().equals(key)).toList();
        ordersOn.put(e.getKey(), mine);
        soldOn.put(e.getKey(), mine.stream().mapToLong(OrderRecord::quantity).sum());
        mine.forEach(o -> Collections.addAll(sales, repeat(o.placedAt(), o.quantity())));
      }
      Collections.sort(sales);
      long sold = sales.size();
      Instant lastUnit = sold >= stockUnits ? sales.get((int) stockUnits - 1) : null;
      Map<Marketplace, Long> zeroAfter = new EnumMap<>(Marketplace.class);
      if (lastUnit != null) {
        for (Map.Entry<Marketplace, SimShop> e : shops.entrySet()) {
          String key = keys.get(e.getKey()).get(sku);
          Instant zeroAt = lastTurnToZero(e.getValue().history(key), ordersOn.get(e.getKey()));
          zeroAfter.put(
              e.getKey(),
              zeroAt == null ? -1 : Math.max(0, Duration.between(lastUnit, zeroAt).toMillis()));
        }
      }
      // When the engine itself first had nothing left to sell: what stands between the last unit
      // and the marketplaces showing 0 is then split between the engine learning of the sales
      // and its pushes landing.
      Long engineSawSoldOut = null;
      if (lastUnit != null && startedAt != null) {
        for (Sample sample : samples) {
          Instant at = startedAt.plusMillis(sample.millis());
          if (sample.sku().equals(sku) && sample.engineAvailable() == 0) {
            engineSawSoldOut = Math.max(0, Duration.between(lastUnit, at).toMillis());
            break;
          }
        }
      }
      return new HotSku(
          sku,
          quota ? "dedicated quota of " + settings.liveQuota() + " on " + LIVE.id() : "shared pool",
          stockUnits,
          sold,
          Math.max(0, sold - stockUnits),
          soldOn,
          lastUnit,
          zeroAfter,
          engineSawSoldOut,
          api.getPatiently("/v1/skus/" + sku, Duration.ofMinutes(1))
              .requireSuccess()
              .json()
              .path("shared")
              .asLong());
    }

    private static Instant[] repeat(Instant at, int times) {
      Instant[] all = new Instant[times];
      java.util.Arrays.fill(all, at);
      return all;
    }

    /**
     * When the listing last went from showing units to showing none, replaying what it was sent and
     * what it sold itself; null when it still shows units at the end.
     */
    private static Instant lastTurnToZero(List<StockRecord> pushes, List<OrderRecord> sales) {
      record Event(Instant at, long set, long minus) {}
      List<Event> events = new ArrayList<>();
      pushes.forEach(p -> events.add(new Event(p.at(), p.quantity(), 0)));
      sales.forEach(s -> events.add(new Event(s.placedAt(), -1, s.quantity())));
      events.sort((a, b) -> a.at().compareTo(b.at()));
      long shown = 0;
      Instant zeroAt = null;
      for (Event event : events) {
        long before = shown;
        shown = event.set() >= 0 ? event.set() : Math.max(0, shown - event.minus());
        if (before > 0 && shown == 0) {
          zeroAt = event.at();
        } else if (shown > 0) {
          zeroAt = null;
        }
      }
      return shown == 0 ? zeroAt : null;
    }

    // Helpers -------------------------------------------------------------------------------

    private static void forEachConcurrently(
        List<String> items, java.util.function.Function<String, CompletableFuture<?>> task)
        throws Exception {
      Semaphore permits = new Semaphore(32);
      List<CompletableFuture<?>> all = new ArrayList<>();
      for (String item : items) {
        permits.acquire();
        all.add(task.apply(item).whenComplete((r, e) -> permits.release()));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
    }
  }

  static void awaitUntil(BooleanSupplier condition, Duration timeout, String failureOrNull)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        if (failureOrNull != null) {
          throw new IllegalStateException(failureOrNull + " did not finish within " + timeout);
        }
        return;
      }
      // A benchmark polls what it cannot be told: the simulator and the read side.
      Thread.sleep(200);
    }
  }

  /** Prints a line at a fixed period while a long wait runs. */
  private record Progress(ScheduledExecutorService timer) {
    static Progress every(Duration period, Runnable line) {
      ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
      timer.scheduleAtFixedRate(line, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
      return new Progress(timer);
    }

    void stop() {
      timer.shutdownNow();
    }
  }
}
