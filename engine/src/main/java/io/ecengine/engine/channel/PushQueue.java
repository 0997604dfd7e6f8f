package io.ecengine.engine.channel;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The stock pushes waiting for one channel. It keeps only the latest quantity per SKU, so a backlog
 * shrinks to one entry per SKU however fast stock moves, and it hands out the changes that can
 * cause an oversell first: sold out, then decreases to low stock, then other decreases, then
 * increases; within each, the oldest change first.
 *
 * <p>A SKU handed out by {@link #nextBatch} is in flight until {@link #markSent} or {@link
 * #requeue}. While it is, it is not handed out again, so two calls for one SKU can never overtake
 * each other; a change offered meanwhile waits and is compared with the quantity in flight, which
 * is what the marketplace will show if the call succeeds.
 *
 * <p>Mutable and not thread-safe: one actor owns it.
 */
public final class PushQueue {

  /** How urgent a change is, most urgent first. */
  public enum Urgency {
    /** The SKU is sold out: every moment the marketplace shows stock risks an oversell. */
    SOLD_OUT,
    /** A decrease to the low-stock threshold or below. */
    LOW_STOCK,
    /** Any other decrease. */
    DECREASE,
    /** An increase: late means a missed sale, never an oversell. */
    INCREASE
  }

  /**
   * A change waiting to be pushed. {@code previouslySent} is the quantity the marketplace was last
   * known to show, -1 when nothing was ever sent; {@code since} is when the oldest change folded
   * into this one was offered, so that {@code now - since} is how stale the marketplace is.
   */
  public record Pending(String sku, long quantity, long previouslySent, Instant since) {
    public Pending {
      Objects.requireNonNull(sku, "sku");
      Objects.requireNonNull(since, "since");
      if (quantity < 0) {
        throw new IllegalArgumentException("quantity must not be negative, was " + quantity);
      }
      if (previouslySent < -1) {
        throw new IllegalArgumentException(
            "previously sent must be -1 (never) or a quantity, was " + previouslySent);
      }
    }
  }

  private final long lowStockThreshold;
  private final Map<String, Pending> pending = new HashMap<>();
  private final NavigableSet<Pending> byUrgency;
  private final NavigableSet<Pending> byAge =
      new TreeSet<>(Comparator.comparing(Pending::since).thenComparing(Pending::sku));
  private final Map<String, Pending> inFlight = new HashMap<>();

  /**
   * @param lowStockThreshold a decrease to this quantity or below is pushed before other decreases
   */
  public PushQueue(long lowStockThreshold) {
    if (lowStockThreshold < 0) {
      throw new IllegalArgumentException(
          "low-stock threshold must not be negative, was " + lowStockThreshold);
    }
    this.lowStockThreshold = lowStockThreshold;
    this.byUrgency =
        new TreeSet<>(
            Comparator.comparing(this::urgencyOf)
                .thenComparing(Pending::since)
                .thenComparing(Pending::sku));
  }

  /**
   * How urgent a change is. A SKU never sent counts as a decrease: the marketplace may show any
   * quantity, possibly more than this one.
   */
  public Urgency urgencyOf(Pending change) {
    if (change.quantity() == 0) {
      return Urgency.SOLD_OUT;
    }
    boolean decrease = change.previouslySent() < 0 || change.quantity() < change.previouslySent();
    if (!decrease) {
      return Urgency.INCREASE;
    }
    return change.quantity() <= lowStockThreshold ? Urgency.LOW_STOCK : Urgency.DECREASE;
  }

  /**
   * Record the latest sellable quantity of a SKU, replacing any change still waiting for it. A
   * quantity equal to what the marketplace shows (or will show once the call in flight succeeds)
   * cancels the waiting change instead, since there is nothing to send.
   *
   * @param previouslySent the quantity last sent to the marketplace for this SKU, -1 if never
   */
  public void offer(String sku, long quantity, long previouslySent, Instant at) {
    Pending offered = new Pending(sku, quantity, previouslySent, at);
    Pending flying = inFlight.get(sku);
    long shown = flying != null ? flying.quantity() : previouslySent;
    Pending waiting = pending.get(sku);
    if (quantity == shown) {
      remove(waiting);
    } else if (waiting != null && waiting.since().isBefore(at)) {
      put(new Pending(sku, quantity, previouslySent, waiting.since()));
    } else {
      put(offered);
    }
  }

  /**
   * Hand out up to {@code batchSize} changes, most urgent first, and hold them in flight. SKUs
   * already in flight are passed over; their new change follows once the call in flight is done.
   */
  public List<Pending> nextBatch(int batchSize) {
    return nextBatch(batchSize, change -> true);
  }

  /**
   * Like {@link #nextBatch(int)}, handing out only the changes {@code eligible} accepts; the others
   * keep waiting, in their place.
   */
  public List<Pending> nextBatch(int batchSize, Predicate<Pending> eligible) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive, was " + batchSize);
    }
    List<Pending> batch = new ArrayList<>(Math.min(batchSize, pending.size()));
    Iterator<Pending> candidates = byUrgency.iterator();
    while (batch.size() < batchSize && candidates.hasNext()) {
      Pending candidate = candidates.next();
      if (!inFlight.containsKey(candidate.sku()) && eligible.test(candidate)) {
        batch.add(candidate);
      }
    }
    for (Pending change : batch) {
      remove(change);
      inFlight.put(change.sku(), change);
    }
    return batch;
  }

  /**
   * The marketplace accepted these changes. A change offered meanwhile now counts against the
   * quantity just sent, and is dropped if it equals it.
   */
  public void markSent(List<Pending> batch) {
    for (Pending sent : batch) {
      inFlight.remove(sent.sku());
      Pending waiting = pending.get(sent.sku());
      if (waiting == null) {
        continue;
      }
      if (waiting.quantity() == sent.quantity()) {
        remove(waiting);
      } else {
        put(new Pending(sent.sku(), waiting.quantity(), sent.quantity(), waiting.since()));
      }
    }
  }

  /**
   * A change was not accepted and must be sent again, alone if the rest of its batch went through.
   * A newer quantity offered meanwhile wins, but the change keeps the older {@code since}: the
   * marketplace has been stale since then.
   */
  public void requeue(Pending change) {
    inFlight.remove(change.sku());
    Pending waiting = pending.get(change.sku());
    if (waiting == null) {
      put(change);
      return;
    }
    Instant since = change.since().isBefore(waiting.since()) ? change.since() : waiting.since();
    put(new Pending(change.sku(), waiting.quantity(), waiting.previouslySent(), since));
  }

  /** The number of SKUs with a change waiting, not counting those only in flight. */
  public int size() {
    return pending.size();
  }

  /** The number of SKUs handed out and not yet marked sent or requeued. */
  public int inFlight() {
    return inFlight.size();
  }

  /** The change waiting for a SKU, if any. */
  public Optional<Pending> find(String sku) {
    return Optional.ofNullable(pending.get(sku));
  }

  /**
   * When the oldest change the marketplace does not show yet was offered, waiting or in flight;
   * empty when the marketplace is up to date as far as this queue knows.
   */
  public Optional<Instant> oldestPending() {
    Instant oldest = byAge.isEmpty() ? null : byAge.first().since();
    for (Pending flying : inFlight.values()) {
      if (oldest == null || flying.since().isBefore(oldest)) {
        oldest = flying.since();
      }
    }
    return Optional.ofNullable(oldest);
  }

  private void put(Pending change) {
    remove(pending.get(change.sku()));
    pending.put(change.sku(), change);
    byUrgency.add(change);
    byAge.add(change);
  }

  private void remove(Pending change) {
    if (change == null) {
      return;
    }
    pending.remove(change.sku());
    byUrgency.remove(change);
    byAge.remove(change);
  }
}
