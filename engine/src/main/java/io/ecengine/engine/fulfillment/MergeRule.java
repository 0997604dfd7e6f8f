package io.ecengine.engine.fulfillment;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A tenant's rule for combining orders into one shipment (同梱) without being asked: which orders may
 * share a parcel ({@link MergeMode}) and how far apart in time they may have been placed.
 *
 * <p>An order joins an open shipment only when all of these hold: the mode is not OFF; the shipment
 * is still PENDING and not in a wave (picking may have started); the recipient (name and phone, see
 * {@link BuyerIdentity}) and the normalised address (see {@link JapaneseAddress}) are the same;
 * both ask for the same delivery date and time slot; with SAME_CHANNEL, every order in the shipment
 * came from the order's channel; and all orders of the shipment, this one included, were placed
 * within {@code window} of each other. The last condition bounds how long a parcel can wait for
 * company, and makes the rule independent of the order in which orders are looked at.
 */
public record MergeRule(MergeMode mode, Duration window) {

  public static final Duration MAX_WINDOW = Duration.ofDays(14);
  public static final MergeRule DEFAULT = new MergeRule(MergeMode.OFF, Duration.ofHours(24));

  public MergeRule {
    Objects.requireNonNull(mode, "mode");
    if (window == null || window.isNegative() || window.compareTo(MAX_WINDOW) > 0) {
      throw new IllegalArgumentException("The merge window must be between 0 and 14 days");
    }
  }

  /** An order looking for a shipment to join. */
  public record Candidate(
      String orderId,
      String channelId,
      String buyerKey,
      String addressKey,
      LocalDate deliveryDate,
      TimeSlot timeSlot,
      Instant placedAt) {}

  /** An open shipment as the rule sees it. */
  public record Target(
      String shipmentId,
      ShipmentStatus status,
      boolean inWave,
      Set<String> channelIds,
      String buyerKey,
      String addressKey,
      LocalDate deliveryDate,
      TimeSlot timeSlot,
      Instant earliestPlacedAt,
      Instant latestPlacedAt) {}

  /** Whether the candidate may join the target under this rule. */
  public boolean allows(Target target, Candidate candidate) {
    if (mode == MergeMode.OFF
        || target.status() != ShipmentStatus.PENDING
        || target.inWave()
        || candidate.buyerKey() == null
        || candidate.addressKey() == null
        || !candidate.buyerKey().equals(target.buyerKey())
        || !candidate.addressKey().equals(target.addressKey())
        || !Objects.equals(candidate.deliveryDate(), target.deliveryDate())
        || candidate.timeSlot() != target.timeSlot()) {
      return false;
    }
    if (mode == MergeMode.SAME_CHANNEL
        && !target.channelIds().equals(Set.of(candidate.channelId()))) {
      return false;
    }
    Instant earliest = min(target.earliestPlacedAt(), candidate.placedAt());
    Instant latest = max(target.latestPlacedAt(), candidate.placedAt());
    return Duration.between(earliest, latest).compareTo(window) <= 0;
  }

  /**
   * The shipment the candidate should join, if any: of those the rule allows, the one whose first
   * order is oldest (it has waited longest), ties broken by shipment id so that every node picks
   * the same one.
   */
  public Optional<Target> choose(List<Target> targets, Candidate candidate) {
    return targets.stream()
        .filter(t -> allows(t, candidate))
        .min(Comparator.comparing(Target::earliestPlacedAt).thenComparing(Target::shipmentId));
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
