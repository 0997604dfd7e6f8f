package io.ecengine.engine.sku;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ecengine.engine.sku.SkuEntity.Command;
import io.ecengine.engine.sku.SkuEntity.Get;
import io.ecengine.engine.sku.SkuEntity.Settings;
import io.ecengine.engine.sku.SkuEntity.Submit;
import io.ecengine.engine.sku.SkuEvent.HoldsFilled;
import io.ecengine.engine.sku.SkuEvent.IncomingReceived;
import io.ecengine.engine.sku.SkuEvent.ReservationCommitted;
import io.ecengine.engine.sku.SkuEvent.ReservationExpired;
import io.ecengine.engine.sku.SkuEvent.ReservationReleased;
import io.ecengine.engine.sku.SkuEvent.ReservationsPlaced;
import io.ecengine.engine.sku.SkuEvent.SkuDefined;
import io.ecengine.engine.sku.SkuEvent.StockAdjusted;
import io.ecengine.engine.sku.SkuOutcome.Done;
import io.ecengine.engine.sku.SkuOutcome.Rejected;
import io.ecengine.engine.sku.SkuOutcome.Rejection;
import io.ecengine.engine.sku.SkuRequest.AddIncoming;
import io.ecengine.engine.sku.SkuRequest.Adjust;
import io.ecengine.engine.sku.SkuRequest.Commit;
import io.ecengine.engine.sku.SkuRequest.Define;
import io.ecengine.engine.sku.SkuRequest.ReceiveIncoming;
import io.ecengine.engine.sku.SkuRequest.Release;
import io.ecengine.engine.sku.SkuRequest.Reserve;
import io.ecengine.engine.sku.SkuRequest.SetPolicy;
import io.ecengine.engine.sku.SkuRequest.SetSafetyStock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.ProcessingResult;
import org.apache.pekko.persistence.testkit.ProcessingSuccess$;
import org.apache.pekko.persistence.testkit.SnapshotMeta;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.testkit.javadsl.SnapshotTestKit;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SkuEntityTest {

  private static final Config ENGINE_TEST_CONFIG = ConfigFactory.parseResources("engine-test.conf");

  /** For EventSourcedBehaviorTestKit, which checks serialization itself on every command. */
  private static final ActorTestKit unitKit =
      ActorTestKit.create(
          "SkuEntityTest", ENGINE_TEST_CONFIG.withFallback(EventSourcedBehaviorTestKit.config()));

  /** A running system whose in-memory journal and snapshot store really serialize everything. */
  private static final ActorTestKit liveKit =
      ActorTestKit.create(
          "SkuEntityLiveTest",
          ENGINE_TEST_CONFIG
              .withFallback(PersistenceTestKitPlugin.config())
              .withFallback(PersistenceTestKitSnapshotPlugin.config()));

  private static final PersistenceTestKit liveJournal = PersistenceTestKit.create(liveKit.system());

  // SkuLedger is the mutable in-memory state and is never serialized as such: the snapshot adapter
  // stores SkuLedger.Snapshot, whose round trip is checked separately below.
  private static final EventSourcedBehaviorTestKit.SerializationSettings
      VERIFY_COMMANDS_AND_EVENTS =
          EventSourcedBehaviorTestKit.enabledSerializationSettings()
              .withVerifyEquality(true)
              .withVerifyState(false);

  private static final Settings SETTINGS = new Settings(1_000, 1_000, 1_000, Duration.ofMinutes(5));

  @AfterAll
  static void shutdown() {
    unitKit.shutdownTestKit();
    liveKit.shutdownTestKit();
  }

  @AfterEach
  void resetJournalPolicy() {
    liveJournal.resetPolicy();
  }

  private static EventSourcedBehaviorTestKit<Command, SkuEvent, SkuLedger> unitTestKit(
      String entityId, Settings settings) {
    return EventSourcedBehaviorTestKit.create(
        unitKit.system(), SkuEntity.create(entityId, settings), VERIFY_COMMANDS_AND_EVENTS);
  }

  private static EventSourcedBehaviorTestKit.CommandResultWithReply<
          Command, SkuEvent, SkuLedger, SkuOutcome>
      submit(EventSourcedBehaviorTestKit<Command, SkuEvent, SkuLedger> kit, SkuRequest request) {
    return kit.runCommand(replyTo -> new Submit(request, replyTo));
  }

  private static Reserve reserve(String id, long quantity) {
    return new Reserve(id, quantity, "shop-a", null);
  }

  // EventSourcedBehaviorTestKit: one command at a time, serialization of messages verified.

  @Test
  void persistsEachChangeAndRepliesOnceItIsDurable() {
    var kit = unitTestKit("acme|persists", SETTINGS);

    var defined = submit(kit, new Define("Blue mug"));
    assertThat(defined.event()).isInstanceOf(SkuDefined.class);
    assertThat(defined.replyOfType(Done.class).created()).isTrue();

    var adjusted = submit(kit, new Adjust("a-1", 10, AdjustmentReason.RECEIPT));
    assertThat(adjusted.eventOfType(StockAdjusted.class).delta()).isEqualTo(10);

    var reserved = submit(kit, new Reserve("r-1", 4, "shop-a", 600L));
    assertThat(reserved.eventOfType(ReservationsPlaced.class).reservations())
        .containsExactly(reserved.replyOfType(Done.class).reservation());
    assertThat(reserved.replyOfType(Done.class).levels())
        .isEqualTo(new Levels("Blue mug", 10, 4, 0, 6));

    var released = submit(kit, new Release("r-1"));
    assertThat(released.eventOfType(ReservationReleased.class).quantity()).isEqualTo(4);
    assertThat(released.state().levels()).isEqualTo(new Levels("Blue mug", 10, 0, 0, 10));

    var get = kit.<SkuOutcome>runCommand(Get::new);
    assertThat(get.hasNoEvents()).isTrue();
    assertThat(get.replyOfType(Done.class).levels()).isEqualTo(released.state().levels());
  }

  @Test
  void rejectedRequestPersistsNothing() {
    var kit = unitTestKit("acme|rejects", SETTINGS);
    var notFound = submit(kit, reserve("r-1", 1));
    assertThat(notFound.hasNoEvents()).isTrue();
    assertThat(notFound.replyOfType(Rejected.class).reason()).isEqualTo(Rejection.SKU_NOT_FOUND);
    assertThat(kit.<SkuOutcome>runCommand(Get::new).replyOfType(Rejected.class).reason())
        .isEqualTo(Rejection.SKU_NOT_FOUND);
    submit(kit, new Define("Blue mug"));
    submit(kit, new Adjust("a-1", 3, AdjustmentReason.RECEIPT));

    var tooMuch = submit(kit, reserve("r-1", 4));

    assertThat(tooMuch.hasNoEvents()).isTrue();
    Rejected rejected = tooMuch.replyOfType(Rejected.class);
    assertThat(rejected.reason()).isEqualTo(Rejection.INSUFFICIENT_STOCK);
    assertThat(rejected.levels().available()).isEqualTo(3);
    assertThat(tooMuch.state().reserved()).isZero();
  }

  @Test
  void restartRecoversLevelsActiveReservationsAndIdempotencyFromTheJournal() {
    var kit = unitTestKit("acme|restarts", SETTINGS);
    submit(kit, new Define("Blue mug"));
    submit(kit, new Adjust("a-1", 10, AdjustmentReason.RECEIPT));
    submit(kit, new SetSafetyStock(1));
    Reservation held = submit(kit, reserve("r-1", 3)).replyOfType(Done.class).reservation();
    submit(kit, reserve("r-2", 2));
    submit(kit, new Commit("r-2"));
    Levels before = kit.getState().levels();

    SkuLedger recovered = kit.restart().state();

    assertThat(recovered.levels()).isEqualTo(before);
    assertThat(recovered.levels()).isEqualTo(new Levels("Blue mug", 8, 3, 1, 4));
    assertThat(recovered.activeReservations()).containsOnlyKeys("r-1");
    var retry = submit(kit, reserve("r-1", 3));
    assertThat(retry.hasNoEvents()).isTrue();
    assertThat(retry.replyOfType(Done.class).created()).isFalse();
    assertThat(retry.replyOfType(Done.class).reservation()).isEqualTo(held);
    assertThat(submit(kit, new Commit("r-2")).replyOfType(Done.class).created()).isFalse();
    assertThat(submit(kit, new Release("r-1")).replyOfType(Done.class).created()).isTrue();
  }

  @Test
  void recoversFromSnapshotWhenTheEventsBeforeItAreGone() {
    // Pekko asks whether to snapshot before it applies each event of a write. With a minimum of
    // one record, a snapshot follows event 2 (one record written since, a ledger of one: a-1) and
    // event 6 (four written since 2, a ledger of four: r-1 active, r-2 closed, a-1 and a-2).
    var kit = unitTestKit("acme|snapshots", new Settings(1_000, 1_000, 1, Duration.ofMinutes(5)));
    SnapshotTestKit snapshots = kit.snapshotTestKit().orElseThrow();
    String persistenceId = SkuEntity.persistenceId("acme|snapshots").id();
    submit(kit, new Define("Blue mug"));
    submit(kit, new Adjust("a-1", 10, AdjustmentReason.RECEIPT));
    Reservation held = submit(kit, reserve("r-1", 3)).replyOfType(Done.class).reservation();
    submit(kit, new Adjust("a-2", -1, AdjustmentReason.DAMAGE));
    submit(kit, reserve("r-2", 2));
    submit(kit, new Release("r-2"));
    Levels before = kit.getState().levels();
    TestProbe<Object> waiter = unitKit.createTestProbe();
    Object stored =
        waiter.awaitAssert(
            () -> {
              List<Pair<SnapshotMeta, Object>> saved = snapshots.persistedInStorage(persistenceId);
              assertThat(saved).extracting(p -> p.first().sequenceNr()).containsExactly(2L, 6L);
              Pair<SnapshotMeta, Object> latest = saved.get(saved.size() - 1);
              return latest.second();
            });
    assertThat(stored).isInstanceOf(SkuLedger.Snapshot.class);

    kit.persistenceTestKit().clearByIdPreservingSeqNumbers(persistenceId);
    SkuLedger recovered = kit.restart().state();

    assertThat(recovered.levels()).isEqualTo(before);
    assertThat(recovered.levels()).isEqualTo(new Levels("Blue mug", 9, 3, 0, 6));
    assertThat(recovered.activeReservations()).containsOnlyKeys("r-1");
    assertThat(submit(kit, reserve("r-1", 3)).replyOfType(Done.class).reservation())
        .isEqualTo(held);
    assertThat(submit(kit, new Release("r-2")).replyOfType(Done.class).created()).isFalse();
    assertThat(submit(kit, new Adjust("a-2", -1, AdjustmentReason.DAMAGE)).hasNoEvents()).isTrue();
    // The ledger restored from the snapshot still knows which SKU it is.
    var itself = submit(kit, new Define("Blue mug", List.of(new Component("snapshots", 1))));
    assertThat(itself.replyOfType(Rejected.class).reason())
        .isEqualTo(Rejection.BUNDLE_LISTS_ITSELF);
  }

  @Test
  void snapshotSurvivesJacksonRoundTripAndRestoresTheSameLedger() {
    SkuLedger ledger = SkuLedger.empty();
    Instant now = Instant.parse("2025-01-01T10:00:00.123456789Z");
    ledger
        .decideAll(
            List.of(
                new Define("Blue mug"),
                new Adjust("a-1", 20, AdjustmentReason.RECEIPT),
                new SetSafetyStock(2),
                new Reserve("r-1", 3, "shop-a", 120L),
                reserve("r-2", 4),
                new Release("r-2"),
                reserve("r-3", 5),
                new Commit("r-3"),
                new SetPolicy(StockPolicy.BACKORDER, 40),
                reserve("r-4", 4),
                new Commit("r-4", 1L, "c-1"),
                reserve("r-5", 30),
                new AddIncoming("po-1", 6, now.plusSeconds(86_400)),
                new AddIncoming("po-2", 2, null),
                new ReceiveIncoming("po-2")),
            now)
        .events()
        .forEach(ledger::apply);
    SkuLedger.Snapshot snapshot = ledger.toSnapshot();

    SkuLedger.Snapshot copy =
        new SerializationTestKit(unitKit.system()).verifySerialization(snapshot, true);

    SkuLedger restored = SkuLedger.fromSnapshot(copy);
    assertThat(restored.levels().backordered()).isEqualTo(30);
    assertThat(restored.levels().incoming()).isEqualTo(6);
    assertThat(restored.levels()).isEqualTo(ledger.levels());
    assertThat(restored.activeReservations()).isEqualTo(ledger.activeReservations());
    assertThat(restored.toSnapshot()).isEqualTo(snapshot);
  }

  @Test
  void everyMessageSurvivesJacksonRoundTrip() {
    SerializationTestKit serialization = new SerializationTestKit(unitKit.system());
    ActorRef<SkuOutcome> replyTo = unitKit.<SkuOutcome>createTestProbe().ref();
    Instant at = Instant.parse("2025-01-01T10:00:00.123456789Z");
    Reservation open = new Reservation("r-1", 3, "shop-a", null, at, null, 7);
    Reservation expiring = new Reservation("r-2", 1, null, 60L, at, at.plusSeconds(60), 6);
    Levels levels = new Levels("Blue mug", 10, 4, 0, 6);
    Reservation owed = new Reservation("r-3", 2, "shop-a", null, at, null, 0, HoldKind.PREORDER, 0);
    Reservation shipping = new Reservation("r-4", 2, "shop-b", 60L, at, null, 1, HoldKind.STOCK, 3);
    List<Component> giftSet = List.of(new Component("mug", 2), new Component("saucer", 1));
    Levels owing = new Levels("Blue mug", 10, 4, 1, 0, 3, 2, 5, List.of());
    Levels bundle = new Levels("Gift set", 0, 0, 0, 0, 0, 0, 0, giftSet);
    List<Object> added =
        List.of(
            new Submit(new Define("Gift set", giftSet), replyTo),
            new Submit(new Adjust("ret-1", 1, AdjustmentReason.RETURN), replyTo),
            new Submit(new SetPolicy(StockPolicy.PREORDER, 0), replyTo),
            new Submit(new AddIncoming("po-1", 5, at.plusSeconds(86_400)), replyTo),
            new Submit(new AddIncoming("po-2", 5, null), replyTo),
            new Submit(new ReceiveIncoming("po-1"), replyTo),
            new Submit(new Commit("r-1", 2L, "c-1"), replyTo),
            new SkuDefined("Gift set", giftSet, at),
            new SkuEvent.SkuComponentsChanged(giftSet, at),
            new SkuEvent.StockPolicySet(StockPolicy.BACKORDER, 10, at),
            new SkuEvent.IncomingAdded("po-1", 5, null, at),
            new IncomingReceived("po-1", 5, at),
            new ReservationsPlaced(List.of(owed, shipping)),
            new HoldsFilled(List.of("r-3"), 0, 2, at),
            new ReservationReleased("r-3", 2, HoldKind.PREORDER, at),
            new ReservationExpired("r-3", 2, HoldKind.BACKORDER, at),
            new ReservationCommitted("r-4", "c-1", 1, 2, at),
            new Done(owing, shipping, true),
            new Done(bundle, null, false),
            new Rejected(Rejection.EXCEEDS_HOLD, "Asked to ship 9", owing),
            new Submit(new SkuRequest.ClaimShare("tiktok", 3, 20, 5, 12.5), replyTo),
            new SkuEvent.ShareSet("tiktok", 23, 23, 12.5, at),
            new ReservationsPlaced(
                List.of(
                    new Reservation(
                        "o-1", 2, "tiktok", null, at, null, 5, HoldKind.STOCK, 0, 2, at, 2))),
            new SkuOutcome.Shared(new Levels("Blue mug", 10, 2, 0, 0, 0, 0, 0, List.of(), 8), 8, 6),
            new SkuEntity.StockView(
                levels,
                java.util.Map.of("tiktok", 2L),
                1,
                java.util.Map.of("tiktok", 8L),
                3.5,
                java.util.Map.of("tiktok", 2.5)));
    for (Object message : added) {
      assertThat(serialization.verifySerialization(message, true)).isEqualTo(message);
    }
    for (Rejection reason : Rejection.values()) {
      Rejected rejected = new Rejected(reason, "detail", levels);
      assertThat(serialization.verifySerialization(rejected, true)).isEqualTo(rejected);
    }
    List<Object> messages =
        List.of(
            new Submit(new Define("Blue mug"), replyTo),
            new Submit(new Adjust("a-1", -2, AdjustmentReason.DAMAGE), replyTo),
            new Submit(new SetSafetyStock(3), replyTo),
            new Submit(new Reserve("r-1", 3, "shop-a", null), replyTo),
            new Submit(new Reserve("r-2", 1, null, 60L), replyTo),
            new Submit(new Release("r-1"), replyTo),
            new Submit(new Commit("r-1"), replyTo),
            new Submit(SkuRequest.ExpireDue.INSTANCE, replyTo),
            new Get(replyTo),
            SkuEntity.Flush.INSTANCE,
            SkuEntity.ExpiryDue.INSTANCE,
            SkuEntity.Idle.INSTANCE,
            SkuEntity.Stop.INSTANCE,
            new SkuDefined("Blue mug", at),
            new SkuEvent.SkuRenamed("Navy mug", at),
            new StockAdjusted("a-1", 5, AdjustmentReason.COUNT, at),
            new SkuEvent.SafetyStockSet(2, at),
            new ReservationsPlaced(List.of(open, expiring)),
            new ReservationReleased("r-1", 3, at),
            new ReservationExpired("r-2", 1, at),
            new SkuEvent.ReservationCommitted("r-1", 3, at),
            new Done(levels, open, true),
            new Done(levels, null, false),
            new Rejected(Rejection.OVERLOADED, "The SKU's queue is full.", null),
            new Rejected(Rejection.INSUFFICIENT_STOCK, "Requested 9", levels));

    for (Object message : messages) {
      assertThat(serialization.verifySerialization(message, true)).isEqualTo(message);
    }
  }

  @Test
  void aClaimedShareIsStoredAndAChannelsOwnSaleTakesFromIt() {
    var kit = unitTestKit("t1|HOT", SETTINGS);
    submit(kit, new Define("Hot item"));
    submit(kit, new Adjust("in", 50, AdjustmentReason.RECEIPT));

    var claimed = submit(kit, new SkuRequest.ClaimShare("tiktok", 2, 10, 0, 4.0));
    SkuOutcome.Shared shared = (SkuOutcome.Shared) claimed.reply();
    assertThat(shared.share()).isEqualTo(12);
    assertThat(claimed.event())
        .isEqualTo(new SkuEvent.ShareSet("tiktok", 12, 12, 4.0, claimedAt(claimed)));

    var sold =
        submit(
            kit, new Reserve("o-1", 3, "tiktok", null, 3, Instant.parse("2026-12-04T10:00:00Z")));
    Done done = (Done) sold.reply();
    assertThat(done.reservation().fromShare()).isEqualTo(3);
    assertThat(done.levels().shared()).isEqualTo(9);
    assertThat(done.levels().available()).isEqualTo(50 - 3 - 9);

    // A restart replays the share from the journal.
    kit.restart();
    SkuEntity.StockView view =
        kit.<SkuEntity.StockView>runCommand(
                replyTo -> new SkuEntity.GetStock("tiktok", null, replyTo))
            .reply();
    assertThat(view.shareOf("tiktok")).isEqualTo(9);
    assertThat(view.levels().shared()).isEqualTo(9);

    // What a channel reads at its marketplace raises the rate placed holds show.
    kit.runCommand(new SkuEntity.ReportRate("amazon", 25.0));
    SkuEntity.StockView reported =
        kit.<SkuEntity.StockView>runCommand(
                replyTo -> new SkuEntity.GetStock("tiktok", null, replyTo))
            .reply();
    assertThat(reported.perSecondByChannel()).containsEntry("amazon", 25.0);
    assertThat(reported.perSecond()).isGreaterThanOrEqualTo(25.0);
  }

  private static Instant claimedAt(
      EventSourcedBehaviorTestKit.CommandResultWithReply<Command, SkuEvent, SkuLedger, SkuOutcome>
          result) {
    return ((SkuEvent.ShareSet) result.event()).at();
  }

  // A running entity: concurrent callers, back-pressure and timers.

  private static ActorRef<Command> spawnWithStock(String entityId, Settings settings, long stock) {
    ActorRef<Command> sku = liveKit.spawn(SkuEntity.create(entityId, settings));
    TestProbe<SkuOutcome> setup = liveKit.createTestProbe();
    sku.tell(new Submit(new Define("Blue mug"), setup.ref()));
    setup.expectMessageClass(Done.class);
    sku.tell(new Submit(new Adjust("initial", stock, AdjustmentReason.RECEIPT), setup.ref()));
    setup.expectMessageClass(Done.class);
    return sku;
  }

  private static Levels levelsOf(ActorRef<Command> sku) {
    TestProbe<SkuOutcome> probe = liveKit.createTestProbe();
    sku.tell(new Get(probe.ref()));
    return probe.expectMessageClass(Done.class).levels();
  }

  private static long count(List<SkuOutcome> replies, Rejection reason) {
    return replies.stream()
        .filter(r -> r instanceof Rejected rejected && rejected.reason() == reason)
        .count();
  }

  @Test
  void burstOfReservationsSellsExactlyTheStockInFewWrites() {
    ActorRef<Command> sku = spawnWithStock("acme|burst", SETTINGS, 100);
    String persistenceId = SkuEntity.persistenceId("acme|burst").id();
    AtomicInteger writes = new AtomicInteger();
    liveJournal.withPolicy(
        (pid, operation) -> {
          if (pid.equals(persistenceId) && operation instanceof WriteEvents) {
            writes.incrementAndGet();
          }
          return success();
        });
    TestProbe<SkuOutcome> probe = liveKit.createTestProbe();

    for (int i = 0; i < 500; i++) {
      sku.tell(new Submit(reserve("r-" + i, 1), probe.ref()));
    }
    List<SkuOutcome> replies = probe.receiveSeveralMessages(500, Duration.ofSeconds(15));

    probe.expectNoMessage(Duration.ofMillis(200));
    for (int i = 0; i < 100; i++) {
      assertThat(replies.get(i)).isInstanceOf(Done.class);
      assertThat(((Done) replies.get(i)).reservation().reservationId()).isEqualTo("r-" + i);
    }
    assertThat(count(replies, Rejection.INSUFFICIENT_STOCK)).isEqualTo(400);
    assertThat(levelsOf(sku)).isEqualTo(new Levels("Blue mug", 100, 100, 0, 0));
    List<ReservationsPlaced> placed =
        liveJournal.persistedInStorage(persistenceId).stream()
            .filter(ReservationsPlaced.class::isInstance)
            .map(ReservationsPlaced.class::cast)
            .toList();
    assertThat(placed.stream().mapToLong(ReservationsPlaced::totalQuantity).sum()).isEqualTo(100);
    assertThat(writes.get()).isEqualTo(placed.size());
    // One write per reservation would be 100 writes; group commit needs only a handful.
    assertThat(writes.get()).isLessThanOrEqualTo(10);
  }

  @Test
  void aFailedWriteLeavesNothingOfTheBatchItDecided() {
    // Batches are decided on the live ledger; a write that fails must not leave its holds there.
    ActorRef<Command> sku = spawnWithStock("acme|failed-write", SETTINGS, 10);
    String persistenceId = SkuEntity.persistenceId("acme|failed-write").id();
    AtomicInteger failures = new AtomicInteger(1);
    liveJournal.withPolicy(
        (pid, operation) -> {
          if (pid.equals(persistenceId)
              && operation instanceof WriteEvents
              && failures.getAndDecrement() > 0) {
            return org.apache.pekko.persistence.testkit.StorageFailure.create();
          }
          return success();
        });
    TestProbe<SkuOutcome> lost = liveKit.createTestProbe();
    sku.tell(new Submit(reserve("r-lost", 4), lost.ref()));
    // The caller of a failed write hears nothing (over HTTP it times out with a 503 to retry).
    lost.expectNoMessage(Duration.ofMillis(300));

    TestProbe<SkuOutcome> probe = liveKit.createTestProbe();
    sku.tell(new Submit(reserve("r-kept", 3), probe.ref()));
    assertThat(probe.receiveMessage(Duration.ofSeconds(10))).isInstanceOf(Done.class);
    assertThat(levelsOf(sku)).isEqualTo(new Levels("Blue mug", 10, 3, 0, 7));
    assertThat(liveJournal.persistedInStorage(persistenceId))
        .noneMatch(
            event ->
                event instanceof ReservationsPlaced placed
                    && placed.reservations().stream()
                        .anyMatch(r -> r.reservationId().equals("r-lost")));
  }

  @Test
  void floodBeyondTheQueueBoundIsAnsweredOverloadedAndEveryRequestGetsOneReply() {
    int maxQueue = 5;
    ActorRef<Command> sku =
        spawnWithStock(
            "acme|flood", new Settings(maxQueue, 5, 1_000, Duration.ofMinutes(5)), 1_000);
    String persistenceId = SkuEntity.persistenceId("acme|flood").id();
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // Holds the first write so that the flood arrives while it is in flight.
    liveJournal.withPolicy(
        (pid, operation) -> {
          if (pid.equals(persistenceId) && operation instanceof WriteEvents) {
            writing.countDown();
            awaitUninterruptibly(release);
          }
          return success();
        });
    TestProbe<SkuOutcome> probe = liveKit.createTestProbe();

    sku.tell(new Submit(reserve("r-0", 1), probe.ref()));
    assertThat(awaitUninterruptibly(writing)).isTrue();
    for (int i = 1; i < 50; i++) {
      sku.tell(new Submit(reserve("r-" + i, 1), probe.ref()));
    }
    release.countDown();
    List<SkuOutcome> replies = probe.receiveSeveralMessages(50, Duration.ofSeconds(15));

    probe.expectNoMessage(Duration.ofMillis(200));
    long overloaded = count(replies, Rejection.OVERLOADED);
    long done = replies.stream().filter(Done.class::isInstance).count();
    assertThat(done + overloaded).isEqualTo(50);
    assertThat(done).isEqualTo(1 + maxQueue);
    assertThat(overloaded).isEqualTo(50 - 1 - maxQueue);
    assertThat(levelsOf(sku).reserved()).isEqualTo(done);
  }

  @Test
  void timerReleasesReservationWhenItExpires() {
    ActorRef<Command> sku = spawnWithStock("acme|expiry", SETTINGS, 10);
    TestProbe<SkuOutcome> probe = liveKit.createTestProbe();
    sku.tell(new Submit(new Reserve("short", 3, "shop-a", 1L), probe.ref()));
    probe.expectMessageClass(Done.class);
    sku.tell(new Submit(reserve("open", 2), probe.ref()));
    probe.expectMessageClass(Done.class);
    assertThat(levelsOf(sku).reserved()).isEqualTo(5);

    probe.awaitAssert(
        Duration.ofSeconds(5),
        () -> {
          assertThat(levelsOf(sku)).isEqualTo(new Levels("Blue mug", 10, 2, 0, 8));
          return null;
        });

    assertThat(liveJournal.persistedInStorage(SkuEntity.persistenceId("acme|expiry").id()))
        .filteredOn(ReservationExpired.class::isInstance)
        .extracting(e -> ((ReservationExpired) e).reservationId())
        .containsExactly("short");
    sku.tell(new Submit(new Release("short"), probe.ref()));
    assertThat(probe.expectMessageClass(Done.class).created()).isFalse();
  }

  // Owed holds, partial commits, incoming stock and bundles through the entity.

  @Test
  void restartRecoversOwedHoldsPartialCommitsIncomingAndTheirIds() {
    var kit = unitTestKit("acme|owed", SETTINGS);
    submit(kit, new Define("Blue mug"));
    submit(kit, new Adjust("a-1", 4, AdjustmentReason.RECEIPT));
    submit(kit, new SetPolicy(StockPolicy.BACKORDER, 10));
    submit(kit, reserve("r-1", 3));
    var partial = submit(kit, new Commit("r-1", 1L, "c-1"));
    ReservationCommitted shipped = partial.eventOfType(ReservationCommitted.class);
    assertThat(shipped).isEqualTo(new ReservationCommitted("r-1", "c-1", 1, 2, shipped.at()));
    var owed = submit(kit, reserve("r-2", 4));
    assertThat(owed.replyOfType(Done.class).reservation().kind()).isEqualTo(HoldKind.BACKORDER);
    submit(kit, new AddIncoming("po-1", 6, null));

    var received = submit(kit, new ReceiveIncoming("po-1"));

    assertThat(received.events())
        .hasExactlyElementsOfTypes(IncomingReceived.class, HoldsFilled.class);
    Levels before = kit.getState().levels();
    assertThat(before).isEqualTo(new Levels("Blue mug", 9, 6, 0, 3, 0, 0, 0, List.of()));
    SkuLedger recovered = kit.restart().state();
    assertThat(recovered.levels()).isEqualTo(before);
    assertThat(recovered.activeReservations().get("r-1").committed()).isEqualTo(1);
    assertThat(recovered.activeReservations().get("r-2").kind()).isEqualTo(HoldKind.STOCK);
    var retriedCommit = submit(kit, new Commit("r-1", 1L, "c-1"));
    assertThat(retriedCommit.hasNoEvents()).isTrue();
    assertThat(retriedCommit.replyOfType(Done.class).created()).isFalse();
    assertThat(submit(kit, new ReceiveIncoming("po-1")).hasNoEvents()).isTrue();
    var moreOwed = submit(kit, reserve("r-3", 10));
    assertThat(moreOwed.replyOfType(Done.class).reservation().kind()).isEqualTo(HoldKind.BACKORDER);
  }

  @Test
  void entityKnowsItsSkuCodeAndABundleHoldsNoStock() {
    var kit = unitTestKit("acme|gift-set", SETTINGS);
    List<Component> giftSet = List.of(new Component("mug", 2), new Component("saucer", 1));

    var itself = submit(kit, new Define("Gift set", List.of(new Component("gift-set", 1))));

    assertThat(itself.hasNoEvents()).isTrue();
    assertThat(itself.replyOfType(Rejected.class).reason())
        .isEqualTo(Rejection.BUNDLE_LISTS_ITSELF);
    var defined = submit(kit, new Define("Gift set", giftSet));
    assertThat(defined.eventOfType(SkuDefined.class).components()).isEqualTo(giftSet);
    assertThat(submit(kit, reserve("r-1", 1)).replyOfType(Rejected.class).reason())
        .isEqualTo(Rejection.BUNDLE_HAS_NO_STOCK);
    assertThat(kit.restart().state().levels().components()).isEqualTo(giftSet);
    assertThat(kit.<SkuOutcome>runCommand(Get::new).replyOfType(Done.class).levels().components())
        .isEqualTo(giftSet);
  }

  @Test
  void eventsAndSnapshotsStoredBeforeTheseFeaturesStillRead() throws Exception {
    ObjectMapper mapper =
        JacksonObjectMapperProvider.get(unitKit.system()).create("jackson-cbor", Optional.empty());
    Instant at = Instant.parse("2025-01-01T10:00:00Z");
    Reservation placed = new Reservation("r-1", 3, "shop-a", null, at, null, 7);

    assertThat(readWithout(mapper, new SkuDefined("Blue mug", at), "components"))
        .isEqualTo(new SkuDefined("Blue mug", at));
    assertThat(readWithout(mapper, placed, "kind", "committed")).isEqualTo(placed);
    assertThat(readWithout(mapper, new ReservationReleased("r-1", 3, at), "kind"))
        .isEqualTo(new ReservationReleased("r-1", 3, at));
    ReservationCommitted committed =
        readWithout(mapper, new ReservationCommitted("r-1", 3, at), "commitId", "remaining");
    assertThat(committed).isEqualTo(new ReservationCommitted("r-1", 3, at));
    assertThat(committed.closed()).isTrue();
    Levels levels = new Levels("Blue mug", 10, 3, 0, 7);
    assertThat(readWithout(mapper, levels, "backordered", "preordered", "incoming", "components"))
        .isEqualTo(levels);
    SkuLedger ledger = SkuLedger.empty();
    ledger
        .decideAll(
            List.of(
                new Define("Blue mug"),
                new Adjust("a-1", 10, AdjustmentReason.RECEIPT),
                reserve("r-1", 3)),
            at)
        .events()
        .forEach(ledger::apply);
    SkuLedger.Snapshot snapshot =
        readWithout(
            mapper,
            ledger.toSnapshot(),
            "components",
            "policy",
            "backorderLimit",
            "incoming",
            "received",
            "commits");
    assertThat(snapshot).isEqualTo(ledger.toSnapshot());
  }

  /** Writes {@code value} as the current code does, drops fields, and reads it back. */
  @SuppressWarnings("unchecked")
  private static <T> T readWithout(ObjectMapper mapper, T value, String... fields)
      throws Exception {
    ObjectNode tree = mapper.valueToTree(value);
    assertThat(tree.has(fields[0])).as("field %s is written today", fields[0]).isTrue();
    tree.remove(List.of(fields));
    return (T) mapper.treeToValue(tree, value.getClass());
  }

  /** What a listener heard, sent to a probe so that tests wait for it without sleeping. */
  private record Heard(SkuId sku, Levels levels, List<Reservation> filledHolds) {}

  private static StockListener toProbe(TestProbe<Heard> probe) {
    return (sku, levels, filledHolds) -> probe.ref().tell(new Heard(sku, levels, filledHolds));
  }

  @Test
  void listenerHearsOfAnAdjustmentThatFillsABackorderOnlyOnceItIsDurable() {
    TestProbe<Heard> heard = liveKit.createTestProbe();
    ActorRef<Command> sku =
        liveKit.spawn(SkuEntity.create("acme|listened", SETTINGS, toProbe(heard)));
    String persistenceId = SkuEntity.persistenceId("acme|listened").id();
    TestProbe<SkuOutcome> replies = liveKit.createTestProbe();
    sku.tell(new Submit(new Define("Blue mug"), replies.ref()));
    sku.tell(new Submit(new SetPolicy(StockPolicy.BACKORDER, 10), replies.ref()));
    sku.tell(new Submit(reserve("r-1", 3), replies.ref()));
    List<SkuOutcome> setup = replies.receiveSeveralMessages(3);
    assertThat(((Done) setup.get(2)).reservation().kind()).isEqualTo(HoldKind.BACKORDER);
    // Nothing so far raised available or filled a hold.
    heard.expectNoMessage(Duration.ofMillis(200));
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    liveJournal.withPolicy(
        (pid, operation) -> {
          if (pid.equals(persistenceId) && operation instanceof WriteEvents) {
            writing.countDown();
            awaitUninterruptibly(release);
          }
          return success();
        });

    sku.tell(new Submit(new Adjust("a-1", 5, AdjustmentReason.RECEIPT), replies.ref()));

    assertThat(awaitUninterruptibly(writing)).isTrue();
    heard.expectNoMessage(Duration.ofMillis(200));
    release.countDown();
    Done adjusted = replies.expectMessageClass(Done.class);
    Heard news = heard.expectMessageClass(Heard.class);
    assertThat(news.sku()).isEqualTo(new SkuId("acme", "listened"));
    assertThat(news.levels()).isEqualTo(adjusted.levels());
    assertThat(news.levels()).isEqualTo(new Levels("Blue mug", 5, 3, 0, 2, 0, 0, 0, List.of()));
    assertThat(news.filledHolds())
        .extracting(Reservation::reservationId, Reservation::kind)
        .containsExactly(tuple("r-1", HoldKind.STOCK));
    assertThat(liveJournal.persistedInStorage(persistenceId))
        .last()
        .isInstanceOf(HoldsFilled.class);
    heard.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void listenerHearsOnlyOfMoreToSellAndItsFailureDoesNotRestartTheSku() {
    TestProbe<Heard> heard = liveKit.createTestProbe();
    StockListener failing =
        (id, levels, filledHolds) -> {
          toProbe(heard).stockChanged(id, levels, filledHolds);
          throw new IllegalStateException("listener broke");
        };
    ActorRef<Command> sku = liveKit.spawn(SkuEntity.create("acme|failing", SETTINGS, failing));
    TestProbe<SkuOutcome> replies = liveKit.createTestProbe();
    sku.tell(new Submit(new Define("Blue mug"), replies.ref()));
    replies.expectMessageClass(Done.class);

    LoggingTestKit.warn("Stock listener failed for SKU acme|failing")
        .expect(
            liveKit.system(),
            () -> {
              sku.tell(new Submit(new Adjust("a-1", 4, AdjustmentReason.RECEIPT), replies.ref()));
              return replies.expectMessageClass(Done.class);
            });
    assertThat(heard.expectMessageClass(Heard.class).filledHolds()).isEmpty();

    sku.tell(new Submit(reserve("r-1", 3), replies.ref()));
    replies.expectMessageClass(Done.class);
    heard.expectNoMessage(Duration.ofMillis(200));
    sku.tell(new Submit(new Release("r-1"), replies.ref()));
    replies.expectMessageClass(Done.class);
    assertThat(heard.expectMessageClass(Heard.class).levels().available()).isEqualTo(4);
    // Still the same incarnation: a restart would have lost nothing, but would have logged.
    assertThat(levelsOf(sku)).isEqualTo(new Levels("Blue mug", 4, 0, 0, 4));
  }

  private static ProcessingResult success() {
    return ProcessingSuccess$.MODULE$;
  }

  private static boolean awaitUninterruptibly(CountDownLatch latch) {
    try {
      return latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
