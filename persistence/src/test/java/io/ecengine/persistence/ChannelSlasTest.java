package io.ecengine.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecengine.engine.order.ShippingSla;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ChannelSlasTest {

  private static final ShippingSla TOKYO_TWO_DAYS =
      new ShippingSla(48, LocalTime.of(15, 0), ZoneId.of("Asia/Tokyo"));

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T09:00:00.123456Z"));

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aChannelWithoutAnSlaHasNone(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      assertThat(new ChannelSlas(db.dataSource(), clock).get("acme", "tiktok-1")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void storesAnSlaAndReadsItBack(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ChannelSlas slas = new ChannelSlas(db.dataSource(), clock);

      slas.put("acme", "tiktok-1", TOKYO_TWO_DAYS);

      assertThat(slas.get("acme", "tiktok-1")).contains(TOKYO_TWO_DAYS);
      assertThat(stored(db, "acme", "tiktok-1")).isEqualTo("15:00 Asia/Tokyo " + clock.instant());
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aSecondPutReplacesTheFirst(Vendor vendor) throws SQLException {
    ShippingSla sameDay = new ShippingSla(8, LocalTime.of(11, 30, 15), ZoneId.of("UTC"));
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ChannelSlas slas = new ChannelSlas(db.dataSource(), clock);
      slas.put("acme", "tiktok-1", TOKYO_TWO_DAYS);
      clock.advance(Duration.ofMinutes(5));

      slas.put("acme", "tiktok-1", sameDay);

      assertThat(slas.get("acme", "tiktok-1")).contains(sameDay);
      assertThat(stored(db, "acme", "tiktok-1")).isEqualTo("11:30:15 UTC " + clock.instant());
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void keepsChannelsAndTenantsApart(Vendor vendor) {
    ShippingSla rakuten = new ShippingSla(72, LocalTime.of(12, 0), ZoneId.of("Asia/Tokyo"));
    ShippingSla globex = new ShippingSla(24, LocalTime.of(9, 0), ZoneId.of("Europe/Berlin"));
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ChannelSlas slas = new ChannelSlas(db.dataSource(), clock);

      slas.put("acme", "tiktok-1", TOKYO_TWO_DAYS);
      slas.put("acme", "rakuten-1", rakuten);
      slas.put("globex", "tiktok-1", globex);

      assertThat(slas.get("acme", "tiktok-1")).contains(TOKYO_TWO_DAYS);
      assertThat(slas.get("acme", "rakuten-1")).contains(rakuten);
      assertThat(slas.get("globex", "tiktok-1")).contains(globex);
      assertThat(slas.get("globex", "rakuten-1")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void refusesACutoffWithAFractionOfASecond(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ChannelSlas slas = new ChannelSlas(db.dataSource(), clock);
      ShippingSla fractional =
          new ShippingSla(24, LocalTime.of(15, 0, 0, 500_000_000), ZoneId.of("Asia/Tokyo"));

      assertThatThrownBy(() -> slas.put("acme", "tiktok-1", fractional))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cutoff");
      assertThat(slas.get("acme", "tiktok-1")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void concurrentFirstPutsForOneChannelAllSucceed(Vendor vendor) throws Exception {
    int writers = 8;
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ChannelSlas slas = new ChannelSlas(db.dataSource(), clock);
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      try {
        for (int round = 0; round < 10; round++) {
          String channelId = "channel-" + round;
          CountDownLatch start = new CountDownLatch(1);
          List<Future<?>> puts = new ArrayList<>();
          for (int writer = 1; writer <= writers; writer++) {
            ShippingSla sla = new ShippingSla(writer, LocalTime.of(15, 0), ZoneId.of("UTC"));
            puts.add(
                pool.submit(
                    () -> {
                      start.await();
                      slas.put("acme", channelId, sla);
                      return null;
                    }));
          }
          start.countDown();
          for (Future<?> put : puts) {
            put.get(30, TimeUnit.SECONDS);
          }
          assertThat(slas.get("acme", channelId)).isPresent();
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /** The stored cutoff, zone and update time, as "cutoff zone updatedAt". */
  private static String stored(TestDatabase db, String tenantId, String channelId)
      throws SQLException {
    try (Connection connection = db.dataSource().getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT cutoff, time_zone, updated_at FROM channel_slas"
                    + " WHERE tenant_id = ? AND channel_id = ?")) {
      select.setString(1, tenantId);
      select.setString(2, channelId);
      try (ResultSet row = select.executeQuery()) {
        assertThat(row.next()).isTrue();
        return row.getString(1)
            + " "
            + row.getString(2)
            + " "
            + row.getObject(3, OffsetDateTime.class).toInstant();
      }
    }
  }
}
