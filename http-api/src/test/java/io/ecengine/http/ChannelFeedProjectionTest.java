package io.ecengine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ecengine.engine.sku.SkuEntity;
import io.ecengine.engine.sku.SkuId;
import io.ecengine.persistence.ChannelFeedProjection;
import io.ecengine.persistence.PostgresTestDatabase;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The journal feed on its own carries a stock change to a channel. The node runs with the fast path
 * off (SKUs do not nudge channels after their writes, as if every nudge were lost) and reconciles
 * channels only once an hour, so a change that reaches the stand-in for Amazon's Listings Items API
 * within the test can only have come through {@link ChannelFeedProjection}, whose offset must then
 * be in PostgreSQL.
 */
class ChannelFeedProjectionTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> AMAZON =
      Map.of("access_token", "Atza|secret", "seller_id", "S1", "marketplace_id", "M1");
  private static final String TENANT = "feed";

  private PostgresTestDatabase database;
  private HttpServer amazon;
  private Server node;
  private final Map<String, List<Long>> pushed = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws IOException {
    database = PostgresTestDatabase.create();
    amazon = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    amazon.createContext("/amazon", this::listingsPatch);
    amazon.start();
    node =
        TestNode.start(
            database.url(),
            "postgres",
            "",
            Map.of("ec.channels.fast-path", "off", "ec.channels.reconcile-interval", "1 hour"));
  }

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
    amazon.stop(0);
    database.close();
  }

  // PATCH /listings/2021-08-01/items/{sellerId}/{sku}: record the quantity, answer ACCEPTED.
  private void listingsPatch(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    String sku =
        URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1), StandardCharsets.UTF_8);
    JsonNode body = JSON.readTree(exchange.getRequestBody());
    long quantity = body.path("patches").get(0).path("value").get(0).path("quantity").asLong();
    pushed.computeIfAbsent(sku, k -> new CopyOnWriteArrayList<>()).add(quantity);
    byte[] answer =
        ("{\"sku\":\"" + sku + "\",\"status\":\"ACCEPTED\",\"issues\":[]}")
            .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, answer.length);
    exchange.getResponseBody().write(answer);
    exchange.close();
  }

  private void awaitLastPushed(String sellerSku, long quantity) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(pushed.getOrDefault(sellerSku, List.of())).endsWith(quantity));
  }

  @Test
  void aStockChangeReachesTheMarketplaceThroughTheJournalFeedAlone() throws SQLException {
    ApiClient shop = ApiClient.newTenant(node, TENANT);
    shop.put("/v1/skus/MUG", Map.of("name", "Mug"));
    shop.post(
        "/v1/skus/MUG/adjustments",
        Map.of("adjustmentId", "in-1", "delta", 10, "reason", "receipt"));
    String amazonBase = "http://127.0.0.1:" + amazon.getAddress().getPort() + "/amazon";
    assertThat(
            shop.put(
                    "/v1/channels/amazon-feed",
                    Map.of("marketplace", "amazon", "baseUrl", amazonBase, "credentials", AMAZON))
                .status())
        .isEqualTo(201);
    shop.put("/v1/channels/amazon-feed/listings/MUG", Map.of("ids", Map.of("seller_sku", "F-MUG")));
    // A new listing makes the channel reconcile it: the one reconciliation of this test.
    awaitLastPushed("F-MUG", 10);

    Instant changedAt = Instant.now();
    ApiClient.Response adjusted =
        shop.post(
            "/v1/skus/MUG/adjustments",
            Map.of("adjustmentId", "in-2", "delta", 5, "reason", "receipt"));
    assertThat(adjusted.status()).as(adjusted.body()).isEqualTo(200);

    awaitLastPushed("F-MUG", 15);
    JsonNode sync = shop.get("/v1/channels/amazon-feed/sync").json();
    assertThat(Instant.parse(sync.path("lastReconciledAt").asText()))
        .as("no reconciliation ran after the change")
        .isBefore(changedAt);

    // The feed stored its offset, and it covers the change: a restart would not replay it.
    JournalPosition change = lastEventOf(new SkuId(TENANT, "MUG"));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(storedOffset(ChannelFeedProjection.NAME, change.tag()))
                    .isGreaterThanOrEqualTo(change.ordering()));
  }

  private record JournalPosition(String tag, long ordering) {}

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(database.url(), "postgres", "");
  }

  /** Where the SKU's latest event is in the journal, and the tag the feed reads it under. */
  private JournalPosition lastEventOf(SkuId sku) throws SQLException {
    try (Connection connection = connect();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT t.tag, j.ordering FROM event_journal j"
                    + " JOIN event_tag t ON t.event_id = j.ordering"
                    + " WHERE j.persistence_id = ? ORDER BY j.ordering DESC LIMIT 1")) {
      query.setString(1, SkuEntity.persistenceId(sku.entityId()).id());
      try (ResultSet row = query.executeQuery()) {
        assertThat(row.next()).as("the SKU has events in the journal").isTrue();
        return new JournalPosition(row.getString(1), row.getLong(2));
      }
    }
  }

  /** The offset stored for one instance of a projection, or -1 when it has none. */
  private long storedOffset(String projection, String key) throws SQLException {
    try (Connection connection = connect();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT current_offset FROM pekko_projection_offset_store"
                    + " WHERE projection_name = ? AND projection_key = ?")) {
      query.setString(1, projection);
      query.setString(2, key);
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? Long.parseLong(row.getString(1)) : -1;
      }
    }
  }
}
