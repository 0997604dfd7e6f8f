package io.ecengine.engine.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ecengine.engine.order.OrderEntity.Accepted;
import io.ecengine.engine.order.OrderEntity.Reply;
import io.ecengine.engine.order.OrderEvent.ReturnLine;
import io.ecengine.engine.sku.AdjustmentReason;
import io.ecengine.engine.sku.Component;
import io.ecengine.engine.sku.Levels;
import io.ecengine.engine.sku.SkuEntity;
import io.ecengine.engine.sku.SkuId;
import io.ecengine.engine.sku.SkuOutcome;
import io.ecengine.engine.sku.SkuOutcome.Done;
import io.ecengine.engine.sku.SkuRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.ProcessingSuccess$;
import org.apache.pekko.persistence.testkit.StorageFailure;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;

/**
 * A single-node cluster running SKUs, orders and waitlists as in production, on the in-memory
 * journal and snapshot store, which serialize everything they store. Messages between actors are
 * serialized too, so a protocol message that cannot cross the network fails the test.
 */
final class SagaNode {

  static final String CHANNEL = "rakuten-main";

  /** How long a reply may take: long enough for a SKU ask to time out and be retried. */
  static final Duration REPLY_TIMEOUT = Duration.ofSeconds(20);

  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(2);

  private static final Config CLUSTER =
      ConfigFactory.parseString(
          """
          pekko.actor.provider = cluster
          pekko.remote.artery.canonical.hostname = "127.0.0.1"
          pekko.remote.artery.canonical.port = 0
          pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
          pekko.cluster.sharding.remember-entities-store = eventsourced
          pekko.actor.serialize-messages = on
          pekko.persistence.testkit.events.serialize = on
          pekko.persistence.testkit.snapshots.serialize = on
          # Handing shards off while sagas still retry can take longer than the default 10 s.
          pekko.actor.testkit.typed.system-shutdown-default = 30 s
          """);

  final ActorTestKit kit;
  final PersistenceTestKit journal;
  private final ClusterSharding sharding;

  private SagaNode(ActorTestKit kit) {
    this.kit = kit;
    this.journal = PersistenceTestKit.create(kit.system());
    this.sharding = ClusterSharding.get(kit.system());
  }

  /** Starts the node, joins it to itself and registers the three entity types. */
  static SagaNode start(String name) {
    ActorTestKit kit =
        ActorTestKit.create(
            name,
            CLUSTER
                .withFallback(ConfigFactory.parseResources("engine-test.conf"))
                .withFallback(PersistenceTestKitPlugin.config())
                .withFallback(PersistenceTestKitSnapshotPlugin.config()));
    Cluster cluster = Cluster.get(kit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> cluster.selfMember().status() == MemberStatus.up());

    SkuEntity.init(
        kit.system(),
        new SkuEntity.Settings(1_000, 1_000, 50, Duration.ofMinutes(5)),
        new StockToOrdersAdapter(
            kit.system(), new WaitlistEntity.Client(kit.system(), ASK_TIMEOUT)));
    OrderEntity.init(kit.system(), ASK_TIMEOUT, Duration.ofMinutes(5));
    WaitlistEntity.init(kit.system(), ASK_TIMEOUT);
    return new SagaNode(kit);
  }

  void stop() {
    kit.shutdownTestKit();
  }

  // SKUs -----------------------------------------------------------------------------------------

  SkuOutcome submit(String tenant, String sku, SkuRequest request) {
    TestProbe<SkuOutcome> probe = kit.createTestProbe();
    skuRef(tenant, sku).tell(new SkuEntity.Submit(request, probe.ref()));
    return probe.receiveMessage(REPLY_TIMEOUT);
  }

  /** Defines an ordinary SKU and receives {@code onHand} units into it. */
  void define(String tenant, String sku, long onHand) {
    assertThat(submit(tenant, sku, new SkuRequest.Define(sku))).isInstanceOf(Done.class);
    if (onHand > 0) {
      receive(tenant, sku, onHand, "initial-" + sku);
    }
  }

  void defineBundle(String tenant, String bundle, Component... components) {
    assertThat(submit(tenant, bundle, new SkuRequest.Define(bundle, List.of(components))))
        .isInstanceOf(Done.class);
  }

  /** Goods arrived: on hand goes up, which wakes the orders waiting for this SKU. */
  void receive(String tenant, String sku, long units, String adjustmentId) {
    assertThat(
            submit(
                tenant, sku, new SkuRequest.Adjust(adjustmentId, units, AdjustmentReason.RECEIPT)))
        .isInstanceOf(Done.class);
  }

  Levels levels(String tenant, String sku) {
    TestProbe<SkuOutcome> probe = kit.createTestProbe();
    skuRef(tenant, sku).tell(new SkuEntity.Get(probe.ref()));
    SkuOutcome outcome = probe.receiveMessage(REPLY_TIMEOUT);
    assertThat(outcome).as("levels of %s", sku).isInstanceOf(Done.class);
    return ((Done) outcome).levels();
  }

  private EntityRef<SkuEntity.Command> skuRef(String tenant, String sku) {
    return sharding.entityRefFor(SkuEntity.TYPE_KEY, new SkuId(tenant, sku).entityId());
  }

  static String skuPersistenceId(String tenant, String sku) {
    return SkuEntity.persistenceId(new SkuId(tenant, sku).entityId()).id();
  }

  // Orders ---------------------------------------------------------------------------------------

  static String orderId(String channelOrderId) {
    return OrderIds.of(CHANNEL, channelOrderId);
  }

  static List<OrderLine> lines(Object... skuAndQuantity) {
    OrderLine[] lines = new OrderLine[skuAndQuantity.length / 2];
    for (int i = 0; i < lines.length; i++) {
      lines[i] = new OrderLine((String) skuAndQuantity[2 * i], (Integer) skuAndQuantity[2 * i + 1]);
    }
    return List.of(lines);
  }

  EntityRef<OrderEntity.Command> orderRef(String tenant, String orderId) {
    return sharding.entityRefFor(OrderEntity.TYPE_KEY, OrderEntity.entityId(tenant, orderId));
  }

  static String orderPersistenceId(String tenant, String orderId) {
    return OrderEntity.persistenceId(OrderEntity.entityId(tenant, orderId)).id();
  }

  /** Sends a request to an order and returns the probe its answer will arrive on. */
  TestProbe<Reply> send(
      String tenant, String orderId, Function<ActorRef<Reply>, OrderEntity.Command> request) {
    TestProbe<Reply> probe = kit.createTestProbe();
    orderRef(tenant, orderId).tell(request.apply(probe.ref()));
    return probe;
  }

  Reply ask(String tenant, String orderId, Function<ActorRef<Reply>, OrderEntity.Command> request) {
    return send(tenant, orderId, request).receiveMessage(REPLY_TIMEOUT);
  }

  TestProbe<Reply> placeAsync(String tenant, String channelOrderId, List<OrderLine> lines) {
    return send(
        tenant,
        orderId(channelOrderId),
        replyTo -> new OrderEntity.Place(CHANNEL, channelOrderId, lines, null, null, replyTo));
  }

  /** Places an order and returns it once its allocation has settled. */
  OrderView place(String tenant, String channelOrderId, List<OrderLine> lines) {
    return accepted(placeAsync(tenant, channelOrderId, lines).receiveMessage(REPLY_TIMEOUT));
  }

  OrderView get(String tenant, String orderId) {
    return accepted(ask(tenant, orderId, OrderEntity.Get::new));
  }

  Reply cancel(String tenant, String orderId) {
    return ask(tenant, orderId, OrderEntity.Cancel::new);
  }

  Reply ship(String tenant, String orderId, String shipmentId, Map<String, Long> lines) {
    return ask(
        tenant,
        orderId,
        replyTo -> new OrderEntity.Ship(shipmentId, "yamato", "T-" + shipmentId, lines, replyTo));
  }

  Reply returnUnits(String tenant, String orderId, String returnId, ReturnLine... lines) {
    return ask(
        tenant, orderId, replyTo -> new OrderEntity.ReturnUnits(returnId, List.of(lines), replyTo));
  }

  OrderView awaitStatus(String tenant, String orderId, OrderStatus status) {
    await()
        .atMost(REPLY_TIMEOUT)
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> assertThat(get(tenant, orderId).status()).isEqualTo(status));
    return get(tenant, orderId);
  }

  static OrderView accepted(Reply reply) {
    assertThat(reply).isInstanceOf(Accepted.class);
    return ((Accepted) reply).order();
  }

  // Crashes --------------------------------------------------------------------------------------

  /**
   * Fails the first journal write of {@code persistenceId} that holds an event of this type, as a
   * broken database connection would: the write is not stored and the entity restarts from its
   * journal. The flag says whether the failure was injected.
   */
  AtomicBoolean failFirstWrite(String persistenceId, Class<?> eventType) {
    AtomicBoolean injected = new AtomicBoolean();
    journal.withPolicy(
        (pid, operation) -> {
          if (pid.equals(persistenceId)
              && operation instanceof WriteEvents write
              && write.getBatch().stream().anyMatch(eventType::isInstance)
              && injected.compareAndSet(false, true)) {
            return StorageFailure.create(
                new IllegalStateException("Injected failure writing " + eventType.getSimpleName()));
          }
          return ProcessingSuccess$.MODULE$;
        });
    return injected;
  }

  <T> List<T> persisted(String persistenceId, Class<T> eventType) {
    return journal.persistedInStorage(persistenceId).stream()
        .filter(eventType::isInstance)
        .map(eventType::cast)
        .toList();
  }
}
