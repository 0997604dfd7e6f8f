package io.ecengine.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ecengine.engine.sku.AdjustmentReason;
import io.ecengine.engine.sku.Component;
import io.ecengine.engine.sku.HoldKind;
import io.ecengine.engine.sku.Reservation;
import io.ecengine.engine.sku.SkuEvent;
import io.ecengine.engine.sku.SkuEvent.ReservationsPlaced;
import io.ecengine.engine.sku.SkuEvent.SafetyStockSet;
import io.ecengine.engine.sku.SkuEvent.SkuDefined;
import io.ecengine.engine.sku.SkuEvent.StockAdjusted;
import io.ecengine.engine.sku.SkuId;
import io.ecengine.persistence.SkuSummaries.SkuSummary;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Journal, read journal, projection offsets and read side together on a real database: proves that
 * the migrations match what pekko-persistence-jdbc and pekko-projection-jdbc query.
 */
class SkuProjectionIntegrationTest {

  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

  /** A one-node cluster that reads the journal often, so tests wait briefly. */
  static final Config TEST_CONFIG =
      ConfigFactory.parseString(
          """
          pekko.loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
          pekko.logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
          pekko.loglevel = INFO
          pekko.actor.provider = cluster
          pekko.remote.artery.canonical.hostname = 127.0.0.1
          pekko.remote.artery.canonical.port = 0
          pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
          pekko.actor.serialization-bindings {
            "io.ecengine.engine.serialization.CborSerializable" = jackson-cbor
          }
          jdbc-read-journal.refresh-interval = 100ms
          """);

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void projectsJournalledEventsIntoSkuSummaries(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ActorTestKit testKit =
          ActorTestKit.create(
              "sku-projection-" + vendor.name().toLowerCase(),
              db.settings()
                  .pekkoOverlay()
                  .withFallback(TEST_CONFIG)
                  .withFallback(ConfigFactory.load()));
      try {
        Cluster cluster = Cluster.get(testKit.system());
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        SkuProjection.init(testKit.system(), db.database());

        SkuId shirt = new SkuId("acme", "SHIRT-M");
        SkuId mug = new SkuId("acme", "MUG");
        SkuId gift = new SkuId("acme", "GIFT");
        write(testKit, shirt, new SkuDefined("Shirt M", T0));
        write(testKit, shirt, new StockAdjusted("adj-1", 12, AdjustmentReason.RECEIPT, T0));
        write(testKit, shirt, new SafetyStockSet(2, T0));
        write(
            testKit,
            shirt,
            new ReservationsPlaced(List.of(new Reservation("r1", 3, "shop-1", null, T0, null, 7))));
        write(testKit, mug, new SkuDefined("Mug", T0));
        write(testKit, mug, new StockAdjusted("adj-1", 4, AdjustmentReason.COUNT, T0));
        write(
            testKit,
            mug,
            new ReservationsPlaced(
                List.of(
                    new Reservation("r2", 1, "shop-1", null, T0, null, 0, HoldKind.BACKORDER, 0))));
        write(testKit, gift, new SkuDefined("Gift", List.of(new Component("MUG", 1)), T0));

        SkuSummaries summaries = new SkuSummaries(db.dataSource());
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  assertThat(summaries.get("acme", "SHIRT-M"))
                      .isEqualTo(Optional.of(new SkuSummary("SHIRT-M", "Shirt M", 12, 3, 2, 7)));
                  assertThat(summaries.get("acme", "MUG"))
                      .isEqualTo(
                          Optional.of(
                              new SkuSummary("MUG", "Mug", 4, 0, 0, 3, 1, 0, 0, false, List.of())));
                  assertThat(summaries.get("acme", "GIFT").map(SkuSummary::available)).contains(3L);
                });
        assertThat(storedOffsets(db)).isPositive();
      } finally {
        testKit.shutdownTestKit();
      }
    }
  }

  private static void write(ActorTestKit testKit, SkuId sku, SkuEvent event) {
    ActorRef<JournalWriter.Write<SkuEvent>> writer = testKit.spawn(JournalWriter.forSku(sku));
    TestProbe<Done> done = testKit.createTestProbe();
    writer.tell(new JournalWriter.Write<>(event, done.ref()));
    done.expectMessage(Duration.ofSeconds(10), Done.done());
    testKit.stop(writer);
  }

  private static long storedOffsets(TestDatabase db) throws SQLException {
    try (Connection connection = db.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT COUNT(*) FROM \"pekko_projection_offset_store\""
                    + " WHERE \"projection_name\" = 'sku-summary'")) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
