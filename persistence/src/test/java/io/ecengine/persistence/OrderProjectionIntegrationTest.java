package io.ecengine.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.ecengine.engine.order.OrderDetails;
import io.ecengine.engine.order.OrderEvent;
import io.ecengine.engine.order.OrderEvent.AllocationFailed;
import io.ecengine.engine.order.OrderEvent.AllocationSucceeded;
import io.ecengine.engine.order.OrderEvent.OrderPlaced;
import io.ecengine.engine.order.OrderLine;
import io.ecengine.engine.sku.HoldKind;
import io.ecengine.persistence.OrderSummaries.Filter;
import io.ecengine.persistence.OrderSummaries.OrderSummary;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Order events through the journal, the read journal and the order-summary projection into the
 * {@code orders} table, on a real database.
 */
class OrderProjectionIntegrationTest {

  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void projectsJournalledOrderEventsIntoOrderSummaries(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ActorTestKit testKit =
          ActorTestKit.create(
              "order-projection-" + vendor.name().toLowerCase(),
              db.settings()
                  .pekkoOverlay()
                  .withFallback(SkuProjectionIntegrationTest.TEST_CONFIG)
                  .withFallback(ConfigFactory.load()));
      try {
        Cluster cluster = Cluster.get(testKit.system());
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        OrderProjection.init(testKit.system(), db.database());

        write(testKit, "ord-1", placed("ord-1", T0.plusSeconds(7200)));
        write(testKit, "ord-1", new AllocationSucceeded(1, Map.of("MUG", HoldKind.PREORDER), T0));
        write(testKit, "ord-2", placed("ord-2", T0.plusSeconds(3600)));
        write(testKit, "ord-2", new AllocationFailed(1, List.of("MUG"), T0));
        write(testKit, "ord-3", placed("ord-3", T0.plusSeconds(5400)));

        OrderSummaries summaries = new OrderSummaries(db.dataSource());
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () ->
                    assertThat(summaries.list("acme", Filter.NONE, null, 10).items())
                        .extracting(OrderSummary::orderId, OrderSummary::status)
                        .containsExactly(
                            tuple("ord-2", "AWAITING_STOCK"),
                            tuple("ord-3", "ALLOCATING"),
                            tuple("ord-1", "PREORDERED")));
        assertThat(storedOffsets(db)).isPositive();
      } finally {
        testKit.shutdownTestKit();
      }
    }
  }

  private static OrderPlaced placed(String orderId, Instant shipBy) {
    return new OrderPlaced(
        orderId,
        "tiktok-1",
        "TT-" + orderId,
        List.of(new OrderLine("MUG", 1)),
        OrderDetails.NONE,
        shipBy,
        T0);
  }

  private static void write(ActorTestKit testKit, String orderId, OrderEvent event) {
    ActorRef<JournalWriter.Write<OrderEvent>> writer =
        testKit.spawn(JournalWriter.forOrder("acme", orderId));
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
                    + " WHERE \"projection_name\" = 'order-summary'")) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
