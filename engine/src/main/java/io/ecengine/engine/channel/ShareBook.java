package io.ecengine.engine.channel;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one channel does with the SKUs whose shared pool is down to its last seconds of sales.
 *
 * <p>Why: a shared pool shows the same units on every marketplace. While stock is plentiful that is
 * what sells it fastest; in its last seconds every marketplace sells the same last units at once,
 * and a marketplace whose orders the engine reads late (Amazon's order lines come one every two
 * seconds) keeps selling units that others sold long ago. So when a SKU's pool would last less than
 * {@link Settings#enterHorizon} at its current sales rate, each channel takes a share of it from
 * the SKU ({@code SkuRequest.ClaimShare}) and its marketplace counts that share down on its own, as
 * it does a dedicated quota: no unit is on show at two marketplaces, and another marketplace's sale
 * never needs a push to this one.
 *
 * <p>How a share is kept right: a push overwrites the marketplace's own count, so any sale it made
 * that the engine has not imported yet would be put back on show. Before every claim the channel
 * therefore reads what the marketplace shows now; the units it sold since the last push or read and
 * that are not placed yet are set aside with the share, and the push follows the read at once.
 * Between pushes the channel reads again when the share may be running low (sooner the faster the
 * marketplace sells), and tops it up before it is gone. The reads also tell how fast each
 * marketplace sells, whatever its order API allows, and shares are sized by that rate.
 *
 * <p>Pure and not thread-safe: one actor owns it; it calls nothing and keeps no clock.
 */
public final class ShareBook {

  /**
   * {@code enterHorizon}: a pool that would last less than this at the SKU's sales rate is split;
   * it is shared again once it would last twice as long at the fastest rate of the last {@link
   * #RATE_MEMORY} (a sold-out SKU sells nothing, which says nothing about its buyers). {@code
   * minPerSecond}: slower SKUs are never split. {@code shareHorizon}: a share covers this long of
   * the channel's own sales. {@code topUpLead}: a share that would last less than this is topped
   * up. Reads come no closer than {@code minReadInterval} and no further apart than {@code
   * maxReadInterval}.
   */
  public record Settings(
      boolean enabled,
      Duration enterHorizon,
      double minPerSecond,
      Duration shareHorizon,
      Duration topUpLead,
      Duration minReadInterval,
      Duration maxReadInterval) {

    public Settings {
      if (minReadInterval.compareTo(maxReadInterval) > 0) {
        throw new IllegalArgumentException("min-read-interval must not exceed max-read-interval");
      }
    }

    /** No splitting at all: every SKU is shared as its allocation rules say. */
    public static Settings off() {
      return new Settings(
          false,
          Duration.ofSeconds(30),
          0.5,
          Duration.ofSeconds(10),
          Duration.ofSeconds(3),
          Duration.ofMillis(500),
          Duration.ofSeconds(5));
    }
  }

  /**
   * A SKU as the channel sees it after reading it. {@code most} is what the channel could show in
   * the shared pool by its rules, its own share counted back in; {@code shared} is what all shares
   * of the SKU set aside, its own included; {@code perSecond} is the SKU's sales rate over the last
   * seconds; {@code eligible} is false for a channel whose rule is a dedicated quota, a paused
   * channel and a bundle, which never hold shares.
   */
  public record Outlook(long most, long shared, long share, double perSecond, boolean eligible) {}

  /** What to ask the SKU for: see {@code SkuRequest.ClaimShare}. */
  public record Claim(long unplaced, long show, double perSecond) {}

  /**
   * A read of the marketplace: it showed {@code shown} units at {@code at}. {@code baseline} is
   * what it showed at {@code baselineAt} by the last push or read, so the difference is what it
   * sold since, imported or not; -1 when unknown. {@code share} is what the SKU sets aside for the
   * channel now and {@code shownByCount} what the engine believed the marketplace shows (the last
   * push less the sales imported since). {@code most} is what the rules let the channel show,
   * {@code free} what the SKU has left outside all shares, and {@code placedPerSecond} how fast the
   * SKU's orders from this channel are placed. {@code placedUpToZero}: every order the marketplace
   * took before {@link #zeroSince} is placed.
   */
  public record Read(
      long shown,
      Instant at,
      long baseline,
      Instant baselineAt,
      long share,
      long shownByCount,
      long most,
      long free,
      double placedPerSecond,
      boolean placedUpToZero) {}

  /** What a channel reports of one SKU it holds a share of. */
  public record Status(
      String sku, boolean claimed, long shownAtRead, Instant readAt, double perSecond) {}

  /** What {@link #consider} decided. */
  public enum Change {
    /** Nothing changed. */
    NONE,
    /** The pool is split from now on: read and claim a share. */
    ENTERED,
    /** The pool is shared again: give the share up, keeping what is sold and not yet placed. */
    LEFT
  }

  // How much faster than seen a marketplace that sold all its share is taken to sell.
  private static final double SOLD_OUT_BOOST = 1.5;

  /** How long a SKU's fastest sales rate counts towards sharing its pool again. */
  public static final Duration RATE_MEMORY = Duration.ofMinutes(5);

  private static final class Track {
    boolean claimed;
    Instant nextReadAt;
    long shownAtRead = -1;
    Instant readAt;
    // The first read that found nothing on show since the last push; null while units are shown.
    Instant zeroAt;
    double perSecond;
    double peakPerSecond;
    Instant peakAt;
    int failures;
  }

  /** Failed reads or claims in a row after which a SKU is shared again for a while. */
  public static final int GIVE_UP_AFTER = 5;

  /** How long a SKU given up stays shared before it may be split again. */
  public static final Duration GIVE_UP_FOR = Duration.ofMinutes(1);

  /** How often a SKU that sells fast enough to be split one day is read while still shared. */
  public static final Duration PROBE_INTERVAL = Duration.ofSeconds(2);

  private static final class Probe {
    long shown = -1;
    Instant at;
    double perSecond;
    Instant nextAt;
  }

  private final Settings settings;
  private final Map<String, Track> tracks = new HashMap<>();
  // SKUs read now and then while shared, so that how fast the marketplace sells them is known
  // before its orders arrive (see probe).
  private final Map<String, Probe> probes = new HashMap<>();
  private final Map<String, Instant> givenUp = new HashMap<>();

  public ShareBook(Settings settings) {
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  /** True while the channel counts down a share of this SKU (or is about to claim one). */
  public boolean inShare(String sku) {
    return tracks.containsKey(sku);
  }

  /** True once a claim for this SKU was granted since it entered. */
  public boolean claimed(String sku) {
    Track track = tracks.get(sku);
    return track != null && track.claimed;
  }

  /** Decides from a fresh read of the SKU whether the channel holds a share of it. */
  public Change consider(String sku, Outlook outlook, Instant now) {
    Track track = tracks.get(sku);
    if (!settings.enabled() || !outlook.eligible()) {
      return track == null ? Change.NONE : leave(sku);
    }
    long lastUnits = outlook.most() + outlook.shared() - outlook.share();
    double enter = seconds(settings.enterHorizon());
    if (track == null) {
      Instant blockedUntil = givenUp.get(sku);
      if (blockedUntil != null && now.isBefore(blockedUntil)) {
        return Change.NONE;
      }
      givenUp.remove(sku);
      boolean fast = outlook.perSecond() >= settings.minPerSecond();
      // A share left from before (a restart, or one given up and still draining) does not bring
      // the channel back by itself: only a pool that runs out does.
      if (fast && lastUnits <= outlook.perSecond() * enter) {
        Track entered = new Track();
        entered.nextReadAt = now;
        Probe probed = probes.remove(sku);
        if (probed != null) {
          entered.perSecond = probed.perSecond;
        }
        entered.peakPerSecond = outlook.perSecond();
        entered.peakAt = now;
        tracks.put(sku, entered);
        return Change.ENTERED;
      }
      return Change.NONE;
    }
    if (outlook.perSecond() >= track.peakPerSecond
        || Duration.between(track.peakAt, now).compareTo(RATE_MEMORY) > 0) {
      track.peakPerSecond = outlook.perSecond();
      track.peakAt = now;
    }
    if (lastUnits > 2 * track.peakPerSecond * enter) {
      return leave(sku);
    }
    return Change.NONE;
  }

  private Change leave(String sku) {
    tracks.remove(sku);
    return Change.LEFT;
  }

  /** Stops following a SKU (no longer listed). */
  public void forget(String sku) {
    tracks.remove(sku);
    probes.remove(sku);
  }

  /**
   * Whether a SKU still shared is to be read now and then: one selling at a quarter of the rate
   * that gets a pool split, by the orders placed so far, is read every {@link #PROBE_INTERVAL},
   * because orders from a marketplace with a slow order API can trail its sales by minutes, and a
   * split decided on them would come too late. Stops once it sells nothing.
   */
  public void probe(String sku, double placedPerSecond, Instant now) {
    Probe probe = probes.get(sku);
    if (!settings.enabled() || tracks.containsKey(sku)) {
      probes.remove(sku);
      return;
    }
    if (probe == null && placedPerSecond >= settings.minPerSecond() / 4) {
      Probe started = new Probe();
      started.nextAt = now;
      probes.put(sku, started);
    } else if (probe != null
        && placedPerSecond == 0
        && probe.perSecond == 0
        && probe.at != null
        && Duration.between(probe.at, now).compareTo(RATE_MEMORY) > 0) {
      probes.remove(sku);
    }
  }

  /** True while a shared SKU is read now and then. */
  public boolean probing(String sku) {
    return probes.containsKey(sku);
  }

  /** The shared SKUs whose read is due, the longest overdue first, at most {@code max}. */
  public List<String> dueProbes(Instant now, int max) {
    return probes.entrySet().stream()
        .filter(e -> !e.getValue().nextAt.isAfter(now))
        .sorted(
            Comparator.comparing((Map.Entry<String, Probe> e) -> e.getValue().nextAt)
                .thenComparing(Map.Entry::getKey))
        .limit(max)
        .map(Map.Entry::getKey)
        .toList();
  }

  /**
   * A read of a shared SKU found {@code shown} on show at {@code at}; {@code pushed} is what the
   * last push set at {@code pushedAt} (-1 when unknown). Returns how fast the marketplace sells it,
   * measured from the later of the last push and the last read.
   */
  public double afterProbe(String sku, long shown, Instant at, long pushed, Instant pushedAt) {
    Probe probe = probes.get(sku);
    if (probe == null) {
      return 0;
    }
    long baseline = probe.shown;
    Instant baselineAt = probe.at;
    if (pushedAt != null && (baselineAt == null || pushedAt.isAfter(baselineAt))) {
      baseline = pushed;
      baselineAt = pushedAt;
    }
    observed(shown, at, baseline, baselineAt)
        .ifPresent(observed -> probe.perSecond = observed.blendedWith(probe.perSecond));
    probe.shown = shown;
    probe.at = at;
    probe.nextAt = at.plus(PROBE_INTERVAL);
    return probe.perSecond;
  }

  /** A read of a shared SKU failed: try again at the next interval. */
  public void probeFailed(String sku, Instant now) {
    Probe probe = probes.get(sku);
    if (probe != null) {
      probe.nextAt = now.plus(PROBE_INTERVAL);
    }
  }

  /** When the next read of a shared SKU falls due; empty when none is read. */
  public Optional<Instant> nextProbe() {
    return probes.values().stream().map(p -> p.nextAt).min(Instant::compareTo);
  }

  /** How fast the channel's marketplace sold a SKU by its reads: shared or split, 0 if unknown. */
  public double readPerSecond(String sku) {
    Track track = tracks.get(sku);
    if (track != null) {
      return track.perSecond;
    }
    Probe probe = probes.get(sku);
    return probe == null ? 0 : probe.perSecond;
  }

  /** The SKUs whose read is due at {@code now}, the longest overdue first, at most {@code max}. */
  public List<String> due(Instant now, int max) {
    List<Map.Entry<String, Track>> due = new ArrayList<>();
    for (Map.Entry<String, Track> entry : tracks.entrySet()) {
      if (!entry.getValue().nextReadAt.isAfter(now)) {
        due.add(entry);
      }
    }
    due.sort(
        Comparator.comparing((Map.Entry<String, Track> e) -> e.getValue().nextReadAt)
            .thenComparing(Map.Entry::getKey));
    return due.stream().limit(max).map(Map.Entry::getKey).toList();
  }

  /** When the next read falls due; empty when the channel holds no shares. */
  public Optional<Instant> nextDue() {
    return tracks.values().stream().map(t -> t.nextReadAt).min(Instant::compareTo);
  }

  /** Returns the claim to make now after a read, if any, and schedules the next read. */
  public Optional<Claim> afterRead(String sku, Read read) {
    Track track = tracks.get(sku);
    if (track == null) {
      return Optional.empty();
    }
    track.failures = 0;
    measure(track, read.shown(), read.at(), read.baseline(), read.baselineAt());
    track.shownAtRead = read.shown();
    track.readAt = read.at();
    if (read.shown() > 0) {
      track.zeroAt = null;
    } else if (track.zeroAt == null) {
      track.zeroAt = read.at();
    }
    double perSecond = Math.max(track.perSecond, read.placedPerSecond());
    long lead = (long) Math.ceil(perSecond * seconds(settings.topUpLead()));
    // More on show than the share covers: stock was lost, or a sale landed between a read and
    // its push and was put back on show. The claim that follows cuts it back to the share.
    boolean beyondShare = track.claimed && read.shown() > read.share();
    // Nothing on show, and every order from before is placed: whatever the share still sets
    // aside was never sold, and goes back on show (a unit sold in the second of a push cannot be
    // told from one sold just before it, so a share may set aside a few too many at first).
    boolean settled =
        track.claimed
            && read.shown() == 0
            && read.placedUpToZero()
            && (read.share() > 0 || read.free() > 0);
    long want = Math.max(1, (long) Math.ceil(perSecond * seconds(settings.shareHorizon())));
    // Others are out of units while this marketplace holds far more than it sells in a share's
    // time: it gives back what it will not sell soon, so that the last units go where buyers are.
    boolean hoarding = track.claimed && read.free() <= 0 && read.shown() > 2 * want;
    if (track.claimed && !beyondShare && !settled && !hoarding && read.shown() > lead) {
      track.nextReadAt = read.at().plus(untilLow(read.shown(), lead, perSecond));
      return Optional.empty();
    }
    if (track.claimed && !beyondShare && !settled && read.free() <= 0) {
      // Nothing left to top up from: the share runs down on the marketplace by itself.
      track.nextReadAt = read.at().plus(settings.maxReadInterval());
      return Optional.empty();
    }
    // Units sold since the last push or read that no hold counts yet: those within the share
    // when there is one, else those the engine's own count has not seen.
    long unplaced =
        settled
            ? 0
            : track.claimed ? read.share() - read.shown() : read.shownByCount() - read.shown();
    if (!track.claimed) {
      // A first claim takes only what lasts until the first top-up: the other channels are
      // reading and claiming at the same moment, and their sold but unplaced units must fit too.
      want = Math.max(1, (long) Math.ceil(perSecond * seconds(settings.topUpLead())));
    }
    // The next read is set once the claim is pushed (see pushed); until then it is not due.
    track.nextReadAt = read.at().plus(settings.maxReadInterval());
    return Optional.of(
        new Claim(Math.max(0, unplaced), Math.max(0, Math.min(want, read.most())), perSecond));
  }

  /** When the marketplace was first found showing nothing since the last push; null otherwise. */
  public Instant zeroSince(String sku) {
    Track track = tracks.get(sku);
    return track == null ? null : track.zeroAt;
  }

  /** A claim was granted and {@code quantity} is on show from {@code at} (pushed, or already). */
  public void pushed(String sku, long quantity, Instant at) {
    Track track = tracks.get(sku);
    if (track == null) {
      return;
    }
    track.claimed = true;
    if (quantity > 0) {
      track.zeroAt = null;
    }
    long lead = (long) Math.ceil(track.perSecond * seconds(settings.topUpLead()));
    track.nextReadAt = at.plus(untilLow(quantity, lead, track.perSecond));
  }

  /**
   * The engine's own count suggests the marketplace shows more than the share covers: read soon,
   * but not sooner than the shortest read interval after the last read.
   */
  public void readSoon(String sku, Instant now) {
    Track track = tracks.get(sku);
    if (track == null) {
      return;
    }
    Instant soonest = track.readAt == null ? now : track.readAt.plus(settings.minReadInterval());
    Instant at = soonest.isAfter(now) ? soonest : now;
    if (at.isBefore(track.nextReadAt)) {
      track.nextReadAt = at;
    }
  }

  /**
   * A read or a claim failed, or the marketplace did not answer for the SKU: try again after a
   * back-off that doubles up to the longest read interval. After {@link #GIVE_UP_AFTER} failures in
   * a row the channel gives the SKU up for {@link #GIVE_UP_FOR}, sharing its pool meanwhile (a
   * marketplace that cannot be read cannot hold a share safely); returns true then.
   */
  public boolean failed(String sku, Instant now) {
    Track track = tracks.get(sku);
    if (track == null) {
      return false;
    }
    track.failures++;
    if (track.failures >= GIVE_UP_AFTER) {
      tracks.remove(sku);
      givenUp.put(sku, now.plus(GIVE_UP_FOR));
      return true;
    }
    Duration wait = settings.minReadInterval().multipliedBy(1L << (track.failures - 1));
    track.nextReadAt =
        now.plus(
            wait.compareTo(settings.maxReadInterval()) > 0 ? settings.maxReadInterval() : wait);
    return false;
  }

  /** How many reads failed in a row for this SKU; 0 when the last one went through. */
  public int failures(String sku) {
    Track track = tracks.get(sku);
    return track == null ? 0 : track.failures;
  }

  /** The SKUs the channel holds shares of, in SKU order. */
  public List<Status> status() {
    return tracks.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(
            e ->
                new Status(
                    e.getKey(),
                    e.getValue().claimed,
                    e.getValue().shownAtRead,
                    e.getValue().readAt,
                    e.getValue().perSecond))
        .toList();
  }

  /**
   * Updates the sales rate from what the marketplace sold since the baseline. A longer stretch
   * weighs more, so that one quiet second does not undo a minute of selling, while a rate from
   * seconds ago gives way quickly when a live starts.
   */
  private static void measure(
      Track track, long shown, Instant at, long baseline, Instant baselineAt) {
    Optional<Observed> seen = observed(shown, at, baseline, baselineAt);
    if (seen.isEmpty()) {
      return;
    }
    if (shown == 0 && baseline > 0) {
      // It sold all it had, so its buyers wanted at least this many, maybe more: the rate does
      // not fall, and rises past what was seen, or a share sized by what a too-small share sold
      // would stay too small.
      track.perSecond = Math.max(track.perSecond, seen.get().perSecond() * SOLD_OUT_BOOST);
      return;
    }
    track.perSecond = seen.get().blendedWith(track.perSecond);
  }

  /** What a marketplace sold a second over {@code seconds}, between a baseline and a read. */
  private record Observed(double perSecond, double seconds) {
    /** A rate blended with this one, which weighs more the longer it was measured over. */
    double blendedWith(double previous) {
      double weight = Math.min(1.0, seconds / 5.0);
      return previous * (1 - weight) + perSecond * weight;
    }
  }

  /** The rate from {@code baseline} at {@code baselineAt} to {@code shown} at {@code at}. */
  private static Optional<Observed> observed(
      long shown, Instant at, long baseline, Instant baselineAt) {
    if (baseline < 0 || baselineAt == null || !at.isAfter(baselineAt)) {
      return Optional.empty();
    }
    double elapsed = Duration.between(baselineAt, at).toNanos() / 1e9;
    if (elapsed < 0.05) {
      return Optional.empty();
    }
    return Optional.of(new Observed(Math.max(0, baseline - shown) / elapsed, elapsed));
  }

  /** Half the time until {@code shown} would fall to {@code lead}, within the read intervals. */
  private Duration untilLow(long shown, long lead, double perSecond) {
    if (perSecond <= 0) {
      return settings.maxReadInterval();
    }
    double seconds = Math.max(0, shown - lead) / perSecond / 2;
    Duration wait = Duration.ofMillis((long) (seconds * 1000));
    if (wait.compareTo(settings.minReadInterval()) < 0) {
      return settings.minReadInterval();
    }
    return wait.compareTo(settings.maxReadInterval()) > 0 ? settings.maxReadInterval() : wait;
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }
}
