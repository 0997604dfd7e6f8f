package io.ecengine.engine.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
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

/**
 * Random streams of orders from a few buyers, addresses and channels, merged one by one as the
 * engine does (each order joins the shipment {@link MergeRule#choose} names, or starts its own),
 * checked against what the rule promises for every resulting parcel.
 */
class MergeRuleProperties {

  private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");

  record Order(
      String orderId,
      String channelId,
      String buyerKey,
      String addressKey,
      LocalDate deliveryDate,
      TimeSlot timeSlot,
      Instant placedAt) {

    MergeRule.Candidate candidate() {
      return new MergeRule.Candidate(
          orderId, channelId, buyerKey, addressKey, deliveryDate, timeSlot, placedAt);
    }
  }

  /** A parcel being filled: its orders, and whether a wave took it. */
  static final class Parcel {
    final String id;
    final List<Order> orders = new ArrayList<>();
    boolean inWave;

    Parcel(String id) {
      this.id = id;
    }

    MergeRule.Target target() {
      Set<String> channels = new HashSet<>();
      orders.forEach(o -> channels.add(o.channelId()));
      return new MergeRule.Target(
          id,
          ShipmentStatus.PENDING,
          inWave,
          channels,
          orders.get(0).buyerKey(),
          orders.get(0).addressKey(),
          orders.get(0).deliveryDate(),
          orders.get(0).timeSlot(),
          orders.stream().map(Order::placedAt).min(Instant::compareTo).orElseThrow(),
          orders.stream().map(Order::placedAt).max(Instant::compareTo).orElseThrow());
    }
  }

  record Scenario(MergeRule rule, List<Order> orders, Set<Integer> waveAfter) {

    /** Orders arrive in the given order; after some of them, a wave takes every open parcel. */
    Map<String, Parcel> play() {
      Map<String, Parcel> parcels = new LinkedHashMap<>();
      for (int i = 0; i < orders.size(); i++) {
        Order order = orders.get(i);
        List<MergeRule.Target> open = parcels.values().stream().map(Parcel::target).toList();
        Optional<MergeRule.Target> chosen = rule.choose(open, order.candidate());
        Parcel parcel =
            chosen.isPresent()
                ? parcels.get(chosen.get().shipmentId())
                : parcels.computeIfAbsent("S" + i, Parcel::new);
        parcel.orders.add(order);
        if (waveAfter.contains(i)) {
          parcels.values().forEach(p -> p.inWave = true);
        }
      }
      return parcels;
    }
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<MergeRule> rule =
        Combinators.combine(Arbitraries.of(MergeMode.class), Arbitraries.integers().between(0, 180))
            .as((mode, minutes) -> new MergeRule(mode, Duration.ofMinutes(minutes)));
    Arbitrary<Order> order =
        Combinators.combine(
                Arbitraries.of("rakuten", "yahoo", "amazon"),
                Arbitraries.of("A|0901", "B|0902", "C|0903").injectNull(0.1),
                Arbitraries.of("1500001|渋谷区神南1-2-3", "1000005|千代田区丸の内2-7-2").injectNull(0.1),
                Arbitraries.of(LocalDate.of(2026, 3, 5)).injectNull(0.7),
                Arbitraries.of(TimeSlot.MORNING, TimeSlot.H19_21).injectNull(0.7),
                Arbitraries.integers().between(0, 600))
            .as(
                (channel, buyer, address, date, slot, minute) ->
                    new Order(
                        "",
                        channel,
                        buyer,
                        address,
                        date,
                        slot,
                        START.plus(Duration.ofMinutes(minute))));
    return Combinators.combine(
            rule,
            order.list().ofMinSize(1).ofMaxSize(40),
            Arbitraries.integers().between(0, 40).set().ofMaxSize(3))
        .as(
            (r, list, waves) -> {
              List<Order> sorted = new ArrayList<>();
              List<Order> byTime =
                  list.stream().sorted((a, b) -> a.placedAt().compareTo(b.placedAt())).toList();
              for (int i = 0; i < byTime.size(); i++) {
                Order o = byTime.get(i);
                sorted.add(
                    new Order(
                        "ord" + i,
                        o.channelId(),
                        o.buyerKey(),
                        o.addressKey(),
                        o.deliveryDate(),
                        o.timeSlot(),
                        o.placedAt()));
              }
              return new Scenario(r, sorted, waves);
            });
  }

  @Property(tries = 1000)
  void everyParcelKeepsTheRulesPromises(@ForAll("scenarios") Scenario scenario) {
    Map<String, Parcel> parcels = scenario.play();
    MergeRule rule = scenario.rule();

    int placed = parcels.values().stream().mapToInt(p -> p.orders.size()).sum();
    assertThat(placed).isEqualTo(scenario.orders().size());
    for (Parcel parcel : parcels.values()) {
      List<Order> orders = parcel.orders;
      if (orders.size() == 1) {
        continue;
      }
      assertThat(rule.mode()).isNotEqualTo(MergeMode.OFF);
      Order first = orders.get(0);
      for (Order order : orders) {
        assertThat(order.buyerKey()).isNotNull().isEqualTo(first.buyerKey());
        assertThat(order.addressKey()).isNotNull().isEqualTo(first.addressKey());
        assertThat(order.deliveryDate()).isEqualTo(first.deliveryDate());
        assertThat(order.timeSlot()).isEqualTo(first.timeSlot());
        if (rule.mode() == MergeMode.SAME_CHANNEL) {
          assertThat(order.channelId()).isEqualTo(first.channelId());
        }
      }
      Instant earliest = orders.stream().map(Order::placedAt).min(Instant::compareTo).get();
      Instant latest = orders.stream().map(Order::placedAt).max(Instant::compareTo).get();
      assertThat(Duration.between(earliest, latest)).isLessThanOrEqualTo(rule.window());
    }
  }

  @Property(tries = 500)
  void anOrderStartsItsOwnParcelOnlyWhenNoOpenParcelWouldTakeIt(
      @ForAll("scenarios") Scenario scenario) {
    Map<String, Parcel> parcels = scenario.play();
    // Replay, and at the moment each parcel was started, no earlier open parcel allowed its order.
    List<Order> orders = scenario.orders();
    for (Parcel parcel : parcels.values()) {
      Order founder = parcel.orders.get(0);
      int index = orders.indexOf(founder);
      Scenario before =
          new Scenario(scenario.rule(), orders.subList(0, index), scenario.waveAfter());
      List<MergeRule.Target> open = before.play().values().stream().map(Parcel::target).toList();
      assertThat(open.stream().noneMatch(t -> scenario.rule().allows(t, founder.candidate())))
          .as(founder.orderId())
          .isTrue();
    }
  }
}
