package io.ecengine.engine.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecengine.engine.channel.PushQueue.Pending;
import io.ecengine.engine.channel.PushQueue.Urgency;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Random offers, batches, confirmations and failures against a model of the marketplace: the queue
 * must hold one entry per SKU with its latest quantity, hand each out once and most urgent first,
 * and leave the marketplace showing every SKU's latest quantity once drained, whatever failed on
 * the way.
 */
class PushQueueProperties {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final int SKUS = 8;
  private static final long LOW_STOCK = 3;

  record Offer(int sku, long quantity) {
    String skuId() {
      return "sku-" + sku;
    }
  }

  @Property(tries = 500)
  void afterAnyOffersTheQueueHoldsOneEntryPerSkuWithItsLatestQuantity(
      @ForAll("offers") List<Offer> offers, @ForAll("lastSent") Map<String, Long> lastSent) {
    PushQueue queue = new PushQueue(LOW_STOCK);
    Map<String, Long> latest = new HashMap<>();
    Map<String, Instant> waitingSince = new HashMap<>();

    for (int i = 0; i < offers.size(); i++) {
      Offer offer = offers.get(i);
      String sku = offer.skuId();
      long sent = lastSent.getOrDefault(sku, -1L);
      queue.offer(sku, offer.quantity(), sent, T0.plusSeconds(i));
      latest.put(sku, offer.quantity());
      if (offer.quantity() == sent) {
        waitingSince.remove(sku);
      } else {
        waitingSince.putIfAbsent(sku, T0.plusSeconds(i));
      }
    }

    for (String sku : latest.keySet()) {
      Optional<Pending> expected =
          Optional.ofNullable(waitingSince.get(sku))
              .map(
                  since ->
                      new Pending(sku, latest.get(sku), lastSent.getOrDefault(sku, -1L), since));
      assertThat(queue.find(sku)).as(sku).isEqualTo(expected);
    }
    assertThat(queue.size()).isEqualTo(waitingSince.size());
    assertThat(queue.oldestPending())
        .isEqualTo(waitingSince.values().stream().min(Instant::compareTo));
  }

  @Property(tries = 500)
  void drainingYieldsEveryLatestQuantityOnceMostUrgentFirst(
      @ForAll("offers") List<Offer> offers,
      @ForAll("lastSent") Map<String, Long> lastSent,
      @ForAll @IntRange(min = 1, max = 5) int batchSize) {
    PushQueue queue = new PushQueue(LOW_STOCK);
    Map<String, Long> latest = new HashMap<>();
    for (int i = 0; i < offers.size(); i++) {
      Offer offer = offers.get(i);
      queue.offer(
          offer.skuId(),
          offer.quantity(),
          lastSent.getOrDefault(offer.skuId(), -1L),
          T0.plusSeconds(i));
      latest.put(offer.skuId(), offer.quantity());
    }

    List<Pending> drained = new ArrayList<>();
    for (List<Pending> batch = queue.nextBatch(batchSize);
        !batch.isEmpty();
        batch = queue.nextBatch(batchSize)) {
      assertThat(batch).hasSizeLessThanOrEqualTo(batchSize);
      drained.addAll(batch);
      queue.markSent(batch);
    }

    Map<String, Long> pushed = new HashMap<>();
    for (Pending change : drained) {
      assertThat(pushed.put(change.sku(), change.quantity())).as("pushed twice").isNull();
    }
    latest.forEach(
        (sku, quantity) -> {
          if (quantity == lastSent.getOrDefault(sku, -1L)) {
            assertThat(pushed).doesNotContainKey(sku);
          } else {
            assertThat(pushed).containsEntry(sku, quantity);
          }
        });
    for (int i = 1; i < drained.size(); i++) {
      Pending before = drained.get(i - 1);
      Pending after = drained.get(i);
      Urgency urgencyBefore = queue.urgencyOf(before);
      Urgency urgencyAfter = queue.urgencyOf(after);
      assertThat(urgencyBefore).isLessThanOrEqualTo(urgencyAfter);
      if (urgencyBefore == urgencyAfter) {
        assertThat(before.since()).isBeforeOrEqualTo(after.since());
      }
    }
    assertThat(queue.size()).isZero();
    assertThat(queue.inFlight()).isZero();
  }

  sealed interface Step {}

  record OfferStep(Offer offer) implements Step {}

  /** Take a batch and keep it in flight. */
  record TakeStep(int batchSize) implements Step {}

  /** Settle the oldest batch in flight: every change succeeds except those {@code failing}. */
  record SettleStep(Set<Integer> failing) implements Step {}

  /** A marketplace that keeps what it is sent, and a caller that tells the queue what it shows. */
  @Property(tries = 500)
  void afterAnyMixOfOffersCallsAndFailuresTheMarketplaceEndsWithEveryLatestQuantity(
      @ForAll("steps") List<Step> steps) {
    PushQueue queue = new PushQueue(LOW_STOCK);
    Map<String, Long> marketplace = new HashMap<>();
    Map<String, Long> latest = new HashMap<>();
    List<List<Pending>> calls = new ArrayList<>();
    Set<String> flying = new HashSet<>();
    Instant now = T0;

    for (Step step : steps) {
      now = now.plusSeconds(1);
      if (step instanceof OfferStep offerStep) {
        Offer offer = offerStep.offer();
        queue.offer(
            offer.skuId(), offer.quantity(), marketplace.getOrDefault(offer.skuId(), -1L), now);
        latest.put(offer.skuId(), offer.quantity());
      } else if (step instanceof TakeStep take) {
        List<Pending> batch = queue.nextBatch(take.batchSize());
        for (Pending change : batch) {
          assertThat(flying.add(change.sku())).as("two calls for " + change.sku()).isTrue();
        }
        if (!batch.isEmpty()) {
          calls.add(batch);
        }
      } else if (step instanceof SettleStep settle && !calls.isEmpty()) {
        settle(queue, calls.remove(0), settle.failing(), marketplace, flying);
        Statistics.label("failures").collect(!settle.failing().isEmpty());
      }
      assertThat(queue.inFlight()).isEqualTo(flying.size());
    }

    while (!calls.isEmpty()) {
      settle(queue, calls.remove(0), Set.of(), marketplace, flying);
    }
    for (List<Pending> batch = queue.nextBatch(3); !batch.isEmpty(); batch = queue.nextBatch(3)) {
      settle(queue, batch, Set.of(), marketplace, flying);
    }

    assertThat(marketplace).isEqualTo(latest);
    assertThat(queue.size()).isZero();
    assertThat(queue.oldestPending()).isEmpty();
  }

  private static void settle(
      PushQueue queue,
      List<Pending> batch,
      Set<Integer> failing,
      Map<String, Long> marketplace,
      Set<String> flying) {
    List<Pending> accepted = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      Pending change = batch.get(i);
      flying.remove(change.sku());
      if (failing.contains(i)) {
        queue.requeue(change);
      } else {
        marketplace.put(change.sku(), change.quantity());
        accepted.add(change);
      }
    }
    queue.markSent(accepted);
  }

  @Provide
  Arbitrary<List<Offer>> offers() {
    return offer().list().ofMaxSize(60);
  }

  @Provide
  Arbitrary<Map<String, Long>> lastSent() {
    return Arbitraries.maps(
            Arbitraries.integers().between(0, SKUS - 1).map(i -> "sku-" + i),
            Arbitraries.longs().between(0, 8))
        .ofMaxSize(SKUS);
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> offerStep = offer().map(OfferStep::new);
    Arbitrary<Step> takeStep = Arbitraries.integers().between(1, 4).map(TakeStep::new);
    Arbitrary<Step> settleStep =
        Arbitraries.integers().between(0, 3).set().ofMaxSize(2).map(SettleStep::new);
    return Arbitraries.frequencyOf(
            Tuple.of(5, offerStep), Tuple.of(2, takeStep), Tuple.of(2, settleStep))
        .list()
        .ofMaxSize(80);
  }

  private static Arbitrary<Offer> offer() {
    return Combinators.combine(
            Arbitraries.integers().between(0, SKUS - 1), Arbitraries.longs().between(0, 8))
        .as(Offer::new);
  }
}
