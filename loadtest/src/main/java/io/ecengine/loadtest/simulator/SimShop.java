package io.ecengine.loadtest.simulator;

import io.ecengine.engine.channel.marketplace.Marketplace;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One seller account on one marketplace of the {@link MarketplaceSimulator}: its listings and the
 * quantity each shows, every stock value it was sent, the orders it created by selling, the
 * shipments reported to it, and every call it received.
 *
 * <p>Listing keys are one string per listing, in the ids the engine's listings use for the
 * marketplace: {@code productId:skuId} (TikTok Shop), {@code manageNumber:variantId} (Rakuten),
 * {@code itemCode} or {@code itemCode:subCode} (Yahoo! Shopping, its own form), {@code sellerSku}
 * (Amazon), {@code inventoryItemId:locationId} as numbers (Shopify). {@link #listingIds} gives the
 * ids map to configure the engine's listing with.
 *
 * <p>Thread-safe: calls, sales and test code may run at once.
 */
public final class SimShop {

  private static final Logger log = LoggerFactory.getLogger(SimShop.class);
  private static final ZoneId JAPAN = ZoneId.of("Asia/Tokyo");

  /** What the shop shows for one listing. Guarded by the shop. */
  static final class Listing {
    final String key;
    final Map<String, String> engineIds;
    long shown;
    long unitsSold;
    final List<StockRecord> history = new ArrayList<>();

    Listing(String key, Map<String, String> engineIds, long shown) {
      this.key = key;
      this.engineIds = Collections.unmodifiableMap(new LinkedHashMap<>(engineIds));
      this.shown = shown;
    }
  }

  private final MarketplaceSimulator sim;
  private final MarketplaceApi api;
  private final String shopKey;
  private final Map<String, String> credentials;
  private final long shopNumber;

  private final Map<String, Listing> listings = new LinkedHashMap<>();
  private final List<SimOrder> orders = new ArrayList<>();
  // The same orders by id: order reads look up tens of thousands of them while buyers wait on
  // this shop's lock.
  private final Map<String, SimOrder> ordersById = new HashMap<>();
  private final List<TrackingRecord> tracking = new ArrayList<>();
  private final List<CallRecord> calls = new ArrayList<>();
  private final Map<Quota, RateBucket> buckets = new EnumMap<>(Quota.class);
  private long refusedSales;
  private LocalDate quotaDay;
  private long callsToday;

  private volatile String webhookUrl;
  private final List<Webhook> undelivered = new ArrayList<>();
  private final Map<String, Webhook> webhooksByOrder = new ConcurrentHashMap<>();
  private final List<WebhookRecord> webhookLog = new ArrayList<>();
  private final Map<String, ScheduledFuture<?>> sellers = new ConcurrentHashMap<>();
  private final AtomicLong steadyBuyers = new AtomicLong();

  SimShop(MarketplaceSimulator sim, MarketplaceApi api, String shopKey) {
    this.sim = sim;
    this.api = api;
    this.shopKey = shopKey;
    this.shopNumber = 100_000 + sim.nextSequence();
    this.credentials =
        Collections.unmodifiableMap(new LinkedHashMap<>(api.newCredentials(shopKey)));
  }

  public Marketplace marketplace() {
    return api.marketplace();
  }

  /** The key the requests name this shop by (see {@link MarketplaceSimulator#shop}). */
  public String shopKey() {
    return shopKey;
  }

  /** The base URL to configure this shop's channel with. */
  public String baseUrl() {
    return api.shopBaseUrl(this);
  }

  /** The credentials a channel for this shop is configured with (the adapter's key names). */
  public Map<String, String> credentials() {
    return credentials;
  }

  /**
   * The ids the engine's listing of this (listed) listing key is configured with, in the adapter's
   * key names. For Shopify they are GraphQL ids and include the variant id, which is what an
   * orders/create webhook names a line by.
   */
  public synchronized Map<String, String> listingIds(String listingKey) {
    Listing listing = listings.get(listingKey);
    if (listing == null) {
      throw new IllegalArgumentException("No listing " + listingKey + " in shop " + shopKey);
    }
    return listing.engineIds;
  }

  /**
   * The engine URL this shop's webhooks go to, for marketplaces that push orders (TikTok Shop,
   * Shopify): {@code .../webhooks/{marketplace}/{channelId}}. Orders sold before it was set are
   * delivered now.
   */
  public void deliverWebhooksTo(String url) {
    URI.create(url);
    List<Webhook> pending;
    synchronized (this) {
      webhookUrl = url;
      pending = List.copyOf(undelivered);
      undelivered.clear();
    }
    pending.forEach(webhook -> deliver(webhook, 1));
  }

  // Listings ------------------------------------------------------------------------------------

  /** Creates a listing showing {@code shown} units, or sets what an existing one shows. */
  public synchronized void list(String listingKey, long shown) {
    if (shown < 0) {
      throw new IllegalArgumentException("A listing shows 0 or more units");
    }
    Listing listing = listings.get(listingKey);
    if (listing == null) {
      listings.put(
          listingKey,
          new Listing(listingKey, api.listingIds(listingKey, sim.nextSequence()), shown));
    } else {
      listing.shown = shown;
    }
  }

  /** What the listing shows now, or empty when the shop has no such listing. */
  public synchronized OptionalLong shown(String listingKey) {
    Listing listing = listings.get(listingKey);
    return listing == null ? OptionalLong.empty() : OptionalLong.of(listing.shown);
  }

  /** Every stock value the listing was sent, in the order they arrived. */
  public synchronized List<StockRecord> history(String listingKey) {
    Listing listing = listings.get(listingKey);
    return listing == null ? List.of() : List.copyOf(listing.history);
  }

  public synchronized long unitsSold(String listingKey) {
    Listing listing = listings.get(listingKey);
    return listing == null ? 0 : listing.unitsSold;
  }

  /** The listing keys, in the order they were listed. */
  public synchronized List<String> listingKeys() {
    return List.copyOf(listings.keySet());
  }

  // Selling -------------------------------------------------------------------------------------

  /**
   * Sells {@code quantity} units to a buyer if the listing shows at least that many, as a
   * marketplace does: what it shows goes down, the units count as sold, and an order is created in
   * the marketplace's format, pushed by webhook (TikTok Shop, Shopify) and found by the order pull
   * (every marketplace). Returns false, changing nothing, when it shows fewer.
   */
  public boolean trySell(String listingKey, int quantity, String buyerRef) {
    if (quantity < 1) {
      throw new IllegalArgumentException("A sale is of 1 unit or more");
    }
    SimOrder order;
    synchronized (this) {
      Listing listing = listings.get(listingKey);
      if (listing == null) {
        throw new IllegalArgumentException("No listing " + listingKey + " in shop " + shopKey);
      }
      if (listing.shown < quantity) {
        refusedSales++;
        return false;
      }
      listing.shown -= quantity;
      listing.unitsSold += quantity;
      order =
          api.newOrder(
              this,
              listingKey,
              quantity,
              buyerRef == null ? "buyer" : buyerRef,
              sim.nextSequence(),
              sim.now());
      orders.add(order);
      ordersById.put(order.id(), order);
    }
    api.webhookFor(this, order).ifPresent(this::send);
    return true;
  }

  /**
   * Sells one unit of the listing {@code perSecond} times a second, whenever it shows one, until
   * {@link #stopSelling}; a sale that finds nothing shown counts in {@link #refusedSales()}.
   */
  public void startSelling(String listingKey, double perSecond) {
    if (!(perSecond > 0)) {
      throw new IllegalArgumentException("perSecond must be positive");
    }
    if (shown(listingKey).isEmpty()) {
      throw new IllegalArgumentException("No listing " + listingKey + " in shop " + shopKey);
    }
    long period = Math.max(1, (long) (1e9 / perSecond));
    ScheduledFuture<?> seller =
        sim.scheduler()
            .scheduleAtFixedRate(
                () -> {
                  try {
                    trySell(listingKey, 1, "steady-" + steadyBuyers.incrementAndGet());
                  } catch (RuntimeException e) {
                    log.warn("Steady seller of {} in {} failed", listingKey, shopKey, e);
                  }
                },
                period,
                period,
                TimeUnit.NANOSECONDS);
    ScheduledFuture<?> before = sellers.put(listingKey, seller);
    if (before != null) {
      before.cancel(false);
    }
  }

  public void stopSelling(String listingKey) {
    ScheduledFuture<?> seller = sellers.remove(listingKey);
    if (seller != null) {
      seller.cancel(false);
    }
  }

  void stopAllSelling() {
    List.copyOf(sellers.keySet()).forEach(this::stopSelling);
  }

  /** Sales refused because the listing showed fewer units than the buyer wanted. */
  public synchronized long refusedSales() {
    return refusedSales;
  }

  /** Every order the shop created, oldest first. */
  public synchronized List<OrderRecord> orders() {
    return orders.stream().map(SimOrder::record).toList();
  }

  // Shipments -----------------------------------------------------------------------------------

  /** Every shipment reported to the shop, oldest first. */
  public synchronized List<TrackingRecord> trackingReports() {
    return List.copyOf(tracking);
  }

  // Calls ---------------------------------------------------------------------------------------

  /** Calls the shop received, throttled ones included. */
  public synchronized long calls() {
    return calls.size();
  }

  /** Calls answered with the marketplace's throttle signal. */
  public synchronized long throttledCalls() {
    return calls.stream().filter(CallRecord::throttled).count();
  }

  /** Every call in the order it was recorded (sort by {@link CallRecord#at()} for arrival). */
  public synchronized List<CallRecord> callLog() {
    return List.copyOf(calls);
  }

  /** When each call arrived, sorted. */
  public synchronized List<Instant> callTimes() {
    return calls.stream().map(CallRecord::at).sorted().toList();
  }

  /** When each call of one kind (stock, orders, shipments) arrived, sorted. */
  public synchronized List<Instant> callTimes(Api.Kind kind) {
    return calls.stream()
        .filter(call -> call.api().kind() == kind)
        .map(CallRecord::at)
        .sorted()
        .toList();
  }

  // Webhooks ------------------------------------------------------------------------------------

  /** Every webhook delivery attempt, oldest first. */
  public synchronized List<WebhookRecord> webhookDeliveries() {
    return List.copyOf(webhookLog);
  }

  /**
   * Sends an order's webhook again, byte for byte with the same delivery id, as a marketplace does
   * when it did not see an answer.
   */
  public void redeliver(String orderId) {
    Webhook webhook = webhooksByOrder.get(orderId);
    if (webhook == null) {
      throw new IllegalArgumentException("No webhook was sent for order " + orderId);
    }
    send(webhook);
  }

  private void send(Webhook webhook) {
    webhooksByOrder.put(webhook.orderId(), webhook);
    synchronized (this) {
      if (webhookUrl == null) {
        undelivered.add(webhook);
        return;
      }
    }
    deliver(webhook, 1);
  }

  private void deliver(Webhook webhook, int attempt) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(webhookUrl))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofByteArray(webhook.body()));
    webhook.headers().forEach(request::header);
    sim.webhookClient()
        .sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (response, error) -> {
              int status = error != null ? -1 : response.statusCode();
              synchronized (this) {
                webhookLog.add(
                    new WebhookRecord(
                        webhook.deliveryId(), webhook.orderId(), attempt, status, sim.now()));
              }
              if ((status < 200 || status >= 300) && attempt < sim.settings().webhookAttempts()) {
                long delay =
                    sim.settings().webhookRetryDelay().toNanos() << Math.min(20, attempt - 1);
                sim.scheduler()
                    .schedule(() -> deliver(webhook, attempt + 1), delay, TimeUnit.NANOSECONDS);
              }
            });
  }

  // For the marketplace APIs --------------------------------------------------------------------

  long shopNumber() {
    return shopNumber;
  }

  MarketplaceSimulator simulator() {
    return sim;
  }

  synchronized Optional<Listing> listing(String listingKey) {
    return Optional.ofNullable(listings.get(listingKey));
  }

  /** Sets what a listing shows because the marketplace was told so, and records it. */
  synchronized void setShown(String listingKey, long quantity, Instant at) {
    Listing listing = listings.get(listingKey);
    if (listing == null) {
      listing = new Listing(listingKey, api.listingIds(listingKey, sim.nextSequence()), 0);
      listings.put(listingKey, listing);
    }
    listing.shown = quantity;
    listing.history.add(new StockRecord(at, quantity));
  }

  synchronized boolean isListed(String listingKey) {
    return listings.containsKey(listingKey);
  }

  synchronized List<SimOrder> ordersSnapshot() {
    return List.copyOf(orders);
  }

  synchronized Optional<SimOrder> order(String orderId) {
    return Optional.ofNullable(ordersById.get(orderId));
  }

  synchronized void recordTracking(TrackingRecord record) {
    tracking.add(record);
  }

  synchronized void recordCall(CallRecord call) {
    calls.add(call);
  }

  /** Takes from a quota; null when taken, else how long until it would be. */
  Duration take(Quota quota, double cost, long nanos) {
    RateBucket bucket;
    synchronized (this) {
      bucket =
          buckets.computeIfAbsent(
              quota,
              q -> {
                MarketplaceSimulator.Limit limit = sim.settings().limit(q);
                return new RateBucket(limit.perSecond(), limit.burst(), nanos);
              });
    }
    return bucket.tryTake(cost, nanos);
  }

  /** The bucket of a quota, for answers that report it (Shopify's throttleStatus). */
  synchronized RateBucket bucket(Quota quota) {
    take(quota, 0, sim.nanos());
    return buckets.get(quota);
  }

  /**
   * Counts a call against the daily budget (Yahoo! Shopping, per Japan day); false when the budget
   * of the day is spent.
   */
  synchronized boolean withinDailyBudget(Instant at, long budget) {
    LocalDate today = at.atZone(JAPAN).toLocalDate();
    if (!today.equals(quotaDay)) {
      quotaDay = today;
      callsToday = 0;
    }
    if (callsToday >= budget) {
      return false;
    }
    callsToday++;
    return true;
  }

  @Override
  public String toString() {
    return "SimShop[" + marketplace().id() + " " + shopKey + "]";
  }
}
