package io.ecengine.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecengine.persistence.AllocationRuleStore.RuleRow;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AllocationRuleStoreTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T09:00:00.123456Z"));

  private AllocationRuleStore store(TestDatabase db) {
    return new AllocationRuleStore(db.dataSource(), clock);
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void setsReplacesAndDeletesARule(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      AllocationRuleStore rules = store(db);

      boolean created = rules.put("acme", "MUG", "tiktok-1", "DedicatedQuota", 20);
      boolean createdAgain = rules.put("acme", "MUG", "tiktok-1", "Cap", 5);

      assertThat(created).isTrue();
      assertThat(createdAgain).isFalse();
      assertThat(rules.forSku("acme", "MUG"))
          .containsExactly(new RuleRow("MUG", "tiktok-1", "Cap", 5));
      assertThat(rules.delete("acme", "MUG", "tiktok-1")).isTrue();
      assertThat(rules.delete("acme", "MUG", "tiktok-1")).isFalse();
      assertThat(rules.forSku("acme", "MUG")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aSkusRulesComeWithTheTenantDefaultsOwnRuleFirst(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      AllocationRuleStore rules = store(db);
      rules.put("acme", AllocationRuleStore.TENANT_DEFAULT, "tiktok-1", "Percentage", 50);
      rules.put("acme", AllocationRuleStore.TENANT_DEFAULT, "amazon-1", "Buffer", 2);
      rules.put("acme", "!MUG", "tiktok-1", "DedicatedQuota", 20);
      rules.put("acme", "!MUG", "rakuten-1", "Cap", 3);
      rules.put("acme", "CUP", "tiktok-1", "Cap", 1);
      rules.put("globex", AllocationRuleStore.TENANT_DEFAULT, "tiktok-1", "Cap", 9);

      assertThat(rules.forSku("acme", "!MUG"))
          .containsExactly(
              new RuleRow("*", "amazon-1", "Buffer", 2),
              new RuleRow("!MUG", "rakuten-1", "Cap", 3),
              new RuleRow("!MUG", "tiktok-1", "DedicatedQuota", 20),
              new RuleRow("*", "tiktok-1", "Percentage", 50));
      assertThat(rules.forSku("acme", "PLATE"))
          .containsExactly(
              new RuleRow("*", "amazon-1", "Buffer", 2),
              new RuleRow("*", "tiktok-1", "Percentage", 50));
      assertThat(rules.defaults("acme"))
          .containsExactly(
              new RuleRow("*", "amazon-1", "Buffer", 2),
              new RuleRow("*", "tiktok-1", "Percentage", 50));
      assertThat(rules.defaults("globex")).containsExactly(new RuleRow("*", "tiktok-1", "Cap", 9));
      assertThat(rules.forSku("initech", "MUG")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void refusesRuleNamesAndSkusItCannotStore(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      AllocationRuleStore rules = store(db);

      assertThatThrownBy(() -> rules.put("acme", "MUG", "shop", "", 1))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> rules.put("acme", "MUG", "shop", "x".repeat(33), 1))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> rules.put("acme", "MUG", "shop", "Cap; DROP", 1))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> rules.put("acme", "A B", "shop", "Cap", 1))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(rules.forSku("acme", "MUG")).isEmpty();
    }
  }
}
