package io.ecengine.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ecengine.engine.sku.AdjustmentReason;
import io.ecengine.engine.sku.SkuEntity;
import io.ecengine.engine.sku.SkuEvent;
import io.ecengine.engine.sku.SkuEvent.StockAdjusted;
import io.ecengine.engine.sku.SkuId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The read journal's events-by-tag query on both databases: a tag's events come back in journal
 * order, from after the offset asked for, a page at a time when there are more than a page, and
 * none of another tag's.
 */
class TagRangeReadJournalDaoTest {

  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void readsOneTagsEventsInJournalOrderPageByPageFromAnOffset(Vendor vendor) throws Exception {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ActorTestKit testKit =
          ActorTestKit.create(
              "tag-range-" + vendor.name().toLowerCase(),
              db.settings()
                  .pekkoOverlay()
                  // Pages of 3 make a dozen events span several queries.
                  .withFallback(ConfigFactory.parseString("jdbc-read-journal.max-buffer-size = 3"))
                  .withFallback(SkuProjectionIntegrationTest.TEST_CONFIG)
                  .withFallback(ConfigFactory.load()));
      try {
        // Two SKUs whose events carry different tags, written interleaved.
        SkuId first = new SkuId("acme", "A-0");
        SkuId second = skuWithAnotherTag(first);
        ActorRef<JournalWriter.Write<SkuEvent>> a = testKit.spawn(JournalWriter.forSku(first));
        ActorRef<JournalWriter.Write<SkuEvent>> b = testKit.spawn(JournalWriter.forSku(second));
        for (int i = 1; i <= 12; i++) {
          write(testKit, a, "a-" + i);
          write(testKit, b, "b-" + i);
        }
        assertThat(testKit.system().settings().config().getString("jdbc-read-journal.dao"))
            .isEqualTo(TagRangeReadJournalDao.class.getName());
        JdbcReadJournal journal =
            PersistenceQuery.get(testKit.system())
                .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
        String tag = tagOf(first);

        List<EventEnvelope> all = read(journal, tag, Offset.noOffset(), testKit);
        assertThat(all).extracting(e -> adjustmentId(e)).containsExactly(ids("a-", 1, 12));
        List<Long> offsets = all.stream().map(e -> ((Sequence) e.offset()).value()).toList();
        assertThat(offsets).isSorted().doesNotHaveDuplicates();

        // From the offset of the fifth event on: the sixth to the twelfth.
        List<EventEnvelope> rest = read(journal, tag, all.get(4).offset(), testKit);
        assertThat(rest).extracting(e -> adjustmentId(e)).containsExactly(ids("a-", 6, 12));
        assertThat(rest.get(0).persistenceId()).isEqualTo(all.get(0).persistenceId());
        assertThat(rest.get(0).sequenceNr()).isEqualTo(6);

        assertThat(read(journal, tag, all.get(11).offset(), testKit)).isEmpty();
        assertThat(read(journal, tagOf(second), Offset.noOffset(), testKit))
            .extracting(e -> adjustmentId(e))
            .containsExactly(ids("b-", 1, 12));
      } finally {
        testKit.shutdownTestKit();
      }
    }
  }

  private static SkuId skuWithAnotherTag(SkuId sku) {
    for (int i = 1; ; i++) {
      SkuId other = new SkuId(sku.tenantId(), "B-" + i);
      if (!tagOf(other).equals(tagOf(sku))) {
        return other;
      }
    }
  }

  private static String tagOf(SkuId sku) {
    return SkuEntity.TAGS.get(Math.floorMod(sku.entityId().hashCode(), SkuEntity.TAGS.size()));
  }

  private static void write(
      ActorTestKit testKit, ActorRef<JournalWriter.Write<SkuEvent>> writer, String id) {
    TestProbe<Done> done = testKit.createTestProbe();
    writer.tell(
        new JournalWriter.Write<>(
            new StockAdjusted(id, 1, AdjustmentReason.RECEIPT, T0), done.ref()));
    done.expectMessage(Duration.ofSeconds(10), Done.done());
  }

  private static List<EventEnvelope> read(
      JdbcReadJournal journal, String tag, Offset offset, ActorTestKit testKit) throws Exception {
    return journal
        .currentEventsByTag(tag, offset)
        .runWith(Sink.seq(), testKit.system())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  private static String adjustmentId(EventEnvelope envelope) {
    return ((StockAdjusted) envelope.event()).adjustmentId();
  }

  private static String[] ids(String prefix, int from, int to) {
    List<String> ids = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      ids.add(prefix + i);
    }
    return ids.toArray(String[]::new);
  }
}
