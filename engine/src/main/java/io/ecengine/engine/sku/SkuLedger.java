package io.ecengine.engine.sku;

import io.ecengine.engine.sku.SkuEvent.HoldsFilled;
import io.ecengine.engine.sku.SkuEvent.IncomingAdded;
import io.ecengine.engine.sku.SkuEvent.IncomingReceived;
import io.ecengine.engine.sku.SkuEvent.ReservationCommitted;
import io.ecengine.engine.sku.SkuEvent.ReservationExpired;
import io.ecengine.engine.sku.SkuEvent.ReservationReleased;
import io.ecengine.engine.sku.SkuEvent.ReservationsPlaced;
import io.ecengine.engine.sku.SkuEvent.SafetyStockSet;
import io.ecengine.engine.sku.SkuEvent.ShareSet;
import io.ecengine.engine.sku.SkuEvent.SkuComponentsChanged;
import io.ecengine.engine.sku.SkuEvent.SkuDefined;
import io.ecengine.engine.sku.SkuEvent.SkuRenamed;
import io.ecengine.engine.sku.SkuEvent.StockAdjusted;
import io.ecengine.engine.sku.SkuEvent.StockPolicySet;
import io.ecengine.engine.sku.SkuOutcome.Done;
import io.ecengine.engine.sku.SkuOutcome.Rejected;
import io.ecengine.engine.sku.SkuOutcome.Rejection;
import io.ecengine.engine.sku.SkuOutcome.Shared;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The stock ledger of one SKU: pure decisions and state changes, no actors, no I/O.
 *
 * <p>Invariants: {@code reserved} is the sum of the active holds on stock and on hand never drops
 * below it; {@code backordered} and {@code preordered} are the sums of the owed holds. A hold is
 * placed on stock only when it fits in what is available; beyond that the SKU's {@link StockPolicy}
 * decides whether it may be owed. Owed holds are served first: they lower available, and after
 * every request the oldest of them become holds on stock as far as on hand allows, strictly in the
 * order they were placed, so a large old order is never overtaken by a small new one.
 *
 * <p>Shares: while a SKU is down to its last units, each channel's marketplace may be given units
 * of its own to count down (see {@link SkuRequest.ClaimShare}). They are set aside, so they lower
 * available like owed holds do; the channel's orders take their units from its share first. When
 * stock shrinks below what the shares set aside (a count, damage, a fill of owed holds), the shares
 * are cut back right away, so that they never promise units that are not there.
 *
 * <p>Decisions ({@link #decideAll}) never mutate the ledger; only {@link #apply} does, so the actor
 * can decide a whole batch, persist it, and apply exactly what was persisted.
 */
public final class SkuLedger {

  /** How many closed reservations and used ids of each kind are remembered for retries. */
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

  /**
   * A commit sent with a commitId that took effect: how much it shipped, whether that closed the
   * hold, and what it answered ({@code before} is the hold as it was just before the commit).
   */
  public record AppliedCommit(
      String commitId,
      String reservationId,
      long quantity,
      boolean closedHold,
      Levels levelsAfter,
      Reservation before) {}

  /** An announced delivery, pending or received. */
  public record Incoming(String incomingId, long quantity, Instant expectedAt) {}

  /**
   * The outcome of a batch: the events to persist, one outcome per request in order, and the owed
   * holds the batch filled, as holds on stock.
   */
  public record Batch(
      List<SkuEvent> events, List<SkuOutcome> outcomes, List<Reservation> filledHolds) {}

  /** The SKU code, to refuse a bundle that lists itself; null when the ledger is anonymous. */
  private final String sku;

  private boolean defined;
  private String name;
  private List<Component> components = List.of();
  private long onHand;
  private long reserved;
  private long backordered;
  private long preordered;
  private long safetyStock;
  private StockPolicy policy = StockPolicy.REJECT;
  private long backorderLimit;
  private final LinkedHashMap<String, Reservation> active = new LinkedHashMap<>();
  // How many active reservations expire at each instant, so that the next expiry is found without
  // walking every hold: a hot SKU can have tens of thousands, and asks after every write.
  private final java.util.TreeMap<Instant, Integer> expiries = new java.util.TreeMap<>();
  // Kept with active, so that channels asking many times a second during a burst do not walk
  // thousands of holds each time: STOCK units held per channel, and per channel the units of its
  // own listing's sales by their marketplace sale time.
  private final Map<String, Long> stockHeldByChannel = new java.util.TreeMap<>();
  private final Map<String, java.util.TreeMap<Instant, Long>> listedBySaleTime = new HashMap<>();
  // Units set aside per channel id (only channels with a share), their sum, and the sales rate
  // each share was sized by.
  private final java.util.TreeMap<String, Long> shares = new java.util.TreeMap<>();
  private final Map<String, Double> shareRates = new HashMap<>();
  private long shared;
  private SalesRate sales = new SalesRate();
  private final LinkedHashMap<String, Incoming> incoming = new LinkedHashMap<>();
  private final LinkedHashMap<String, ClosedReservation> closed = new LinkedHashMap<>();
  private final LinkedHashMap<String, AppliedAdjustment> adjustments = new LinkedHashMap<>();
  private final LinkedHashMap<String, AppliedCommit> commits = new LinkedHashMap<>();
  private final LinkedHashMap<String, Incoming> received = new LinkedHashMap<>();

  /** The adjustment applied by the previous event, if it was one; see HoldsFilled in apply. */
  private String lastAdjustmentId;

  private SkuLedger(String sku) {
    this.sku = sku;
  }

  /** A ledger that does not know its SKU code and so cannot tell a bundle that lists itself. */
  public static SkuLedger empty() {
    return new SkuLedger(null);
  }

  /** The ledger of the SKU with this code (the merchant's code, without the tenant). */
  public static SkuLedger empty(String sku) {
    return new SkuLedger(sku);
  }

  public boolean isDefined() {
    return defined;
  }

  /** How many records a snapshot of this ledger holds: holds, remembered ids, deliveries. */
  public long snapshotRecords() {
    return (long) active.size()
        + closed.size()
        + adjustments.size()
        + commits.size()
        + incoming.size()
        + received.size()
        + components.size();
  }

  public boolean isBundle() {
    return !components.isEmpty();
  }

  /**
   * Owed holds come first, so they lower what is left to sell even though on hand is untouched;
   * units set aside in shares are on show at one marketplace each, and so not available either.
   */
  public long available() {
    return Math.max(0, onHand - reserved - safetyStock - backordered - preordered - shared);
  }

  /** What on hand covers beyond holds, owed units and safety stock: the most shares may take. */
  private long roomForShares() {
    return Math.max(0, onHand - reserved - safetyStock - backordered - preordered);
  }

  /** Units set aside for one channel's share; 0 when it has none. */
  public long shareOf(String channelId) {
    return channelId == null ? 0 : shares.getOrDefault(channelId, 0L);
  }

  /** Units set aside per channel id, for the channels that have a share. */
  public Map<String, Long> shares() {
    return Collections.unmodifiableMap(shares);
  }

  /** Units per second placed over the last few seconds, all channels together. */
  public double salesPerSecond(Instant now) {
    return sales.perSecond(now);
  }

  /** Units per second placed over the last few seconds for one channel. */
  public double salesPerSecond(Instant now, String channelId) {
    return sales.perSecond(now, channelId);
  }

  /** Units per second placed over the last few seconds, per channel that sold any. */
  public Map<String, Double> salesPerSecondByChannel(Instant now) {
    return sales.perSecondByChannel(now);
  }

  public long onHand() {
    return onHand;
  }

  public long reserved() {
    return reserved;
  }

  public long backordered() {
    return backordered;
  }

  public long preordered() {
    return preordered;
  }

  public Levels levels() {
    return new Levels(
        name,
        onHand,
        reserved,
        safetyStock,
        available(),
        backordered,
        preordered,
        incomingUnits(),
        components,
        shared);
  }

  /**
   * Units held on stock per channel, for dedicated quotas. Computed on demand (it walks every
   * hold), so it stays off the reservation path.
   */
  public Map<String, Long> heldByChannel() {
    return new java.util.TreeMap<>(stockHeldByChannel);
  }

  /**
   * Units of open holds of a channel that its marketplace sold as this SKU's own listing after
   * {@code after} by its clock, and so stopped showing by itself. Holds of every kind count, since
   * owed holds lower available too. Computed on demand, like {@link #heldByChannel}.
   */
  public long listedSince(String channelId, Instant after) {
    java.util.TreeMap<Instant, Long> bySaleTime = listedBySaleTime.get(channelId);
    if (bySaleTime == null) {
      return 0;
    }
    long listed = 0;
    for (long units : bySaleTime.tailMap(after, false).values()) {
      listed += units;
    }
    return listed;
  }

  private long incomingUnits() {
    return incoming.values().stream().mapToLong(Incoming::quantity).sum();
  }

  /** The holds still open, in the order they were placed. */
  public Map<String, Reservation> activeReservations() {
    return Collections.unmodifiableMap(active);
  }

  /** The earliest expiry among the active reservations, if any of them expires. */
  public Optional<Instant> nextExpiry() {
    return expiries.isEmpty() ? Optional.empty() : Optional.of(expiries.firstKey());
  }

  /** Every change to {@code active} goes through here and {@link #removeActive}. */
  private void putActive(Reservation reservation) {
    Reservation replaced = active.put(reservation.reservationId(), reservation);
    forgetExpiry(replaced);
    countByChannel(replaced, -1);
    if (reservation.expiresAt() != null) {
      expiries.merge(reservation.expiresAt(), 1, Integer::sum);
    }
    countByChannel(reservation, 1);
  }

  private Reservation removeActive(String reservationId) {
    Reservation removed = active.remove(reservationId);
    forgetExpiry(removed);
    countByChannel(removed, -1);
    return removed;
  }

  /** Adds ({@code sign} 1) or takes away (-1) what a hold counts for its channel. */
  private void countByChannel(Reservation r, int sign) {
    if (r == null || r.channelId() == null) {
      return;
    }
    if (r.kind() == HoldKind.STOCK) {
      stockHeldByChannel.merge(r.channelId(), sign * r.quantity(), Long::sum);
      stockHeldByChannel.remove(r.channelId(), 0L);
    }
    if (r.listedHeld() > 0 && r.soldAt() != null) {
      java.util.TreeMap<Instant, Long> bySaleTime =
          listedBySaleTime.computeIfAbsent(r.channelId(), c -> new java.util.TreeMap<>());
      bySaleTime.merge(r.soldAt(), sign * r.listedHeld(), Long::sum);
      bySaleTime.remove(r.soldAt(), 0L);
      if (bySaleTime.isEmpty()) {
        listedBySaleTime.remove(r.channelId());
      }
    }
  }

  private void forgetExpiry(Reservation reservation) {
    if (reservation != null && reservation.expiresAt() != null) {
      expiries.computeIfPresent(reservation.expiresAt(), (at, n) -> n == 1 ? null : n - 1);
    }
  }

  /**
   * Decides the requests in arrival order, each one seeing the effect of those before it, and
   * returns the events to persist and one outcome per request. This ledger is left unchanged.
   * Consecutive accepted reservations are merged into one {@link ReservationsPlaced} event.
   *
   * <p>After each request, owed holds that now fit are filled by a {@link HoldsFilled} event; it
   * belongs to that request, whose answer shows the levels after the fill.
   */
  public Batch decideAll(List<? extends SkuRequest> requests, Instant now) {
    return copy().decideAllInPlace(requests, now);
  }

  /**
   * Decides like {@link #decideAll} but applies the events to this ledger as it goes, instead of to
   * a copy: the copy costs as much as the ledger is large (every active hold, and thousands of
   * remembered ids), which a hot SKU would pay on every write. The caller must then not apply the
   * returned events again, and must discard this ledger if they are not stored.
   */
  public Batch decideAllInPlace(List<? extends SkuRequest> requests, Instant now) {
    SkuLedger scratch = this;
    List<SkuEvent> events = new ArrayList<>();
    List<SkuOutcome> outcomes = new ArrayList<>(requests.size());
    List<Reservation> filled = new ArrayList<>();
    for (SkuRequest request : requests) {
      Decision decision = scratch.decide(request, now);
      for (SkuEvent event : decision.events()) {
        scratch.apply(event);
        appendMerging(events, event);
      }

      Optional<HoldsFilled> fill = scratch.decideFill(now);
      if (fill.isPresent()) {
        scratch.apply(fill.get());
        events.add(fill.get());
        fill.get().reservationIds().forEach(id -> filled.add(scratch.active.get(id)));
      }
      for (ShareSet cut : scratch.decideShareCut(now)) {
        scratch.apply(cut);
        events.add(cut);
      }
      outcomes.add(decision.outcome(scratch));
    }
    return new Batch(List.copyOf(events), List.copyOf(outcomes), List.copyOf(filled));
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

  /**
   * Owed holds, oldest first, that on hand can now cover beyond reserved and safety stock. Stops at
   * the first that does not fit, even if a later, smaller one would.
   */
  private Optional<HoldsFilled> decideFill(Instant now) {
    // Runs after every request, so a SKU with nothing owed must not walk its holds each time.
    if (backordered + preordered == 0) {
      return Optional.empty();
    }
    long room = onHand - reserved - safetyStock;
    List<String> ids = new ArrayList<>();
    long filledBackorders = 0;
    long filledPreorders = 0;
    for (Reservation r : active.values()) {
      if (!r.kind().owed()) {
        continue;
      }
      if (r.quantity() > room) {
        break;
      }
      room -= r.quantity();
      ids.add(r.reservationId());
      if (r.kind() == HoldKind.BACKORDER) {
        filledBackorders += r.quantity();
      } else {
        filledPreorders += r.quantity();
      }
    }
    if (ids.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new HoldsFilled(ids, filledBackorders, filledPreorders, now));
  }

  /**
   * Shares cut back so that together they fit in what on hand covers again, each by its part of the
   * excess (rounded so that the cuts add up to it, larger shares first). Runs after every request,
   * so a SKU without shares must not do more than look at one figure.
   */
  private List<ShareSet> decideShareCut(Instant now) {
    long excess = shared - roomForShares();
    if (shares.isEmpty() || excess <= 0) {
      return List.of();
    }
    Map<String, Long> cuts = new java.util.TreeMap<>();
    long assigned = 0;
    for (Map.Entry<String, Long> share : shares.entrySet()) {
      long cut = share.getValue() * excess / shared;
      cuts.put(share.getKey(), cut);
      assigned += cut;
    }
    List<String> largestFirst = new ArrayList<>(shares.keySet());
    largestFirst.sort((a, b) -> Long.compare(shares.get(b), shares.get(a)));
    for (int i = 0; assigned < excess; i = (i + 1) % largestFirst.size()) {
      String channel = largestFirst.get(i);
      if (cuts.get(channel) < shares.get(channel)) {
        cuts.merge(channel, 1L, Long::sum);
        assigned++;
      }
    }
    List<ShareSet> events = new ArrayList<>();
    cuts.forEach(
        (channel, cut) -> {
          if (cut > 0) {
            long units = shares.get(channel) - cut;
            events.add(
                new ShareSet(channel, units, -cut, shareRates.getOrDefault(channel, 0.0), now));
          }
        });
    return events;
  }

  /** Events for one request, and how to answer it once they are applied. */
  private record Decision(List<SkuEvent> events, Function<SkuLedger, SkuOutcome> answer) {
    SkuOutcome outcome(SkuLedger after) {
      return answer.apply(after);
    }

    static Decision of(SkuEvent event, Function<SkuLedger, SkuOutcome> answer) {
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
    // A bundle holds nothing itself: its callers (the order saga, the reservation API) hold its
    // components, each on its own SKU.
    if (isBundle() && touchesStock(request)) {
      return Decision.answer(
          reject(
              Rejection.BUNDLE_HAS_NO_STOCK,
              "The SKU is a bundle and holds no stock; use its components instead."));
    }
    if (request instanceof SkuRequest.Adjust adjust) {
      return decideAdjust(adjust, now);
    } else if (request instanceof SkuRequest.SetSafetyStock set) {
      return Decision.of(new SafetyStockSet(set.quantity(), now), this::done);
    } else if (request instanceof SkuRequest.SetPolicy set) {
      return decidePolicy(set, now);
    } else if (request instanceof SkuRequest.AddIncoming add) {
      return decideAddIncoming(add, now);
    } else if (request instanceof SkuRequest.ReceiveIncoming receive) {
      return decideReceiveIncoming(receive, now);
    } else if (request instanceof SkuRequest.Reserve reserve) {
      return decideReserve(reserve, now);
    } else if (request instanceof SkuRequest.Release release) {
      return decideRelease(release.reservationId(), now);
    } else if (request instanceof SkuRequest.Commit commit) {
      return decideCommit(commit, now);
    } else if (request == SkuRequest.ExpireDue.INSTANCE) {
      return decideExpiry(now);
    } else if (request instanceof SkuRequest.ClaimShare claim) {
      return decideShare(claim, now);
    }
    throw new IllegalArgumentException("Unknown request " + request);
  }

  /** Requests that would give a bundle stock, holds or deliveries of its own. */
  private static boolean touchesStock(SkuRequest request) {
    return request instanceof SkuRequest.Adjust
        || request instanceof SkuRequest.SetSafetyStock
        || request instanceof SkuRequest.SetPolicy
        || request instanceof SkuRequest.AddIncoming
        || request instanceof SkuRequest.ReceiveIncoming
        || request instanceof SkuRequest.Reserve
        || request instanceof SkuRequest.Release
        || request instanceof SkuRequest.Commit
        || request instanceof SkuRequest.ClaimShare;
  }

  private Decision decideDefine(SkuRequest.Define define, Instant now) {
    // Limitation: a SKU only knows its own code, so it refuses a bundle that lists itself but not a
    // cycle through other bundles (A lists B, B lists A); whoever sums bundle availability across
    // SKUs must guard against that.
    if (sku != null && define.components().stream().anyMatch(c -> c.sku().equals(sku))) {
      return Decision.answer(
          reject(Rejection.BUNDLE_LISTS_ITSELF, "A bundle cannot list itself as a component."));
    }
    if (!defined) {
      return Decision.of(
          new SkuDefined(define.name(), define.components(), now),
          ledger -> new Done(ledger.levels(), null, true));
    }
    boolean becomesBundle = !isBundle() && !define.components().isEmpty();
    if (becomesBundle && (onHand > 0 || !active.isEmpty() || !incoming.isEmpty())) {
      return Decision.answer(
          reject(
              Rejection.KIND_CHANGE,
              "Only a SKU with no on hand, no reservations and nothing incoming can become a"
                  + " bundle."));
    }
    List<SkuEvent> events = new ArrayList<>();
    if (!define.name().equals(name)) {
      events.add(new SkuRenamed(define.name(), now));
    }
    if (!Set.copyOf(define.components()).equals(Set.copyOf(components))) {
      events.add(new SkuComponentsChanged(define.components(), now));
    }
    return new Decision(events, this::done);
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

  private Decision decidePolicy(SkuRequest.SetPolicy set, Instant now) {
    if (set.policy() == policy && set.backorderLimit() == backorderLimit) {
      return Decision.answer(new Done(levels(), null, false));
    }
    // Lowering the limit or leaving BACKORDER keeps the holds already owed; it only stops new ones.
    return Decision.of(new StockPolicySet(set.policy(), set.backorderLimit(), now), this::done);
  }

  private Decision decideAddIncoming(SkuRequest.AddIncoming add, Instant now) {
    Incoming known = incoming.getOrDefault(add.incomingId(), received.get(add.incomingId()));
    if (known != null) {
      if (known.quantity() == add.quantity()
          && Objects.equals(known.expectedAt(), add.expectedAt())) {
        return Decision.answer(new Done(levels(), null, false));
      }
      return Decision.answer(
          reject(Rejection.ID_REUSED, "This incomingId was used with a different request."));
    }
    return Decision.of(
        new IncomingAdded(add.incomingId(), add.quantity(), add.expectedAt(), now),
        ledger -> new Done(ledger.levels(), null, true));
  }

  private Decision decideReceiveIncoming(SkuRequest.ReceiveIncoming receive, Instant now) {
    Incoming pending = incoming.get(receive.incomingId());
    if (pending != null) {
      return Decision.of(
          new IncomingReceived(pending.incomingId(), pending.quantity(), now),
          ledger -> new Done(ledger.levels(), null, true));
    }
    if (received.containsKey(receive.incomingId())) {
      return Decision.answer(new Done(levels(), null, false));
    }
    return Decision.answer(
        reject(Rejection.INCOMING_NOT_FOUND, "No incoming delivery with this id on this SKU."));
  }

  private Decision decideReserve(SkuRequest.Reserve reserve, Instant now) {
    String id = reserve.reservationId();
    Reservation existing = active.get(id);
    boolean isClosed = existing == null && closed.containsKey(id);
    if (isClosed) {
      existing = closed.get(id).reservation();
    }
    if (existing != null) {
      if (existing.sameRequest(
          reserve.quantity(), reserve.channelId(), reserve.expiresInSeconds())) {
        // The hold as it stands now: a fill or a partial commit since then shows in the answer.
        return Decision.answer(new Done(levels(), existing, false, isClosed));
      }
      return Decision.answer(
          reject(Rejection.ID_REUSED, "This reservationId was used with a different request."));
    }
    long available = available();
    // A marketplace's own sale comes out of what was set aside for that marketplace, if anything.
    long fromShare = Math.min(reserve.listedUnits(), shareOf(reserve.channelId()));
    HoldKind kind;
    if (reserve.quantity() - fromShare <= available) {
      kind = HoldKind.STOCK;
    } else {
      // An owed hold takes no units from stock, and so none from the share either.
      fromShare = 0;
      kind = kindFor(reserve.quantity(), available);
    }
    if (kind == null) {
      return Decision.answer(
          reject(Rejection.INSUFFICIENT_STOCK, insufficient(reserve.quantity(), available)));
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
            Math.max(0, available - (reserve.quantity() - fromShare)),
            kind,
            0,
            reserve.listedUnits(),
            reserve.soldAt(),
            fromShare);
    return Decision.of(
        new ReservationsPlaced(List.of(reservation)),
        ledger -> new Done(ledger.levels(), reservation, true));
  }

  /** How a hold of this size may be placed, or null when the policy does not allow it at all. */
  private HoldKind kindFor(long quantity, long available) {
    if (quantity <= available) {
      return HoldKind.STOCK;
    }
    if (policy == StockPolicy.BACKORDER && backordered + quantity <= backorderLimit) {
      return HoldKind.BACKORDER;
    }
    if (policy == StockPolicy.PREORDER && preordered + quantity <= incomingUnits()) {
      return HoldKind.PREORDER;
    }
    return null;
  }

  private String insufficient(long quantity, long available) {
    String detail = "Requested " + quantity + " but only " + available + " available";
    if (policy == StockPolicy.BACKORDER) {
      detail += " and " + (backorderLimit - backordered) + " more may be backordered";
    } else if (policy == StockPolicy.PREORDER) {
      detail += " and " + Math.max(0, incomingUnits() - preordered) + " incoming not yet promised";
    }
    return detail + ".";
  }

  /**
   * A channel's share, replacing its previous one: its unplaced sales first, then what it asked to
   * show, both within available (its own previous share counts as available again) less what its
   * rules keep back. When other channels hold shares too, what is left is divided by their sales
   * rates, so the first to ask cannot take units the others are about to sell; a channel that sells
   * nothing yet may still show one unit.
   */
  private Decision decideShare(SkuRequest.ClaimShare claim, Instant now) {
    String channel = claim.channelId();
    long current = shareOf(channel);
    long room = Math.max(0, available() + current - claim.keepBack());
    long unplaced = Math.min(claim.unplaced(), room);
    long pot = room - unplaced;
    long show = Math.min(claim.show(), pot);
    double others = 0;
    for (String other : shares.keySet()) {
      if (!other.equals(channel)) {
        others += shareRates.getOrDefault(other, 0.0);
      }
    }
    if (show > 1 && others > 0) {
      double part = pot * claim.perSecond() / (claim.perSecond() + others);
      show = Math.min(show, Math.max(1, (long) Math.ceil(part)));
    }
    long share = unplaced + show;
    long granted = show;
    boolean sameRate =
        Double.compare(shareRates.getOrDefault(channel, 0.0), claim.perSecond()) == 0;
    if (share == current && (share == 0 || sameRate)) {
      return Decision.answer(new Shared(levels(), share, granted));
    }
    return Decision.of(
        new ShareSet(channel, share, share - current, claim.perSecond(), now),
        ledger -> new Shared(ledger.levels(), share, granted));
  }

  private Decision decideRelease(String reservationId, Instant now) {
    Reservation holding = active.get(reservationId);
    if (holding != null) {
      return Decision.of(
          new ReservationReleased(reservationId, holding.quantity(), holding.kind(), now),
          ledger -> new Done(ledger.levels(), holding, true));
    }
    ClosedReservation done = closed.get(reservationId);
    if (done == null) {
      return notFound();
    }
    if (done.end() != HoldEnd.COMMITTED) {
      // An expired hold counts as released, so releasing it is a harmless retry.
      return Decision.answer(new Done(levels(), done.reservation(), false));
    }
    return closedAlready(done);
  }

  private Decision decideCommit(SkuRequest.Commit commit, Instant now) {
    String reservationId = commit.reservationId();
    if (commit.commitId() != null && commits.containsKey(commit.commitId())) {
      AppliedCommit first = commits.get(commit.commitId());
      boolean same =
          first.reservationId().equals(reservationId)
              && (commit.quantity() == null
                  ? first.closedHold()
                  : commit.quantity() == first.quantity());
      if (same) {
        return Decision.answer(new Done(first.levelsAfter(), first.before(), false));
      }
      return Decision.answer(
          reject(Rejection.ID_REUSED, "This commitId was used with a different request."));
    }
    Reservation holding = active.get(reservationId);
    if (holding != null) {
      if (holding.kind().owed()) {
        return Decision.answer(
            reject(
                Rejection.NOT_IN_STOCK,
                "The reservation is "
                    + holding.kind().name().toLowerCase()
                    + "ed and has no units on hand to ship yet."));
      }
      long shipped = commit.quantity() == null ? holding.quantity() : commit.quantity();
      if (shipped > holding.quantity()) {
        return Decision.answer(
            reject(
                Rejection.EXCEEDS_HOLD,
                "Asked to ship " + shipped + " but the reservation holds " + holding.quantity()));
      }
      return Decision.of(
          new ReservationCommitted(
              reservationId, commit.commitId(), shipped, holding.quantity() - shipped, now),
          ledger -> new Done(ledger.levels(), holding, true));
    }
    ClosedReservation done = closed.get(reservationId);
    if (done == null) {
      return notFound();
    }
    if (done.end() == HoldEnd.COMMITTED && commit.quantity() == null) {
      return Decision.answer(new Done(levels(), done.reservation(), false));
    }
    return closedAlready(done);
  }

  private Decision notFound() {
    return Decision.answer(
        reject(Rejection.RESERVATION_NOT_FOUND, "No reservation with this id on this SKU."));
  }

  private Decision closedAlready(ClosedReservation done) {
    return Decision.answer(
        reject(
            Rejection.RESERVATION_CLOSED,
            "The reservation was already " + done.end().name().toLowerCase() + "."));
  }

  private Decision decideExpiry(Instant now) {
    List<SkuEvent> events = new ArrayList<>();
    for (Reservation r : active.values()) {
      if (r.expiresAt() != null && !r.expiresAt().isAfter(now)) {
        events.add(new ReservationExpired(r.reservationId(), r.quantity(), r.kind(), now));
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
      components = e.components();
    } else if (event instanceof SkuRenamed e) {
      name = e.name();
    } else if (event instanceof SkuComponentsChanged e) {
      components = e.components();
    } else if (event instanceof StockAdjusted e) {
      onHand += e.delta();
      remember(
          adjustments,
          e.adjustmentId(),
          new AppliedAdjustment(e.adjustmentId(), e.delta(), e.reason(), levels()));
    } else if (event instanceof SafetyStockSet e) {
      safetyStock = e.quantity();
    } else if (event instanceof StockPolicySet e) {
      policy = e.policy();
      backorderLimit = e.backorderLimit();
    } else if (event instanceof IncomingAdded e) {
      incoming.put(e.incomingId(), new Incoming(e.incomingId(), e.quantity(), e.expectedAt()));
    } else if (event instanceof IncomingReceived e) {
      Incoming delivery = incoming.remove(e.incomingId());
      onHand += e.quantity();
      remember(
          received,
          e.incomingId(),
          delivery != null ? delivery : new Incoming(e.incomingId(), e.quantity(), null));
    } else if (event instanceof ReservationsPlaced e) {
      for (Reservation r : e.reservations()) {
        putActive(r);
        count(r.kind(), r.quantity());
        if (r.fromShare() > 0) {
          setShare(r.channelId(), shareOf(r.channelId()) - r.fromShare());
        }
        sales.record(r.placedAt(), r.channelId(), r.quantity());
      }
    } else if (event instanceof ShareSet e) {
      setShare(e.channelId(), e.units());
      if (e.units() > 0) {
        shareRates.put(e.channelId(), e.perSecond());
      }
    } else if (event instanceof HoldsFilled e) {
      fill(e.reservationIds());
    } else if (event instanceof ReservationReleased e) {
      close(e.reservationId(), HoldEnd.RELEASED);
    } else if (event instanceof ReservationExpired e) {
      close(e.reservationId(), HoldEnd.EXPIRED);
    } else if (event instanceof ReservationCommitted e) {
      commit(e);
    }
    lastAdjustmentId = event instanceof StockAdjusted e ? e.adjustmentId() : null;
  }

  /** Every change to {@code shares} goes through here, which keeps {@code shared} their sum. */
  private void setShare(String channelId, long units) {
    long before = shares.getOrDefault(channelId, 0L);
    long after = Math.max(0, units);
    shared += after - before;
    if (after == 0) {
      shares.remove(channelId);
      shareRates.remove(channelId);
    } else {
      shares.put(channelId, after);
    }
  }

  /** Adds (or with a negative quantity removes) units of one kind of hold to its figure. */
  private void count(HoldKind kind, long quantity) {
    switch (kind) {
      case STOCK -> reserved += quantity;
      case BACKORDER -> backordered += quantity;
      case PREORDER -> preordered += quantity;
    }
  }

  private void fill(List<String> reservationIds) {
    for (String id : reservationIds) {
      Reservation r = active.get(id);
      if (r != null && r.kind().owed()) {
        count(r.kind(), -r.quantity());
        count(HoldKind.STOCK, r.quantity());
        // put on an existing key keeps the hold's place in placement order.
        putActive(r.filled());
      }
    }
    // A fill belongs to the adjustment right before it, so a retry of that adjustment is answered
    // with the levels after the fill, like the first time.
    if (lastAdjustmentId != null) {
      adjustments.computeIfPresent(
          lastAdjustmentId, (id, a) -> new AppliedAdjustment(id, a.delta(), a.reason(), levels()));
    }
  }

  private void commit(ReservationCommitted e) {
    Reservation before = active.get(e.reservationId());
    if (before == null) {
      return;
    }
    onHand -= e.quantity();
    if (e.closed()) {
      close(e.reservationId(), HoldEnd.COMMITTED);
    } else {
      putActive(before.afterCommitting(e.quantity()));
      count(before.kind(), -e.quantity());
    }
    if (e.commitId() != null) {
      remember(
          commits,
          e.commitId(),
          new AppliedCommit(
              e.commitId(), e.reservationId(), e.quantity(), e.closed(), levels(), before));
    }
  }

  private Reservation close(String reservationId, HoldEnd end) {
    Reservation r = removeActive(reservationId);
    if (r != null) {
      count(r.kind(), -r.quantity());
      remember(closed, reservationId, new ClosedReservation(r, end));
    }
    return r;
  }

  private static <V> void remember(LinkedHashMap<String, V> memory, String id, V value) {
    memory.put(id, value);
    // Limitation: only the most recent REMEMBERED_IDS closed reservations, adjustments, commitIds
    // and received deliveries are remembered; a retry of an older one is treated as a new request.
    if (memory.size() > REMEMBERED_IDS) {
      Iterator<String> oldest = memory.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
  }

  private SkuLedger copy() {
    SkuLedger c = new SkuLedger(sku);
    c.defined = defined;
    c.name = name;
    c.components = components;
    c.onHand = onHand;
    c.reserved = reserved;
    c.backordered = backordered;
    c.preordered = preordered;
    c.safetyStock = safetyStock;
    c.policy = policy;
    c.backorderLimit = backorderLimit;
    c.active.putAll(active);
    c.expiries.putAll(expiries);
    c.stockHeldByChannel.putAll(stockHeldByChannel);
    listedBySaleTime.forEach(
        (channel, bySaleTime) ->
            c.listedBySaleTime.put(channel, new java.util.TreeMap<>(bySaleTime)));
    c.shares.putAll(shares);
    c.shareRates.putAll(shareRates);
    c.shared = shared;
    c.sales = sales.copy();
    c.incoming.putAll(incoming);
    c.closed.putAll(closed);
    c.adjustments.putAll(adjustments);
    c.commits.putAll(commits);
    c.received.putAll(received);
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
        List.copyOf(adjustments.values()),
        components,
        policy,
        backorderLimit,
        List.copyOf(incoming.values()),
        List.copyOf(received.values()),
        List.copyOf(commits.values()),
        Map.copyOf(shares),
        Map.copyOf(shareRates));
  }

  /** Restores an anonymous ledger; see {@link #empty()}. */
  public static SkuLedger fromSnapshot(Snapshot s) {
    return fromSnapshot(s, null);
  }

  /** Restores the ledger of the SKU with this code. */
  public static SkuLedger fromSnapshot(Snapshot s, String sku) {
    SkuLedger ledger = new SkuLedger(sku);
    ledger.defined = s.defined();
    ledger.name = s.name();
    ledger.components = s.components();
    ledger.onHand = s.onHand();
    ledger.safetyStock = s.safetyStock();
    ledger.policy = s.policy();
    ledger.backorderLimit = s.backorderLimit();
    for (Reservation r : s.active()) {
      ledger.putActive(r);
      ledger.count(r.kind(), r.quantity());
    }
    s.incoming().forEach(i -> ledger.incoming.put(i.incomingId(), i));
    s.closed().forEach(c -> ledger.closed.put(c.reservation().reservationId(), c));
    s.adjustments().forEach(a -> ledger.adjustments.put(a.adjustmentId(), a));
    s.commits().forEach(c -> ledger.commits.put(c.commitId(), c));
    s.received().forEach(i -> ledger.received.put(i.incomingId(), i));
    s.shares().forEach(ledger::setShare);
    ledger.shareRates.putAll(s.shareRates());
    return ledger;
  }

  /**
   * Serializable form of the ledger; {@code reserved} and the owed figures are derived from the
   * active holds. Fields added after the first release are empty when an older snapshot is read.
   */
  public record Snapshot(
      boolean defined,
      String name,
      long onHand,
      long safetyStock,
      List<Reservation> active,
      List<ClosedReservation> closed,
      List<AppliedAdjustment> adjustments,
      List<Component> components,
      StockPolicy policy,
      long backorderLimit,
      List<Incoming> incoming,
      List<Incoming> received,
      List<AppliedCommit> commits,
      Map<String, Long> shares,
      Map<String, Double> shareRates)
      implements io.ecengine.engine.serialization.CborSerializable {

    public Snapshot {
      components = components == null ? List.of() : components;
      policy = policy == null ? StockPolicy.REJECT : policy;
      incoming = incoming == null ? List.of() : incoming;
      received = received == null ? List.of() : received;
      commits = commits == null ? List.of() : commits;
      shares = shares == null ? Map.of() : shares;
      shareRates = shareRates == null ? Map.of() : shareRates;
    }
  }
}
