package io.ecengine.engine.sku;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.ecengine.engine.serialization.CborSerializable;
import io.ecengine.engine.sku.SkuOutcome.Done;
import io.ecengine.engine.sku.SkuOutcome.Rejected;
import io.ecengine.engine.sku.SkuOutcome.Rejection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One SKU of one tenant as a persistent, sharded actor. It is the only writer of its ledger, so
 * reservations on one SKU are decided strictly one after the other and can never oversell.
 *
 * <p>Group commit: changes are not persisted one by one. They queue in memory while a write is in
 * flight; the next write decides the whole queue in arrival order against the ledger and stores the
 * outcome as one atomic write, then answers every caller. At low load a queue holds one request, so
 * latency is one write; under a burst one write carries hundreds of reservations. The queue is
 * bounded: beyond {@link Settings#maxQueue()} a request is answered {@code OVERLOADED} at once
 * instead of waiting or being dropped.
 *
 * <p>Failure: if the journal rejects a write the actor restarts with backoff and recovers from the
 * journal; requests in that write were never answered, so no caller was told they succeeded.
 *
 * <p>After a write that raised available or filled owed holds, the entity tells its {@link
 * StockListener}. That call is fire-and-forget and happens once, after the write: a crash right
 * after the write loses it, so listeners' consumers must also check on their own from time to time.
 */
public final class SkuEntity extends EventSourcedBehavior<SkuEntity.Command, SkuEvent, SkuLedger> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "Sku");

  /** Journal tags that split SKU events into slices, one projection instance per slice. */
  public static final List<String> TAGS = IntStream.range(0, 4).mapToObj(i -> "sku-" + i).toList();

  /** Messages a SKU understands. */
  public sealed interface Command extends CborSerializable {}

  /**
   * Apply a change; the outcome is sent to {@code replyTo} once it is durable. The request's type
   * travels by name because {@link SkuRequest} is an interface; the names live here so that the
   * domain types stay free of Jackson.
   */
  public record Submit(
      @JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
          @JsonSubTypes({
            @JsonSubTypes.Type(value = SkuRequest.Define.class, name = "define"),
            @JsonSubTypes.Type(value = SkuRequest.Adjust.class, name = "adjust"),
            @JsonSubTypes.Type(value = SkuRequest.SetSafetyStock.class, name = "set-safety-stock"),
            @JsonSubTypes.Type(value = SkuRequest.Reserve.class, name = "reserve"),
            @JsonSubTypes.Type(value = SkuRequest.Release.class, name = "release"),
            @JsonSubTypes.Type(value = SkuRequest.Commit.class, name = "commit"),
            @JsonSubTypes.Type(value = SkuRequest.SetPolicy.class, name = "set-policy"),
            @JsonSubTypes.Type(value = SkuRequest.AddIncoming.class, name = "add-incoming"),
            @JsonSubTypes.Type(value = SkuRequest.ReceiveIncoming.class, name = "receive-incoming"),
            @JsonSubTypes.Type(value = SkuRequest.ExpireDue.class, name = "expire-due"),
            @JsonSubTypes.Type(value = SkuRequest.ClaimShare.class, name = "claim-share")
          })
          SkuRequest request,
      ActorRef<SkuOutcome> replyTo)
      implements Command {}

  /** Read the current levels; answered {@code Done} or {@code Rejected(SKU_NOT_FOUND)}. */
  public record Get(ActorRef<SkuOutcome> replyTo) implements Command {}

  /** Read the units held on stock per channel (for dedicated quotas). */
  public record GetHeldByChannel(ActorRef<HeldByChannel> replyTo) implements Command {}

  /** Units held on stock per channel id; empty for an undefined SKU. */
  public record HeldByChannel(Map<String, Long> units) implements CborSerializable {}

  /**
   * Read the levels and the units held per channel in one go, as a stock push needs them; with a
   * channel and a time, also the units that channel's listing sold itself since then.
   */
  public record GetStock(String channelId, Instant listedAfter, ActorRef<StockView> replyTo)
      implements Command {

    public GetStock(ActorRef<StockView> replyTo) {
      this(null, null, replyTo);
    }
  }

  /**
   * The levels and the units held on stock per channel id, read at one moment, and {@code
   * listedSince}: the units of open holds the asking channel's listing sold itself after the time
   * it asked about (see {@link SkuRequest.Reserve}), 0 when it asked about none. {@code shares} is
   * what is set aside per channel (see {@link SkuRequest.ClaimShare}); {@code perSecond} and {@code
   * perSecondByChannel} are how fast the SKU sold over the last seconds, in all and per channel
   * that sold. {@code levels} is null when the SKU is not defined.
   */
  public record StockView(
      Levels levels,
      Map<String, Long> heldByChannel,
      long listedSince,
      Map<String, Long> shares,
      double perSecond,
      Map<String, Double> perSecondByChannel)
      implements CborSerializable {
    public StockView {
      heldByChannel = Map.copyOf(heldByChannel);
      shares = shares == null ? Map.of() : Map.copyOf(shares);
      perSecondByChannel = perSecondByChannel == null ? Map.of() : Map.copyOf(perSecondByChannel);
    }

    public StockView(Levels levels, Map<String, Long> heldByChannel, long listedSince) {
      this(levels, heldByChannel, listedSince, Map.of(), 0, Map.of());
    }

    /** What is set aside for one channel; 0 when it has no share. */
    public long shareOf(String channelId) {
      return shares.getOrDefault(channelId, 0L);
    }

    public StockView(Levels levels, Map<String, Long> heldByChannel) {
      this(levels, heldByChannel, 0);
    }
  }

  /**
   * A channel measured how fast its marketplace sells the SKU, from what the marketplace showed at
   * successive reads. Kept for a few seconds and never stored: where a marketplace's orders reach
   * the engine late, it tells how fast the SKU really sells, which placed holds cannot.
   */
  public record ReportRate(String channelId, double perSecond) implements Command {}

  /** Write what has queued since the last write. Sent by the entity to itself. */
  enum Flush implements Command {
    INSTANCE
  }

  /** The earliest reservation expiry has come. */
  enum ExpiryDue implements Command {
    INSTANCE
  }

  /** Nothing happened for a while; the entity may passivate. */
  enum Idle implements Command {
    INSTANCE
  }

  /** Sharding asks the entity to stop (passivation or rebalance). */
  enum Stop implements Command {
    INSTANCE
  }

  /** Tuning of one SKU entity; see {@code ec.sku} in the configuration. */
  public record Settings(int maxQueue, int maxBatch, int snapshotEvery, Duration idleTimeout) {
    public static Settings fromConfig(com.typesafe.config.Config config) {
      return new Settings(
          config.getInt("max-queue"),
          config.getInt("max-batch"),
          config.getInt("snapshot-every"),
          config.getDuration("idle-timeout"));
    }
  }

  /** A queued change and who waits for its outcome ({@code null} for the entity's own timer). */
  private record Pending(SkuRequest request, ActorRef<SkuOutcome> replyTo) {}

  private static final Object EXPIRY_TIMER = "expiry";

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Settings settings;
  private final SnapshotPacing snapshotPacing;
  private final String tag;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final SkuId skuId;
  private final StockListener listener;
  private final List<Pending> queue = new ArrayList<>();
  private final ReportedRates reportedRates = new ReportedRates();
  private boolean flushRequested;

  /** Registers the SKU entity type with cluster sharding on this node, with no listener. */
  public static void init(ActorSystem<?> system, Settings settings) {
    init(system, settings, StockListener.NONE);
  }

  /**
   * Registers the SKU entity type with cluster sharding on this node; every SKU on this node tells
   * {@code listener} about its stock changes.
   */
  public static void init(ActorSystem<?> system, Settings settings, StockListener listener) {
    ClusterSharding.get(system)
        .init(
            Entity.of(TYPE_KEY, entityContext -> create(entityContext, settings, listener))
                .withStopMessage(Stop.INSTANCE)
                // A SKU with expiring holds must come back after a crash to run its timer; it
                // passivates itself only when it has none (see onIdle).
                .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true)));
  }

  private static Behavior<Command> create(
      EntityContext<Command> entityContext, Settings settings, StockListener listener) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  context.setReceiveTimeout(settings.idleTimeout(), Idle.INSTANCE);
                  return new SkuEntity(
                      context,
                      timers,
                      settings,
                      entityContext.getEntityId(),
                      entityContext.getShard(),
                      listener);
                }));
  }

  /** Creates the behavior outside sharding, for tests; the entity id is {@code tenant|sku}. */
  public static Behavior<Command> create(String entityId, Settings settings) {
    return create(entityId, settings, StockListener.NONE);
  }

  /** Creates the behavior outside sharding with a listener, for tests. */
  public static Behavior<Command> create(
      String entityId, Settings settings, StockListener listener) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> new SkuEntity(context, timers, settings, entityId, null, listener)));
  }

  /** {@code Sku|tenant|sku}: the entity id already holds a '|', which PersistenceId.of refuses. */
  public static PersistenceId persistenceId(String entityId) {
    return PersistenceId.ofUniqueId(TYPE_KEY.name() + "|" + entityId);
  }

  /** The empty state handed to Pekko; never mutated (see eventHandler). */
  private final SkuLedger pristine;

  /**
   * Events the command handler already applied to the ledger while deciding, by identity. After a
   * write Pekko hands the very instances that were persisted to the event handler, which skips
   * them; a recovery reads new instances from the journal, which it applies. If a write fails, the
   * entity recovers from the journal onto a fresh ledger, so the in-place changes are dropped.
   */
  private final Set<SkuEvent> appliedWhileDeciding =
      java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

  private SkuEntity(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Settings settings,
      String entityId,
      ActorRef<ClusterSharding.ShardCommand> shard,
      StockListener listener) {
    super(
        persistenceId(entityId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    this.context = context;
    this.timers = timers;
    this.settings = settings;
    this.snapshotPacing = new SnapshotPacing(settings.snapshotEvery());
    this.tag = TAGS.get(Math.floorMod(entityId.hashCode(), TAGS.size()));
    this.shard = shard;
    this.skuId = SkuId.fromEntityId(entityId);
    this.pristine = SkuLedger.empty(skuId.sku());
    this.listener = listener;
  }

  @Override
  public SkuLedger emptyState() {
    return pristine;
  }

  @Override
  public CommandHandler<Command, SkuEvent, SkuLedger> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Submit.class, this::onSubmit)
        .onCommand(Get.class, this::onGet)
        .onCommand(
            GetHeldByChannel.class,
            (ledger, get) -> {
              get.replyTo().tell(new HeldByChannel(ledger.heldByChannel()));
              return Effect().none();
            })
        .onCommand(GetStock.class, this::onGetStock)
        .onCommand(ReportRate.class, this::onReportRate)
        .onCommand(Flush.class, this::onFlush)
        .onCommand(ExpiryDue.class, this::onExpiryDue)
        .onCommand(Idle.class, this::onIdle)
        .onCommand(Stop.class, this::onStop)
        .build();
  }

  private Effect<SkuEvent, SkuLedger> onGetStock(SkuLedger ledger, GetStock get) {
    Instant now = Instant.now();
    Map<String, Double> perChannel = reportedRates.merge(ledger.salesPerSecondByChannel(now), now);
    double total = perChannel.values().stream().mapToDouble(Double::doubleValue).sum();
    get.replyTo()
        .tell(
            new StockView(
                ledger.isDefined() ? ledger.levels() : null,
                ledger.heldByChannel(),
                get.channelId() == null || get.listedAfter() == null
                    ? 0
                    : ledger.listedSince(get.channelId(), get.listedAfter()),
                ledger.shares(),
                Math.max(ledger.salesPerSecond(now), total),
                perChannel));
    return Effect().none();
  }

  private Effect<SkuEvent, SkuLedger> onReportRate(SkuLedger ledger, ReportRate report) {
    reportedRates.report(report.channelId(), report.perSecond(), Instant.now());
    return Effect().none();
  }

  private Effect<SkuEvent, SkuLedger> onSubmit(SkuLedger ledger, Submit submit) {
    if (queue.size() >= settings.maxQueue()) {
      submit.replyTo().tell(new Rejected(Rejection.OVERLOADED, "The SKU's queue is full.", null));
      return Effect().none();
    }
    enqueue(new Pending(submit.request(), submit.replyTo()));
    return Effect().none();
  }

  private Effect<SkuEvent, SkuLedger> onExpiryDue(SkuLedger ledger, ExpiryDue due) {
    enqueue(new Pending(SkuRequest.ExpireDue.INSTANCE, null));
    return Effect().none();
  }

  private void enqueue(Pending pending) {
    queue.add(pending);
    if (!flushRequested) {
      flushRequested = true;
      context.getSelf().tell(Flush.INSTANCE);
    }
  }

  private Effect<SkuEvent, SkuLedger> onGet(SkuLedger ledger, Get get) {
    if (!ledger.isDefined()) {
      get.replyTo().tell(new Rejected(Rejection.SKU_NOT_FOUND, "The SKU is not defined.", null));
    } else {
      get.replyTo().tell(new Done(ledger.levels(), null, false));
    }
    return Effect().none();
  }

  private Effect<SkuEvent, SkuLedger> onFlush(SkuLedger ledger, Flush flush) {
    flushRequested = false;
    if (queue.isEmpty()) {
      return Effect().none();
    }
    List<Pending> batch = takeBatch();
    long availableBefore = ledger.available();
    SkuLedger.Batch decided = decide(ledger, batch.stream().map(Pending::request).toList());
    if (decided.events().isEmpty()) {
      answer(batch, decided.outcomes());
      // An expiry timer that fired a little early found nothing due: arm it again.
      scheduleExpiry(ledger);
      return Effect().none();
    }
    return Effect()
        .persist(decided.events())
        .thenRun(
            after -> {
              answer(batch, decided.outcomes());
              scheduleExpiry(after);
              tellListener(after, availableBefore, decided.filledHolds());
            });
  }

  private List<Pending> takeBatch() {
    int size = Math.min(queue.size(), settings.maxBatch());
    List<Pending> batch = new ArrayList<>(queue.subList(0, size));
    queue.subList(0, size).clear();
    if (!queue.isEmpty()) {
      // The rest goes in the next write; the Flush waits in the stash behind this one.
      flushRequested = true;
      context.getSelf().tell(Flush.INSTANCE);
    }
    return batch;
  }

  private static void answer(List<Pending> batch, List<SkuOutcome> outcomes) {
    for (int i = 0; i < batch.size(); i++) {
      ActorRef<SkuOutcome> replyTo = batch.get(i).replyTo();
      if (replyTo != null) {
        replyTo.tell(outcomes.get(i));
      }
    }
  }

  private Effect<SkuEvent, SkuLedger> onIdle(SkuLedger ledger, Idle idle) {
    boolean holdsExpire = ledger.nextExpiry().isPresent();
    if (shard != null && queue.isEmpty() && !holdsExpire) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    }
    return Effect().none();
  }

  private Effect<SkuEvent, SkuLedger> onStop(SkuLedger ledger, Stop stop) {
    if (queue.isEmpty()) {
      return Effect().stop();
    }
    // Write and answer what is queued before handing the SKU to another node.
    List<Pending> batch = new ArrayList<>(queue);
    queue.clear();
    long availableBefore = ledger.available();
    SkuLedger.Batch decided = decide(ledger, batch.stream().map(Pending::request).toList());
    return Effect()
        .persist(decided.events())
        .thenRun(
            after -> {
              answer(batch, decided.outcomes());
              tellListener(after, availableBefore, decided.filledHolds());
            })
        .thenStop();
  }

  /**
   * Runs after the write is durable. {@code availableBefore} is read before deciding, because the
   * event handler changes the ledger in place.
   */
  private void tellListener(SkuLedger after, long availableBefore, List<Reservation> filled) {
    boolean changed = after.available() != availableBefore;
    boolean rose = after.available() > availableBefore;
    if (!changed && filled.isEmpty()) {
      return;
    }
    // Limitation: the listener is told at most once; a crash between the write and this call loses
    // the notification, and recovery does not repeat it.
    try {
      Levels levels = after.levels();
      if (changed) {
        listener.availableChanged(skuId, levels);
      }
      if (rose || !filled.isEmpty()) {
        listener.stockChanged(skuId, levels, filled);
      }
    } catch (RuntimeException e) {
      // The write is durable and answered; a failing listener must not restart the SKU.
      context.getLog().warn("Stock listener failed for SKU {}", skuId.entityId(), e);
    }
  }

  /**
   * Decides a batch. A ledger of its own is decided in place (see {@link #appliedWhileDeciding});
   * the empty ledger Pekko keeps must stay untouched, so the first batch of a new SKU is decided on
   * a copy, which is cheap while it is empty.
   */
  private SkuLedger.Batch decide(SkuLedger ledger, List<SkuRequest> requests) {
    if (ledger == pristine) {
      return ledger.decideAll(requests, Instant.now());
    }
    SkuLedger.Batch decided = ledger.decideAllInPlace(requests, Instant.now());
    appliedWhileDeciding.addAll(decided.events());
    return decided;
  }

  private void scheduleExpiry(SkuLedger ledger) {
    ledger
        .nextExpiry()
        .ifPresentOrElse(
            at -> {
              Duration delay = Duration.between(Instant.now(), at);
              timers.startSingleTimer(
                  EXPIRY_TIMER, ExpiryDue.INSTANCE, delay.isNegative() ? Duration.ZERO : delay);
            },
            () -> timers.cancel(EXPIRY_TIMER));
  }

  @Override
  public EventHandler<SkuLedger, SkuEvent> eventHandler() {
    return (ledger, event) -> {
      snapshotPacing.recorded(event);
      if (appliedWhileDeciding.remove(event)) {
        return ledger;
      }
      // Pekko keeps the empty state it was given and starts every recovery from it, also after
      // a failed write restarts the entity; the ledger is mutable, so the empty one must never
      // be changed. The first event moves the state to a ledger of its own.
      SkuLedger target = ledger == pristine ? SkuLedger.empty(skuId.sku()) : ledger;
      target.apply(event);
      return target;
    };
  }

  @Override
  public SignalHandler<SkuLedger> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            ledger -> {
              // Left over from a write that failed before a restart: never to be matched again.
              appliedWhileDeciding.clear();
              scheduleExpiry(ledger);
            })
        .build();
  }

  @Override
  public Set<String> tagsFor(SkuEvent event) {
    return Set.of(tag);
  }

  // Limitation: snapshots are paced by SnapshotPacing, not by a retention criteria, so Pekko does
  // not delete the older ones; SnapshotPruner in the persistence module does, every few minutes.
  @Override
  public boolean shouldSnapshot(SkuLedger ledger, SkuEvent event, long sequenceNr) {
    return snapshotPacing.due(ledger.snapshotRecords());
  }

  @Override
  public SnapshotAdapter<SkuLedger> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(SkuLedger ledger) {
        return ledger.toSnapshot();
      }

      @Override
      public SkuLedger fromJournal(Object from) {
        return SkuLedger.fromSnapshot((SkuLedger.Snapshot) from, skuId.sku());
      }
    };
  }
}
