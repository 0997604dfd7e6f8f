package io.ecengine.engine.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecengine.engine.channel.PushQueue.Pending;
import io.ecengine.engine.channel.PushQueue.Urgency;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PushQueueTest {

  private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");
  private static final long NEVER = -1;

  private final PushQueue queue = new PushQueue(5);

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  @Test
  void keepsOnlyTheLatestQuantityAndTheOldestTimeOfASku() {
    queue.offer("a", 10, 20, at(0));
    queue.offer("a", 8, 20, at(1));
    queue.offer("a", 7, 20, at(2));

    assertThat(queue.size()).isEqualTo(1);
    assertThat(queue.find("a")).contains(new Pending("a", 7, 20, at(0)));
    assertThat(queue.oldestPending()).contains(at(0));
  }

  @Test
  void dropsAChangeEqualToWhatWasLastSent() {
    queue.offer("a", 20, 20, at(0));

    assertThat(queue.size()).isZero();
    assertThat(queue.oldestPending()).isEmpty();
  }

  @Test
  void aLatestQuantityBackAtWhatWasLastSentCancelsTheWaitingChange() {
    queue.offer("a", 12, 20, at(0));
    queue.offer("a", 20, 20, at(1));

    assertThat(queue.find("a")).isEmpty();
    assertThat(queue.nextBatch(10)).isEmpty();
  }

  @Test
  void aChangeAfterACancelledOneCountsItsAgeFromItsOwnOffer() {
    queue.offer("a", 12, 20, at(0));
    queue.offer("a", 20, 20, at(1));
    queue.offer("a", 15, 20, at(2));

    assertThat(queue.oldestPending()).contains(at(2));
  }

  @Test
  void handsOutSoldOutThenLowStockThenDecreasesThenIncreases() {
    queue.offer("increase", 30, 20, at(0));
    queue.offer("decrease", 10, 20, at(1));
    queue.offer("low", 4, 20, at(2));
    queue.offer("sold-out", 0, 20, at(3));

    assertThat(queue.nextBatch(10))
        .extracting(Pending::sku)
        .containsExactly("sold-out", "low", "decrease", "increase");
  }

  @Test
  void oldestChangeFirstWithinTheSameUrgency() {
    queue.offer("b", 0, 3, at(5));
    queue.offer("a", 0, 3, at(7));
    queue.offer("c", 0, 3, at(1));

    assertThat(queue.nextBatch(2)).extracting(Pending::sku).containsExactly("c", "b");
    assertThat(queue.nextBatch(2)).extracting(Pending::sku).containsExactly("a");
  }

  @Test
  void classifiesUrgencyAgainstWhatWasLastSent() {
    assertThat(queue.urgencyOf(new Pending("a", 0, NEVER, T0))).isEqualTo(Urgency.SOLD_OUT);
    assertThat(queue.urgencyOf(new Pending("a", 5, 6, T0))).isEqualTo(Urgency.LOW_STOCK);
    assertThat(queue.urgencyOf(new Pending("a", 6, 7, T0))).isEqualTo(Urgency.DECREASE);
    assertThat(queue.urgencyOf(new Pending("a", 3, 2, T0))).isEqualTo(Urgency.INCREASE);
    // Never sent: the marketplace may show more, so it goes before the increases.
    assertThat(queue.urgencyOf(new Pending("a", 3, NEVER, T0))).isEqualTo(Urgency.LOW_STOCK);
    assertThat(queue.urgencyOf(new Pending("a", 30, NEVER, T0))).isEqualTo(Urgency.DECREASE);
  }

  @Test
  void aBatchHoldsAtMostTheBatchSize() {
    for (int i = 0; i < 7; i++) {
      queue.offer("sku-" + i, 1, NEVER, at(i));
    }

    assertThat(queue.nextBatch(3)).hasSize(3);
    assertThat(queue.size()).isEqualTo(4);
    assertThat(queue.inFlight()).isEqualTo(3);
  }

  @Test
  void handsOutOnlyWhatIsEligibleAndKeepsTheRestInPlace() {
    queue.offer("sold-out", 0, 5, at(2));
    queue.offer("decrease", 3, 8, at(1));
    queue.offer("increase", 9, 4, at(0));

    List<Pending> batch = queue.nextBatch(10, p -> p.quantity() == 0 || p.quantity() > 5);
    assertThat(batch).extracting(Pending::sku).containsExactly("sold-out", "increase");
    assertThat(queue.find("decrease")).isPresent();
    assertThat(queue.nextBatch(10)).extracting(Pending::sku).containsExactly("decrease");
  }

  @Test
  void aSkuInFlightIsNotHandedOutAgainUntilItsCallIsDone() {
    queue.offer("a", 8, 20, at(0));
    List<Pending> first = queue.nextBatch(10);
    queue.offer("a", 6, 20, at(1));

    assertThat(queue.nextBatch(10)).isEmpty();
    assertThat(queue.size()).isEqualTo(1);

    queue.markSent(first);

    assertThat(queue.nextBatch(10)).containsExactly(new Pending("a", 6, 8, at(1)));
  }

  @Test
  void aChangeOfferedDuringTheCallIsComparedWithTheQuantityInFlight() {
    queue.offer("a", 8, 20, at(0));
    List<Pending> batch = queue.nextBatch(10);

    queue.offer("a", 20, 20, at(1));
    assertThat(queue.find("a")).as("20 differs from the 8 in flight").isPresent();
    queue.offer("a", 8, 20, at(2));
    assertThat(queue.find("a")).as("8 is what the call in flight sets").isEmpty();

    queue.markSent(batch);
    assertThat(queue.size()).isZero();
    assertThat(queue.oldestPending()).isEmpty();
  }

  @Test
  void aSentQuantityTurnsTheWaitingChangeIntoAnIncreaseOrADecreaseAgainstIt() {
    queue.offer("a", 8, 20, at(0));
    List<Pending> batch = queue.nextBatch(10);
    queue.offer("a", 12, 20, at(1));

    queue.markSent(batch);

    Pending waiting = queue.find("a").orElseThrow();
    assertThat(waiting.previouslySent()).isEqualTo(8);
    assertThat(queue.urgencyOf(waiting)).isEqualTo(Urgency.INCREASE);
  }

  @Test
  void requeuedChangeIsHandedOutAgain() {
    queue.offer("a", 0, 20, at(0));
    queue.offer("b", 3, 20, at(1));
    List<Pending> batch = queue.nextBatch(10);

    queue.markSent(List.of(batch.get(1)));
    queue.requeue(batch.get(0));

    assertThat(queue.inFlight()).isZero();
    assertThat(queue.nextBatch(10)).containsExactly(new Pending("a", 0, 20, at(0)));
  }

  @Test
  void requeueKeepsANewerQuantityButTheOlderTime() {
    queue.offer("a", 8, 20, at(0));
    Pending sent = queue.nextBatch(10).get(0);
    queue.offer("a", 3, 20, at(4));

    queue.requeue(sent);

    assertThat(queue.find("a")).contains(new Pending("a", 3, 20, at(0)));
  }

  @Test
  void requeueRestoresAChangeThatALaterEqualOfferHadCancelled() {
    queue.offer("a", 8, 20, at(0));
    Pending sent = queue.nextBatch(10).get(0);
    queue.offer("a", 8, 20, at(3));

    queue.requeue(sent);

    assertThat(queue.find("a")).contains(new Pending("a", 8, 20, at(0)));
  }

  @Test
  void oldestPendingCountsChangesInFlight() {
    queue.offer("a", 1, 20, at(0));
    queue.nextBatch(10);
    queue.offer("b", 1, 20, at(9));

    assertThat(queue.size()).isEqualTo(1);
    assertThat(queue.oldestPending()).contains(at(0));
  }

  @Test
  void rejectsWhatCannotBeAQuantity() {
    assertThatThrownBy(() -> queue.offer("a", -1, 0, T0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> queue.offer("a", 1, -2, T0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> queue.nextBatch(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PushQueue(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
