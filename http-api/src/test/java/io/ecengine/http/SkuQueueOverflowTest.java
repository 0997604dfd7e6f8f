package io.ecengine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import io.ecengine.engine.sku.SkuEntity;
import io.ecengine.engine.sku.SkuId;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A hot SKU sheds load over HTTP: a reservation beyond its queue is answered 503 with Retry-After
 * at once, and every request is either held and answered 201 or refused and changes nothing.
 *
 * <p>The flood is made deterministic, not likely: the journal holds the SKU's first write until
 * every other request has reached the SKU and waits behind it, so that when the write finishes the
 * queue of one takes the first of them and the SKU must refuse all the others.
 */
class SkuQueueOverflowTest {

  private static final int MAX_QUEUE = 1;
  private static final int REQUESTS = 40;
  private static final long STOCK = 1_000;
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static Server server;

  @BeforeAll
  static void start() {
    server =
        TestNode.startOnH2(
            Map.of(
                "ec.sku.max-queue",
                MAX_QUEUE,
                "ec.sku.max-batch",
                1,
                "jdbc-journal.class",
                HeldJournal.class.getName(),
                "pekko.persistence.typed.log-stashing",
                "on",
                // Each request is sent to the SKU once. A second send of a request that is already
                // queued would be refused, and its 503 could reach the client before the 201 of
                // the first send: a retry with the same id would find the hold, but this test
                // counts holds against 201 answers.
                "ec.http.resend-after",
                "0s",
                // The first request waits while the flood gathers behind it; on a busy machine that
                // can take longer than the default ask timeout, whose 503 is another problem.
                "ec.http.ask-timeout",
                "15s",
                "ec.http.response-deadline",
                "20s",
                "pekko.http.server.request-timeout",
                "25s"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void floodBeyondTheQueueIsAnswered503WithRetryAfterAndHoldsOnlyWhatWasAnswered201()
      throws Exception {
    ApiClient shop = ApiClient.newTenant(server, "hot-shop");
    assertThat(shop.put("/v1/skus/HOT", Map.of("name", "Hot item")).status()).isEqualTo(201);
    assertThat(
            shop.post(
                    "/v1/skus/HOT/adjustments",
                    Map.of("adjustmentId", "stock", "delta", STOCK, "reason", "receipt"))
                .status())
        .isEqualTo(200);
    HeldJournal.Hold hold =
        HeldJournal.holdNextWrite(
            SkuEntity.persistenceId(new SkuId("hot-shop", "HOT").entityId()).id());

    ExecutorService clients = Executors.newFixedThreadPool(REQUESTS);
    Map<String, Future<ApiClient.Response>> sent = new LinkedHashMap<>();
    try (StashLog stashed = new StashLog("reservationId=burst-")) {
      sent.put("burst-0", clients.submit(() -> reserve(shop, "burst-0")));
      hold.reached().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      for (int i = 1; i < REQUESTS; i++) {
        String id = "burst-" + i;
        sent.put(id, clients.submit(() -> reserve(shop, id)));
      }
      await().atMost(WAIT).until(stashed::count, count -> count >= REQUESTS - 1);
      hold.release();
    } finally {
      hold.release();
      clients.shutdown();
    }
    Map<String, ApiClient.Response> answers = new LinkedHashMap<>();
    for (Map.Entry<String, Future<ApiClient.Response>> request : sent.entrySet()) {
      answers.put(request.getKey(), request.getValue().get(WAIT.toSeconds(), TimeUnit.SECONDS));
    }

    assertThat(answers.values()).extracting(ApiClient.Response::status).containsOnly(201, 503);
    List<String> held = idsAnswered(answers, 201);
    List<String> refused = idsAnswered(answers, 503);
    assertThat(held).hasSize(1 + MAX_QUEUE).contains("burst-0");
    assertThat(refused).hasSize(REQUESTS - 1 - MAX_QUEUE);
    for (String id : refused) {
      ApiClient.Response answer = answers.get(id).assertProblem(503, "overloaded");
      assertThat(answer.header("Retry-After")).as(id).isNotNull().matches("[1-9][0-9]*");
      assertThat(answer.json().path("detail").asText()).as(id).contains("SKU's queue");
    }
    JsonNode levels = shop.get("/v1/skus/HOT").json();
    assertThat(levels.get("reserved").asLong()).isEqualTo(held.size());
    assertThat(levels.get("available").asLong()).isEqualTo(STOCK - held.size());

    // A refused reservation was not held at all: sent again, it is created, not replayed.
    assertThat(reserve(shop, refused.get(0)).status()).isEqualTo(201);
    assertThat(shop.get("/v1/skus/HOT").json().get("reserved").asLong()).isEqualTo(held.size() + 1);
  }

  private static ApiClient.Response reserve(ApiClient shop, String reservationId) {
    return shop.post(
        "/v1/skus/HOT/reservations", Map.of("reservationId", reservationId, "quantity", 1));
  }

  private static List<String> idsAnswered(Map<String, ApiClient.Response> answers, int status) {
    return answers.entrySet().stream()
        .filter(answer -> answer.getValue().status() == status)
        .map(Map.Entry::getKey)
        .toList();
  }

  /**
   * Counts the commands that an entity put aside because its write was in flight, from Pekko's own
   * debug line for each (pekko.persistence.typed.log-stashing): the one sign, seen from outside,
   * that a request has reached the SKU rather than still being on its way.
   */
  private static final class StashLog extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private final Logger logger =
        (Logger)
            LoggerFactory.getLogger(
                "org.apache.pekko.persistence.typed.internal.EventSourcedBehaviorImpl");
    private final Level levelBefore = logger.getLevel();
    private final boolean additiveBefore = logger.isAdditive();
    private final String marker;
    private final AtomicInteger count = new AtomicInteger();

    StashLog(String marker) {
      this.marker = marker;
      setContext(logger.getLoggerContext());
      start();
      logger.addAppender(this);
      // Counted here, not printed: the debug lines of every entity would drown the test output.
      logger.setAdditive(false);
      logger.setLevel(Level.DEBUG);
    }

    @Override
    protected void append(ILoggingEvent event) {
      String message = event.getFormattedMessage();
      if (message.startsWith("Stashing") && message.contains(marker)) {
        count.incrementAndGet();
      }
    }

    int count() {
      return count.get();
    }

    @Override
    public void close() {
      logger.setLevel(levelBefore);
      logger.setAdditive(additiveBefore);
      logger.detachAppender(this);
      stop();
    }
  }
}
