package io.ecengine.http.fulfillment;

import io.ecengine.engine.fulfillment.Carrier;
import io.ecengine.engine.fulfillment.CarrierLayout;
import io.ecengine.engine.fulfillment.CarrierResult;
import io.ecengine.engine.fulfillment.FulfillmentSettings;
import io.ecengine.engine.fulfillment.LabelShipment;
import io.ecengine.engine.fulfillment.ShiftJis;
import io.ecengine.engine.fulfillment.Shipment;
import io.ecengine.engine.fulfillment.ShipmentIds;
import io.ecengine.engine.fulfillment.ShipmentRules;
import io.ecengine.engine.fulfillment.ShipmentStatus;
import io.ecengine.engine.order.OrderEntity;
import io.ecengine.engine.order.OrderView;
import io.ecengine.http.api.ApiException;
import io.ecengine.http.api.Problem;
import io.ecengine.persistence.FulfillmentSettingsStore;
import io.ecengine.persistence.ShipmentStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fulfilment between the shipment store and the order entities: shipments are made from what the
 * orders say (asked of each order entity, never of the lagging read side), and a tracking number is
 * turned into each order's own shipment command, which commits its holds (on hand goes down) and,
 * through the order projection, queues the report of status and tracking to the order's marketplace
 * on its channel.
 *
 * <p>The store keeps every acknowledged step (a shipment, a tracking number, each order's answer),
 * so nothing depends on this object surviving: a background pass on every node, every {@code
 * interval}, creates the shipments of allocated orders nobody asked for yet, takes cancelled or
 * elsewhere-shipped orders out of unlabelled parcels, and sends again the shipment commands a crash
 * or timeout left unanswered. Every step is idempotent (shipment ids are derived from order ids,
 * each order's shipment command carries the shipment id), so two nodes doing the same pass at once
 * change nothing twice.
 */
public final class Fulfillment {

  private static final Logger log = LoggerFactory.getLogger(Fulfillment.class);
  private static final ZoneId JAPAN = ZoneId.of("Asia/Tokyo");
  private static final int BATCH = 100;
  private static final int LABEL_ATTEMPTS = 5;

  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final ShipmentStore store;
  private final FulfillmentSettingsStore settings;
  private final Executor blocking;
  private final Clock clock;
  private final AtomicBoolean passRunning = new AtomicBoolean();
  private final Counter created;
  private final Counter ordersShipped;
  private final Counter trackingRecorded;

  public Fulfillment(
      ActorSystem<?> system,
      Duration askTimeout,
      ShipmentStore store,
      FulfillmentSettingsStore settings,
      Executor blocking,
      MeterRegistry metrics,
      Clock clock) {
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = askTimeout;
    this.store = store;
    this.settings = settings;
    this.blocking = blocking;
    this.clock = clock;
    this.created =
        Counter.builder("ec.fulfillment.shipments.created")
            .description("Shipments created for allocated orders")
            .register(metrics);
    this.ordersShipped =
        Counter.builder("ec.fulfillment.orders.shipped")
            .description("Orders that took their shipment (holds committed)")
            .register(metrics);
    this.trackingRecorded =
        Counter.builder("ec.fulfillment.tracking.recorded")
            .description("Tracking numbers recorded, by hand or from carrier result files")
            .register(metrics);
  }

  public ShipmentStore store() {
    return store;
  }

  public FulfillmentSettingsStore settings() {
    return settings;
  }

  // Creating shipments --------------------------------------------------------------------------

  /**
   * The shipments of these orders, created where missing (merged by the tenant's rule). Every order
   * must exist and be ALLOCATED, unless it already has a shipment: then that one is answered, so a
   * retried request answers the same. Nothing is created when one order fails.
   */
  public CompletionStage<List<ShipmentStore.Created>> createFor(
      String tenantId, List<String> orderIds) {
    List<CompletableFuture<Optional<ShipmentRules.Draft>>> drafts = new ArrayList<>();
    for (String orderId : orderIds) {
      drafts.add(
          CompletableFuture.supplyAsync(() -> store.ofOrder(tenantId, orderId), blocking)
              .thenCompose(
                  existing ->
                      existing.isPresent()
                          ? CompletableFuture.completedFuture(Optional.empty())
                          : order(tenantId, orderId)
                              .thenApply(
                                  view -> {
                                    ShipmentRules.Result<ShipmentRules.Draft> draft =
                                        ShipmentRules.draft(view);
                                    if (!draft.isOk()) {
                                      throw new ApiException(
                                          Problem.conflict(
                                              "order-not-shippable",
                                              "The order cannot get a shipment",
                                              draft.refusal()));
                                    }
                                    return Optional.of(draft.value());
                                  })
                              .toCompletableFuture()));
    }
    return CompletableFuture.allOf(drafts.toArray(CompletableFuture[]::new))
        .thenApplyAsync(
            done -> {
              FulfillmentSettings tenant = settings.get(tenantId);
              List<ShipmentStore.Created> results = new ArrayList<>();
              for (int i = 0; i < orderIds.size(); i++) {
                Optional<ShipmentRules.Draft> draft = drafts.get(i).join();
                if (draft.isPresent()) {
                  ShipmentStore.Created made =
                      store.create(tenantId, draft.get(), tenant.mergeRule());
                  if (made.created()) {
                    created.increment();
                  }
                  results.add(made);
                } else {
                  results.add(
                      new ShipmentStore.Created(
                          store.ofOrder(tenantId, orderIds.get(i)).orElseThrow(), false, false));
                }
              }
              return results;
            },
            blocking);
  }

  private CompletionStage<OrderView> order(String tenantId, String orderId) {
    return sharding
        .entityRefFor(OrderEntity.TYPE_KEY, OrderEntity.entityId(tenantId, orderId))
        .<OrderEntity.Reply>ask(OrderEntity.Get::new, askTimeout)
        .thenApply(
            reply -> {
              if (reply instanceof OrderEntity.Accepted accepted) {
                return accepted.order();
              }
              throw new ApiException(
                  Problem.notFound("order-not-found", "No order " + orderId + "."));
            });
  }

  // Shipping ------------------------------------------------------------------------------------

  /**
   * Records a tracking number and ships the shipment's orders. The answer comes once every order
   * has answered or the ask timed out; an unanswered order is sent its command again by the
   * background pass.
   */
  public CompletionStage<Shipment> recordTracking(
      String tenantId, String shipmentId, Carrier carrier, String trackingNumber) {
    return CompletableFuture.supplyAsync(
            () -> {
              ShipmentStore.TrackingOutcome outcome =
                  store.recordTracking(tenantId, shipmentId, carrier, trackingNumber, false);
              if (outcome == ShipmentStore.TrackingOutcome.RECORDED) {
                trackingRecorded.increment();
              }
              return outcome;
            },
            blocking)
        .thenCompose(outcome -> ship(tenantId, shipmentId));
  }

  /** Sends every order of the shipment still OPEN its shipment command; answers the shipment. */
  public CompletionStage<Shipment> ship(String tenantId, String shipmentId) {
    return CompletableFuture.supplyAsync(() -> store.get(tenantId, shipmentId), blocking)
        .thenCompose(
            found -> {
              if (found.isEmpty() || found.get().trackingNumber() == null) {
                return CompletableFuture.completedFuture(found.orElse(null));
              }
              Shipment shipment = found.get();
              if (shipment.orders().stream()
                  .noneMatch(o -> o.shipState() == Shipment.OrderShipState.OPEN)) {
                return CompletableFuture.supplyAsync(
                    () -> store.settle(tenantId, shipmentId), blocking);
              }
              List<CompletableFuture<Void>> answers = new ArrayList<>();
              for (Shipment.ShipmentOrder order : shipment.orders()) {
                if (order.shipState() == Shipment.OrderShipState.OPEN) {
                  answers.add(shipOrder(tenantId, shipment, order));
                }
              }
              return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                  .thenApplyAsync(
                      done -> store.get(tenantId, shipmentId).orElse(shipment), blocking);
            });
  }

  private CompletableFuture<Void> shipOrder(
      String tenantId, Shipment shipment, Shipment.ShipmentOrder order) {
    return sharding
        .entityRefFor(OrderEntity.TYPE_KEY, OrderEntity.entityId(tenantId, order.orderId()))
        .<OrderEntity.Reply>ask(
            replyTo ->
                new OrderEntity.Ship(
                    shipment.shipmentId(),
                    shipment.carrier().id(),
                    shipment.trackingNumber(),
                    order.units(),
                    replyTo),
            askTimeout)
        .thenAcceptAsync(
            reply -> {
              if (reply instanceof OrderEntity.Accepted) {
                store.orderAnswered(
                    tenantId,
                    shipment.shipmentId(),
                    order.orderId(),
                    Shipment.OrderShipState.SHIPPED,
                    null);
                ordersShipped.increment();
              } else {
                OrderEntity.Refused refused = (OrderEntity.Refused) reply;
                log.warn(
                    "Order {} of tenant {} refused shipment {}: {}",
                    order.orderId(),
                    tenantId,
                    shipment.shipmentId(),
                    refused.detail());
                store.orderAnswered(
                    tenantId,
                    shipment.shipmentId(),
                    order.orderId(),
                    Shipment.OrderShipState.REFUSED,
                    refused.reason() + ": " + refused.detail());
              }
            },
            blocking)
        .exceptionally(
            failure -> {
              // The order did not answer in time; the background pass sends the command again.
              log.warn(
                  "Order {} of tenant {} did not take shipment {} yet: {}",
                  order.orderId(),
                  tenantId,
                  shipment.shipmentId(),
                  failure.toString());
              return null;
            })
        .toCompletableFuture();
  }

  // Label files and result files ----------------------------------------------------------------

  /** A label file to download. */
  public record LabelFile(String fileName, byte[] bytes, int shipments) {}

  /**
   * The carrier label file of a wave; its PENDING shipments become LABELED (their contents fixed).
   * Asked again, it answers the same file: the wave's LABELED shipments are in it too, and the ship
   * date is the day the wave was first labelled. Refused, labelling nothing, when any shipment
   * would be rejected by the carrier.
   */
  public CompletionStage<LabelFile> labelFile(String tenantId, String waveId) {
    return CompletableFuture.supplyAsync(
        () -> {
          for (int attempt = 0; attempt < LABEL_ATTEMPTS; attempt++) {
            ShipmentStore.Wave wave =
                store
                    .wave(tenantId, waveId)
                    .orElseThrow(
                        () ->
                            new ApiException(
                                Problem.notFound("wave-not-found", "No wave " + waveId + ".")));
            CarrierLayout layout = CarrierLayout.of(wave.carrier());
            List<Shipment> labelable = new ArrayList<>();
            for (Shipment shipment : store.waveShipments(tenantId, waveId)) {
              if (shipment.status() == ShipmentStatus.PENDING
                  || (shipment.status() == ShipmentStatus.LABELED
                      && shipment.carrier() == wave.carrier())) {
                labelable.add(shipment);
              }
            }
            if (labelable.isEmpty()) {
              throw new ApiException(
                  Problem.conflict(
                      "nothing-to-label",
                      "Nothing to label",
                      "The wave has no PENDING or LABELED shipment left."));
            }
            FulfillmentSettings tenant = settings.get(tenantId);
            Instant labeledAt = wave.labeledAt() != null ? wave.labeledAt() : clock.instant();
            LocalDate shipDate = labeledAt.atZone(JAPAN).toLocalDate();
            List<LabelShipment> rows = new ArrayList<>();
            List<Map<String, Object>> problems = new ArrayList<>();
            Map<String, Long> versions = new LinkedHashMap<>();
            for (Shipment shipment : labelable) {
              LabelShipment row = labelShipment(shipment);
              List<String> wrong = layout.problems(row, tenant.account(), shipDate);
              if (!wrong.isEmpty()) {
                problems.add(Map.of("shipmentId", shipment.shipmentId(), "problems", wrong));
              }
              rows.add(row);
              versions.put(shipment.shipmentId(), shipment.version());
            }
            if (!problems.isEmpty()) {
              throw new ApiException(
                  Problem.conflict(
                          "label-file-refused",
                          "The carrier would refuse shipments of this wave",
                          problems.size()
                              + " shipment(s) cannot be labelled as they are; nothing was"
                              + " labelled. Fix them (PATCH /v1/shipments/{shipmentId} or PUT"
                              + " /v1/fulfillment/settings) and ask again.")
                      .with("shipments", problems));
            }
            if (store.markLabeled(tenantId, waveId, versions)) {
              return new LabelFile(
                  layout.fileName(waveId),
                  layout.file(rows, tenant.account(), shipDate),
                  rows.size());
            }
          }
          throw new ApiException(
              Problem.unavailable(
                  "contended", "The wave's shipments kept changing while it was labelled."));
        },
        blocking);
  }

  static LabelShipment labelShipment(Shipment shipment) {
    Map<String, Long> units = new LinkedHashMap<>();
    shipment
        .orders()
        .forEach(o -> o.lines().forEach(l -> units.merge(l.sku(), l.quantity(), Long::sum)));
    List<String> items = new ArrayList<>();
    units.forEach((sku, quantity) -> items.add(sku + " x" + quantity));
    return new LabelShipment(
        shipment.shipmentId(),
        shipment.shipTo(),
        shipment.parcelCount(),
        shipment.deliveryDate(),
        shipment.timeSlot(),
        shipment.giftWrap(),
        items);
  }

  /** What happened to one row of a result file. */
  public record RowOutcome(
      int row,
      String shipmentId,
      String trackingNumber,
      String outcome,
      String reason,
      String shipmentStatus) {}

  /** The report of a result file import. */
  public record ImportReport(int accepted, int unchanged, int rejected, List<RowOutcome> rows) {}

  /**
   * Reads a carrier's result file and records each row's tracking number. A rejected row (not
   * readable, not one of our label files' shipments, an invalid number, a conflicting number)
   * changes nothing; accepted rows are recorded and their orders shipped. A file that cannot be
   * read as a result file at all is a 400 problem.
   *
   * <p>Rows are checked against each other first (one number per shipment, one shipment per
   * number), then recorded by {@link #RECORDERS} workers in parallel, each taking the rows of its
   * own shipments in file order. The answer waits at most {@link #SHIP_WAIT} for the orders to take
   * their shipments; the background pass finishes what is slower, and the report shows such a
   * shipment as LABELED.
   */
  public CompletionStage<ImportReport> importResults(
      String tenantId, Carrier carrier, byte[] body) {
    return CompletableFuture.supplyAsync(
            () -> {
              CarrierLayout layout = CarrierLayout.of(carrier);
              List<CarrierResult> results = layout.readResults(ShiftJis.decode(body));
              if (results.size() == 1
                  && results.get(0).error() != null
                  && results.get(0).row() == 1) {
                throw new ApiException(
                    Problem.of(
                        400,
                        "unreadable-carrier-file",
                        "Not a result file of this carrier",
                        results.get(0).error()));
              }
              if (results.isEmpty()) {
                throw new ApiException(
                    Problem.of(
                        400,
                        "unreadable-carrier-file",
                        "Not a result file of this carrier",
                        "The file holds no rows with a shipment and a tracking number."));
              }
              if (results.size() > MAX_RESULT_ROWS) {
                throw new ApiException(
                    Problem.of(
                        400,
                        "carrier-file-too-long",
                        "Too many rows",
                        "A result file holds at most "
                            + MAX_RESULT_ROWS
                            + " rows; split it and import the parts."));
              }
              return check(carrier, results);
            },
            blocking)
        .thenCompose(rows -> recordAll(tenantId, carrier, rows))
        .thenCompose(
            rows -> {
              List<CompletableFuture<Shipment>> shipping = new ArrayList<>();
              rows.stream()
                  .filter(r -> !r.outcome().equals("rejected"))
                  .map(RowOutcome::shipmentId)
                  .distinct()
                  .forEach(
                      id ->
                          shipping.add(
                              ship(tenantId, id)
                                  .toCompletableFuture()
                                  .completeOnTimeout(
                                      null, SHIP_WAIT.toMillis(), TimeUnit.MILLISECONDS)));
              return CompletableFuture.allOf(shipping.toArray(CompletableFuture[]::new))
                  .handleAsync((done, failure) -> report(tenantId, rows), blocking);
            });
  }

  // Limitation: a result file holds at most 1,000 rows, so that its per-row report comes back
  // within the HTTP request timeout (about 2 s for 1,000 rows on PostgreSQL here); larger days
  // are imported in parts.
  static final int MAX_RESULT_ROWS = 1000;
  private static final int RECORDERS = 4;
  private static final Duration SHIP_WAIT = Duration.ofSeconds(2);

  /**
   * The rows checked against the carrier's number format and against each other: each row is either
   * rejected with its reason, or still to be recorded (outcome null) with the number as twelve
   * digits.
   */
  private static List<RowOutcome> check(Carrier carrier, List<CarrierResult> results) {
    List<RowOutcome> rows = new ArrayList<>();
    Map<String, String> trackingOfShipment = new HashMap<>();
    Map<String, String> shipmentOfTracking = new HashMap<>();
    for (CarrierResult result : results) {
      String id = result.shipmentId();
      String written = result.trackingNumber();
      String reason = null;
      Optional<String> tracking = carrier.trackingNumber(written);
      if (result.error() != null) {
        reason = result.error();
      } else if (id == null) {
        reason = "The row names no shipment (お客様管理番号 is empty).";
      } else if (written == null) {
        reason = "The row has no tracking number: its label was not issued.";
      } else if (!ShipmentIds.looksValid(id)) {
        reason = "'" + id + "' is not a shipment id of this engine.";
      } else if (tracking.isEmpty()) {
        reason =
            "'"
                + written
                + "' is not a valid "
                + carrier.id()
                + " tracking number (12 digits, last one the check digit).";
      } else if (trackingOfShipment.containsKey(id)
          && !trackingOfShipment.get(id).equals(tracking.get())) {
        reason =
            "Shipment "
                + id
                + " has tracking number "
                + trackingOfShipment.get(id)
                + " in an earlier row; a shipment takes one.";
      } else if (shipmentOfTracking.containsKey(tracking.get())
          && !shipmentOfTracking.get(tracking.get()).equals(id)) {
        reason =
            "Tracking number "
                + tracking.get()
                + " is given to shipment "
                + shipmentOfTracking.get(tracking.get())
                + " in an earlier row.";
      }
      if (reason != null) {
        rows.add(new RowOutcome(result.row(), id, written, "rejected", reason, null));
      } else {
        trackingOfShipment.put(id, tracking.get());
        shipmentOfTracking.put(tracking.get(), id);
        rows.add(new RowOutcome(result.row(), id, tracking.get(), null, null, null));
      }
    }
    return rows;
  }

  /** Records the checked rows, in parallel by shipment; answers every row with its outcome. */
  private CompletableFuture<List<RowOutcome>> recordAll(
      String tenantId, Carrier carrier, List<RowOutcome> checked) {
    List<List<Integer>> lanes = new ArrayList<>();
    for (int i = 0; i < RECORDERS; i++) {
      lanes.add(new ArrayList<>());
    }
    for (int i = 0; i < checked.size(); i++) {
      RowOutcome row = checked.get(i);
      if (row.outcome() == null) {
        lanes.get(Math.floorMod(row.shipmentId().hashCode(), RECORDERS)).add(i);
      }
    }
    RowOutcome[] outcomes = checked.toArray(RowOutcome[]::new);
    List<CompletableFuture<Void>> work = new ArrayList<>();
    for (List<Integer> lane : lanes) {
      if (!lane.isEmpty()) {
        work.add(
            CompletableFuture.runAsync(
                () -> {
                  for (int index : lane) {
                    outcomes[index] = record(tenantId, carrier, outcomes[index]);
                  }
                },
                blocking));
      }
    }
    return CompletableFuture.allOf(work.toArray(CompletableFuture[]::new))
        .thenApply(done -> List.of(outcomes));
  }

  private RowOutcome record(String tenantId, Carrier carrier, RowOutcome row) {
    try {
      ShipmentStore.TrackingOutcome outcome =
          store.recordTracking(tenantId, row.shipmentId(), carrier, row.trackingNumber(), true);
      if (outcome == ShipmentStore.TrackingOutcome.RECORDED) {
        trackingRecorded.increment();
      }
      return new RowOutcome(
          row.row(),
          row.shipmentId(),
          row.trackingNumber(),
          outcome == ShipmentStore.TrackingOutcome.RECORDED ? "accepted" : "unchanged",
          null,
          null);
    } catch (ShipmentStore.Refused refused) {
      return new RowOutcome(
          row.row(),
          row.shipmentId(),
          row.trackingNumber(),
          "rejected",
          refused.getMessage(),
          null);
    } catch (ShipmentStore.NotFound notFound) {
      return new RowOutcome(
          row.row(),
          row.shipmentId(),
          row.trackingNumber(),
          "rejected",
          "No shipment " + row.shipmentId() + ".",
          null);
    }
  }

  private ImportReport report(String tenantId, List<RowOutcome> rows) {
    int accepted = 0;
    int unchanged = 0;
    int rejected = 0;
    List<String> recorded = new ArrayList<>();
    for (RowOutcome row : rows) {
      switch (row.outcome()) {
        case "accepted" -> accepted++;
        case "unchanged" -> unchanged++;
        default -> rejected++;
      }
      if (!row.outcome().equals("rejected")) {
        recorded.add(row.shipmentId());
      }
    }
    Map<String, ShipmentStatus> statuses =
        store.statuses(tenantId, recorded.stream().distinct().toList());
    List<RowOutcome> out = new ArrayList<>();
    for (RowOutcome row : rows) {
      ShipmentStatus status =
          row.outcome().equals("rejected") ? null : statuses.get(row.shipmentId());
      out.add(
          new RowOutcome(
              row.row(),
              row.shipmentId(),
              row.trackingNumber(),
              row.outcome(),
              row.reason(),
              status == null ? null : status.name()));
    }
    return new ImportReport(accepted, unchanged, rejected, out);
  }

  // The background pass -------------------------------------------------------------------------

  /** Runs the background pass every {@code interval} on the blocking dispatcher. */
  public void start(ActorSystem<?> system, Duration interval) {
    system
        .scheduler()
        .scheduleWithFixedDelay(interval, interval, this::passSafely, system.executionContext());
  }

  private void passSafely() {
    if (!passRunning.compareAndSet(false, true)) {
      return;
    }
    try {
      blocking.execute(
          () -> {
            try {
              pass();
            } catch (RuntimeException e) {
              log.warn("The fulfilment pass failed; it runs again shortly", e);
            } finally {
              passRunning.set(false);
            }
          });
    } catch (RuntimeException rejected) {
      passRunning.set(false);
    }
  }

  /** One background pass; blocks (asks are awaited up to the ask timeout). */
  // Limitation: allocated orders are found on the order read side, so a shipment appears the
  // projection's lag plus up to one pass interval after the order was allocated.
  void pass() {
    for (Map.Entry<String, String> order : store.allocatedWithoutShipment(BATCH)) {
      String tenantId = order.getKey();
      try {
        OrderView view =
            order(tenantId, order.getValue())
                .toCompletableFuture()
                .get(askTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
        ShipmentRules.Result<ShipmentRules.Draft> draft = ShipmentRules.draft(view);
        if (draft.isOk()
            && store
                .create(tenantId, draft.value(), settings.get(tenantId).mergeRule())
                .created()) {
          created.increment();
        }
      } catch (Exception e) {
        log.warn("Could not create the shipment of order {}: {}", order.getValue(), e.toString());
      }
    }
    for (ShipmentStore.StaleOrder stale : store.staleOrders(BATCH)) {
      String reason =
          switch (stale.orderStatus()) {
            case "CANCELLED" -> "was cancelled";
            case "RETURNED" -> "was returned";
            default -> "shipped without this shipment";
          };
      store.detach(stale.tenantId(), stale.orderId(), reason);
    }
    for (ShipmentStore.PendingShipment pending : store.shipping(BATCH)) {
      try {
        ship(pending.tenantId(), pending.shipmentId())
            .toCompletableFuture()
            .get(askTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        log.warn("Could not ship shipment {}: {}", pending.shipmentId(), e.toString());
      }
    }
  }
}
