package io.ecengine.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecengine.persistence.TenantStore.IssuedKey;
import io.ecengine.persistence.TenantStore.KeyInfo;
import io.ecengine.persistence.TenantStore.Tenant;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TenantStoreTest {

  private static final Duration CACHE_TTL = Duration.ofSeconds(5);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T09:00:00.123456Z"));

  private TenantStore store(TestDatabase db) {
    return new TenantStore(db.dataSource(), clock, CACHE_TTL);
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void createsATenantOnlyOnce(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      TenantStore store = store(db);

      Optional<Tenant> first = store.createTenant("acme", "Acme Ltd");
      Optional<Tenant> second = store.createTenant("acme", "Another Acme");

      assertThat(first).contains(new Tenant("acme", "Acme Ltd", clock.instant()));
      assertThat(second).isEmpty();
      assertThat(store.tenantExists("acme")).isTrue();
      assertThat(store.tenantExists("globex")).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void issuedKeyAuthenticatesAsItsTenant(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      TenantStore store = store(db);
      store.createTenant("acme", "Acme Ltd");
      store.createTenant("globex", "Globex");

      IssuedKey acmeKey = store.issueKey("acme");
      IssuedKey globexKey = store.issueKey("globex");

      assertThat(acmeKey.apiKey())
          .matches("ec_[0-9a-f]{16}_[A-Za-z0-9_-]{43}")
          .startsWith("ec_" + acmeKey.keyId() + "_");
      assertThat(store.authenticate(acmeKey.apiKey())).contains("acme");
      assertThat(store.authenticate(globexKey.apiKey())).contains("globex");
      assertThat(acmeKey.toString()).doesNotContain(acmeKey.apiKey());
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void storesOnlyTheHashOfAKey(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      TenantStore store = store(db);
      store.createTenant("acme", "Acme Ltd");
      IssuedKey key = store.issueKey("acme");

      try (Connection connection = db.dataSource().getConnection();
          PreparedStatement select =
              connection.prepareStatement("SELECT * FROM api_keys WHERE key_id = ?")) {
        select.setString(1, key.keyId());
        try (ResultSet row = select.executeQuery()) {
          assertThat(row.next()).isTrue();
          assertThat(row.getString("key_hash")).isEqualTo(TenantStore.sha256Hex(key.apiKey()));
          for (int column = 1; column <= row.getMetaData().getColumnCount(); column++) {
            assertThat(String.valueOf(row.getObject(column))).doesNotContain(key.apiKey());
          }
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void rejectsUnknownAndMalformedKeys(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      TenantStore store = store(db);
      store.createTenant("acme", "Acme Ltd");
      IssuedKey key = store.issueKey("acme");

      assertThat(store.authenticate("ec_0123456789abcdef_" + "A".repeat(43))).isEmpty();
      assertThat(store.authenticate(key.apiKey() + "x")).isEmpty();
      assertThat(store.authenticate(key.apiKey().substring(3))).isEmpty();
      assertThat(store.authenticate("")).isEmpty();
      assertThat(store.authenticate(null)).isEmpty();
      assertThat(store.authenticate("ec_" + "x".repeat(500))).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void revokedKeyStopsAuthenticatingAtOnceOnThisNode(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      TenantStore store = store(db);
      store.createTenant("acme", "Acme Ltd");
      IssuedKey revoked = store.issueKey("acme");
      IssuedKey kept = store.issueKey("acme");
      assertThat(store.cachedTenant(revoked.apiKey())).isEmpty();
      assertThat(store.authenticate(revoked.apiKey())).contains("acme");
      assertThat(store.cachedTenant(revoked.apiKey())).contains("acme");

      assertThat(store.revokeKey("acme", revoked.keyId())).isTrue();

      assertThat(store.cachedTenant(revoked.apiKey())).isEmpty();
      assertThat(store.authenticate(revoked.apiKey())).isEmpty();
      assertThat(store.authenticate(kept.apiKey())).contains("acme");
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void revokingIsRepeatableAndLimitedToTheTenantsOwnKeys(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      TenantStore store = store(db);
      store.createTenant("acme", "Acme Ltd");
      store.createTenant("globex", "Globex");
      IssuedKey key = store.issueKey("acme");
      Instant revokedAt = clock.instant();

      assertThat(store.revokeKey("globex", key.keyId())).isFalse();
      assertThat(store.authenticate(key.apiKey())).contains("acme");
      assertThat(store.revokeKey("acme", "0000000000000000")).isFalse();
      assertThat(store.revokeKey("acme", key.keyId())).isTrue();
      clock.advance(Duration.ofMinutes(1));
      assertThat(store.revokeKey("acme", key.keyId())).isTrue();

      assertThat(store.listKeys("acme"))
          .containsExactly(new KeyInfo(key.keyId(), revokedAt, revokedAt));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void listsKeysOldestFirstWithoutSecrets(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      TenantStore store = store(db);
      store.createTenant("acme", "Acme Ltd");
      Instant firstIssued = clock.instant();
      IssuedKey first = store.issueKey("acme");
      clock.advance(Duration.ofSeconds(10));
      Instant secondIssued = clock.instant();
      IssuedKey second = store.issueKey("acme");
      store.revokeKey("acme", first.keyId());

      List<KeyInfo> keys = store.listKeys("acme");

      assertThat(keys)
          .containsExactly(
              new KeyInfo(first.keyId(), firstIssued, secondIssued),
              new KeyInfo(second.keyId(), secondIssued, null));
      assertThat(keys.get(0).revoked()).isTrue();
      assertThat(keys.get(1).revoked()).isFalse();
      assertThat(store.listKeys("globex")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void refusesToIssueKeysForAnUnknownTenant(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      TenantStore store = store(db);

      assertThatThrownBy(() -> store.issueKey("nobody"))
          .isInstanceOf(NoSuchElementException.class)
          .hasMessageContaining("nobody");
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void seesARevocationByAnotherNodeOnceTheCacheEntryExpires(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      TenantStore store = store(db);
      store.createTenant("acme", "Acme Ltd");
      IssuedKey key = store.issueKey("acme");
      assertThat(store.authenticate(key.apiKey())).contains("acme");
      new TenantStore(db.dataSource()).revokeKey("acme", key.keyId());

      assertThat(store.authenticate(key.apiKey())).contains("acme");
      clock.advance(CACHE_TTL);
      assertThat(store.authenticate(key.apiKey())).isEmpty();
    }
  }
}
