package io.ecengine.engine.sku;

import io.ecengine.engine.sku.SkuEvent.ReservationCommitted;
import io.ecengine.engine.sku.SkuEvent.ReservationExpired;
import io.ecengine.engine.sku.SkuEvent.ReservationReleased;
import io.ecengine.engine.sku.SkuEvent.ReservationsPlaced;
import io.ecengine.engine.sku.SkuEvent.SafetyStockSet;
import io.ecengine.engine.sku.SkuEvent.SkuDefined;
import io.ecengine.engine.sku.SkuEvent.SkuRenamed;
import io.ecengine.engine.sku.SkuEvent.StockAdjusted;
import io.ecengine.engine.sku.SkuOutcome.Done;
import io.ecengine.engine.sku.SkuOutcome.Rejected;
import io.ecengine.engine.sku.SkuOutcome.Rejection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The stock ledger of one SKU: pure decisions and state changes, no actors, no I/O.
 *
 * <p>Invariants: {@code reserved} is the sum of the active reservations, on hand never drops below
 * reserved, and a reservation is only accepted when it fits in what is available. Decisions ({@link
 * #decideAll}) never mutate the ledger; only {@link #apply} does, so the actor can decide a whole
 * batch, persist it, and apply exactly what was persisted.
 */
public final class SkuLedger {

  /** How many closed reservation ids and adjustment ids are remembered for idempotent retries. */
  public static final int REMEMBERED_IDS = 10_000;

  /** How a reservation ended. */
  public enum HoldEnd {
    RELEASED,
    EXPIRED,
    COMMITTED
  }

  /** A reservation that no longer holds stock, remembered so that a retry gets its answer. */
  public record ClosedReservation(Reservation reservation, HoldEnd end) {}

  /** An adjustment that took effect, with the levels it produced. */
  public record AppliedAdjustment(
      String adjustmentId, long delta, AdjustmentReason reason, Levels levelsAfter) {}

  /** The outcome of a batch: the events to persist and one outcome per request, in order. */
  public record Batch(List<SkuEvent> events, List<SkuOutcome> outcomes) {}

  private boolean defined;
  private String name;
  private long onHand;
  private long reserved;
  private long safetyStock;
  private final LinkedHashMap<String, Reservation> active = new LinkedHashMap<>();
  private final LinkedHashMap<String, ClosedReservation> closed = new LinkedHashMap<>();
  private final LinkedHashMap<String, AppliedAdjustment> adjustments = new LinkedHashMap<>();

  public static SkuLedger empty() {
    return new SkuLedger();
  }

  public boolean isDefined() {
    return defined;
  }

  public long available() {
    return Math.max(0, onHand - reserved - safetyStock);
  }

  public long onHand() {
    return onHand;
  }

  public long reserved() {
    return reserved;
  }

  public Levels levels() {
    return new Levels(name, onHand, reserved, safetyStock, available());
  }

  public Map<String, Reservation> activeReservations() {
    return java.util.Collections.unmodifiableMap(active);
  }

  /** The earliest expiry among the active reservations, if any of them expires. */
  public Optional<Instant> nextExpiry() {
    Instant next = null;
    for (Reservation r : active.values()) {
      if (r.expiresAt() != null && (next == null || r.expiresAt().isBefore(next))) {
        next = r.expiresAt();
      }
    }
    return Optional.ofNullable(next);
  }

  /**
   * Decides the requests in arrival order, each one seeing the effect of those before it, and
   * returns the events to persist and one outcome per request. This ledger is left unchanged.
   * Consecutive accepted reservations are merged into one {@link ReservationsPlaced} event.
   */
  public Batch decideAll(List<? extends SkuRequest> requests, Instant now) {
    SkuLedger scratch = copy();
    List<SkuEvent> events = new ArrayList<>();
    List<SkuOutcome> outcomes = new ArrayList<>(requests.size());
    for (SkuRequest request : requests) {
      Decision decision = scratch.decide(request, now);
      for (SkuEvent event : decision.events()) {
        scratch.apply(event);
        appendMerging(events, event);
      }
      outcomes.add(decision.outcome(scratch));
    }
    return new Batch(List.copyOf(events), List.copyOf(outcomes));
  }

  private static void appendMerging(List<SkuEvent> events, SkuEvent event) {
    int last = events.size() - 1;
    if (event instanceof ReservationsPlaced placed
        && last >= 0
        && events.get(last) instanceof ReservationsPlaced previous) {
      List<Reservation> merged = new ArrayList<>(previous.reservations());
      merged.addAll(placed.reservations());
      events.set(last, new ReservationsPlaced(merged));
    } else {
      events.add(event);
    }
  }

  /** Events for one request, and how to answer it once they are applied. */
  private record Decision(
      List<SkuEvent> events, java.util.function.Function<SkuLedger, SkuOutcome> answer) {
    SkuOutcome outcome(SkuLedger after) {
      return answer.apply(after);
    }

    static Decision of(SkuEvent event, java.util.function.Function<SkuLedger, SkuOutcome> answer) {
      return new Decision(List.of(event), answer);
    }

    static Decision answer(SkuOutcome outcome) {
      return new Decision(List.of(), ledger -> outcome);
    }
  }

  private Decision decide(SkuRequest request, Instant now) {
    if (request instanceof SkuRequest.Define define) {
      return decideDefine(define, now);
    }
    if (!defined) {
      if (request == SkuRequest.ExpireDue.INSTANCE) {
        return Decision.answer(new Done(levels(), null, false));
      }
      return Decision.answer(reject(Rejection.SKU_NOT_FOUND, "The SKU is not defined."));
    }
    if (request instanceof SkuRequest.Adjust adjust) {
      return decideAdjust(adjust, now);
    } else if (request instanceof SkuRequest.SetSafetyStock set) {
      return Decision.of(new SafetyStockSet(set.quantity(), now), this::done);
    } else if (request instanceof SkuRequest.Reserve reserve) {
      return decideReserve(reserve, now);
    } else if (request instanceof SkuRequest.Release release) {
      return decideClose(release.reservationId(), HoldEnd.RELEASED, now);
    } else if (request instanceof SkuRequest.Commit commit) {
      return decideClose(commit.reservationId(), HoldEnd.COMMITTED, now);
    } else if (request == SkuRequest.ExpireDue.INSTANCE) {
      return decideExpiry(now);
    }
    throw new IllegalArgumentException("Unknown request " + request);
  }

  private Decision decideDefine(SkuRequest.Define define, Instant now) {
    if (!defined) {
      return Decision.of(
          new SkuDefined(define.name(), now), ledger -> new Done(ledger.levels(), null, true));
    }
    if (define.name().equals(name)) {
      return Decision.answer(new Done(levels(), null, false));
    }
    return Decision.of(new SkuRenamed(define.name(), now), this::done);
  }

  private Decision decideAdjust(SkuRequest.Adjust adjust, Instant now) {
    AppliedAdjustment previous = adjustments.get(adjust.adjustmentId());
    if (previous != null) {
      if (previous.delta() == adjust.delta() && previous.reason() == adjust.reason()) {
        return Decision.answer(new Done(previous.levelsAfter(), null, false));
      }
      return Decision.answer(
          reject(Rejection.ID_REUSED, "This adjustmentId was used with a different request."));
    }
    long after = onHand + adjust.delta();
    if (after < reserved) {
      return Decision.answer(
          reject(
              Rejection.BELOW_RESERVED,
              "On hand would become "
                  + after
                  + " but "
                  + reserved
                  + " units are reserved; release or ship reservations first."));
    }
    return Decision.of(
        new StockAdjusted(adjust.adjustmentId(), adjust.delta(), adjust.reason(), now),
        ledger -> new Done(ledger.levels(), null, true));
  }

  private Decision decideReserve(SkuRequest.Reserve reserve, Instant now) {
    String id = reserve.reservationId();
    Reservation existing = active.get(id);
    if (existing == null && closed.containsKey(id)) {
      existing = closed.get(id).reservation();
    }
    if (existing != null) {
      if (existing.sameRequest(
          reserve.quantity(), reserve.channelId(), reserve.expiresInSeconds())) {
        Reservation first = existing;
        return Decision.answer(new Done(levels(), first, false));
      }
      return Decision.answer(
          reject(Rejection.ID_REUSED, "This reservationId was used with a different request."));
    }
    long available = available();
    if (reserve.quantity() > available) {
      return Decision.answer(
          reject(
              Rejection.INSUFFICIENT_STOCK,
              "Requested " + reserve.quantity() + " but only " + available + " available."));
    }
    Instant expiresAt =
        reserve.expiresInSeconds() == null ? null : now.plusSeconds(reserve.expiresInSeconds());
    Reservation reservation =
        new Reservation(
            id,
            reserve.quantity(),
            reserve.channelId(),
            reserve.expiresInSeconds(),
            now,
            expiresAt,
            available - reserve.quantity());
    return Decision.of(
        new ReservationsPlaced(List.of(reservation)),
        ledger -> new Done(ledger.levels(), reservation, true));
  }

  private Decision decideClose(String reservationId, HoldEnd end, Instant now) {
    Reservation holding = active.get(reservationId);
    if (holding != null) {
      SkuEvent event =
          end == HoldEnd.COMMITTED
              ? new ReservationCommitted(reservationId, holding.quantity(), now)
              : new ReservationReleased(reservationId, holding.quantity(), now);
      return Decision.of(event, ledger -> new Done(ledger.levels(), holding, true));
    }
    ClosedReservation done = closed.get(reservationId);
    if (done == null) {
      return Decision.answer(
          reject(Rejection.RESERVATION_NOT_FOUND, "No reservation with this id on this SKU."));
    }
    boolean sameEnd =
        done.end() == end || (end == HoldEnd.RELEASED && done.end() == HoldEnd.EXPIRED);
    if (sameEnd) {
      return Decision.answer(new Done(levels(), done.reservation(), false));
    }
    return Decision.answer(
        reject(
            Rejection.RESERVATION_CLOSED,
            "The reservation was already " + done.end().name().toLowerCase() + "."));
  }

  private Decision decideExpiry(Instant now) {
    List<SkuEvent> events = new ArrayList<>();
    for (Reservation r : active.values()) {
      if (r.expiresAt() != null && !r.expiresAt().isAfter(now)) {
        events.add(new ReservationExpired(r.reservationId(), r.quantity(), now));
      }
    }
    return new Decision(events, this::done);
  }

  private SkuOutcome done(SkuLedger after) {
    return new Done(after.levels(), null, false);
  }

  private Rejected reject(Rejection reason, String detail) {
    return new Rejected(reason, detail, defined ? levels() : null);
  }

  /** Applies one persisted event. Events are facts, so this never refuses one. */
  public void apply(SkuEvent event) {
    if (event instanceof SkuDefined e) {
      defined = true;
      name = e.name();
    } else if (event instanceof SkuRenamed e) {
      name = e.name();
    } else if (event instanceof StockAdjusted e) {
      onHand += e.delta();
      remember(
          adjustments,
          e.adjustmentId(),
          new AppliedAdjustment(e.adjustmentId(), e.delta(), e.reason(), levels()));
    } else if (event instanceof SafetyStockSet e) {
      safetyStock = e.quantity();
    } else if (event instanceof ReservationsPlaced e) {
      for (Reservation r : e.reservations()) {
        active.put(r.reservationId(), r);
        reserved += r.quantity();
      }
    } else if (event instanceof ReservationReleased e) {
      close(e.reservationId(), HoldEnd.RELEASED);
    } else if (event instanceof ReservationExpired e) {
      close(e.reservationId(), HoldEnd.EXPIRED);
    } else if (event instanceof ReservationCommitted e) {
      Reservation r = close(e.reservationId(), HoldEnd.COMMITTED);
      if (r != null) {
        onHand -= r.quantity();
      }
    }
  }

  private Reservation close(String reservationId, HoldEnd end) {
    Reservation r = active.remove(reservationId);
    if (r != null) {
      reserved -= r.quantity();
      remember(closed, reservationId, new ClosedReservation(r, end));
    }
    return r;
  }

  private static <V> void remember(LinkedHashMap<String, V> memory, String id, V value) {
    memory.put(id, value);
    // Limitation: only the most recent REMEMBERED_IDS closed reservations and adjustments are
    // remembered; a retry of an older one is treated as a new request.
    if (memory.size() > REMEMBERED_IDS) {
      Iterator<String> oldest = memory.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
  }

  private SkuLedger copy() {
    SkuLedger c = new SkuLedger();
    c.defined = defined;
    c.name = name;
    c.onHand = onHand;
    c.reserved = reserved;
    c.safetyStock = safetyStock;
    c.active.putAll(active);
    c.closed.putAll(closed);
    c.adjustments.putAll(adjustments);
    return c;
  }

  /** The whole ledger as a serializable value, for snapshots. */
  public Snapshot toSnapshot() {
    return new Snapshot(
        defined,
        name,
        onHand,
        safetyStock,
        List.copyOf(active.values()),
        List.copyOf(closed.values()),
        List.copyOf(adjustments.values()));
  }

  public static SkuLedger fromSnapshot(Snapshot s) {
    SkuLedger ledger = new SkuLedger();
    ledger.defined = s.defined();
    ledger.name = s.name();
    ledger.onHand = s.onHand();
    ledger.safetyStock = s.safetyStock();
    for (Reservation r : s.active()) {
      ledger.active.put(r.reservationId(), r);
      ledger.reserved += r.quantity();
    }
    s.closed().forEach(c -> ledger.closed.put(c.reservation().reservationId(), c));
    s.adjustments().forEach(a -> ledger.adjustments.put(a.adjustmentId(), a));
    return ledger;
  }

  /** Serializable form of the ledger; {@code reserved} is derived from the active holds. */
  public record Snapshot(
      boolean defined,
      String name,
      long onHand,
      long safetyStock,
      List<Reservation> active,
      List<ClosedReservation> closed,
      List<AppliedAdjustment> adjustments)
      implements io.ecengine.engine.serialization.CborSerializable {}
}
