package io.ecengine.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.ecengine.engine.channel.marketplace.Marketplace;
import io.ecengine.engine.fulfillment.Csv;
import io.ecengine.engine.fulfillment.ShiftJis;
import io.ecengine.http.Server;
import io.ecengine.loadtest.simulator.MarketplaceSimulator;
import io.ecengine.loadtest.simulator.OrderRecord;
import io.ecengine.loadtest.simulator.SimShop;
import io.ecengine.loadtest.simulator.TrackingRecord;
import io.ecengine.persistence.PostgresTestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole back office on PostgreSQL against the marketplace simulator over real HTTP: buyers
 * order on a Yahoo! Shopping shop, the engine pulls the orders and allocates them, each gets a
 * shipment, two orders of one buyer are merged into one parcel (同梱), the wave is exported as a B2
 * Cloud label file, B2 Cloud's result file (the same rows with 伝票番号 filled in) is imported, every
 * order ships (holds committed, on hand down) and the shop receives the tracking number of each
 * order through the channel's write-back.
 */
class FulfillmentRoundTripTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String LISTING = "mug-01:blue";

  private static PostgresTestDatabase database;
  private static MarketplaceSimulator simulator;
  private static Server server;
  private static String base;
  private static String key;

  @BeforeAll
  static void start() throws Exception {
    database = PostgresTestDatabase.create();
    simulator = MarketplaceSimulator.start();
    Map<String, Object> config = new HashMap<>();
    config.put("ec.db.url", database.url());
    config.put("ec.db.user", System.getenv().getOrDefault("EC_TEST_POSTGRES_USER", "postgres"));
    config.put("ec.db.password", System.getenv().getOrDefault("EC_TEST_POSTGRES_PASSWORD", ""));
    config.put("ec.http.port", 0);
    config.put("ec.http.interface", "127.0.0.1");
    config.put("ec.http.admin-key", "roundtrip-admin");
    config.put("pekko.remote.artery.canonical.port", 0);
    config.put("pekko.coordinated-shutdown.exit-jvm", "off");
    config.put("ec.fulfillment.poll-interval", "300ms");
    config.put("ec.channels.order-poll-interval", "1s");
    config.put("ec.channels.writeback-poll-interval", "500ms");
    server = Server.start(ConfigFactory.parseMap(config));
    base = "http://127.0.0.1:" + server.port();
    JsonNode tenant =
        call(
                "POST",
                "/v1/tenants",
                "roundtrip-admin",
                Map.of("tenantId", "roundtrip", "name", "RT"))
            .json();
    key = tenant.get("apiKey").asText();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (simulator != null) {
      simulator.close();
    }
    if (database != null) {
      database.close();
    }
  }

  record Answer(int status, JsonNode json, byte[] bytes) {}

  private static Answer call(String method, String path, String bearer, Object body)
      throws IOException, InterruptedException {
    byte[] bytes = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
    return send(method, path, bearer, "application/json", bytes);
  }

  private static Answer send(String method, String path, String bearer, String type, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + bearer)
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    if (body.length > 0) {
      request.header("Content-Type", type);
    }
    HttpResponse<byte[]> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    JsonNode json = null;
    String contentType = response.headers().firstValue("Content-Type").orElse("");
    if (contentType.contains("json") && response.body().length > 0) {
      json = JSON.readTree(response.body());
    }
    return new Answer(response.statusCode(), json, response.body());
  }

  private static JsonNode get(String path) throws IOException, InterruptedException {
    Answer answer = call("GET", path, key, null);
    assertThat(answer.status()).as(path).isEqualTo(200);
    return answer.json();
  }

  private static Answer ok(Answer answer) {
    assertThat(answer.status())
        .as(answer.json() == null ? "" : answer.json().toString())
        .isBetween(200, 201);
    return answer;
  }

  /**
   * The shop's credentials as the channel API takes them: the simulator hands out the public key as
   * PEM, whose line breaks a credential value may not hold, so it goes in as base64 DER.
   */
  private static Map<String, String> credentials(SimShop shop) {
    Map<String, String> credentials = new HashMap<>(shop.credentials());
    credentials.computeIfPresent(
        "public_key", (k, pem) -> pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
    return credentials;
  }

  /** A Yamato tracking number: eleven digits and their 7DR check digit. */
  private static String tracking(long body) {
    return String.format("%011d", body) + (body % 7);
  }

  @Test
  void ordersFromTheShopShipWithB2CloudAndTheShopSeesTheirTrackingNumbers() throws Exception {
    SimShop shop = simulator.shop(Marketplace.YAHOO_SHOPPING, "roundtrip-store");
    shop.list(LISTING, 0);
    ok(call("PUT", "/v1/skus/MUG", key, Map.of("name", "Mug")));
    ok(
        call(
            "POST",
            "/v1/skus/MUG/adjustments",
            key,
            Map.of("adjustmentId", "in-1", "delta", 10, "reason", "receipt")));
    ok(
        call(
            "PUT",
            "/v1/channels/yahoo-main",
            key,
            Map.of(
                "marketplace", "yahoo_shopping",
                "baseUrl", simulator.baseUrl(Marketplace.YAHOO_SHOPPING),
                "credentials", credentials(shop))));
    ok(
        call(
            "PUT",
            "/v1/channels/yahoo-main/listings/MUG",
            key,
            Map.of("ids", shop.listingIds(LISTING))));
    ok(
        call(
            "PUT",
            "/v1/fulfillment/settings",
            key,
            Map.of(
                "shipper",
                    Map.of(
                        "name", "ラウンドトリップ商店",
                        "phone", "03-1234-5678",
                        "postalCode", "1000005",
                        "address1", "東京都千代田区丸の内1-1-1"),
                "yamato", Map.of("billingCustomerCode", "012345678901"))));
    await().atMost(WAIT).until(() -> shop.shown(LISTING).orElse(0) == 10);

    // Three buyers' orders on the marketplace, two of them by the same buyer.
    assertThat(shop.trySell(LISTING, 2, "佐藤")).isTrue();
    assertThat(shop.trySell(LISTING, 1, "佐藤")).isTrue();
    assertThat(shop.trySell(LISTING, 1, "鈴木")).isTrue();
    List<OrderRecord> sold = shop.orders();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(get("/v1/shipments?channelId=yahoo-main").get("items")).hasSize(3));
    Map<String, String> shipmentOf = new HashMap<>();
    for (JsonNode shipment : get("/v1/shipments?channelId=yahoo-main").get("items")) {
      assertThat(shipment.get("status").asText()).isEqualTo("PENDING");
      shipmentOf.put(
          shipment.get("orders").get(0).get("channelOrderId").asText(),
          shipment.get("shipmentId").asText());
    }
    String sato1 = shipmentOf.get(sold.get(0).orderId());
    String sato2 = shipmentOf.get(sold.get(1).orderId());
    String suzuki = shipmentOf.get(sold.get(2).orderId());
    assertThat(List.of(sato1, sato2, suzuki)).doesNotContainNull();

    // 同梱 by hand: the same door, one parcel.
    JsonNode merged =
        ok(call(
                "POST",
                "/v1/shipments/" + sato1 + "/merge",
                key,
                Map.of("shipmentIds", List.of(sato2))))
            .json();
    assertThat(merged.get("orders")).hasSize(2);

    JsonNode wave =
        ok(call(
                "POST",
                "/v1/shipments/waves",
                key,
                Map.of("waveId", "rt-1", "carrier", "yamato", "channelId", "yahoo-main")))
            .json();
    assertThat(wave.get("shipments")).hasSize(2);
    assertThat(wave.get("pickTotals").get(0).get("quantity").asLong()).isEqualTo(4);

    Answer file =
        send("POST", "/v1/shipments/waves/rt-1/label-file", key, "application/json", new byte[0]);
    assertThat(file.status()).isEqualTo(200);
    List<Csv.Record> rows = Csv.parse(new String(file.bytes(), ShiftJis.CHARSET));
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0).values()).hasSize(95);

    // B2 Cloud prints the labels; its issued-data export is the same layout with 伝票番号 set.
    Map<String, String> trackingOf = new HashMap<>();
    StringBuilder result = new StringBuilder(Csv.line(rows.get(0).values()));
    long next = 12345678901L;
    for (Csv.Record row : rows.subList(1, rows.size())) {
      List<String> values = new ArrayList<>(row.values());
      String number = tracking(next++);
      trackingOf.put(values.get(0), number);
      values.set(
          3, number.substring(0, 4) + "-" + number.substring(4, 8) + "-" + number.substring(8));
      result.append(Csv.line(values));
    }
    JsonNode report =
        ok(send(
                "POST",
                "/v1/shipments/label-results/yamato",
                key,
                "text/csv",
                ShiftJis.encode(result.toString())))
            .json();
    assertThat(report.get("accepted").asInt()).isEqualTo(2);
    assertThat(report.get("rejected").asInt()).isZero();

    // Every order shipped: its holds are committed, on hand went down by the units sold.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              for (OrderRecord order : sold) {
                String shipment =
                    shipmentOf.get(order.orderId()).equals(sato2)
                        ? sato1
                        : shipmentOf.get(order.orderId());
                assertThat(get("/v1/shipments/" + shipment).get("status").asText())
                    .isEqualTo("SHIPPED");
              }
              JsonNode mug = get("/v1/skus/MUG");
              assertThat(mug.get("onHand").asLong()).isEqualTo(6);
              assertThat(mug.get("reserved").asLong()).isZero();
              // The order list is the read side, which follows the orders within moments.
              JsonNode orders = get("/v1/orders?channelId=yahoo-main").get("items");
              assertThat(orders).hasSize(3);
              orders.forEach(o -> assertThat(o.get("status").asText()).isEqualTo("SHIPPED"));
            });

    // The shop sees each order shipped with Yamato (Yahoo's company code 1001) and its number.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Map<String, TrackingRecord> reported = new HashMap<>();
              shop.trackingReports().forEach(r -> reported.put(r.orderId(), r));
              assertThat(reported).hasSize(3);
              for (OrderRecord order : sold) {
                String shipment =
                    shipmentOf.get(order.orderId()).equals(sato2)
                        ? sato1
                        : shipmentOf.get(order.orderId());
                TrackingRecord record = reported.get(order.orderId());
                assertThat(record.trackingNumber()).isEqualTo(trackingOf.get(shipment));
                assertThat(record.carrier()).isEqualTo("1001");
              }
            });
    assertThat(trackingOf.get(sato1)).isNotEqualTo(trackingOf.get(suzuki));
    assertThat(new String(file.bytes(), StandardCharsets.UTF_8)).doesNotContain("お客様管理番号");
  }
}
