package io.ecengine.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.ecengine.persistence.ChannelStore.ChannelRecord;
import io.ecengine.persistence.ChannelStore.ChannelSettings;
import io.ecengine.persistence.SecretBox.UnreadableSecretsException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ChannelStoreTest {

  private static final String APP_SECRET = "tt-app-secret-9f8e7d6c5b4a";
  private static final Map<String, String> TIKTOK_CREDENTIALS =
      Map.of("app_key", "6abc123", "app_secret", APP_SECRET, "access_token", "ROW_token_42");
  private static final Instant EXPIRES = Instant.parse("2026-04-05T00:00:00Z");

  private static final ChannelSettings TIKTOK =
      new ChannelSettings(
          "tiktok",
          "https://open-api.tiktokglobalshop.com",
          TIKTOK_CREDENTIALS,
          2.0,
          4,
          50,
          EXPIRES);

  private static final ChannelSettings RAKUTEN =
      new ChannelSettings(
          "rakuten",
          "https://api.rms.rakuten.co.jp",
          Map.of("license_key", "SL-1"),
          null,
          null,
          null,
          null);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T09:00:00.123456Z"));
  private final SecretBox box = newBox();

  private static SecretBox newBox() {
    return SecretBox.fromConfig(
        ConfigFactory.parseMap(Map.of("ec.secrets.key", SecretBox.generateKey())));
  }

  private ChannelStore store(TestDatabase db) {
    return new ChannelStore(db.dataSource(), box, clock);
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void createsAChannelAndReadsItBackWithoutCredentials(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ChannelStore store = store(db);

      boolean created = store.put("acme", "tiktok-1", TIKTOK);

      assertThat(created).isTrue();
      assertThat(store.get("acme", "tiktok-1"))
          .contains(
              new ChannelRecord(
                  "acme",
                  "tiktok-1",
                  "tiktok",
                  "https://open-api.tiktokglobalshop.com",
                  2.0,
                  4,
                  50,
                  false,
                  null,
                  EXPIRES,
                  clock.instant(),
                  clock.instant()));
      assertThat(store.get("acme", "tiktok-2")).isEmpty();
      assertThat(store.get("globex", "tiktok-1")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void handsTheDecryptedCredentialsToTheSender(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ChannelStore store = store(db);
      store.put("acme", "tiktok-1", TIKTOK);

      assertThat(store.credentials("acme", "tiktok-1")).isEqualTo(TIKTOK_CREDENTIALS);
      assertThatThrownBy(() -> store.credentials("acme", "nope"))
          .isInstanceOf(NoSuchElementException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aSecondPutReplacesSettingsButKeepsCreationAndPause(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ChannelStore store = store(db);
      Instant created = clock.instant();
      store.put("acme", "shop", TIKTOK);
      store.setPaused("acme", "shop", true, "credentials expired");
      clock.advance(Duration.ofMinutes(5));

      boolean createdAgain = store.put("acme", "shop", RAKUTEN);

      assertThat(createdAgain).isFalse();
      ChannelRecord channel = store.get("acme", "shop").orElseThrow();
      assertThat(channel.marketplace()).isEqualTo("rakuten");
      assertThat(channel.rateLimit()).isNull();
      assertThat(channel.burst()).isNull();
      assertThat(channel.batchSize()).isNull();
      assertThat(channel.credentialsExpireAt()).isNull();
      assertThat(channel.paused()).isTrue();
      assertThat(channel.pauseReason()).isEqualTo("credentials expired");
      assertThat(channel.createdAt()).isEqualTo(created);
      assertThat(channel.updatedAt()).isEqualTo(clock.instant());
      assertThat(store.credentials("acme", "shop"))
          .containsExactly(Map.entry("license_key", "SL-1"));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void listsATenantsChannelsAndAllChannelsForStartup(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ChannelStore store = store(db);
      store.put("globex", "b-shop", RAKUTEN);
      store.put("acme", "tiktok-1", TIKTOK);
      store.put("acme", "Rakuten-1", RAKUTEN);
      store.setPaused("acme", "tiktok-1", true, "maintenance");

      assertThat(store.list("acme"))
          .extracting(ChannelRecord::channelId)
          .containsExactly("Rakuten-1", "tiktok-1");
      assertThat(store.list("nobody")).isEmpty();
      assertThat(store.listAll())
          .extracting(c -> c.tenantId() + "/" + c.channelId() + "/" + c.paused())
          .containsExactly("acme/Rakuten-1/false", "acme/tiktok-1/true", "globex/b-shop/false");
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void pausesWithAReasonAndForgetsItOnResume(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ChannelStore store = store(db);
      store.put("acme", "tiktok-1", TIKTOK);
      String longReason = "HTTP 401 from TikTok Shop:\n" + "x".repeat(300);

      assertThat(store.setPaused("acme", "tiktok-1", true, longReason)).isTrue();
      ChannelRecord paused = store.get("acme", "tiktok-1").orElseThrow();
      assertThat(store.setPaused("acme", "tiktok-1", false, "ignored when resuming")).isTrue();
      ChannelRecord resumed = store.get("acme", "tiktok-1").orElseThrow();

      assertThat(paused.paused()).isTrue();
      assertThat(paused.pauseReason())
          .startsWith("HTTP 401 from TikTok Shop: xxx")
          .hasSize(ChannelStore.MAX_PAUSE_REASON_LENGTH);
      assertThat(resumed.paused()).isFalse();
      assertThat(resumed.pauseReason()).isNull();
      assertThat(store.setPaused("acme", "unknown", true, "why")).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void replacesOnlyTheCredentialsOnATokenRefresh(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ChannelStore store = store(db);
      store.put("acme", "tiktok-1", TIKTOK);
      Instant later = EXPIRES.plus(Duration.ofDays(7));
      Map<String, String> refreshed = Map.of("access_token", "new-token");

      assertThat(store.setCredentials("acme", "tiktok-1", refreshed, later)).isTrue();
      assertThat(store.setCredentials("acme", "other", refreshed, later)).isFalse();

      assertThat(store.credentials("acme", "tiktok-1")).isEqualTo(refreshed);
      ChannelRecord channel = store.get("acme", "tiktok-1").orElseThrow();
      assertThat(channel.credentialsExpireAt()).isEqualTo(later);
      assertThat(channel.rateLimit()).isEqualTo(2.0);
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void storesCredentialsOnlyInSealedForm(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      store(db).put("acme", "tiktok-1", TIKTOK);

      try (Connection connection = db.dataSource().getConnection();
          PreparedStatement select = connection.prepareStatement("SELECT * FROM channels");
          ResultSet row = select.executeQuery()) {
        assertThat(row.next()).isTrue();
        int binaryColumns = 0;
        for (int column = 1; column <= row.getMetaData().getColumnCount(); column++) {
          int type = row.getMetaData().getColumnType(column);
          boolean binary =
              type == Types.BLOB
                  || type == Types.BINARY
                  || type == Types.VARBINARY
                  || type == Types.LONGVARBINARY;
          binaryColumns += binary ? 1 : 0;
          String text =
              binary
                  ? new String(row.getBytes(column), StandardCharsets.ISO_8859_1)
                  : String.valueOf(row.getObject(column));
          for (String secret : TIKTOK_CREDENTIALS.values()) {
            assertThat(text).as("column %d", column).doesNotContain(secret);
          }
        }
        assertThat(binaryColumns).isEqualTo(1);
        assertThat(box.open(row.getBytes("credentials"))).isEqualTo(TIKTOK_CREDENTIALS);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void anotherKeyCannotReadStoredCredentials(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      store(db).put("acme", "tiktok-1", TIKTOK);
      ChannelStore restartedWithAnotherKey = new ChannelStore(db.dataSource(), newBox(), clock);

      assertThatThrownBy(() -> restartedWithAnotherKey.credentials("acme", "tiktok-1"))
          .isInstanceOf(UnreadableSecretsException.class)
          .hasMessageContaining("tiktok-1")
          .hasMessageContaining("enter them again");
      assertThat(restartedWithAnotherKey.get("acme", "tiktok-1")).isPresent();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void concurrentFirstPutsCreateTheChannelOnce(Vendor vendor) throws Exception {
    int writers = 8;
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ChannelStore store = store(db);
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      try {
        for (int round = 0; round < 10; round++) {
          String channelId = "channel-" + round;
          CountDownLatch start = new CountDownLatch(1);
          List<Future<Boolean>> puts = new ArrayList<>();
          for (int writer = 0; writer < writers; writer++) {
            puts.add(
                pool.submit(
                    () -> {
                      start.await();
                      return store.put("acme", channelId, TIKTOK);
                    }));
          }
          start.countDown();
          int created = 0;
          for (Future<Boolean> put : puts) {
            created += put.get(30, TimeUnit.SECONDS) ? 1 : 0;
          }
          assertThat(created).as(channelId).isEqualTo(1);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void noRecordOrSettingsTextShowsCredentials(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ChannelStore store = store(db);
      store.put("acme", "tiktok-1", TIKTOK);

      List<String> shown =
          List.of(
              store.get("acme", "tiktok-1").orElseThrow().toString(),
              store.list("acme").toString(),
              store.listAll().toString(),
              TIKTOK.toString());

      for (String text : shown) {
        for (String secret : TIKTOK_CREDENTIALS.values()) {
          assertThat(text).doesNotContain(secret);
        }
      }
      assertThat(TIKTOK.toString()).contains("[access_token, app_key, app_secret]");
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void refusesSettingsThatCannotBeStoredOrWouldLeakCredentials(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      Map<String, String> none = Map.of();

      assertThatThrownBy(
              () ->
                  new ChannelSettings(
                      "x".repeat(33), "https://a.example", none, null, null, null, null))
          .hasMessageContaining("marketplace");
      assertThatThrownBy(
              () ->
                  new ChannelSettings(
                      "shopify",
                      "https://user:" + APP_SECRET + "@shop.example",
                      none,
                      null,
                      null,
                      null,
                      null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("credentials")
          .hasMessageNotContaining(APP_SECRET);
      assertThatThrownBy(
              () ->
                  new ChannelSettings(
                      "shopify", "ftp://shop.example", none, null, null, null, null))
          .hasMessageContaining("http");
      assertThatThrownBy(
              () ->
                  new ChannelSettings("shopify", "https://s.example", none, 0.0, null, null, null))
          .hasMessageContaining("rateLimit");
      assertThatThrownBy(
              () -> new ChannelSettings("shopify", "https://s.example", none, null, 0, null, null))
          .hasMessageContaining("burst");
      assertThatThrownBy(
              () -> new ChannelSettings("shopify", "https://s.example", none, null, null, 0, null))
          .hasMessageContaining("batchSize");
      assertThatThrownBy(
              () ->
                  new ChannelSettings("shopify", "https://s.example", null, null, null, null, null))
          .hasMessageContaining("credentials");
      assertThat(store(db).list("acme")).isEmpty();
    }
  }
}
