package io.ecengine.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecengine.persistence.PostgresTestDatabase;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A short run of the hot-SKU benchmark as a correctness check: with less stock than clients try to
 * buy, neither the engine nor the plain-SQL side may sell more than there is, and every reservation
 * the engine acknowledged is on the SKU afterwards. Speed is not asserted here.
 */
class HotSkuScenarioTest {

  @Test
  void neverSellsMoreThanTheStockAndKeepsEveryAcknowledgedReservation() throws Exception {
    PostgresTestDatabase.create().close();
    HotSkuScenario.Outcome outcome =
        HotSkuScenario.run(
            new HotSkuScenario.Settings(
                16,
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                PostgresTestDatabase.DEFAULT_URL,
                "postgres",
                5_000));

    assertThat(outcome.phases()).hasSize(5);
    assertThat(outcome.beside()).hasSize(2);
    // The other SKU is read and reserved beside the hot one: answered, never a server error.
    outcome
        .beside()
        .forEach(p -> assertThat(p.outcomes().keySet()).isSubsetOf("200", "201", "503"));
    assertThat(outcome.engineAcknowledged()).isPositive();
    assertThat(outcome.engineReserved()).isEqualTo(outcome.engineAcknowledged());
    assertThat(outcome.engineReserved()).isLessThanOrEqualTo(5_000);
    assertThat(outcome.sqlAcknowledged()).isEqualTo(outcome.sqlStockTaken());
    assertThat(outcome.sqlStockTaken()).isLessThanOrEqualTo(5_000);
    assertThat(outcome.phases().get(0).outcomes().keySet()).isSubsetOf("201", "409", "503");
  }
}
