package io.ecengine.engine.order;

import io.ecengine.engine.serialization.CborSerializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * The orders waiting for stock of one SKU, in the order they started waiting. When the SKU's
 * available rises, the waitlist offers the stock to each waiting order in turn (FIFO): each order
 * retries its whole allocation and the waitlist forgets the orders that no longer wait.
 *
 * <p>Stock notifications are fire-and-forget and can be lost in a crash, so a non-empty waitlist
 * also retries on a timer. It is a remembered entity: after a crash it restarts by itself.
 */
public final class WaitlistEntity
    extends EventSourcedBehavior<
        WaitlistEntity.Command, WaitlistEntity.Event, WaitlistEntity.State> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "Waitlist");

  /** Messages a waitlist understands. */
  public sealed interface Command extends CborSerializable {}

  /** Add an order (idempotent); acknowledged once stored. */
  public record Join(String orderId, ActorRef<StatusReply<Ack>> replyTo) implements Command {}

  /** Remove an order (idempotent). */
  public record Leave(String orderId) implements Command {}

  /** The SKU's available rose: offer it to the waiting orders. */
  public enum StockRose implements Command {
    INSTANCE
  }

  /** Acknowledgement of a join. */
  public enum Ack implements CborSerializable {
    INSTANCE
  }

  private record Offered(String orderId, OrderEntity.RetryResult result) implements Command {}

  private enum Idle implements Command {
    INSTANCE
  }

  /** What happened to a waitlist. */
  public sealed interface Event extends CborSerializable {}

  /** An order started waiting. */
  public record OrderJoined(String orderId) implements Event {}

  /** An order stopped waiting (allocated, cancelled, or gone). */
  public record OrderLeft(String orderId) implements Event {}

  /** The waiting orders in arrival order. */
  public record State(List<String> orders) implements CborSerializable {
    State with(Event event) {
      LinkedHashSet<String> next = new LinkedHashSet<>(orders);
      if (event instanceof OrderJoined joined) {
        next.add(joined.orderId());
      } else if (event instanceof OrderLeft left) {
        next.remove(left.orderId());
      }
      return new State(List.copyOf(next));
    }
  }

  private static final Duration RETRY_EVERY = Duration.ofSeconds(30);

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final String tenantId;
  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final ActorRef<ClusterSharding.ShardCommand> shard;

  /** Orders still to be offered in the current round; null when no round is running. */
  private List<String> round;

  private boolean offerAgain;

  public static void init(ActorSystem<?> system, Duration askTimeout) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    TYPE_KEY,
                    entityContext ->
                        Behaviors.<Command>setup(
                            context ->
                                Behaviors.withTimers(
                                    timers -> {
                                      context.setReceiveTimeout(
                                          Duration.ofMinutes(2), Idle.INSTANCE);
                                      return new WaitlistEntity(
                                          context,
                                          timers,
                                          entityContext.getEntityId(),
                                          askTimeout,
                                          entityContext.getShard());
                                    })))
                .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true)));
  }

  private WaitlistEntity(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      String entityId,
      Duration askTimeout,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    super(
        PersistenceId.ofUniqueId(TYPE_KEY.name() + "|" + entityId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    this.context = context;
    this.timers = timers;
    this.tenantId = entityId.substring(0, entityId.indexOf('|'));
    this.sharding = ClusterSharding.get(context.getSystem());
    this.askTimeout = askTimeout;
    this.shard = shard;
  }

  @Override
  public State emptyState() {
    return new State(List.of());
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Join.class, this::onJoin)
        .onCommand(Leave.class, this::onLeave)
        .onCommand(StockRose.class, this::onStockRose)
        .onCommand(Offered.class, this::onOffered)
        .onCommand(Idle.class, this::onIdle)
        .build();
  }

  private Effect<Event, State> onJoin(State state, Join join) {
    if (state.orders().contains(join.orderId())) {
      join.replyTo().tell(StatusReply.success(Ack.INSTANCE));
      return Effect().none();
    }
    return Effect()
        .persist(new OrderJoined(join.orderId()))
        .thenRun(
            after -> {
              join.replyTo().tell(StatusReply.success(Ack.INSTANCE));
              timers.startTimerWithFixedDelay(StockRose.INSTANCE, RETRY_EVERY);
            });
  }

  private Effect<Event, State> onLeave(State state, Leave leave) {
    if (!state.orders().contains(leave.orderId())) {
      return Effect().none();
    }
    return Effect().persist(new OrderLeft(leave.orderId())).thenRun(this::stopTimerWhenEmpty);
  }

  private Effect<Event, State> onStockRose(State state, StockRose rose) {
    if (round != null) {
      offerAgain = true;
      return Effect().none();
    }
    round = new ArrayList<>(state.orders());
    offerNext();
    return Effect().none();
  }

  /** Offers the stock to the next order of the round; orders are asked one at a time (FIFO). */
  private void offerNext() {
    if (round.isEmpty()) {
      round = null;
      if (offerAgain) {
        offerAgain = false;
        context.getSelf().tell(StockRose.INSTANCE);
      }
      return;
    }
    String orderId = round.remove(0);
    context.ask(
        OrderEntity.RetryResult.class,
        sharding.entityRefFor(OrderEntity.TYPE_KEY, OrderEntity.entityId(tenantId, orderId)),
        askTimeout.multipliedBy(3),
        OrderEntity.RetryAllocation::new,
        (result, failure) ->
            new Offered(orderId, failure == null ? result : OrderEntity.RetryResult.STILL_WAITING));
  }

  private Effect<Event, State> onOffered(State state, Offered offered) {
    if (offered.result() == OrderEntity.RetryResult.STILL_WAITING
        || !state.orders().contains(offered.orderId())) {
      offerNext();
      return Effect().none();
    }
    return Effect()
        .persist(new OrderLeft(offered.orderId()))
        .thenRun(
            after -> {
              stopTimerWhenEmpty(after);
              offerNext();
            });
  }

  private void stopTimerWhenEmpty(State state) {
    if (state.orders().isEmpty()) {
      timers.cancel(StockRose.INSTANCE);
    }
  }

  private Effect<Event, State> onIdle(State state, Idle idle) {
    if (state.orders().isEmpty() && round == null) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    }
    return Effect().none();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return (state, event) -> state.with(event);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              if (!state.orders().isEmpty()) {
                timers.startTimerWithFixedDelay(StockRose.INSTANCE, RETRY_EVERY);
              }
            })
        .build();
  }

  /** How orders and SKUs reach waitlists. */
  public static final class Client {
    private final ActorSystem<?> system;
    private final ClusterSharding sharding;
    private final Duration askTimeout;

    public Client(ActorSystem<?> system, Duration askTimeout) {
      this.system = system;
      this.sharding = ClusterSharding.get(system);
      this.askTimeout = askTimeout;
    }

    private org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<Command> of(
        String tenantId, String sku) {
      return sharding.entityRefFor(TYPE_KEY, tenantId + "|" + sku);
    }

    /** Joins every waitlist, retrying until each one stored the order. */
    void joinAll(String tenantId, String orderId, Collection<String> skus) {
      for (String sku : skus) {
        org.apache.pekko.pattern.Patterns.retry(
            () ->
                of(tenantId, sku)
                    .<Ack>askWithStatus(replyTo -> new Join(orderId, replyTo), askTimeout),
            10,
            Duration.ofMillis(200),
            Duration.ofSeconds(10),
            0.2,
            system.classicSystem());
      }
    }

    // Limitation: leaving is fire-and-forget; a lost Leave only costs one extra retry offer,
    // which the order answers NOT_WAITING, after which the waitlist forgets it.
    void leaveAll(String tenantId, String orderId, Set<String> skus) {
      skus.forEach(sku -> of(tenantId, sku).tell(new Leave(orderId)));
    }

    public void stockRose(String tenantId, String sku) {
      of(tenantId, sku).tell(StockRose.INSTANCE);
    }
  }
}
