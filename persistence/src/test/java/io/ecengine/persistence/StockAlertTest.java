package io.ecengine.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecengine.persistence.OverviewStore.StockAlert;
import org.junit.jupiter.api.Test;

class StockAlertTest {

  @Test
  void tellsSoldOutFromSafetyStockFromLow() {
    assertThat(new StockAlert("A", "a", 5, 5, 0, 0, 0).state()).isEqualTo("SOLD_OUT");
    assertThat(new StockAlert("B", "b", 8, 5, 3, 0, 0).state()).isEqualTo("SAFETY_STOCK");
    // Units owed to backorders take the rest: nothing is left beyond holds.
    assertThat(new StockAlert("C", "c", 8, 5, 3, 0, 3).state()).isEqualTo("SOLD_OUT");
    assertThat(new StockAlert("D", "d", 8, 5, 0, 3, 0).state()).isEqualTo("LOW");
  }
}
