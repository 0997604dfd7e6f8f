package io.ecengine.engine.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecengine.engine.order.OrderDetails;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MergeRuleTest {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final String BUYER = BuyerIdentity.key("山田 太郎", "090-1234-5678");
  private static final String ADDRESS =
      JapaneseAddress.normalize("150-0001", "東京都", "渋谷区", "神南1-2-3", null).key();

  private static MergeRule.Target target(String id, String channel, Instant placed) {
    return new MergeRule.Target(
        id,
        ShipmentStatus.PENDING,
        false,
        Set.of(channel),
        BUYER,
        ADDRESS,
        null,
        null,
        placed,
        placed);
  }

  private static MergeRule.Candidate candidate(String channel, Instant placed) {
    return new MergeRule.Candidate("ord-new", channel, BUYER, ADDRESS, null, null, placed);
  }

  @Test
  void offNeverMerges() {
    MergeRule off = new MergeRule(MergeMode.OFF, Duration.ofDays(1));
    assertThat(off.allows(target("S1", "rakuten", T0), candidate("rakuten", T0))).isFalse();
  }

  @Test
  void sameChannelMergesOnlyOrdersOfThatChannel() {
    MergeRule rule = new MergeRule(MergeMode.SAME_CHANNEL, Duration.ofHours(6));
    assertThat(rule.allows(target("S1", "rakuten", T0), candidate("rakuten", T0.plusSeconds(60))))
        .isTrue();
    assertThat(rule.allows(target("S1", "rakuten", T0), candidate("yahoo", T0.plusSeconds(60))))
        .isFalse();
  }

  @Test
  void acrossChannelsMergesAnyChannel() {
    MergeRule rule = new MergeRule(MergeMode.ACROSS_CHANNELS, Duration.ofHours(6));
    assertThat(rule.allows(target("S1", "rakuten", T0), candidate("amazon", T0.plusSeconds(60))))
        .isTrue();
  }

  @Test
  void theWindowBoundsTheWholeParcelInBothDirections() {
    MergeRule rule = new MergeRule(MergeMode.ACROSS_CHANNELS, Duration.ofHours(2));
    MergeRule.Target spread =
        new MergeRule.Target(
            "S1",
            ShipmentStatus.PENDING,
            false,
            Set.of("rakuten"),
            BUYER,
            ADDRESS,
            null,
            null,
            T0,
            T0.plus(Duration.ofMinutes(90)));
    assertThat(rule.allows(spread, candidate("rakuten", T0.plus(Duration.ofMinutes(120)))))
        .isTrue();
    assertThat(rule.allows(spread, candidate("rakuten", T0.plus(Duration.ofMinutes(121)))))
        .isFalse();
    assertThat(rule.allows(spread, candidate("rakuten", T0.minus(Duration.ofMinutes(30)))))
        .isTrue();
    assertThat(rule.allows(spread, candidate("rakuten", T0.minus(Duration.ofMinutes(31)))))
        .isFalse();
  }

  @Test
  void anotherBuyerAddressDeliveryDateOrTimeSlotNeverMerges() {
    MergeRule rule = new MergeRule(MergeMode.ACROSS_CHANNELS, Duration.ofDays(1));
    MergeRule.Target target = target("S1", "rakuten", T0);
    String otherAddress =
        JapaneseAddress.normalize("150-0001", "東京都", "渋谷区", "神南1-2-4", null).key();
    assertThat(
            rule.allows(
                target,
                new MergeRule.Candidate(
                    "o",
                    "rakuten",
                    BuyerIdentity.key("山田 花子", "090-1234-5678"),
                    ADDRESS,
                    null,
                    null,
                    T0)))
        .isFalse();
    assertThat(
            rule.allows(
                target,
                new MergeRule.Candidate("o", "rakuten", BUYER, otherAddress, null, null, T0)))
        .isFalse();
    assertThat(
            rule.allows(
                target,
                new MergeRule.Candidate(
                    "o", "rakuten", BUYER, ADDRESS, LocalDate.of(2026, 3, 4), null, T0)))
        .isFalse();
    assertThat(
            rule.allows(
                target,
                new MergeRule.Candidate("o", "rakuten", BUYER, ADDRESS, null, TimeSlot.H19_21, T0)))
        .isFalse();
    MergeRule.Target evening =
        new MergeRule.Target(
            "S2",
            ShipmentStatus.PENDING,
            false,
            Set.of("rakuten"),
            BUYER,
            ADDRESS,
            null,
            TimeSlot.H19_21,
            T0,
            T0);
    assertThat(rule.allows(evening, candidate("rakuten", T0))).isFalse();
    assertThat(
            rule.allows(
                evening,
                new MergeRule.Candidate("o", "rakuten", BUYER, ADDRESS, null, TimeSlot.H19_21, T0)))
        .isTrue();
    assertThat(
            rule.allows(
                target, new MergeRule.Candidate("o", "rakuten", null, ADDRESS, null, null, T0)))
        .isFalse();
    assertThat(
            rule.allows(
                target, new MergeRule.Candidate("o", "rakuten", BUYER, null, null, null, T0)))
        .isFalse();
  }

  @Test
  void labelledOrWavedShipmentsTakeNoMoreOrders() {
    MergeRule rule = new MergeRule(MergeMode.ACROSS_CHANNELS, Duration.ofDays(1));
    MergeRule.Target labeled =
        new MergeRule.Target(
            "S1",
            ShipmentStatus.LABELED,
            false,
            Set.of("rakuten"),
            BUYER,
            ADDRESS,
            null,
            null,
            T0,
            T0);
    MergeRule.Target waved =
        new MergeRule.Target(
            "S2",
            ShipmentStatus.PENDING,
            true,
            Set.of("rakuten"),
            BUYER,
            ADDRESS,
            null,
            null,
            T0,
            T0);
    assertThat(rule.allows(labeled, candidate("rakuten", T0))).isFalse();
    assertThat(rule.allows(waved, candidate("rakuten", T0))).isFalse();
  }

  @Test
  void theOldestAllowedShipmentIsChosen() {
    MergeRule rule = new MergeRule(MergeMode.ACROSS_CHANNELS, Duration.ofDays(1));
    MergeRule.Target younger = target("S-young", "rakuten", T0.plusSeconds(600));
    MergeRule.Target older = target("S-old", "yahoo", T0);
    assertThat(rule.choose(List.of(younger, older), candidate("amazon", T0.plusSeconds(900))))
        .map(MergeRule.Target::shipmentId)
        .contains("S-old");
    assertThat(rule.choose(List.of(), candidate("amazon", T0))).isEmpty();
  }

  @Test
  void theSameBuyerWrittenDifferentlyIsTheSameBuyer() {
    assertThat(BuyerIdentity.key("山田　太郎 様", "+81 90-1234-5678"))
        .isEqualTo(BuyerIdentity.key("山田太郎", "09012345678"))
        .isEqualTo(BuyerIdentity.key("山田 太郎", "０９０－１２３４－５６７８"));
    assertThat(BuyerIdentity.key("山田太郎", "09012345678"))
        .isNotEqualTo(BuyerIdentity.key("山田太郎", "09012345679"));
    assertThat(BuyerIdentity.key(null, "09012345678")).isNull();
    OrderDetails details =
        new OrderDetails(
            new OrderDetails.Buyer("山田太郎", "taro@example.com", "090-1234-5678"),
            new OrderDetails.ShipTo("山田 太郎", "150-0001", "東京都", "渋谷区", "神南1-2-3", null, null),
            null,
            false,
            null);
    assertThat(BuyerIdentity.key(details)).isEqualTo(BUYER);
  }

  @Test
  void windowsBeyondTwoWeeksAreRefused() {
    assertThatThrownBy(() -> new MergeRule(MergeMode.SAME_CHANNEL, Duration.ofDays(15)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new MergeRule(MergeMode.SAME_CHANNEL, Duration.ofMinutes(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
