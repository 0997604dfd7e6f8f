package io.ecengine.engine.order;

import io.ecengine.engine.order.OrderEvent.AllocationFailed;
import io.ecengine.engine.order.OrderEvent.AllocationStarted;
import io.ecengine.engine.order.OrderEvent.AllocationSucceeded;
import io.ecengine.engine.order.OrderEvent.CancellationStarted;
import io.ecengine.engine.order.OrderEvent.HoldsFilled;
import io.ecengine.engine.order.OrderEvent.OrderCancelled;
import io.ecengine.engine.order.OrderEvent.OrderPlaced;
import io.ecengine.engine.order.OrderEvent.ReturnApplied;
import io.ecengine.engine.order.OrderEvent.ReturnLine;
import io.ecengine.engine.order.OrderEvent.ReturnRecorded;
import io.ecengine.engine.order.OrderEvent.ShipmentCommitted;
import io.ecengine.engine.order.OrderEvent.ShipmentRecorded;
import io.ecengine.engine.serialization.CborSerializable;
import io.ecengine.engine.sku.AdjustmentReason;
import io.ecengine.engine.sku.HoldKind;
import io.ecengine.engine.sku.SkuOutcome;
import io.ecengine.engine.sku.SkuOutcome.Done;
import io.ecengine.engine.sku.SkuOutcome.Rejected;
import io.ecengine.engine.sku.SkuRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
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
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One order as a persistent, sharded actor running a saga across SKU entities.
 *
 * <p>Allocation is all-or-nothing: every SKU of the order's demand is asked to hold its units under
 * a reservation id made of the order id and the attempt number. If any SKU cannot, the holds of
 * that attempt are released (compensation) before the failure is stored, and the order waits as
 * {@code AWAITING_STOCK} on the waitlists of the SKUs that were short. Each step is stored before
 * it runs and every SKU request is idempotent by its id, so a crash or rebalance in the middle
 * resumes the step on recovery: an unfinished attempt is released and a new one started, an
 * unfinished cancellation, shipment or return is driven to its end. Nothing is ever left
 * half-reserved.
 *
 * <p>While a step is in flight, requests that would start another step wait in the stash; reads are
 * answered at once.
 */
public final class OrderEntity
    extends EventSourcedBehavior<OrderEntity.Command, OrderEvent, Order> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "Order");

  /** Journal tags that split order events into slices, one projection instance per slice. */
  public static final List<String> TAGS =
      IntStream.range(0, 4).mapToObj(i -> "order-" + i).toList();

  /** Messages an order understands. */
  public sealed interface Command extends CborSerializable {}

  /**
   * Place the order (or find it again: the same channel order is the same order). {@code soldAt} is
   * when the marketplace sold it, by the marketplace's clock, for orders imported from one; null
   * when unknown.
   */
  public record Place(
      String channelId,
      String channelOrderId,
      List<OrderLine> lines,
      OrderDetails details,
      Instant shipBy,
      Instant soldAt,
      ActorRef<Reply> replyTo)
      implements Command {

    /** An order of the merchant's own API, whose sale time is not known. */
    public Place(
        String channelId,
        String channelOrderId,
        List<OrderLine> lines,
        OrderDetails details,
        Instant shipBy,
        ActorRef<Reply> replyTo) {
      this(channelId, channelOrderId, lines, details, shipBy, null, replyTo);
    }
  }

  /** Read the order. */
  public record Get(ActorRef<Reply> replyTo) implements Command {}

  /** Cancel and release every hold; idempotent; refused once anything shipped. */
  public record Cancel(ActorRef<Reply> replyTo) implements Command {}

  /** Record a shipment and commit its holds; {@code lines} null ships everything remaining. */
  public record Ship(
      String shipmentId,
      String carrier,
      String trackingNumber,
      Map<String, Long> lines,
      ActorRef<Reply> replyTo)
      implements Command {}

  /** Record returned units; sellable ones go back on hand. */
  public record ReturnUnits(String returnId, List<ReturnLine> lines, ActorRef<Reply> replyTo)
      implements Command {}

  /** Stock arrived on a SKU this order waits for: try again. Sent by the SKU's waitlist. */
  public record RetryAllocation(ActorRef<RetryResult> replyTo) implements Command {}

  /** An owed hold of this order on {@code sku} is now held from stock. */
  public record HoldFilled(String sku) implements Command {}

  /** What a retry achieved, so the waitlist knows whether to keep the order. */
  public enum RetryResult implements CborSerializable {
    ALLOCATED,
    STILL_WAITING,
    NOT_WAITING
  }

  /** The answer to a request about an order. */
  public sealed interface Reply extends CborSerializable {}

  /** The request took effect or had already; {@code created} for a newly placed order. */
  public record Accepted(OrderView order, boolean created) implements Reply {}

  /** The request changed nothing. */
  public record Refused(Refusal reason, String detail) implements Reply {}

  /** Why a request changed nothing. */
  public enum Refusal {
    NOT_FOUND,
    /** The same channel order was placed before with other lines. */
    LINES_DIFFER,
    /** The id was used before with a different request. */
    ID_REUSED,
    /** The request does not fit the order's state (cancel after shipping, over-shipping...). */
    NOT_ALLOWED
  }

  /** A saga step finished; {@code failure} set when a SKU could not be reached. */
  private record StepFinished(Step step, Object result, Throwable failure, int incarnation)
      implements Command {}

  /** Start or resume whatever step the stored state says is unfinished. */
  private enum Resume implements Command {
    INSTANCE
  }

  private enum Idle implements Command {
    INSTANCE
  }

  private enum Stop implements Command {
    INSTANCE
  }

  private enum Step {
    RESOLVE,
    RESERVE,
    COMPENSATE,
    CANCEL,
    SHIP,
    RETURN,
    CHECK_OWED
  }

  private static final Duration STEP_RETRY = Duration.ofSeconds(3);

  /** How long a step in flight may delay the hand-over of its order (see onStop). */
  private static final Duration STOP_GRACE = Duration.ofSeconds(1);

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final SkuCallAdapter skus;
  private final WaitlistEntity.Client waitlists;
  private final String tenantId;
  private final String orderId;
  private final String tag;
  private final ActorRef<ClusterSharding.ShardCommand> shard;

  /**
   * The state before the first event. Pekko keeps this one instance and recovers from it again
   * after a failed write (having already applied the unwritten event), so the event handler never
   * changes it: the first event goes to a fresh order.
   */
  private final Order empty = Order.empty();

  private final List<Waiter> waitingForStep = new ArrayList<>();
  private final List<ActorRef<RetryResult>> waitingForRetry = new ArrayList<>();
  private Step inFlight;

  /** Sharding asked this order to stop while a step ran; it stops once the step has settled. */
  private boolean stopping;

  /** Counts recoveries, so a step result from before a restart is recognised as stale. */
  private int incarnation;

  /** Short SKUs of the attempt being compensated, kept until its failure is stored. */
  private List<String> pendingShort;

  /** A caller waiting for the current step; {@code created} for the first placement. */
  private record Waiter(ActorRef<Reply> replyTo, boolean created) {}

  /** Registers the order entity type with cluster sharding on this node. */
  public static void init(ActorSystem<?> system, Duration askTimeout, Duration idleTimeout) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    TYPE_KEY,
                    entityContext ->
                        create(
                            entityContext.getEntityId(),
                            askTimeout,
                            idleTimeout,
                            entityContext.getShard()))
                .withStopMessage(Stop.INSTANCE)
                .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true)));
  }

  /** Entity id of an order: tenant and order id. */
  public static String entityId(String tenantId, String orderId) {
    return tenantId + "|" + orderId;
  }

  public static PersistenceId persistenceId(String entityId) {
    return PersistenceId.ofUniqueId(TYPE_KEY.name() + "|" + entityId);
  }

  static Behavior<Command> create(
      String entityId,
      Duration askTimeout,
      Duration idleTimeout,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  context.setReceiveTimeout(idleTimeout, Idle.INSTANCE);
                  return new OrderEntity(context, timers, entityId, askTimeout, shard);
                }));
  }

  private OrderEntity(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      String entityId,
      Duration askTimeout,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    super(
        persistenceId(entityId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    this.context = context;
    this.timers = timers;
    this.skus = new SkuCallAdapter(context.getSystem(), askTimeout);
    this.waitlists = new WaitlistEntity.Client(context.getSystem(), askTimeout);
    int split = entityId.indexOf('|');
    this.tenantId = entityId.substring(0, split);
    this.orderId = entityId.substring(split + 1);
    this.tag = TAGS.get(Math.floorMod(entityId.hashCode(), TAGS.size()));
    this.shard = shard;
  }

  @Override
  public Order emptyState() {
    return empty;
  }

  @Override
  public CommandHandler<Command, OrderEvent, Order> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Place.class, this::onPlace)
        .onCommand(Get.class, this::onGet)
        .onCommand(Cancel.class, this::onCancel)
        .onCommand(Ship.class, this::onShip)
        .onCommand(ReturnUnits.class, this::onReturn)
        .onCommand(RetryAllocation.class, this::onRetryAllocation)
        .onCommand(HoldFilled.class, this::onHoldFilled)
        .onCommand(StepFinished.class, this::onStepFinished)
        .onCommand(Resume.class, (order, resume) -> onResume(order))
        .onCommand(Idle.class, this::onIdle)
        .onCommand(Stop.class, this::onStop)
        .build();
  }

  // Requests ------------------------------------------------------------------------------------

  private Effect<OrderEvent, Order> onPlace(Order order, Place place) {
    if (order.exists()) {
      if (!order.sameLines(place.lines())) {
        place
            .replyTo()
            .tell(
                new Refused(
                    Refusal.LINES_DIFFER,
                    "This channel order was placed before with different lines."));
        return Effect().none();
      }
      if (order.status() == OrderStatus.ALLOCATING) {
        waitingForStep.add(new Waiter(place.replyTo(), false));
      } else {
        place.replyTo().tell(new Accepted(OrderView.of(order), false));
      }
      return Effect().none();
    }
    OrderPlaced placed =
        new OrderPlaced(
            orderId,
            place.channelId(),
            place.channelOrderId(),
            List.copyOf(place.lines()),
            place.details() == null ? OrderDetails.NONE : place.details(),
            place.shipBy(),
            Instant.now(),
            place.soldAt());
    waitingForStep.add(new Waiter(place.replyTo(), true));
    return Effect().persist(placed).thenRun(this::kick);
  }

  private Effect<OrderEvent, Order> onGet(Order order, Get get) {
    get.replyTo().tell(order.exists() ? new Accepted(OrderView.of(order), false) : notFound());
    return Effect().none();
  }

  private static Refused notFound() {
    return new Refused(Refusal.NOT_FOUND, "No such order.");
  }

  private Effect<OrderEvent, Order> onCancel(Order order, Cancel cancel) {
    if (!order.exists()) {
      cancel.replyTo().tell(notFound());
      return Effect().none();
    }
    if (inFlight != null) {
      return Effect().stash();
    }
    if (order.status() == OrderStatus.CANCELLED) {
      cancel.replyTo().tell(new Accepted(OrderView.of(order), false));
      return Effect().none();
    }
    Optional<String> refusal = order.cannotCancel();
    if (refusal.isPresent()) {
      cancel.replyTo().tell(new Refused(Refusal.NOT_ALLOWED, refusal.get()));
      return Effect().none();
    }
    waitingForStep.add(new Waiter(cancel.replyTo(), false));
    return Effect().persist(new CancellationStarted(Instant.now())).thenRun(this::kick);
  }

  private Effect<OrderEvent, Order> onShip(Order order, Ship ship) {
    if (!order.exists()) {
      ship.replyTo().tell(notFound());
      return Effect().none();
    }
    if (inFlight != null) {
      return Effect().stash();
    }
    Order.Shipment existing = order.shipments().get(ship.shipmentId());
    if (existing != null) {
      boolean same =
          ship.lines() == null
              || existing.lines().equals(ship.lines())
                  && java.util.Objects.equals(existing.trackingNumber(), ship.trackingNumber());
      ship.replyTo()
          .tell(
              same
                  ? new Accepted(OrderView.of(order), false)
                  : new Refused(Refusal.ID_REUSED, "This shipmentId was used for other lines."));
      return Effect().none();
    }
    Order.Result<Map<String, Long>> lines = order.shipmentLines(ship.lines());
    if (!lines.isOk()) {
      ship.replyTo().tell(new Refused(Refusal.NOT_ALLOWED, lines.error()));
      return Effect().none();
    }
    waitingForStep.add(new Waiter(ship.replyTo(), false));
    return Effect()
        .persist(
            new ShipmentRecorded(
                ship.shipmentId(),
                ship.carrier(),
                ship.trackingNumber(),
                Map.copyOf(lines.value()),
                Instant.now()))
        .thenRun(this::kick);
  }

  private Effect<OrderEvent, Order> onReturn(Order order, ReturnUnits request) {
    if (!order.exists()) {
      request.replyTo().tell(notFound());
      return Effect().none();
    }
    if (inFlight != null) {
      return Effect().stash();
    }
    Order.Return existing = order.returns().get(request.returnId());
    if (existing != null) {
      request
          .replyTo()
          .tell(
              existing.lines().equals(request.lines())
                  ? new Accepted(OrderView.of(order), false)
                  : new Refused(Refusal.ID_REUSED, "This returnId was used for other lines."));
      return Effect().none();
    }
    Optional<String> refusal = order.cannotReturn(request.lines());
    if (refusal.isPresent()) {
      request.replyTo().tell(new Refused(Refusal.NOT_ALLOWED, refusal.get()));
      return Effect().none();
    }
    waitingForStep.add(new Waiter(request.replyTo(), false));
    return Effect()
        .persist(
            new ReturnRecorded(request.returnId(), List.copyOf(request.lines()), Instant.now()))
        .thenRun(this::kick);
  }

  private Effect<OrderEvent, Order> onRetryAllocation(Order order, RetryAllocation retry) {
    if (inFlight != null) {
      return Effect().stash();
    }
    if (!order.exists() || order.cancelling()) {
      retry.replyTo().tell(RetryResult.NOT_WAITING);
      return Effect().none();
    }
    if (order.status() == OrderStatus.AWAITING_STOCK) {
      waitingForRetry.add(retry.replyTo());
      return startAttempt(order);
    }
    if (order.status() == OrderStatus.BACKORDERED || order.status() == OrderStatus.PREORDERED) {
      waitingForRetry.add(retry.replyTo());
      run(Step.CHECK_OWED, checkOwed(order));
      return Effect().none();
    }
    retry.replyTo().tell(RetryResult.NOT_WAITING);
    return Effect().none();
  }

  private Effect<OrderEvent, Order> onHoldFilled(Order order, HoldFilled filled) {
    HoldKind kind = order.holds().get(filled.sku());
    if (kind == null || kind == HoldKind.STOCK || order.cancelling()) {
      return Effect().none();
    }
    return Effect()
        .persist(
            new HoldsFilled(
                List.of(filled.sku()), order.statusIfFilled(List.of(filled.sku())), Instant.now()))
        .thenRun(this::afterOwedChange);
  }

  /**
   * Sharding stops the order to hand its shard to another node (or after passivation). A step in
   * flight gets {@link #STOP_GRACE} to finish, so that its callers and the requests stashed behind
   * it are answered here instead of waiting for the order to recover elsewhere and redo the step. A
   * step that takes longer (its SKUs may be moving too) is left to the node that takes over: the
   * second Stop, from the timer, stops the order whatever it is doing.
   */
  private Effect<OrderEvent, Order> onStop(Order order, Stop stop) {
    if (inFlight == null || stopping) {
      return Effect().stop();
    }
    stopping = true;
    timers.startSingleTimer(Stop.INSTANCE, STOP_GRACE);
    return Effect().none();
  }

  private Effect<OrderEvent, Order> onIdle(Order order, Idle idle) {
    if (shard != null && inFlight == null) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    }
    return Effect().none();
  }

  // The saga ------------------------------------------------------------------------------------

  /**
   * Starts the step the stored state calls for. When there is none, the order is settled: callers
   * get their answer, a waiting order (re)joins its waitlists, and stashed requests are replayed.
   */
  private Effect<OrderEvent, Order> onResume(Order order) {
    if (inFlight != null) {
      return Effect().none();
    }
    Effect<OrderEvent, Order> effect = resume(order);
    if (stopping && inFlight == null) {
      // Settled while a stop waited: stop after the stashed requests (unstashed first).
      context.getSelf().tell(Stop.INSTANCE);
    }
    return effect;
  }

  private Effect<OrderEvent, Order> resume(Order order) {
    if (!order.exists()) {
      return Effect().unstashAll();
    }
    if (order.cancelling()) {
      run(Step.CANCEL, releaseAll(order));
    } else if (order.status() == OrderStatus.CANCELLED) {
      answerStepWaiters(order);
      return Effect().unstashAll();
    } else if (order.attempt() == 0) {
      run(Step.RESOLVE, resolveComponents(order));
    } else if (order.attemptOpen()) {
      // An attempt was stored but its outcome was not: release whatever it holds, try anew.
      run(Step.COMPENSATE, releaseAll(order));
    } else if (unfinishedShipment(order).isPresent()) {
      run(Step.SHIP, commitShipment(order, unfinishedShipment(order).get()));
    } else if (unfinishedReturn(order).isPresent()) {
      run(Step.RETURN, applyReturn(order, unfinishedReturn(order).get()));
    } else {
      answerStepWaiters(order);
      joinWaitlists(order);
      return Effect().unstashAll();
    }
    return Effect().none();
  }

  /** Asks this entity to look for the next step, after the current effect is applied. */
  /**
   * After (re)covery. A failed write restarts the order from its journal while this object, and so
   * its fields, live on: callers waiting for a step that may not have been stored are forgotten
   * (their ask times out and they retry), and results of earlier steps are ignored.
   */
  private void recovered(Order order) {
    incarnation++;
    inFlight = null;
    pendingShort = null;
    waitingForStep.clear();
    waitingForRetry.clear();
    kick(order);
  }

  private void kick(Order order) {
    context.getSelf().tell(Resume.INSTANCE);
  }

  private void run(Step step, CompletionStage<?> work) {
    inFlight = step;
    int current = incarnation;
    context.pipeToSelf(work, (result, failure) -> new StepFinished(step, result, failure, current));
  }

  private Effect<OrderEvent, Order> startAttempt(Order order) {
    return Effect()
        .persist(
            new AllocationStarted(
                order.attempt() + 1, order.demand(), order.components(), Instant.now()))
        .thenRun(after -> run(Step.RESERVE, reserveAll(after)));
  }

  private Effect<OrderEvent, Order> onStepFinished(Order order, StepFinished finished) {
    if (finished.incarnation() != incarnation) {
      // A step started before a failed write restarted this order; the stored state decides
      // again what to do, so its late result is ignored.
      return Effect().none();
    }
    inFlight = null;
    if (finished.failure() != null) {
      // Every step is idempotent: after a pause the stored state says what to do again. A failed
      // reservation attempt stays open, so the retry releases it and starts a new attempt.
      context
          .getLog()
          .warn(
              "Order {} step {} could not reach a SKU, retrying: {}",
              orderId,
              finished.step(),
              finished.failure().toString());
      pendingShort = null;
      answerRetryWaiters(RetryResult.STILL_WAITING);
      if (stopping) {
        // Being handed over: the node that takes the order resumes it from the stored state.
        return Effect().stop();
      }
      timers.startSingleTimer(Resume.INSTANCE, STEP_RETRY);
      return Effect().none();
    }
    Instant now = Instant.now();
    switch (finished.step()) {
      case RESOLVE -> {
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Long>> components =
            (Map<String, Map<String, Long>>) finished.result();
        Map<String, Long> demand = Demand.perComponent(order.placed().lines(), components);
        return Effect()
            .persist(new AllocationStarted(1, demand, components, now))
            .thenRun(after -> run(Step.RESERVE, reserveAll(after)));
      }
      case RESERVE -> {
        @SuppressWarnings("unchecked")
        Map<String, SkuOutcome> outcomes = (Map<String, SkuOutcome>) finished.result();
        List<String> shortSkus = new ArrayList<>();
        Map<String, HoldKind> holds = new LinkedHashMap<>();
        outcomes.forEach(
            (sku, outcome) -> {
              if (outcome instanceof Done done && done.reservation() != null) {
                holds.put(sku, done.reservation().kind());
              } else {
                shortSkus.add(sku);
              }
            });
        if (shortSkus.isEmpty()) {
          return Effect()
              .persist(new AllocationSucceeded(order.attempt(), holds, now))
              .thenRun(after -> afterAllocation(after, true));
        }
        pendingShort = List.copyOf(shortSkus);
        run(Step.COMPENSATE, releaseAll(order));
        return Effect().none();
      }
      case COMPENSATE -> {
        if (pendingShort == null) {
          // Resumed after a crash mid-attempt: the old attempt is released, start a new one.
          return startAttempt(order);
        }
        List<String> shortSkus = pendingShort == null ? order.shortSkus() : pendingShort;
        pendingShort = null;
        return Effect()
            .persist(new AllocationFailed(order.attempt(), shortSkus, now))
            .thenRun(after -> afterAllocation(after, false));
      }
      case CANCEL -> {
        return Effect()
            .persist(new OrderCancelled(now))
            .thenRun(
                after -> {
                  waitlists.leaveAll(tenantId, orderId, after.demand().keySet());
                  kick(after);
                });
      }
      case SHIP -> {
        String shipmentId = (String) finished.result();
        return Effect()
            .persist(new ShipmentCommitted(shipmentId, order.statusIfCommitted(shipmentId), now))
            .thenRun(this::kick);
      }
      case RETURN -> {
        String returnId = (String) finished.result();
        return Effect().persist(new ReturnApplied(returnId, now)).thenRun(this::kick);
      }
      case CHECK_OWED -> {
        @SuppressWarnings("unchecked")
        List<String> filled = (List<String>) finished.result();
        if (filled.isEmpty()) {
          answerRetryWaiters(RetryResult.STILL_WAITING);
          return onResume(order);
        }
        return Effect()
            .persist(new HoldsFilled(filled, order.statusIfFilled(filled), now))
            .thenRun(
                after -> {
                  afterOwedChange(after);
                  kick(after);
                });
      }
    }
    return Effect().none();
  }

  private void afterAllocation(Order order, boolean allocated) {
    if (allocated) {
      waitlists.leaveAll(tenantId, orderId, order.demand().keySet());
      if (order.status() != OrderStatus.ALLOCATED) {
        joinWaitlists(order);
      }
      answerRetryWaiters(
          order.status() == OrderStatus.ALLOCATED
              ? RetryResult.ALLOCATED
              : RetryResult.STILL_WAITING);
    } else {
      joinWaitlists(order);
      answerRetryWaiters(RetryResult.STILL_WAITING);
    }
    kick(order);
  }

  private void afterOwedChange(Order order) {
    if (order.status() == OrderStatus.ALLOCATED) {
      waitlists.leaveAll(tenantId, orderId, order.demand().keySet());
      answerRetryWaiters(RetryResult.ALLOCATED);
    } else {
      answerRetryWaiters(RetryResult.STILL_WAITING);
    }
  }

  private void answerStepWaiters(Order order) {
    OrderView view = OrderView.of(order);
    waitingForStep.forEach(w -> w.replyTo().tell(new Accepted(view, w.created())));
    waitingForStep.clear();
  }

  private void answerRetryWaiters(RetryResult result) {
    waitingForRetry.forEach(replyTo -> replyTo.tell(result));
    waitingForRetry.clear();
  }

  private void joinWaitlists(Order order) {
    if (order.status() == OrderStatus.AWAITING_STOCK) {
      waitlists.joinAll(tenantId, orderId, order.shortSkus());
    } else if (order.status() == OrderStatus.BACKORDERED
        || order.status() == OrderStatus.PREORDERED) {
      List<String> owed =
          order.holds().entrySet().stream()
              .filter(e -> e.getValue() != HoldKind.STOCK)
              .map(Map.Entry::getKey)
              .toList();
      waitlists.joinAll(tenantId, orderId, owed);
    }
  }

  private static Optional<Order.Shipment> unfinishedShipment(Order order) {
    return order.shipments().values().stream().filter(s -> !s.committed()).findFirst();
  }

  private static Optional<Order.Return> unfinishedReturn(Order order) {
    return order.returns().values().stream().filter(r -> !r.applied()).findFirst();
  }

  // What each step sends to the SKUs ------------------------------------------------------------

  private CompletionStage<Map<String, Map<String, Long>>> resolveComponents(Order order) {
    List<String> lineSkus = List.copyOf(order.ordered().keySet());
    return skus.getAll(tenantId, lineSkus)
        .thenApply(
            outcomes -> {
              Map<String, Map<String, Long>> components = new LinkedHashMap<>();
              outcomes.forEach(
                  (sku, outcome) -> {
                    Map<String, Long> parts = new LinkedHashMap<>();
                    if (outcome instanceof Done done) {
                      done.levels().components().forEach(c -> parts.put(c.sku(), c.quantity()));
                    }
                    components.put(sku, parts.isEmpty() ? Map.of(sku, 1L) : parts);
                  });
              return components;
            });
  }

  private CompletionStage<Map<String, SkuOutcome>> reserveAll(Order order) {
    String reservationId = order.currentReservationId();
    String channelId = order.placed().channelId();
    Map<String, SkuRequest> requests = new LinkedHashMap<>();
    order
        .demand()
        .forEach(
            (sku, units) ->
                requests.put(
                    sku,
                    new SkuRequest.Reserve(
                        reservationId,
                        units,
                        channelId,
                        null,
                        listedUnits(order, sku, units),
                        order.placed().soldAt())));
    return skus.submitAll(tenantId, requests);
  }

  /**
   * The units of a SKU's demand that the order's lines name directly, not through a bundle: the
   * marketplace counted those down on the SKU's own listing when it sold them.
   */
  private static long listedUnits(Order order, String sku, long units) {
    return Math.min(units, order.ordered().getOrDefault(sku, 0L));
  }

  /** Releases the current attempt's hold on every SKU; a SKU without one is already released. */
  private CompletionStage<Map<String, SkuOutcome>> releaseAll(Order order) {
    Map<String, SkuRequest> requests = new LinkedHashMap<>();
    order
        .demand()
        .keySet()
        .forEach(sku -> requests.put(sku, new SkuRequest.Release(order.currentReservationId())));
    return skus.submitAll(tenantId, requests);
  }

  private CompletionStage<String> commitShipment(Order order, Order.Shipment shipment) {
    Map<String, SkuRequest> requests = new LinkedHashMap<>();
    order
        .toComponents(shipment.lines())
        .forEach(
            (sku, units) ->
                requests.put(
                    sku,
                    new SkuRequest.Commit(
                        order.currentReservationId(),
                        units,
                        // Shipment ids are the caller's; on a SKU they must not meet another
                        // order's shipment of the same id (one parcel for two orders).
                        "ship:" + orderId + ":" + shipment.shipmentId())));
    return skus.submitAll(tenantId, requests)
        .thenApply(outcomes -> requireDone(outcomes, "commit shipment " + shipment.shipmentId()))
        .thenApply(done -> shipment.shipmentId());
  }

  private CompletionStage<String> applyReturn(Order order, Order.Return returned) {
    Map<String, Long> sellable = new LinkedHashMap<>();
    returned.lines().stream()
        .filter(l -> l.condition() == ReturnCondition.SELLABLE)
        .forEach(l -> sellable.merge(l.sku(), l.quantity(), Long::sum));
    Map<String, SkuRequest> requests = new LinkedHashMap<>();
    order
        .toComponents(sellable)
        .forEach(
            (sku, units) ->
                requests.put(
                    sku,
                    new SkuRequest.Adjust(
                        "return:" + orderId + ":" + returned.returnId(),
                        units,
                        AdjustmentReason.RETURN)));
    return skus.submitAll(tenantId, requests)
        .thenApply(outcomes -> requireDone(outcomes, "return " + returned.returnId()))
        .thenApply(done -> returned.returnId());
  }

  /** Asks the SKUs with owed holds again; the answer says which are now held from stock. */
  private CompletionStage<List<String>> checkOwed(Order order) {
    Map<String, SkuRequest> requests = new LinkedHashMap<>();
    order
        .holds()
        .forEach(
            (sku, kind) -> {
              if (kind != HoldKind.STOCK) {
                requests.put(
                    sku,
                    new SkuRequest.Reserve(
                        order.currentReservationId(),
                        order.demand().get(sku),
                        order.placed().channelId(),
                        null,
                        listedUnits(order, sku, order.demand().get(sku)),
                        order.placed().soldAt()));
              }
            });
    return skus.submitAll(tenantId, requests)
        .thenApply(
            outcomes ->
                outcomes.entrySet().stream()
                    .filter(
                        e ->
                            e.getValue() instanceof Done done
                                && done.reservation() != null
                                && done.reservation().kind() == HoldKind.STOCK)
                    .map(Map.Entry::getKey)
                    .toList());
  }

  private static Map<String, SkuOutcome> requireDone(
      Map<String, SkuOutcome> outcomes, String what) {
    outcomes.forEach(
        (sku, outcome) -> {
          if (outcome instanceof Rejected rejected) {
            // Limitation: a SKU that refuses a commit or a return (for example because it was
            // redefined as a bundle) stops the step; it is retried until an operator fixes it.
            throw new IllegalStateException(
                "SKU " + sku + " refused to " + what + ": " + rejected.reason());
          }
        });
    return outcomes;
  }

  // Plumbing ------------------------------------------------------------------------------------

  @Override
  public EventHandler<Order, OrderEvent> eventHandler() {
    return (order, event) -> {
      Order next = order == empty ? Order.empty() : order;
      next.apply(event);
      return next;
    };
  }

  @Override
  public SignalHandler<Order> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::recovered)
        .build();
  }

  @Override
  public Set<String> tagsFor(OrderEvent event) {
    return Set.of(tag);
  }
}
