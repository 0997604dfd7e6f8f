package io.ecengine.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ecengine.loadtest.simulator.MarketplaceSimulator;
import io.ecengine.persistence.PostgresTestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A short live burst, real-time and batch, as a correctness check: the engine never holds more than
 * it has, every order a marketplace delivered and the engine acknowledged is in it, and the live
 * channel's dedicated quota is never oversold with real-time pushes. How much better real time is
 * than batch is measured by the full benchmark, not asserted here.
 */
class LiveBurstScenarioTest {

  @Test
  void neverOversellsInTheEngineNorOnTheDedicatedQuotaAndKeepsEveryAcknowledgedOrder()
      throws Exception {
    PostgresTestDatabase.create().close();
    LiveBurstScenario.Settings settings =
        new LiveBurstScenario.Settings(
            40,
            3,
            120,
            50,
            40,
            5,
            List.of(
                new LiveBurstScenario.Step("baseline 10/s", 10, Duration.ofSeconds(4), 0.8),
                new LiveBurstScenario.Step("10x 100/s", 100, Duration.ofSeconds(8), 0.8),
                new LiveBurstScenario.Step("after 10/s", 10, Duration.ofSeconds(10), 0.8)),
            0.7,
            Duration.ofMinutes(5),
            Duration.ofSeconds(1),
            MarketplaceSimulator.Settings.defaults(),
            Duration.ofMinutes(2),
            Duration.ofSeconds(20),
            PostgresTestDatabase.DEFAULT_URL,
            "postgres");

    LiveBurstScenario.Outcome outcome = LiveBurstScenario.run(settings);
    LiveBurstReport.write(Path.of("target"), outcome);

    for (LiveBurstScenario.Run run : List.of(outcome.realtime(), outcome.batch())) {
      assertThat(run.skusOverReserved()).as(run.mode()).isZero();
      assertThat(run.unitsReserved()).as(run.mode()).isLessThanOrEqualTo(run.unitsOnHand());
      assertThat(run.acknowledgedOrdersMissing()).as(run.mode()).isZero();
      assertThat(run.marketplaceOrders()).as(run.mode()).isPositive();
      // The burst sells the shared-pool hot SKUs out: every unit is sold, or still set aside in
      // a channel's share (a marketplace whose buyers came no more, or whose orders are still
      // being read); none is lost.
      assertThat(run.hot())
          .as(run.mode())
          .filteredOn(h -> h.rule().equals("shared pool"))
          .allMatch(h -> h.sold() + h.sharedAtEnd() >= h.stock());
    }
    assertThat(outcome.realtime().liveQuotaOversold()).isZero();
    // The intake benchmark reports one such run; its report must render from a real one.
    assertThat(Benchmarks.intakeReport(ConfigFactory.load(), outcome.realtime()))
        .contains("| webhook answered (TikTok Shop, Shopify) |")
        .contains("Marketplace orders " + outcome.realtime().marketplaceOrders() + ",")
        .contains("webhook signers kept 5000 ms");
  }
}
