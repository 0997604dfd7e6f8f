package io.ecengine.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecengine.engine.sku.SkuEntity;
import io.ecengine.engine.sku.SkuId;
import io.ecengine.http.api.Access;
import io.ecengine.http.api.ApiException;
import io.ecengine.http.api.Call;
import io.ecengine.http.api.Endpoint;
import io.ecengine.http.api.Ids;
import io.ecengine.http.api.JsonBody;
import io.ecengine.http.api.Problem;
import io.ecengine.http.api.Reply;
import io.ecengine.persistence.JournalHistory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * A SKU's event history, newest first, read from its journal ({@code currentEventsByPersistenceId}
 * over a range of sequence numbers, so each page costs only its own rows). The persistence id is
 * made from the caller's tenant, so another tenant's SKU has no history here: it is a 404.
 */
public final class SkuHistoryRoutes {

  /** A hot SKU stores hundreds of holds in one event; the page shows the first ones. */
  static final int MAX_RESERVATIONS_SHOWN = 20;

  private final JdbcReadJournal journal;
  private final JournalHistory history;
  private final Materializer materializer;
  private final ObjectMapper json;
  private final Executor blocking;

  public SkuHistoryRoutes(
      ActorSystem<?> system, JournalHistory history, ObjectMapper json, Executor blocking) {
    this.journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    this.history = history;
    this.materializer = Materializer.matFromSystem(system);
    this.json = json;
    this.blocking = blocking;
  }

  public List<Endpoint> endpoints() {
    return List.of(new Endpoint("GET", "/v1/skus/{sku}/events", Access.TENANT, this::events));
  }

  private CompletionStage<Reply> events(Call call) {
    String sku = Ids.check("sku", call.param("sku"));
    int limit = call.queryParam("limit").map(SkuHistoryRoutes::limit).orElse(50);
    Long before =
        call.queryParam("before")
            .filter(b -> !b.isEmpty())
            .map(SkuHistoryRoutes::before)
            .orElse(null);
    String persistenceId =
        SkuEntity.TYPE_KEY.name() + "|" + new SkuId(call.tenantId(), sku).entityId();
    return CompletableFuture.supplyAsync(() -> history.highestSequenceNr(persistenceId), blocking)
        .thenCompose(
            highest -> {
              if (highest == 0) {
                throw new ApiException(Problem.notFound("sku-not-found", "No such SKU."));
              }
              long to = before == null ? highest : Math.min(highest, before - 1);
              if (to < 1) {
                return CompletableFuture.completedFuture(page(sku, List.of(), null));
              }
              long from = Math.max(1, to - limit + 1);
              return journal
                  .currentEventsByPersistenceId(persistenceId, from, to)
                  .runWith(Sink.seq(), materializer)
                  .thenApply(
                      envelopes -> {
                        List<Map<String, Object>> items = new ArrayList<>();
                        for (EventEnvelope envelope : envelopes) {
                          items.add(view(envelope));
                        }
                        Collections.reverse(items);
                        return page(sku, items, from > 1 ? Long.toString(from) : null);
                      });
            });
  }

  private static Reply page(String sku, List<Map<String, Object>> items, String next) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("sku", sku);
    body.put("items", items);
    body.put("nextCursor", next);
    return Reply.ok(body);
  }

  private Map<String, Object> view(EventEnvelope envelope) {
    Object event = envelope.event();
    JsonNode data = json.valueToTree(event);
    if (data instanceof ObjectNode object
        && object.get("reservations") instanceof ArrayNode holds
        && holds.size() > MAX_RESERVATIONS_SHOWN) {
      int more = holds.size() - MAX_RESERVATIONS_SHOWN;
      while (holds.size() > MAX_RESERVATIONS_SHOWN) {
        holds.remove(holds.size() - 1);
      }
      object.put("moreReservations", more);
    }
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("sequenceNr", envelope.sequenceNr());
    v.put("at", Instant.ofEpochMilli(envelope.timestamp()).toString());
    v.put("type", event.getClass().getSimpleName());
    v.put("data", data);
    return v;
  }

  private static int limit(String text) {
    try {
      int limit = Integer.parseInt(text);
      if (limit >= 1 && limit <= 200) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw JsonBody.invalid("'limit' must be a whole number from 1 to 200.");
  }

  private static long before(String text) {
    try {
      long before = Long.parseLong(text);
      if (before >= 1) {
        return before;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw JsonBody.invalid("'before' is not a cursor this API returned.");
  }
}
