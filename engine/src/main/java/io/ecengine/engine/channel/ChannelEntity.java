package io.ecengine.engine.channel;

import io.ecengine.engine.channel.marketplace.CallKind;
import io.ecengine.engine.channel.marketplace.Credentials;
import io.ecengine.engine.channel.marketplace.ListingIds;
import io.ecengine.engine.channel.marketplace.ListingRef;
import io.ecengine.engine.channel.marketplace.MarketplaceAdapter;
import io.ecengine.engine.channel.marketplace.MarketplaceAdapters;
import io.ecengine.engine.channel.marketplace.MarketplaceCallException;
import io.ecengine.engine.channel.marketplace.MarketplaceOrder;
import io.ecengine.engine.channel.marketplace.MarketplaceRequest;
import io.ecengine.engine.channel.marketplace.MarketplaceResponse;
import io.ecengine.engine.channel.marketplace.OrderPage;
import io.ecengine.engine.channel.marketplace.PushResult;
import io.ecengine.engine.channel.marketplace.StockPush;
import io.ecengine.engine.serialization.CborSerializable;
import io.ecengine.engine.sku.Levels;
import io.ecengine.engine.sku.SkuEntity;
import io.ecengine.engine.sku.SkuId;
import io.ecengine.engine.sku.SkuOutcome;
import io.ecengine.engine.sku.SkuRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * One channel (one shop on one marketplace): keeps the marketplace's stock in step with ours.
 *
 * <p>Changes arrive as "this SKU changed" nudges: from the SKU right after its write (fast path),
 * from a projection over the journal (catches what a crash lost), and from a full reconciliation at
 * start and on a timer. A nudge only marks the SKU dirty; the channel then reads the SKU's current
 * levels and offers the sellable quantity to its {@link PushQueue}, which keeps the latest quantity
 * per SKU and hands out the ones that can cause an oversell first.
 *
 * <p>One call is in flight at a time. Before each call the channel reads the SKUs of the batch
 * again and sends what they may sell at that moment, so a push is never above the sellable quantity
 * at the time of sending. Calls are paced by a {@link TokenBucket} at the marketplace's documented
 * rate (or the operator's), and a throttled or failed call backs off, honouring Retry-After. A SKU
 * the marketplace rejects is retried alone, so it cannot hold up the others.
 *
 * <p>The last units of a fast-selling SKU are not shared: the channel takes a share of them from
 * the SKU and lets its marketplace count it down, reading what the marketplace shows before each
 * claim (see {@link ShareBook}).
 *
 * <p>The actor keeps no journal: what matters survives in the database (what each marketplace last
 * accepted, in the push log) and in the SKUs themselves, and a restarted channel reconciles
 * everything it lists. It is a remembered sharding entity, so it comes back after a crash.
 */
public final class ChannelEntity extends AbstractBehavior<ChannelEntity.Command> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "Channel");

  /** Messages a channel takes. */
  public interface Command {}

  /**
   * A SKU's available quantity may have changed. {@code replyToOrNull}, when set, hears once the
   * nudge is taken (the journal projection waits for it before moving its offset).
   */
  public record StockChanged(String sku, ActorRef<Ack> replyToOrNull)
      implements Command, CborSerializable {}

  /** Confirms a {@link StockChanged}. */
  public enum Ack implements CborSerializable {
    INSTANCE
  }

  /**
   * The channel's settings, listings or rules changed (or the node just started): read them again
   * and reconcile every SKU it lists.
   */
  public enum Reload implements Command, CborSerializable {
    INSTANCE
  }

  /**
   * Read these orders from the marketplace and import them: a webhook named them without their
   * details (TikTok Shop), or without ids a shipment report needs (Shopify). The reads go through
   * the channel's rate limit. {@code replyTo}, when set, hears once the ids are queued.
   */
  public record FetchOrders(List<String> channelOrderIds, ActorRef<Ack> replyTo)
      implements Command, CborSerializable {}

  /** Pull new orders now rather than at the next scheduled pull. */
  public enum PullOrders implements Command, CborSerializable {
    INSTANCE
  }

  /** Report how far the marketplace is behind. */
  public record GetSync(ActorRef<SyncStatus> replyTo) implements Command, CborSerializable {}

  /**
   * How the channel's pushes stand. {@code oldestUnsentMillis} is the age of the oldest change the
   * marketplace does not show yet, null when it is up to date; {@code failingSkus} maps the SKUs
   * the marketplace keeps refusing to its last reason; {@code nextCallAt} is set while calls wait
   * for the rate limit or a back-off.
   */
  public record SyncStatus(
      String state,
      boolean paused,
      String pauseReason,
      int listedSkus,
      int queued,
      int inFlight,
      Long oldestUnsentMillis,
      long calls,
      long throttled,
      long failedCalls,
      String lastError,
      Instant lastErrorAt,
      Instant nextCallAt,
      Map<String, String> failingSkus,
      Instant credentialsExpireAt,
      Instant lastReconciledAt,
      int writeBacksQueued,
      long writeBacksSent,
      long writeBacksFailed,
      int ordersToFetch,
      long ordersImported,
      long orderCallFailures,
      List<ShareBook.Status> shares)
      implements CborSerializable {

    public SyncStatus {
      shares = shares == null ? List.of() : List.copyOf(shares);
    }
  }

  /**
   * How channels behave; one per node, from {@code ec.channels}. {@code pushOnChange} false makes a
   * channel behave like the batch tools it replaces: it ignores changes and sends everything once
   * per {@code reconcileInterval}, which the live-burst benchmark compares against.
   */
  public record Settings(
      boolean pushOnChange,
      Duration reconcileInterval,
      Duration askTimeout,
      long lowStockThreshold,
      int readBatch,
      Duration minBackoff,
      Duration maxBackoff,
      int maxRejections,
      Duration writeBackPollInterval,
      int maxWriteBackAttempts,
      Duration orderPollInterval,
      Duration orderReconcileInterval,
      Duration orderPullOverlap,
      Duration marketplaceClockMargin,
      ShareBook.Settings shares) {

    public static Settings fromConfig(com.typesafe.config.Config config) {
      return new Settings(
          config.getString("mode").equals("realtime"),
          config.getDuration("reconcile-interval"),
          config.getDuration("ask-timeout"),
          config.getLong("low-stock-threshold"),
          config.getInt("read-batch"),
          config.getDuration("min-backoff"),
          config.getDuration("max-backoff"),
          config.getInt("max-rejections"),
          config.getDuration("writeback-poll-interval"),
          config.getInt("max-writeback-attempts"),
          config.getDuration("order-poll-interval"),
          config.getDuration("order-reconcile-interval"),
          config.getDuration("order-pull-overlap"),
          config.getDuration("marketplace-clock-margin"),
          config.hasPath("shares") ? shares(config.getConfig("shares")) : ShareBook.Settings.off());
    }

    private static ShareBook.Settings shares(com.typesafe.config.Config config) {
      return new ShareBook.Settings(
          config.getBoolean("enabled"),
          config.getDuration("enter-horizon"),
          config.getDouble("min-rate"),
          config.getDuration("share-horizon"),
          config.getDuration("top-up-lead"),
          config.getDuration("min-read-interval"),
          config.getDuration("max-read-interval"));
    }
  }

  // Messages the channel sends itself -----------------------------------------------------------

  private record Loaded(Optional<ChannelSetup> setup, Throwable failure) implements Command {}

  /** Fresh stock of dirty SKUs; a SKU whose read failed is missing. */
  private record DirtyRead(Map<String, Stock> stock, Set<String> asked) implements Command {}

  /** Fresh stock of the SKUs of the next call. */
  private record CallRead(List<PushQueue.Pending> batch, Map<String, Stock> stock)
      implements Command {}

  private record Answered(MarketplaceRequest request, MarketplaceResponse response, Throwable error)
      implements Command {}

  /** What a read of the marketplace's shown quantities answered (see ShareBook). */
  private record ShareReadAnswered(
      MarketplaceRequest request, MarketplaceResponse response, Throwable error)
      implements Command {}

  /** The SKUs of a share read, read again, with what the marketplace showed at {@code readAt}. */
  private record ShareStockRead(Map<String, Long> shown, Instant readAt, Map<String, Stock> stock)
      implements Command {}

  /**
   * The SKUs' answers to the claims of one share read: the units each may show (absent when not
   * answered), what each showed at the read, and how fast each sells.
   */
  private record ShareClaimed(
      Map<String, Long> show, Map<String, Long> shownAtRead, Map<String, Double> perSecond)
      implements Command {}

  /** Shipments to report, with the marketplace's lines of their orders. */
  private record WriteBacksLoaded(List<Outgoing> writeBacks, Throwable failure)
      implements Command {}

  private record Outgoing(WriteBack writeBack, List<MarketplaceOrder.Line> lines) {}

  private record WriteBackAnswered(
      Outgoing outgoing, MarketplaceRequest request, MarketplaceResponse response, Throwable error)
      implements Command {}

  private enum PullDue implements Command {
    INSTANCE
  }

  private record PullMarkLoaded(Instant since, Throwable failure) implements Command {}

  /** An order read: a page of the pull, or the details of orders named elsewhere. */
  private record OrderCall(MarketplaceRequest request, boolean pull, List<String> ids) {
    CallKind kind() {
      return pull ? CallKind.ORDER_PULL : CallKind.ORDER_DETAILS;
    }
  }

  private record OrderCallAnswered(OrderCall call, MarketplaceResponse response, Throwable error)
      implements Command {}

  /** An import of orders ended; {@code failure} is null when every order is placed. */
  private record ImportFinished(List<String> ids, boolean fromPull, Throwable failure)
      implements Command {}

  private enum WriteBacksDue implements Command {
    INSTANCE
  }

  private enum Tick implements Command {
    INSTANCE
  }

  private enum ReconcileDue implements Command {
    INSTANCE
  }

  /**
   * What a push needs of one SKU: its levels (null when undefined), its holds per channel, and the
   * units this channel's listing sold itself after {@code listedAfter} (null when not asked).
   */
  private record Stock(
      Levels levels,
      Map<String, Long> heldByChannel,
      Instant listedAfter,
      long listedSince,
      List<String> components,
      long share,
      double perSecond,
      double channelPerSecond,
      Map<String, Long> shares,
      Map<String, Double> perSecondByChannel) {

    Stock(
        Levels levels,
        Map<String, Long> heldByChannel,
        Instant listedAfter,
        long listedSince,
        List<String> components) {
      this(
          levels, heldByChannel, listedAfter, listedSince, components, 0, 0, 0, Map.of(), Map.of());
    }
  }

  private static final Object TICK = "tick";
  private static final Object RECONCILE = "reconcile";
  private static final Object RECONCILE_AFTER_START = "reconcile-after-start";
  // Above ec.channels.directory-max-age (10 s by default) with a margin for a slow refresh.
  private static final Duration DIRECTORY_REFRESHED_EVERYWHERE = Duration.ofSeconds(15);
  private static final Object WRITE_BACKS = "write-backs";
  private static final Object PULL = "pull";
  private static final int ORDERS_PER_FETCH = 50;
  private static final int MAX_SHARE_READ_FAILURES = 3;
  // Limitation: a webhook later than this after a share was given up finds its units back in the
  // pool; the marketplaces retry for hours, but deliver within seconds when they are well.
  private static final Duration WEBHOOK_GRACE = Duration.ofSeconds(60);
  // How many seconds of a channel's sales a claim of another leaves for it while it has not
  // claimed yet: about how long its own read and claim take on a busy node.
  private static final Duration UNCLAIMED_ALLOWANCE = Duration.ofSeconds(3);
  // A share read due within this long keeps other stock pushes waiting for it.
  private static final Duration SHARE_PRIORITY = Duration.ofSeconds(1);
  // Shared SKUs read in one call at most.
  private static final int READ_BATCH = 100;
  private static final int MAX_PULLED_WITHOUT_LINES = 1_000;

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ActorRef<ClusterSharding.ShardCommand> shardOrNull;
  private final Settings settings;
  private final ChannelKey key;
  private final ChannelBackend backend;
  private final MarketplaceClient client;
  private final OrderIntake intake;
  private final Executor blocking;
  private final ClusterSharding sharding;

  private ChannelSetup setup;
  private MarketplaceAdapter adapter;
  private Throttles throttles;
  private final PushQueue queue;
  private final ShareBook shares;
  // SKUs whose share the channel gave up while its marketplace's sales may still be coming in,
  // with when; see releaseDrained.
  private final Map<String, Instant> draining = new HashMap<>();
  // The SKUs of the share read in flight, asked at the same time as the marketplace.
  private CompletableFuture<Map<String, Stock>> shareViews =
      CompletableFuture.completedFuture(Map.of());
  private Instant shareReadSentAt;
  // How long stock calls take to be answered, smoothed: half of it is roughly when a push lands.
  private double stockCallSeconds;
  private Instant stockCallSentAt;
  private final Map<String, Long> lastSent = new HashMap<>();
  // Per SKU, when the marketplace confirmed the quantity in lastSent (see shownNow).
  private final Map<String, Instant> sentAt = new HashMap<>();
  private final Set<String> dirty = new LinkedHashSet<>();
  private final Map<String, Set<String>> bundlesByComponent = new HashMap<>();
  private boolean reading;
  private boolean loading;
  private boolean loadAgain;

  // The call in progress: the changes it carries by SKU, and its requests not sent yet.
  private final Map<String, PushQueue.Pending> flying = new LinkedHashMap<>();
  private final Deque<MarketplaceRequest> outbox = new ArrayDeque<>();
  // One call of each kind at a time: stock (from its read to its last answer), order reads and
  // shipment reports. stockCallInFlight is set while a stock request waits for its answer.
  private boolean stockBusy;
  private boolean stockCallInFlight;
  private boolean orderBusy;
  private boolean writeBackBusy;

  // Retrying: SKUs to send alone, how often each was refused, and how long to back off next.
  private final Set<String> alone = new HashSet<>();
  private final Map<String, Integer> rejections = new HashMap<>();
  private final Map<String, String> failing = new TreeMap<>();

  private Instant nextCallAt;

  // Shipments to report: loaded from the database, sent between stock pushes through the same
  // throttle, one call each.
  private final Deque<Outgoing> writeBacks = new ArrayDeque<>();
  private boolean loadingWriteBacks;
  private int turn;
  // Imports of this channel's orders under way, and the order call being answered.
  private int importsRunning;
  private OrderCall orderCallInFlight;
  private long writeBacksSent;

  // Order reads: ids to fetch, the pull in progress (since when, started when, next page), and
  // the calls built but not sent.
  private final Set<String> toFetch = new LinkedHashSet<>();
  // What a pull page said of orders it named without their lines (Amazon's buyer and address),
  // to be joined with the lines when they are read; bounded, as a page is.
  private final Map<String, MarketplaceOrder> pulledWithoutLines =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, MarketplaceOrder> eldest) {
          return size() > MAX_PULLED_WITHOUT_LINES;
        }
      };
  private final Deque<OrderCall> orderOutbox = new ArrayDeque<>();
  private Instant pullSince;
  private boolean loadingPullMark;
  private boolean pullWanted;
  private Instant pullStartedAt;
  private Instant lastWholePullStartedAt;
  private String pullPageToken;
  private boolean pullIncomplete;
  private long ordersImported;
  private long orderCallFailures;
  private long writeBacksFailed;

  private long calls;
  private long throttled;
  private long failedCalls;
  private String lastError;
  private Instant lastErrorAt;
  private Instant lastReconciledAt;

  /** Registers the channel entity type with cluster sharding on this node. */
  public static void init(
      ActorSystem<?> system,
      Settings settings,
      ChannelBackend backend,
      MarketplaceClient client,
      OrderIntake intake,
      Executor blocking) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    TYPE_KEY,
                    entityContext ->
                        create(
                            ChannelKey.fromEntityId(entityContext.getEntityId()),
                            entityContext.getShard(),
                            settings,
                            backend,
                            client,
                            intake,
                            blocking))
                // A channel must run to push: it comes back after a crash or a rebalance.
                .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true)));
  }

  /**
   * Creates the behavior; {@code shardOrNull} is null in tests that run a channel outside sharding
   * (its SKUs must still be sharded).
   */
  public static Behavior<Command> create(
      ChannelKey key,
      ActorRef<ClusterSharding.ShardCommand> shardOrNull,
      Settings settings,
      ChannelBackend backend,
      MarketplaceClient client,
      OrderIntake intake,
      Executor blocking) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers ->
                    new ChannelEntity(
                        context,
                        timers,
                        shardOrNull,
                        settings,
                        key,
                        backend,
                        client,
                        intake,
                        blocking)));
  }

  private ChannelEntity(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ActorRef<ClusterSharding.ShardCommand> shardOrNull,
      Settings settings,
      ChannelKey key,
      ChannelBackend backend,
      MarketplaceClient client,
      OrderIntake intake,
      Executor blocking) {
    super(context);
    this.intake = intake;
    this.context = context;
    this.timers = timers;
    this.shardOrNull = shardOrNull;
    this.settings = settings;
    this.key = key;
    this.backend = backend;
    this.client = client;
    this.blocking = blocking;
    this.sharding = ClusterSharding.get(context.getSystem());
    this.queue = new PushQueue(settings.lowStockThreshold());
    this.shares = new ShareBook(settings.shares());
    load();
    timers.startTimerWithFixedDelay(RECONCILE, ReconcileDue.INSTANCE, settings.reconcileInterval());
    timers.startTimerWithFixedDelay(
        WRITE_BACKS, WriteBacksDue.INSTANCE, settings.writeBackPollInterval());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Loaded.class, this::onLoaded)
        .onMessage(StockChanged.class, this::onStockChanged)
        .onMessage(Reload.class, reload -> load())
        .onMessage(ReconcileDue.class, due -> load())
        .onMessage(GetSync.class, this::onGetSync)
        .onMessage(DirtyRead.class, this::onDirtyRead)
        .onMessage(CallRead.class, this::onCallRead)
        .onMessage(Answered.class, this::onAnswered)
        .onMessage(ShareReadAnswered.class, this::onShareReadAnswered)
        .onMessage(ShareStockRead.class, this::onShareStockRead)
        .onMessage(ShareClaimed.class, this::onShareClaimed)
        .onMessage(Tick.class, tick -> onTick())
        .onMessage(WriteBacksDue.class, due -> loadWriteBacks())
        .onMessage(FetchOrders.class, this::onFetchOrders)
        .onMessage(PullOrders.class, pull -> onPullDue())
        .onMessage(PullDue.class, due -> onPullDue())
        .onMessage(PullMarkLoaded.class, this::onPullMarkLoaded)
        .onMessage(OrderCallAnswered.class, this::onOrderCallAnswered)
        .onMessage(ImportFinished.class, this::onImportFinished)
        .onMessage(WriteBacksLoaded.class, this::onWriteBacksLoaded)
        .onMessage(WriteBackAnswered.class, this::onWriteBackAnswered)
        .build();
  }

  // Loading and reconciling ---------------------------------------------------------------------

  private Behavior<Command> load() {
    if (loading) {
      // The load under way may have read the database before the change that asked for this one.
      loadAgain = true;
      return this;
    }
    loading = true;
    CompletableFuture.supplyAsync(() -> backend.load(key.tenantId(), key.channelId()), blocking)
        .whenComplete(
            (loaded, error) ->
                context.getSelf().tell(new Loaded(error == null ? loaded : null, error)));
    return this;
  }

  private Behavior<Command> onLoaded(Loaded loaded) {
    loading = false;
    if (loadAgain) {
      loadAgain = false;
      load();
    }
    if (loaded.failure() != null) {
      context
          .getLog()
          .warn(
              "Channel {} of tenant {} could not read its setup; retrying at the next"
                  + " reconciliation",
              key.channelId(),
              key.tenantId(),
              loaded.failure());
      return this;
    }
    if (loaded.setup().isEmpty()) {
      // The channel was deleted: nothing to push, and nothing to remember after a restart, which
      // passivating (rather than just stopping) tells sharding.
      context
          .getLog()
          .info("Channel {} of tenant {} no longer exists", key.channelId(), key.tenantId());
      if (shardOrNull != null) {
        shardOrNull.tell(new ClusterSharding.Passivate<>(context.getSelf()));
        return this;
      }
      return Behaviors.stopped();
    }
    boolean first = setup == null;
    ChannelSetup fresh = loaded.setup().get();
    if (first || rateChanged(setup, fresh)) {
      throttles = new Throttles(fresh.marketplace(), fresh.requestsPerSecond(), fresh.burst());
    }
    setup = fresh;
    adapter = MarketplaceAdapters.forMarketplace(fresh.marketplace());
    if (first) {
      Duration every =
          pushesOrders(fresh.marketplace())
              ? settings.orderReconcileInterval()
              : settings.orderPollInterval();
      timers.startTimerWithFixedDelay(PULL, PullDue.INSTANCE, every);
    }
    if (first) {
      // Other nodes learn of a new channel when their cached channel lists refresh (within
      // ec.channels.directory-max-age), and until then neither their fast path nor the journal
      // feed they run tells it of their SKUs' changes: one more reconciliation after that closes
      // the gap, instead of leaving it to the periodic one.
      timers.startSingleTimer(
          RECONCILE_AFTER_START, ReconcileDue.INSTANCE, DIRECTORY_REFRESHED_EVERYWHERE);
    }
    if (first) {
      // What the marketplace accepted before this incarnation; later, this actor knows better.
      lastSent.putAll(fresh.lastSent());
      // Sales imported from now on that were made before it may have been overwritten by those
      // pushes; counting from now credits none of them.
      Instant loadedAt = Instant.now();
      fresh.lastSent().keySet().forEach(sku -> sentAt.put(sku, loadedAt));
    }
    lastReconciledAt = Instant.now();
    alone.retainAll(fresh.listings().keySet());
    dirty.addAll(fresh.listings().keySet());
    readDirty();
    trySend();
    return this;
  }

  private static boolean rateChanged(ChannelSetup before, ChannelSetup after) {
    return before.marketplace() != after.marketplace()
        || before.requestsPerSecond() != after.requestsPerSecond()
        || before.burst() != after.burst();
  }

  private Behavior<Command> onStockChanged(StockChanged changed) {
    if (changed.replyToOrNull() != null) {
      changed.replyToOrNull().tell(Ack.INSTANCE);
    }
    if (!settings.pushOnChange()) {
      return this;
    }
    if (setup == null) {
      dirty.add(changed.sku());
      return this;
    }
    if (setup.listings().containsKey(changed.sku())) {
      dirty.add(changed.sku());
    }
    dirty.addAll(bundlesByComponent.getOrDefault(changed.sku(), Set.of()));
    readDirty();
    return this;
  }

  /** Reads the dirty SKUs, a batch at a time, and offers what they may sell to the queue. */
  private void readDirty() {
    if (reading || setup == null || dirty.isEmpty()) {
      return;
    }
    reading = true;
    Set<String> batch = new LinkedHashSet<>();
    var it = dirty.iterator();
    while (it.hasNext() && batch.size() < settings.readBatch()) {
      batch.add(it.next());
      it.remove();
    }
    readStock(batch)
        .whenComplete(
            (stock, error) ->
                context.getSelf().tell(new DirtyRead(error == null ? stock : Map.of(), batch)));
  }

  private Behavior<Command> onDirtyRead(DirtyRead read) {
    reading = false;
    Instant now = Instant.now();
    for (String sku : read.asked()) {
      Stock stock = read.stock().get(sku);
      if (stock == null) {
        // Limitation: a SKU that did not answer in time is picked up again by the next
        // reconciliation, not retried at once, so an overloaded SKU is not asked in a loop.
        continue;
      }
      for (String component : stock.components()) {
        bundlesByComponent.computeIfAbsent(component, c -> new HashSet<>()).add(sku);
      }
      if (setup.listings().containsKey(sku)) {
        considerShare(sku, stock, now);
        queue.offer(sku, sellable(sku, stock), shownNow(sku, stock), now);
      }
    }
    readDirty();
    trySend();
    return this;
  }

  /**
   * What the marketplace shows of a SKU now, as far as the engine can tell: the quantity it last
   * confirmed, less the units it has sold itself on the SKU's own listing since then (orders from
   * this channel whose marketplace sale time is later). Pushing those decreases would tell it
   * nothing, and a push can do harm: it overwrites the marketplace's own count, so a push that
   * crosses one of its sales puts the sold unit back on show. Leaving them out is what keeps a
   * channel with a dedicated quota from ever selling beyond it: the marketplace counts its own
   * sales down, and the engine only speaks when something else changed. -1 when nothing was ever
   * confirmed.
   *
   * <p>A sale made before the push was confirmed (plus a margin for the marketplace's clock) is not
   * credited: the push may have overwritten it, so the marketplace may show it again, and the
   * engine pushes to correct that. A sale whose time is unknown is never credited.
   */
  private long shownNow(String sku, Stock stock) {
    long sent = lastSent.getOrDefault(sku, -1L);
    if (sent < 0) {
      return -1;
    }
    // A count asked about another push than the last one confirmed says nothing about it.
    boolean current = stock.listedAfter() != null && stock.listedAfter().equals(listedAfter(sku));
    return current ? Math.max(0, sent - stock.listedSince()) : sent;
  }

  /** From when the channel's own sales of a SKU count as seen by the marketplace; null if never. */
  private Instant listedAfter(String sku) {
    Instant at = sentAt.get(sku);
    return at == null ? null : at.plus(settings.marketplaceClockMargin());
  }

  private long sellable(String sku, Stock stock) {
    if (stock.levels() == null) {
      // A listing of a SKU we do not know: 0 is the only quantity that cannot oversell.
      return 0;
    }
    long shown = shownNow(sku, stock);
    // A marketplace whose reads keep failing gets what the rules say, as if the pool were shared:
    // holding its quantity would leave it showing stale stock.
    if (shares.claimed(sku) && shown >= 0 && shares.failures(sku) < MAX_SHARE_READ_FAILURES) {
      // The marketplace counts its share down by itself, and another marketplace's sale takes
      // nothing from it: there is nothing to push. Changing what it shows is for a claim, which
      // reads first (see considerShare), never for a push that could cross its sales. Until its
      // first claim, the channel follows the pool as it shrinks under the others' claims.
      return shown;
    }
    String channelId = key.channelId();
    return Sellable.compute(
            stock.levels(),
            stock.heldByChannel().getOrDefault(channelId, 0L),
            channelId,
            setup.rulesOf(sku),
            setup.tenantDefaults(),
            stock.heldByChannel(),
            setup.paused())
        .quantity();
  }

  /**
   * The current stock of these SKUs, asked of the SKUs themselves. A bundle's available is worked
   * out from its components. SKUs that do not answer are left out.
   */
  private CompletionStage<Map<String, Stock>> readStock(Collection<String> skus) {
    Map<String, CompletableFuture<Stock>> asks = new LinkedHashMap<>();
    for (String sku : skus) {
      asks.put(sku, readOne(sku).toCompletableFuture());
    }
    return CompletableFuture.allOf(asks.values().toArray(CompletableFuture[]::new))
        .handle(
            (ignored, error) -> {
              Map<String, Stock> result = new HashMap<>();
              asks.forEach(
                  (sku, ask) -> {
                    if (!ask.isCompletedExceptionally()) {
                      result.put(sku, ask.join());
                    }
                  });
              return result;
            });
  }

  private CompletionStage<Stock> readOne(String sku) {
    Instant listedAfter = listedAfter(sku);
    return askStock(sku, listedAfter)
        .thenCompose(
            view -> {
              Levels levels = view.levels();
              if (levels == null || levels.components().isEmpty()) {
                return CompletableFuture.completedFuture(
                    new Stock(
                        levels,
                        view.heldByChannel(),
                        listedAfter,
                        view.listedSince(),
                        List.of(),
                        view.shareOf(key.channelId()),
                        view.perSecond(),
                        view.perSecondByChannel().getOrDefault(key.channelId(), 0.0),
                        view.shares(),
                        view.perSecondByChannel()));
              }
              List<String> components =
                  levels.components().stream().map(c -> c.sku()).distinct().toList();
              Map<String, CompletableFuture<SkuEntity.StockView>> parts = new LinkedHashMap<>();
              components.forEach(c -> parts.put(c, askStock(c, null).toCompletableFuture()));
              return CompletableFuture.allOf(parts.values().toArray(CompletableFuture[]::new))
                  .thenApply(
                      done -> {
                        Map<String, Long> available = new HashMap<>();
                        parts.forEach(
                            (c, part) -> {
                              Levels partLevels = part.join().levels();
                              available.put(c, partLevels == null ? 0 : partLevels.available());
                            });
                        long sets = Levels.bundleAvailable(levels.components(), available);
                        // Limitation: holds on a bundle's components are not counted against
                        // a channel's quota on the bundle; a quota on a bundle acts as a cap.
                        // Limitation: a bundle's own listing is not credited with its sales
                        // (its holds are on the components), so every bundle sale is pushed.
                        return new Stock(
                            new Levels(levels.name(), 0, 0, 0, sets),
                            Map.of(),
                            null,
                            0,
                            components);
                      });
            });
  }

  /** The SKU's stock, and with {@code listedAfter} set, this channel's own sales since then. */
  private CompletionStage<SkuEntity.StockView> askStock(String sku, Instant listedAfter) {
    return sharding
        .entityRefFor(SkuEntity.TYPE_KEY, new SkuId(key.tenantId(), sku).entityId())
        .ask(
            replyTo -> new SkuEntity.GetStock(key.channelId(), listedAfter, replyTo),
            settings.askTimeout());
  }

  // Shares of the last units -------------------------------------------------------------------

  /** What this channel's rules give it of a SKU if it were to hold a share of it. */
  private Sellable.ShareLimits shareLimits(String sku, Stock stock) {
    String channelId = key.channelId();
    return Sellable.shareLimits(
        stock.levels(),
        stock.share(),
        stock.heldByChannel().getOrDefault(channelId, 0L),
        channelId,
        setup.rulesOf(sku),
        setup.tenantDefaults(),
        stock.heldByChannel(),
        setup.paused());
  }

  /**
   * Decides from a fresh read of a SKU whether its pool is split. Leaving gives the share up but
   * keeps what the marketplace sold and the engine has not placed yet set aside until it is.
   */
  private void considerShare(String sku, Stock stock, Instant now) {
    if (stock.levels() == null) {
      return;
    }
    Sellable.ShareLimits limits = shareLimits(sku, stock);
    ShareBook.Outlook outlook =
        new ShareBook.Outlook(
            limits.most(),
            stock.levels().shared(),
            stock.share(),
            stock.perSecond(),
            settings.pushOnChange() && limits.eligible() && stock.components().isEmpty());
    ShareBook.Change change = shares.consider(sku, outlook, now);
    shares.probe(sku, outlook.eligible() ? stock.perSecond() : 0, now);
    if (change != ShareBook.Change.NONE) {
      context
          .getLog()
          .info(
              "Channel {} of tenant {}: {} {} the shares of its last units",
              key.channelId(),
              key.tenantId(),
              change == ShareBook.Change.ENTERED ? "splits" : "no longer splits",
              sku);
    }
    if (change == ShareBook.Change.ENTERED) {
      draining.remove(sku);
    } else if (change == ShareBook.Change.LEFT && stock.share() > 0) {
      // What the marketplace sold and has not reported yet stays set aside until its orders are
      // in (see releaseDrained); the rest goes back to the pool now.
      long unplaced = Math.max(0, stock.share() - Math.max(0, shownNow(sku, stock)));
      claim(sku, new SkuRequest.ClaimShare(key.channelId(), unplaced, 0, 0, 0))
          .whenComplete((outcome, error) -> logFailedRelease(sku, error));
      if (unplaced > 0) {
        draining.put(sku, now);
      }
    } else if (shares.claimed(sku) && stock.share() < shownNow(sku, stock)) {
      // By the engine's count the marketplace shows more than its share covers.
      shares.readSoon(sku, now);
    }
  }

  private void logFailedRelease(String sku, Throwable error) {
    if (error != null) {
      // The units stay set aside until the next claim or release; nothing can oversell.
      context.getLog().debug("Could not give up the share of {}", sku, error);
    }
  }

  /**
   * Gives up what is left of the shares the channel stopped counting down, once every order its
   * marketplace took before then has been placed: what is left then was never sold there.
   */
  private void releaseDrained(Instant now) {
    if (draining.isEmpty() || ownOrdersPending()) {
      return;
    }
    for (Map.Entry<String, Instant> entry : List.copyOf(draining.entrySet())) {
      if (ordersInBefore(entry.getValue(), now)) {
        String sku = entry.getKey();
        draining.remove(sku);
        claim(sku, new SkuRequest.ClaimShare(key.channelId(), 0, 0, 0, 0))
            .whenComplete((outcome, error) -> logFailedRelease(sku, error));
      }
    }
  }

  /**
   * Whether every order the marketplace took before {@code at} is placed here, as far as the
   * channel can tell: nothing named is waiting to be read or placed, and a whole pull that began
   * after it went through (for a marketplace with webhooks, the webhooks' grace has passed).
   */
  private boolean ordersInBefore(Instant at, Instant now) {
    if (ownOrdersPending()) {
      return false;
    }
    if (pushesOrders(setup.marketplace())) {
      return now.isAfter(at.plus(WEBHOOK_GRACE));
    }
    return lastWholePullStartedAt != null
        && lastWholePullStartedAt.isAfter(at.plus(settings.marketplaceClockMargin()));
  }

  /**
   * Units kept from this channel's claim for the channels that sell the SKU but hold no share yet:
   * they are about to read and claim too, and may have sold units the engine has not placed yet
   * (the faster they sell, the more). Dedicated quotas are kept back by the rules already.
   */
  private long keptForUnclaimed(String sku, Stock stock) {
    long kept = 0;
    for (Map.Entry<String, Double> rate : stock.perSecondByChannel().entrySet()) {
      String other = rate.getKey();
      if (other.equals(key.channelId()) || stock.shares().containsKey(other)) {
        continue;
      }
      AllocationRule rule = Sellable.ruleFor(other, setup.rulesOf(sku), setup.tenantDefaults());
      if (!(rule instanceof AllocationRule.DedicatedQuota)) {
        kept += (long) Math.ceil(rate.getValue() * UNCLAIMED_ALLOWANCE.toMillis() / 1000.0);
      }
    }
    return kept;
  }

  /**
   * A read or claim for a SKU failed. When the channel gives the SKU up (its marketplace could not
   * be read again and again), it says so and gives back what it holds: the SKU is shared again.
   */
  private void shareFailed(String sku, Instant now) {
    if (!shares.inShare(sku)) {
      shares.probeFailed(sku, now);
      return;
    }
    boolean held = shares.claimed(sku);
    if (!shares.failed(sku, now)) {
      return;
    }
    context
        .getLog()
        .warn(
            "Channel {} of tenant {} cannot read what its marketplace shows of {} ({}); its pool"
                + " stays shared for {}",
            key.channelId(),
            key.tenantId(),
            sku,
            lastError,
            ShareBook.GIVE_UP_FOR);
    if (held) {
      claim(sku, new SkuRequest.ClaimShare(key.channelId(), 0, 0, 0, 0))
          .whenComplete((outcome, error) -> logFailedRelease(sku, error));
    }
  }

  /** Tells the SKU how fast this channel's marketplace sells it, by the reads. */
  private void reportRate(String sku, double perSecond) {
    sharding
        .entityRefFor(SkuEntity.TYPE_KEY, new SkuId(key.tenantId(), sku).entityId())
        .tell(new SkuEntity.ReportRate(key.channelId(), perSecond));
  }

  private CompletionStage<SkuOutcome> claim(String sku, SkuRequest.ClaimShare claim) {
    return sharding
        .entityRefFor(SkuEntity.TYPE_KEY, new SkuId(key.tenantId(), sku).entityId())
        .ask(replyTo -> new SkuEntity.Submit(claim, replyTo), settings.askTimeout());
  }

  /**
   * The listed SKUs whose share read is due, as many as one stock call can then push together (one
   * TikTok Shop product, one Amazon SKU).
   */
  private List<String> dueShareReads(Instant now) {
    List<String> due =
        dueReads(shares.due(now, Math.max(1, setup.marketplace().defaultBatchSize())));
    List<String> together = new ArrayList<>();
    String callKey = null;
    int perCall = Math.min(setup.batchSize(), setup.marketplace().defaultBatchSize());
    for (String sku : due) {
      String keyOfSku = adapter.callKey(listingIds(sku));
      if (callKey == null) {
        callKey = keyOfSku;
      }
      if (callKey.equals(keyOfSku) && together.size() < perCall) {
        together.add(sku);
      }
    }
    return together;
  }

  /**
   * Starts a share call: read what the marketplace shows of these SKUs, claim their shares, push.
   * It is the channel's stock call until the push is answered, so nothing else reaches the
   * marketplace between the read and the push.
   */
  private void startShareRead(List<String> skus, Instant now) {
    List<ListingRef> refs = new ArrayList<>();
    for (String sku : skus) {
      refs.add(new ListingRef(sku, listingIds(sku)));
    }
    MarketplaceRequest request;
    try {
      request = adapter.stockRead(setup.baseUrl(), credentials(), refs, now).get(0);
    } catch (RuntimeException e) {
      noteError("Could not build the stock read: " + e.getMessage(), now);
      skus.forEach(sku -> shareFailed(sku, now));
      return;
    }
    throttles.tryTake(CallKind.STOCK_READ, now);
    stockBusy = true;
    stockCallInFlight = true;
    shareReadSentAt = now;
    calls++;
    // The SKUs are read while the marketplace is: a claim then waits for one answer, not two.
    // Sales placed in between count as not yet placed, which sets aside a few units too many for
    // a while rather than too few.
    shareViews = readStock(request.skus()).toCompletableFuture();
    client
        .send(request)
        .whenComplete(
            (response, error) ->
                context.getSelf().tell(new ShareReadAnswered(request, response, error)));
  }

  private Behavior<Command> onShareReadAnswered(ShareReadAnswered answered) {
    stockCallInFlight = false;
    Instant now = Instant.now();
    MarketplaceRequest request = answered.request();
    Map<String, Long> shown;
    try {
      if (answered.error() != null) {
        throw new MarketplaceCallException(
            new PushResult.Failed(true, "call failed: " + rootMessage(answered.error())));
      }
      shown = adapter.parseStockRead(request, answered.response());
      throttles.succeeded(CallKind.STOCK_READ);
    } catch (MarketplaceCallException e) {
      Duration wait = backoff(CallKind.STOCK_READ);
      if (e.outcome() instanceof PushResult.Throttled throttle) {
        // Not a failure of the read: the reads stay due, after the wait the quota asks for.
        throttled++;
        wait = asked(throttle.retryAfter()) ? throttle.retryAfter() : wait;
      } else {
        failedCalls++;
        noteError("Reading stock failed: " + e.getMessage(), now);
        if (e.outcome() instanceof PushResult.Failed failed && asked(failed.retryAfter())) {
          wait = failed.retryAfter();
        }
        request.skus().forEach(sku -> shareFailed(sku, now));
      }
      throttles.pauseUntil(CallKind.STOCK_READ, now.plus(wait));
      stockBusy = false;
      trySend();
      return this;
    } catch (RuntimeException e) {
      failedCalls++;
      noteError("Unreadable stock read answer: " + e.getMessage(), now);
      request.skus().forEach(sku -> shareFailed(sku, now));
      stockBusy = false;
      trySend();
      return this;
    }
    for (String sku : request.skus()) {
      if (!shown.containsKey(sku)) {
        shareFailed(sku, now);
      }
    }
    Map<String, Long> answeredSkus = new LinkedHashMap<>();
    request.skus().stream()
        .filter(shown::containsKey)
        .forEach(sku -> answeredSkus.put(sku, Math.max(0, shown.get(sku))));
    if (answeredSkus.isEmpty()) {
      stockBusy = false;
      trySend();
      return this;
    }
    shareViews.whenComplete(
        (stock, error) ->
            context
                .getSelf()
                .tell(new ShareStockRead(answeredSkus, now, error == null ? stock : Map.of())));
    return this;
  }

  /**
   * Decides the claims of a share read. The marketplace showed {@code shown} at the read: that is
   * what it shows from then on as far as the engine knows, less the sales it reports later.
   */
  private Behavior<Command> onShareStockRead(ShareStockRead read) {
    Instant now = Instant.now();
    Map<String, SkuRequest.ClaimShare> claims = new LinkedHashMap<>();
    Map<String, Long> shownAtRead = new LinkedHashMap<>();
    for (Map.Entry<String, Long> entry : read.shown().entrySet()) {
      String sku = entry.getKey();
      long shown = entry.getValue();
      Stock stock = read.stock().get(sku);
      if (!shares.inShare(sku)) {
        if (shares.probing(sku)) {
          // A shared SKU read to learn how fast its marketplace sells it: nothing to claim, and
          // what it shows does not replace the last push as the base of the engine's own count.
          reportRate(
              sku,
              shares.afterProbe(
                  sku, shown, read.readAt(), lastSent.getOrDefault(sku, -1L), sentAt.get(sku)));
        }
        continue;
      }
      if (stock == null || stock.levels() == null) {
        shareFailed(sku, now);
        continue;
      }
      long baseline = lastSent.getOrDefault(sku, -1L);
      Instant baselineAt = sentAt.get(sku);
      long byCount = shownNow(sku, stock);
      lastSent.put(sku, shown);
      sentAt.put(sku, read.readAt());
      shownAtRead.put(sku, shown);
      Sellable.ShareLimits limits = shareLimits(sku, stock);
      Instant zeroAt = shares.zeroSince(sku);
      Optional<ShareBook.Claim> claim =
          shares.afterRead(
              sku,
              new ShareBook.Read(
                  shown,
                  read.readAt(),
                  baseline,
                  baselineAt,
                  stock.share(),
                  byCount,
                  limits.most(),
                  stock.levels().available(),
                  stock.channelPerSecond(),
                  zeroAt != null && ordersInBefore(zeroAt, now)));
      reportRate(sku, shares.readPerSecond(sku));
      long keepBack = limits.keepBack() + keptForUnclaimed(sku, stock);
      claim.ifPresent(
          c ->
              claims.put(
                  sku,
                  new SkuRequest.ClaimShare(
                      key.channelId(), c.unplaced(), c.show(), keepBack, c.perSecond())));
    }
    if (claims.isEmpty()) {
      stockBusy = false;
      trySend();
      return this;
    }
    Map<String, CompletableFuture<SkuOutcome>> asks = new LinkedHashMap<>();
    claims.forEach(
        (sku, claim) -> {
          context
              .getLog()
              .debug(
                  "Channel {} claims a share of {}: shown {}, unplaced {}, to show {}, kept back"
                      + " {}, {} a second",
                  key.channelId(),
                  sku,
                  read.shown().get(sku),
                  claim.unplaced(),
                  claim.show(),
                  claim.keepBack(),
                  claim.perSecond());
          asks.put(sku, claim(sku, claim).toCompletableFuture());
        });
    CompletableFuture.allOf(asks.values().toArray(CompletableFuture[]::new))
        .handle(
            (ignored, error) -> {
              Map<String, Long> show = new LinkedHashMap<>();
              asks.forEach(
                  (sku, ask) -> {
                    if (!ask.isCompletedExceptionally()
                        && ask.join() instanceof SkuOutcome.Shared shared) {
                      show.put(sku, shared.show());
                    }
                  });
              return show;
            })
        .thenAccept(
            show -> {
              Map<String, Double> rates = new HashMap<>();
              claims.forEach((sku, c) -> rates.put(sku, c.perSecond()));
              context.getSelf().tell(new ShareClaimed(show, shownAtRead, rates));
            });
    return this;
  }

  /** Pushes what the claims granted, right after the read they were decided on. */
  private Behavior<Command> onShareClaimed(ShareClaimed claimed) {
    Instant now = Instant.now();
    List<StockPush> pushes = new ArrayList<>();
    for (Map.Entry<String, Long> entry : claimed.shownAtRead().entrySet()) {
      String sku = entry.getKey();
      Long show = claimed.show().get(sku);
      ListingIds ids = listingIds(sku);
      if (show == null || ids == null) {
        // The claim was not answered, or the listing went away meanwhile: read again later.
        shareFailed(sku, now);
        continue;
      }
      // It cannot sell more before the push lands than it showed at the read.
      long sellsMeanwhile =
          Math.min(entry.getValue(), soldBeforePushLands(claimed.perSecond().get(sku), now));
      long push = Math.max(0, show - sellsMeanwhile);
      context
          .getLog()
          .debug("Channel {} got {} of {} to show, pushes {}", key.channelId(), show, sku, push);
      if (push == entry.getValue()) {
        shares.pushed(sku, push, now);
        continue;
      }
      flying.put(sku, new PushQueue.Pending(sku, push, entry.getValue(), now));
      pushes.add(new StockPush(sku, ids, push));
    }
    if (pushes.isEmpty()) {
      stockBusy = false;
      trySend();
      return this;
    }
    try {
      outbox.addAll(adapter.stockUpdate(setup.baseUrl(), credentials(), pushes, now));
    } catch (RuntimeException e) {
      noteError("Could not build the stock update: " + e.getMessage(), now);
      flying.keySet().forEach(sku -> shareFailed(sku, now));
      flying.clear();
      stockBusy = false;
      trySend();
      return this;
    }
    sendNext();
    return this;
  }

  /**
   * About how many units the marketplace sells between the read a claim was decided on and the
   * moment the push lands there: the push overwrites its count, so those units would be on show a
   * second time. They are left off the push (the share keeps them set aside, as sold and not yet
   * placed), so a fast-selling marketplace is not handed a sold unit back with every top-up.
   */
  private long soldBeforePushLands(Double perSecond, Instant now) {
    if (perSecond == null || perSecond <= 0 || shareReadSentAt == null) {
      return 0;
    }
    double seconds = Duration.between(shareReadSentAt, now).toNanos() / 1e9 + stockCallSeconds / 2;
    // Rounded down: a marketplace selling a unit every few seconds loses no unit of a small share.
    return (long) Math.floor(perSecond * seconds);
  }

  // Sending -------------------------------------------------------------------------------------

  private Behavior<Command> onTick() {
    nextCallAt = null;
    if (stockBusy && !stockCallInFlight && !outbox.isEmpty()) {
      // A stock call waiting for a token between two of its requests.
      sendNext();
    }
    trySend();
    return this;
  }

  /**
   * Starts the calls that may go now: at most one of each kind (stock, shipment reports, order
   * reads), each once its quota has a token. Kinds with quotas of their own go side by side; kinds
   * that share one take turns, so that a long backlog of one cannot hold the others back: a
   * sold-out waits at most two other calls.
   */
  private void trySend() {
    if (setup == null) {
      return;
    }
    Instant now = Instant.now();
    Duration soonest = null;
    for (int i = 0; i < 3; i++) {
      int job = (turn + i) % 3;
      Duration wait =
          switch (job) {
            case 0 -> tryStock(now);
            case 1 -> tryWriteBack(now);
            default -> tryOrders(now);
          };
      if (wait == null) {
        continue;
      }
      if (wait.isZero()) {
        turn = (job + 1) % 3;
      } else if (soonest == null || wait.compareTo(soonest) < 0) {
        soonest = wait;
      }
    }
    releaseDrained(now);
    Optional<Instant> nextRead =
        Stream.of(shares.nextDue(), shares.nextProbe())
            .flatMap(Optional::stream)
            .min(Instant::compareTo);
    if (nextRead.isPresent() && nextRead.get().isAfter(now)) {
      Duration untilRead = Duration.between(now, nextRead.get());
      soonest = soonest == null || untilRead.compareTo(soonest) < 0 ? untilRead : soonest;
    }
    if (soonest != null) {
      wakeAfter(now, soonest);
    }
  }

  /**
   * Null when there is nothing to send or a call is under way, zero once started, else the wait.
   */
  private Duration tryStock(Instant now) {
    if (stockBusy) {
      return null;
    }
    Duration shareWait = null;
    List<String> dueReads = dueShareReads(now);
    if (!dueReads.isEmpty()) {
      // The push that follows a read must not wait for a token, or the marketplace sells on
      // meanwhile and the push puts those units back on show: both tokens first.
      Duration read = throttles.waitFor(CallKind.STOCK_READ, now);
      Duration push = throttles.waitFor(CallKind.STOCK, now);
      shareWait = read.compareTo(push) > 0 ? read : push;
      if (shareWait.isZero()) {
        startShareRead(dueReads, now);
        return Duration.ZERO;
      }
      if (shareWait.compareTo(SHARE_PRIORITY) <= 0) {
        // The last units first: a push of another SKU now would take the token the read needs,
        // and the read would wait behind it while the marketplace sells on.
        return shareWait;
      }
    }
    List<String> dueProbes = dueReads(shares.dueProbes(now, READ_BATCH));
    if (!dueProbes.isEmpty()) {
      Duration read = throttles.waitFor(CallKind.STOCK_READ, now);
      if (read.isZero()) {
        startShareRead(dueProbes, now);
        return Duration.ZERO;
      }
      shareWait = shareWait == null || read.compareTo(shareWait) < 0 ? read : shareWait;
    }
    if (queue.size() == 0) {
      return shareWait;
    }
    Duration wait = throttles.waitFor(CallKind.STOCK, now);
    if (wait.isZero()) {
      sendStock();
    }
    return shareWait != null && shareWait.compareTo(wait) < 0 ? shareWait : wait;
  }

  /** The listed ones of these SKUs; those no longer listed are forgotten. */
  private List<String> dueReads(List<String> skus) {
    List<String> listed = new ArrayList<>();
    for (String sku : skus) {
      if (listingIds(sku) == null) {
        shares.forget(sku);
      } else {
        listed.add(sku);
      }
    }
    return listed;
  }

  private Duration tryWriteBack(Instant now) {
    if (writeBackBusy || writeBacks.isEmpty()) {
      return null;
    }
    Duration wait = throttles.waitFor(CallKind.SHIPMENT, now);
    if (wait.isZero()) {
      sendWriteBack(now);
    }
    return wait;
  }

  private Duration tryOrders(Instant now) {
    if (orderBusy || !ordersWaiting()) {
      return null;
    }
    CallKind kind =
        !orderOutbox.isEmpty()
            ? orderOutbox.peek().kind()
            : !toFetch.isEmpty() ? CallKind.ORDER_DETAILS : CallKind.ORDER_PULL;
    Duration wait = throttles.waitFor(kind, now);
    if (wait.isZero()) {
      sendOrderCall(now);
    }
    return wait;
  }

  /**
   * Takes the changes for one call, most urgent first: only those that can share a call with the
   * first (one TikTok Shop product), and no more than one call carries, so that every quantity is
   * read just before the request that sends it.
   */
  private void sendStock() {
    boolean ownPending = ownOrdersPending();
    int perCall = Math.min(setup.batchSize(), setup.marketplace().defaultBatchSize());
    Predicate<PushQueue.Pending> sameCall =
        new Predicate<>() {
          private String key;

          @Override
          public boolean test(PushQueue.Pending change) {
            if (!eligible(change, ownPending)) {
              return false;
            }
            ListingIds ids = listingIds(change.sku());
            String callKey = ids == null ? "" : adapter.callKey(ids);
            if (key == null) {
              key = callKey;
            }
            return key.equals(callKey);
          }
        };
    List<PushQueue.Pending> taken = queue.nextBatch(perCall, sameCall);
    if (taken.isEmpty()) {
      return;
    }
    List<PushQueue.Pending> batch = soloFirst(taken);
    stockBusy = true;
    readStock(batch.stream().map(PushQueue.Pending::sku).toList())
        .whenComplete(
            (stock, error) ->
                context.getSelf().tell(new CallRead(batch, error == null ? stock : Map.of())));
  }

  /**
   * A SKU the marketplace refused goes alone, so one bad listing cannot fail a batch again; the
   * rest of what was taken goes back to the queue for the next call.
   */
  private List<PushQueue.Pending> soloFirst(List<PushQueue.Pending> taken) {
    if (alone.isEmpty() || taken.size() == 1) {
      return taken;
    }
    PushQueue.Pending first = taken.get(0);
    if (alone.contains(first.sku())) {
      taken.subList(1, taken.size()).forEach(queue::requeue);
      return List.of(first);
    }
    List<PushQueue.Pending> together = new ArrayList<>();
    for (PushQueue.Pending pending : taken) {
      if (alone.contains(pending.sku())) {
        queue.requeue(pending);
      } else {
        together.add(pending);
      }
    }
    return together;
  }

  private Behavior<Command> onCallRead(CallRead read) {
    Instant now = Instant.now();
    List<StockPush> pushes = new ArrayList<>();
    List<PushQueue.Pending> unchanged = new ArrayList<>();
    for (PushQueue.Pending pending : read.batch()) {
      Stock stock = read.stock().get(pending.sku());
      ListingIds ids = listingIds(pending.sku());
      if (stock == null || ids == null) {
        // No fresh figure (the SKU did not answer): never send a stale one. Unlisted meanwhile:
        // nothing to send at all.
        if (ids == null) {
          unchanged.add(pending);
        } else {
          queue.requeue(pending);
        }
        continue;
      }
      considerShare(pending.sku(), stock, now);
      long quantity = sellable(pending.sku(), stock);
      PushQueue.Pending fresh =
          new PushQueue.Pending(pending.sku(), quantity, pending.previouslySent(), pending.since());
      long shown = shownNow(pending.sku(), stock);
      if (quantity == shown) {
        unchanged.add(fresh);
        continue;
      }
      if (quantity > 0 && quantity < shown && ownOrdersPending()) {
        // A decrease waits for this channel's own pending orders (see eligible).
        queue.requeue(fresh);
        continue;
      }
      flying.put(pending.sku(), fresh);
      pushes.add(new StockPush(pending.sku(), ids, quantity));
    }
    queue.markSent(unchanged);
    if (pushes.isEmpty()) {
      stockBusy = false;
      trySend();
      return this;
    }
    try {
      List<MarketplaceRequest> requests =
          adapter.stockUpdate(setup.baseUrl(), credentials(), pushes, now);
      // One request per read: quantities for a second request would wait for its rate-limit
      // token after being read, and could be stale by the time it went. They are read again.
      outbox.add(requests.get(0));
      Set<String> sending = Set.copyOf(requests.get(0).skus());
      for (String sku : List.copyOf(flying.keySet())) {
        if (!sending.contains(sku)) {
          queue.requeue(flying.remove(sku));
        }
      }
    } catch (RuntimeException e) {
      // The adapter could not build the call: a listing or a credential is missing or malformed.
      // Retrying cannot help until an operator fixes it, so these SKUs wait for the next change.
      Map<String, String> errors = new TreeMap<>();
      flying.keySet().forEach(sku -> errors.put(sku, e.getMessage()));
      noteError("Could not build the stock update: " + e.getMessage(), now);
      failing.putAll(errors);
      recordErrors(errors, now);
      queue.markSent(List.copyOf(flying.values()));
      flying.clear();
      stockBusy = false;
      trySend();
      return this;
    }
    sendNext();
    return this;
  }

  private ListingIds listingIds(String sku) {
    return setup.listings().get(sku);
  }

  private Credentials credentials() {
    return setup.credentials();
  }

  /** Sends the next request of the call in progress, or ends the call when none is left. */
  private void sendNext() {
    Instant now = Instant.now();
    if (outbox.isEmpty()) {
      // Requests that carried none of these SKUs cannot happen; a leftover means a bug upstream,
      // and requeueing is the safe way out.
      flying.values().forEach(queue::requeue);
      flying.clear();
      stockBusy = false;
      trySend();
      return;
    }
    if (!throttles.tryTake(CallKind.STOCK, now)) {
      wakeAfter(now, throttles.waitFor(CallKind.STOCK, now));
      return;
    }
    MarketplaceRequest request = outbox.poll();
    stockCallInFlight = true;
    stockCallSentAt = now;
    calls++;
    client
        .send(request)
        .whenComplete(
            (response, error) -> context.getSelf().tell(new Answered(request, response, error)));
  }

  private Behavior<Command> onAnswered(Answered answered) {
    stockCallInFlight = false;
    Instant now = Instant.now();
    if (stockCallSentAt != null) {
      double took = Duration.between(stockCallSentAt, now).toNanos() / 1e9;
      stockCallSeconds = stockCallSeconds == 0 ? took : 0.8 * stockCallSeconds + 0.2 * took;
    }
    MarketplaceRequest request = answered.request();
    PushResult result;
    if (answered.error() != null) {
      result = new PushResult.Failed(true, "call failed: " + rootMessage(answered.error()));
    } else {
      try {
        result = adapter.parseStockUpdate(request, answered.response());
      } catch (RuntimeException e) {
        result = new PushResult.Failed(true, "unreadable answer: " + e.getMessage());
      }
    }
    if (!(result instanceof PushResult.Accepted)) {
      // A share's push that did not go through is not sent again as it was: the marketplace may
      // have sold on meanwhile. Its SKU is read again instead.
      request.skus().stream().filter(shares::inShare).forEach(sku -> shareFailed(sku, now));
    }
    if (result instanceof PushResult.Accepted accepted) {
      throttles.succeeded(CallKind.STOCK);
      sent(request.skus(), now);
    } else if (result instanceof PushResult.PartlyRejected partly) {
      throttles.succeeded(CallKind.STOCK);
      sent(partly.accepted(), now);
      rejected(partly.rejected(), now);
      for (String sku : request.skus()) {
        PushQueue.Pending pending = flying.remove(sku);
        if (pending != null) {
          queue.requeue(pending);
        }
      }
    } else if (result instanceof PushResult.Throttled throttle) {
      throttled++;
      Duration wait =
          throttle.retryAfter() != null && !throttle.retryAfter().isZero()
              ? throttle.retryAfter()
              : backoff(CallKind.STOCK);
      throttles.pauseUntil(CallKind.STOCK, now.plus(wait));
      abandonCall();
    } else if (result instanceof PushResult.Failed failed) {
      failedCalls++;
      noteError(failed.reason(), now);
      Duration wait =
          asked(failed.retryAfter())
              ? failed.retryAfter()
              : failed.retryable() ? backoff(CallKind.STOCK) : settings.maxBackoff();
      if (!failed.retryable()) {
        Map<String, String> errors = new TreeMap<>();
        request.skus().forEach(sku -> errors.put(sku, failed.reason()));
        recordErrors(errors, now);
        context
            .getLog()
            .warn(
                "Channel {} of tenant {}: the marketplace refused a call: {}",
                key.channelId(),
                key.tenantId(),
                failed.reason());
      }
      throttles.pauseUntil(CallKind.STOCK, now.plus(wait));
      abandonCall();
    }
    sendNext();
    return this;
  }

  /** Puts every change of the call back in the queue and drops its unsent requests. */
  private void abandonCall() {
    outbox.clear();
    flying.values().forEach(queue::requeue);
    flying.clear();
  }

  private void sent(Collection<String> skus, Instant now) {
    Map<String, Long> quantities = new TreeMap<>();
    List<PushQueue.Pending> done = new ArrayList<>();
    for (String sku : skus) {
      PushQueue.Pending pending = flying.remove(sku);
      if (pending == null) {
        continue;
      }
      done.add(pending);
      lastSent.put(sku, pending.quantity());
      sentAt.put(sku, now);
      shares.pushed(sku, pending.quantity(), now);
      quantities.put(sku, pending.quantity());
      alone.remove(sku);
      rejections.remove(sku);
      failing.remove(sku);
    }
    queue.markSent(done);
    if (!quantities.isEmpty()) {
      CompletableFuture.runAsync(
              () -> backend.recordSent(key.tenantId(), key.channelId(), quantities, now), blocking)
          .exceptionally(
              e -> {
                // The push happened; only the log of it is behind, and reconciliation repeats an
                // unlogged push at worst.
                context.getLog().warn("Could not log pushes of channel {}", key.channelId(), e);
                return null;
              });
    }
  }

  private void rejected(Map<String, String> reasons, Instant now) {
    List<PushQueue.Pending> givenUp = new ArrayList<>();
    reasons.forEach(
        (sku, reason) -> {
          PushQueue.Pending pending = flying.remove(sku);
          failing.put(sku, reason);
          int times = rejections.merge(sku, 1, Integer::sum);
          if (pending == null) {
            return;
          }
          if (times >= settings.maxRejections()) {
            // Refused again and again: the listing needs an operator. It is tried again at the
            // next change of the SKU or the next reconciliation, not in a loop, and still alone
            // until the marketplace takes it, so that it never fails a batch of others again.
            rejections.remove(sku);
            givenUp.add(pending);
          } else {
            alone.add(sku);
            queue.requeue(pending);
          }
        });
    queue.markSent(givenUp);
    noteError("The marketplace refused " + reasons.size() + " SKU(s)", now);
    recordErrors(reasons, now);
  }

  private void recordErrors(Map<String, String> errors, Instant now) {
    CompletableFuture.runAsync(
            () -> backend.recordErrors(key.tenantId(), key.channelId(), errors, now), blocking)
        .exceptionally(
            e -> {
              context.getLog().warn("Could not log errors of channel {}", key.channelId(), e);
              return null;
            });
  }

  private void noteError(String error, Instant now) {
    lastError = error;
    lastErrorAt = now;
  }

  /** Whether the marketplace said how long to wait (Retry-After), which then beats our back-off. */
  private static boolean asked(Duration retryAfter) {
    return retryAfter != null && !retryAfter.isZero();
  }

  /**
   * Doubles from the minimum with every failure of the kind's quota in a row, up to the maximum.
   */
  private Duration backoff(CallKind kind) {
    return throttles.backoff(kind, settings.minBackoff(), settings.maxBackoff());
  }

  /** Wakes the channel after {@code wait}, unless it is already to wake earlier. */
  private void wakeAfter(Instant now, Duration wait) {
    Instant at = now.plus(wait);
    if (nextCallAt != null && nextCallAt.isAfter(now) && !nextCallAt.isAfter(at)) {
      return;
    }
    nextCallAt = at;
    timers.startSingleTimer(TICK, Tick.INSTANCE, wait);
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName()
        + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }

  // Order reads ---------------------------------------------------------------------------------

  /** TikTok Shop and Shopify push orders by webhook; the others are only pulled. */
  private static boolean pushesOrders(
      io.ecengine.engine.channel.marketplace.Marketplace marketplace) {
    return MarketplaceAdapters.webhookVerifier(marketplace).isPresent();
  }

  /**
   * True while orders this channel's marketplace told of are not yet holding stock here: named by a
   * webhook or a pull page but not read yet, being read, or being placed. Their sales are missing
   * from what the engine knows, so a decrease pushed now would overwrite the marketplace's own,
   * lower count and put units it already sold back on show (see {@link #eligible}).
   */
  private boolean ownOrdersPending() {
    return !toFetch.isEmpty()
        || importsRunning > 0
        || (orderCallInFlight != null && !orderCallInFlight.pull())
        || orderOutbox.stream().anyMatch(call -> !call.pull());
  }

  /**
   * Whether a change may be pushed now. While the channel's own orders are pending, a decrease that
   * is not a sold-out waits for them: the marketplace counts its own sales down meanwhile, and a
   * sold-out (which can put nothing back on show) or an increase goes at once.
   */
  private boolean eligible(PushQueue.Pending change, boolean ownPending) {
    return !ownPending
        || change.quantity() == 0
        || (change.previouslySent() >= 0 && change.quantity() > change.previouslySent());
  }

  private boolean ordersWaiting() {
    return !orderOutbox.isEmpty() || !toFetch.isEmpty() || (pullWanted && pullSince != null);
  }

  private Behavior<Command> onFetchOrders(FetchOrders fetch) {
    toFetch.addAll(fetch.channelOrderIds());
    if (fetch.replyTo() != null) {
      fetch.replyTo().tell(Ack.INSTANCE);
    }
    trySend();
    return this;
  }

  private Behavior<Command> onPullDue() {
    if (setup == null || pullWanted) {
      return this;
    }
    if (pullSince == null) {
      if (!loadingPullMark) {
        loadingPullMark = true;
        CompletableFuture.supplyAsync(
                () -> backend.pulledSince(key.tenantId(), key.channelId()), blocking)
            .whenComplete(
                (mark, error) ->
                    context
                        .getSelf()
                        .tell(new PullMarkLoaded(error == null ? mark.orElse(null) : null, error)));
      }
      return this;
    }
    pullWanted = true;
    pullStartedAt = Instant.now();
    pullPageToken = null;
    pullIncomplete = false;
    trySend();
    return this;
  }

  private Behavior<Command> onPullMarkLoaded(PullMarkLoaded loaded) {
    loadingPullMark = false;
    if (loaded.failure() != null) {
      context.getLog().warn("Channel {} could not read its pull mark", key.channelId());
      return this;
    }
    // A channel never pulled starts from now: orders from before it was connected were handled
    // elsewhere, and importing them would hold stock twice.
    pullSince =
        loaded.since() != null ? loaded.since() : Instant.now().minus(settings.orderPullOverlap());
    return onPullDue();
  }

  private void sendOrderCall(Instant now) {
    if (orderOutbox.isEmpty()) {
      try {
        if (!toFetch.isEmpty()) {
          List<String> ids = new ArrayList<>();
          var it = toFetch.iterator();
          while (it.hasNext() && ids.size() < ORDERS_PER_FETCH) {
            ids.add(it.next());
            it.remove();
          }
          for (MarketplaceRequest request :
              adapter.orderDetails(setup.baseUrl(), credentials(), ids, now)) {
            orderOutbox.add(new OrderCall(request, false, ids));
          }
        } else if (pullWanted) {
          orderOutbox.add(
              new OrderCall(
                  adapter.orderPull(setup.baseUrl(), credentials(), pullSince, pullPageToken, now),
                  true,
                  List.of()));
        }
      } catch (RuntimeException e) {
        // A credential is missing for order calls: nothing to do until an operator adds it.
        noteError("Could not build an order call: " + e.getMessage(), now);
        pullWanted = false;
        trySend();
        return;
      }
    }
    OrderCall call = orderOutbox.poll();
    if (call == null) {
      return;
    }
    if (!throttles.tryTake(call.kind(), now)) {
      orderOutbox.addFirst(call);
      wakeAfter(now, throttles.waitFor(call.kind(), now));
      return;
    }
    orderBusy = true;
    orderCallInFlight = call;
    calls++;
    client
        .send(call.request())
        .whenComplete(
            (response, error) ->
                context.getSelf().tell(new OrderCallAnswered(call, response, error)));
  }

  private Behavior<Command> onOrderCallAnswered(OrderCallAnswered answered) {
    orderBusy = false;
    orderCallInFlight = null;
    Instant now = Instant.now();
    OrderCall call = answered.call();
    try {
      if (answered.error() != null) {
        throw new MarketplaceCallException(
            new PushResult.Failed(true, "call failed: " + rootMessage(answered.error())));
      }
      if (call.pull()) {
        OrderPage page = adapter.parseOrderPull(call.request(), answered.response());
        Set<String> fetchLater = new HashSet<>(page.orderIdsToFetch());
        List<MarketplaceOrder> complete = new ArrayList<>();
        for (MarketplaceOrder order : page.orders()) {
          if (fetchLater.contains(order.channelOrderId())) {
            pulledWithoutLines.put(order.channelOrderId(), order);
          } else if (!order.lines().isEmpty()) {
            complete.add(order);
          }
          // An order left with no lines (every item cancelled) needs no stock: nothing to import.
        }
        importOrders(complete, List.of(), true);
        toFetch.addAll(page.orderIdsToFetch());
        throttles.succeeded(call.kind());
        if (page.nextPageToken() != null) {
          pullPageToken = page.nextPageToken();
        } else {
          finishPull();
        }
      } else {
        List<MarketplaceOrder> orders = new ArrayList<>();
        for (MarketplaceOrder read : adapter.parseOrderDetails(answered.response())) {
          MarketplaceOrder header = pulledWithoutLines.get(read.channelOrderId());
          if (!read.lines().isEmpty()) {
            orders.add(header == null ? read : header.withLines(read.lines()));
          }
        }
        throttles.succeeded(call.kind());
        importOrders(orders, call.ids(), false);
      }
    } catch (MarketplaceCallException e) {
      orderCallFailures++;
      if (e.outcome() instanceof PushResult.Throttled throttle) {
        throttled++;
        Duration wait =
            throttle.retryAfter() != null && !throttle.retryAfter().isZero()
                ? throttle.retryAfter()
                : backoff(call.kind());
        throttles.pauseUntil(call.kind(), now.plus(wait));
      } else {
        noteError("Order call failed: " + e.getMessage(), now);
        Duration wait =
            e.outcome() instanceof PushResult.Failed failed && asked(failed.retryAfter())
                ? failed.retryAfter()
                : backoff(call.kind());
        throttles.pauseUntil(call.kind(), now.plus(wait));
      }
      // The same page is pulled again; ids to fetch go back in line.
      toFetch.addAll(call.ids());
      orderOutbox.clear();
    } catch (RuntimeException e) {
      // An answer we cannot read will not read better next time: stop this pull and say so.
      orderCallFailures++;
      noteError("Unreadable order answer: " + e.getMessage(), now);
      orderOutbox.clear();
      if (call.pull()) {
        pullWanted = false;
      }
    }
    trySend();
    return this;
  }

  private void finishPull() {
    pullWanted = false;
    if (pullIncomplete) {
      // An import failed: pull from the same point again next time (imports are idempotent).
      return;
    }
    lastWholePullStartedAt = pullStartedAt;
    // Orders placed just before the pull started may not be visible yet: keep an overlap.
    Instant mark = pullStartedAt.minus(settings.orderPullOverlap());
    pullSince = mark.isAfter(pullSince) ? mark : pullSince;
    Instant since = pullSince;
    CompletableFuture.runAsync(
            () -> backend.markPulled(key.tenantId(), key.channelId(), since), blocking)
        .exceptionally(
            e -> {
              context.getLog().warn("Could not store the pull mark of {}", key.channelId(), e);
              return null;
            });
  }

  private void importOrders(List<MarketplaceOrder> orders, List<String> ids, boolean fromPull) {
    if (orders.isEmpty()) {
      return;
    }
    ordersImported += orders.size();
    importsRunning++;
    intake
        .importOrders(key.tenantId(), key.channelId(), orders)
        .whenComplete(
            (done, error) -> context.getSelf().tell(new ImportFinished(ids, fromPull, error)));
  }

  private Behavior<Command> onImportFinished(ImportFinished failed) {
    importsRunning--;
    if (failed.failure() == null) {
      // Decreases waiting for this channel's own orders may go now.
      trySend();
      return this;
    }
    context
        .getLog()
        .warn(
            "Channel {} of tenant {} could not import orders; they are read again",
            key.channelId(),
            key.tenantId(),
            failed.failure());
    noteError("Order import failed: " + rootMessage(failed.failure()), Instant.now());
    if (failed.fromPull()) {
      pullIncomplete = true;
    } else {
      toFetch.addAll(failed.ids());
      trySend();
    }
    return this;
  }

  // Shipment reports -----------------------------------------------------------------------------

  private Behavior<Command> loadWriteBacks() {
    if (loadingWriteBacks || setup == null || !writeBacks.isEmpty()) {
      return this;
    }
    loadingWriteBacks = true;
    CompletableFuture.supplyAsync(
            () -> {
              List<Outgoing> loaded = new ArrayList<>();
              for (WriteBack writeBack :
                  backend.pendingWriteBacks(
                      key.tenantId(), key.channelId(), settings.maxWriteBackAttempts(), 50)) {
                loaded.add(
                    new Outgoing(
                        writeBack,
                        backend.marketplaceLines(
                            key.tenantId(), key.channelId(), writeBack.channelOrderId())));
              }
              return loaded;
            },
            blocking)
        .whenComplete(
            (loaded, error) -> context.getSelf().tell(new WriteBacksLoaded(loaded, error)));
    return this;
  }

  private Behavior<Command> onWriteBacksLoaded(WriteBacksLoaded loaded) {
    loadingWriteBacks = false;
    if (loaded.failure() != null) {
      context
          .getLog()
          .warn(
              "Channel {} could not read its shipments to report",
              key.channelId(),
              loaded.failure());
      return this;
    }
    writeBacks.addAll(loaded.writeBacks());
    trySend();
    return this;
  }

  private void sendWriteBack(Instant now) {
    Outgoing outgoing = writeBacks.peek();
    WriteBack writeBack = outgoing.writeBack();
    MarketplaceRequest request;
    try {
      request =
          adapter.trackingWriteBack(
              setup.baseUrl(),
              credentials(),
              writeBack.channelOrderId(),
              writeBack.carrier(),
              writeBack.trackingNumber(),
              outgoing.lines(),
              now);
    } catch (RuntimeException e) {
      // The call cannot be built (a credential or the marketplace's item ids are missing):
      // retrying cannot help, so it is marked failed for an operator to see.
      writeBacks.poll();
      writeBackFailed(writeBack, "Could not build the shipment report: " + e.getMessage(), now);
      trySend();
      return;
    }
    if (!throttles.tryTake(CallKind.SHIPMENT, now)) {
      wakeAfter(now, throttles.waitFor(CallKind.SHIPMENT, now));
      return;
    }
    writeBackBusy = true;
    calls++;
    client
        .send(request)
        .whenComplete(
            (response, error) ->
                context.getSelf().tell(new WriteBackAnswered(outgoing, request, response, error)));
  }

  private Behavior<Command> onWriteBackAnswered(WriteBackAnswered answered) {
    writeBackBusy = false;
    Instant now = Instant.now();
    PushResult result;
    if (answered.error() != null) {
      result = new PushResult.Failed(true, "call failed: " + rootMessage(answered.error()));
    } else {
      try {
        result = adapter.parseWriteBack(answered.request(), answered.response());
      } catch (RuntimeException e) {
        result = new PushResult.Failed(true, "unreadable answer: " + e.getMessage());
      }
    }
    WriteBack writeBack = answered.outgoing().writeBack();
    if (result instanceof PushResult.Accepted) {
      throttles.succeeded(CallKind.SHIPMENT);
      writeBacks.remove(answered.outgoing());
      writeBacksSent++;
      CompletableFuture.runAsync(
              () -> backend.writeBackSent(key.tenantId(), writeBack, now), blocking)
          .exceptionally(
              e -> {
                // Reported but not marked: it is reported again, which marketplaces accept as
                // the same tracking number.
                context.getLog().warn("Could not mark a shipment of {} sent", key.channelId(), e);
                return null;
              });
    } else if (result instanceof PushResult.Throttled throttle) {
      throttled++;
      Duration wait =
          throttle.retryAfter() != null && !throttle.retryAfter().isZero()
              ? throttle.retryAfter()
              : backoff(CallKind.SHIPMENT);
      throttles.pauseUntil(CallKind.SHIPMENT, now.plus(wait));
    } else if (result instanceof PushResult.Failed failed && failed.retryable()) {
      failedCalls++;
      noteError(failed.reason(), now);
      Duration wait = asked(failed.retryAfter()) ? failed.retryAfter() : backoff(CallKind.SHIPMENT);
      throttles.pauseUntil(CallKind.SHIPMENT, now.plus(wait));
    } else {
      String reason =
          result instanceof PushResult.Failed failed
              ? failed.reason()
              : String.join("; ", ((PushResult.PartlyRejected) result).rejected().values());
      writeBacks.remove(answered.outgoing());
      writeBackFailed(writeBack, reason, now);
    }
    trySend();
    return this;
  }

  private void writeBackFailed(WriteBack writeBack, String reason, Instant now) {
    writeBacksFailed++;
    noteError(
        "Shipment report of order " + writeBack.channelOrderId() + " refused: " + reason, now);
    CompletableFuture.runAsync(
            () -> backend.writeBackFailed(key.tenantId(), writeBack, reason, now), blocking)
        .exceptionally(
            e -> {
              context.getLog().warn("Could not mark a shipment of {} failed", key.channelId(), e);
              return null;
            });
  }

  // Status --------------------------------------------------------------------------------------

  private Behavior<Command> onGetSync(GetSync get) {
    Instant now = Instant.now();
    Long oldest =
        queue.oldestPending().map(at -> Duration.between(at, now).toMillis()).orElse(null);
    get.replyTo()
        .tell(
            new SyncStatus(
                setup == null ? "loading" : "running",
                setup != null && setup.paused(),
                setup == null ? null : setup.pauseReason(),
                setup == null ? 0 : setup.listings().size(),
                queue.size() + dirty.size(),
                queue.inFlight(),
                oldest,
                calls,
                throttled,
                failedCalls,
                lastError,
                lastErrorAt,
                nextCallAt,
                Map.copyOf(failing),
                setup == null ? null : setup.credentialsExpireAt(),
                lastReconciledAt,
                writeBacks.size(),
                writeBacksSent,
                writeBacksFailed,
                toFetch.size(),
                ordersImported,
                orderCallFailures,
                shares.status()));
    return this;
  }
}
