package io.ecengine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecengine.engine.fulfillment.Carrier;
import io.ecengine.engine.fulfillment.CarrierLayout;
import io.ecengine.engine.fulfillment.Csv;
import io.ecengine.engine.fulfillment.ShiftJis;
import io.ecengine.engine.fulfillment.ShipmentIds;
import io.ecengine.engine.order.OrderIds;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fulfilment over HTTP on one node: shipments made by themselves for allocated orders and merged by
 * the tenant's rule, with the delivery date and time slot the order asked for; merges and splits by
 * hand, waves, pick lists, B2 Cloud and e飛伝 label files and their result files shipping the orders
 * (holds committed, on hand down) while rows that cannot be taken change nothing; bad input, and
 * tenants that cannot see each other's shipments.
 */
class ShipmentApiTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Map<String, Object> SHIPPER =
      Map.of(
          "name", "エコ商店",
          "phone", "03-1234-5678",
          "postalCode", "100-0005",
          "address1", "東京都千代田区丸の内1-1-1");

  private static Server server;
  private static ApiClient shop;
  private static ApiClient rival;

  @BeforeAll
  static void start() {
    server =
        TestNode.start(
            "jdbc:h2:mem:ec-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
            "sa",
            "",
            Map.of("ec.fulfillment.poll-interval", "300ms"));
    shop = ApiClient.newTenant(server, "fulfil");
    rival = ApiClient.newTenant(server, "rival");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static void sku(ApiClient client, String sku, long onHand) {
    assertThat(client.put("/v1/skus/" + sku, Map.of("name", sku)).status()).isIn(200, 201);
    ApiClient.Response r =
        client.post(
            "/v1/skus/" + sku + "/adjustments",
            Map.of("adjustmentId", "in-" + sku, "delta", onHand, "reason", "receipt"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private static Map<String, Object> shipTo(String name, String postal, String line, String phone) {
    Map<String, Object> to = new HashMap<>();
    to.put("name", name);
    to.put("postalCode", postal);
    to.put("prefecture", "東京都");
    to.put("city", "渋谷区");
    to.put("address1", line);
    to.put("phone", phone);
    return to;
  }

  private static String order(
      ApiClient client,
      String channel,
      String number,
      String sku,
      int qty,
      Map<String, Object> to) {
    return order(client, channel, number, sku, qty, to, Map.of());
  }

  /** An order placed and allocated, with {@code requests} (delivery date, slot, ...) besides. */
  private static String order(
      ApiClient client,
      String channel,
      String number,
      String sku,
      int qty,
      Map<String, Object> to,
      Map<String, Object> requests) {
    Map<String, Object> body = new HashMap<>(requests);
    body.put("channelId", channel);
    body.put("channelOrderId", number);
    body.put("lines", List.of(Map.of("sku", sku, "quantity", qty)));
    body.put("shipTo", to);
    ApiClient.Response placed = client.post("/v1/orders", body);
    assertThat(placed.status()).as(placed.body()).isEqualTo(201);
    assertThat(placed.json().get("status").asText()).isEqualTo("ALLOCATED");
    return placed.json().get("orderId").asText();
  }

  private static JsonNode awaitShipment(ApiClient client, String orderId) {
    String id = ShipmentIds.home(orderId);
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(client.get("/v1/shipments/" + id).status()).isEqualTo(200));
    return client.get("/v1/shipments/" + id).json();
  }

  private static List<String> orderIds(JsonNode shipment) {
    List<String> ids = new ArrayList<>();
    shipment.get("orders").forEach(o -> ids.add(o.get("orderId").asText()));
    return ids;
  }

  private static void settings(ApiClient client, Map<String, Object> settings) {
    ApiClient.Response r = client.put("/v1/fulfillment/settings", settings);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  @Test
  void allocatedOrdersGetShipmentsAndTheRuleMergesOneBuyersOrders() {
    settings(
        shop,
        Map.of("merge", Map.of("mode", "same_channel", "windowMinutes", 60), "shipper", SHIPPER));
    sku(shop, "MERGE-A", 20);
    String first =
        order(
            shop,
            "rakuten-m",
            "M-1",
            "MERGE-A",
            1,
            shipTo("佐藤 花子", "150-0002", "渋谷2-1-1", "0311112222"));
    JsonNode own = awaitShipment(shop, first);
    assertThat(own.get("status").asText()).isEqualTo("PENDING");
    assertThat(own.get("orders").get(0).get("lines").get(0).get("quantity").asLong()).isEqualTo(1);

    // The same buyer, the same door written another way: it joins the first parcel.
    String second =
        order(
            shop,
            "rakuten-m",
            "M-2",
            "MERGE-A",
            2,
            shipTo("佐藤　花子 様", "１５０－０００２", "渋谷二丁目1番1号", "03-1111-2222"));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(orderIds(shop.get("/v1/shipments/" + ShipmentIds.home(first)).json()))
                    .containsExactly(first, second));
    JsonNode merged = shop.get("/v1/shipments/" + ShipmentIds.home(second)).json();
    assertThat(merged.get("status").asText()).isEqualTo("MERGED");
    assertThat(merged.get("mergedInto").asText()).isEqualTo(ShipmentIds.home(first));

    // Another channel does not merge under same_channel.
    String third =
        order(
            shop,
            "yahoo-m",
            "Y-1",
            "MERGE-A",
            1,
            shipTo("佐藤 花子", "150-0002", "渋谷2-1-1", "0311112222"));
    assertThat(orderIds(awaitShipment(shop, third))).containsExactly(third);

    // By hand: merge it anyway, then undo the merge.
    ApiClient.Response byHand =
        shop.post(
            "/v1/shipments/" + ShipmentIds.home(first) + "/merge",
            Map.of("shipmentIds", List.of(ShipmentIds.home(third))));
    assertThat(byHand.status()).as(byHand.body()).isEqualTo(200);
    assertThat(orderIds(byHand.json())).containsExactly(first, second, third);
    ApiClient.Response split =
        shop.post(
            "/v1/shipments/" + ShipmentIds.home(first) + "/split",
            Map.of("orderIds", List.of(third)));
    assertThat(split.status()).as(split.body()).isEqualTo(200);
    assertThat(orderIds(split.json().get("shipment"))).containsExactly(first, second);
    assertThat(split.json().get("splitOff").get(0).get("shipmentId").asText())
        .isEqualTo(ShipmentIds.home(third));

    // Another address needs force.
    String elsewhere =
        order(
            shop,
            "rakuten-m",
            "M-3",
            "MERGE-A",
            1,
            shipTo("佐藤 花子", "150-0002", "渋谷2-9-9", "0311112222"));
    awaitShipment(shop, elsewhere);
    shop.post(
            "/v1/shipments/" + ShipmentIds.home(first) + "/merge",
            Map.of("shipmentIds", List.of(ShipmentIds.home(elsewhere))))
        .assertProblem(409, "shipment-state-conflict");
    assertThat(
            shop.post(
                    "/v1/shipments/" + ShipmentIds.home(first) + "/merge",
                    Map.of("shipmentIds", List.of(ShipmentIds.home(elsewhere)), "force", true))
                .status())
        .isEqualTo(200);

    assertThat(shop.get("/v1/shipments?channelId=yahoo-m").json().get("items"))
        .extracting(n -> n.get("shipmentId").asText())
        .containsExactly(ShipmentIds.home(third));
    settings(shop, Map.of("shipper", SHIPPER));
  }

  @Test
  void aWaveIsPickedLabelledForB2CloudAndShippedByItsResultFile() throws Exception {
    settings(
        shop,
        Map.of(
            "shipper",
            SHIPPER,
            "yamato",
            Map.of("billingCustomerCode", "012345678901", "freightNumber", "01")));
    sku(shop, "WAVE-TEE", 10);
    sku(shop, "WAVE-MUG", 10);
    String a =
        order(
            shop,
            "rakuten-w",
            "W-1",
            "WAVE-TEE",
            2,
            shipTo("山田 太郎", "150-0001", "神南1-2-3", "0312345678"));
    String b =
        order(
            shop,
            "rakuten-w",
            "W-2",
            "WAVE-MUG",
            3,
            shipTo("鈴木 一郎", "150-0001", "神南1-2-4", "0312345679"));
    awaitShipment(shop, a);
    awaitShipment(shop, b);
    String sa = ShipmentIds.home(a);
    String sb = ShipmentIds.home(b);
    ApiClient.Response slot =
        shop.patch(
            "/v1/shipments/" + sa,
            Map.of("timeSlot", "morning", "deliveryDate", LocalDate.now().plusDays(3).toString()));
    assertThat(slot.status()).as(slot.body()).isEqualTo(200);

    ApiClient.Response wave =
        shop.post(
            "/v1/shipments/waves",
            Map.of("waveId", "wave-1", "carrier", "yamato", "shipmentIds", List.of(sa, sb)));
    assertThat(wave.status()).as(wave.body()).isEqualTo(201);
    assertThat(wave.json().get("pickTotals").toString())
        .contains("\"sku\":\"WAVE-MUG\",\"quantity\":3", "\"sku\":\"WAVE-TEE\",\"quantity\":2");
    assertThat(
            shop.post(
                    "/v1/shipments/waves",
                    Map.of("waveId", "wave-1", "carrier", "yamato", "shipmentIds", List.of(sa, sb)))
                .status())
        .isEqualTo(200);
    shop.post("/v1/shipments/waves", Map.of("waveId", "wave-1", "carrier", "sagawa"))
        .assertProblem(409, "shipment-state-conflict");

    ApiClient.Download pick =
        shop.download("GET", "/v1/shipments/waves/wave-1/pick-list", null, new byte[0]);
    assertThat(pick.status()).isEqualTo(200);
    assertThat(new String(pick.body(), StandardCharsets.UTF_8))
        .isEqualTo("\uFEFFsku,quantity,shipments\r\nWAVE-MUG,3,1\r\nWAVE-TEE,2,1\r\n");
    ApiClient.Download lines =
        shop.download("GET", "/v1/shipments/waves/wave-1/pick-list?by=shipment", null, new byte[0]);
    assertThat(new String(lines.body(), StandardCharsets.UTF_8))
        .contains(sa + "," + a + ",W-1,WAVE-TEE,WAVE-TEE,2");

    ApiClient.Download file =
        shop.download("POST", "/v1/shipments/waves/wave-1/label-file", null, new byte[0]);
    assertThat(file.status()).as(new String(file.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    assertThat(file.header("Content-Type")).containsIgnoringCase("windows-31j");
    assertThat(file.header("Content-Disposition")).contains("b2-wave-1.csv");
    List<Csv.Record> rows = Csv.parse(new String(file.body(), ShiftJis.CHARSET));
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0).values()).hasSize(95).startsWith("お客様管理番号");
    List<String> labelA =
        rows.get(1).values().get(0).equals(sa) ? rows.get(1).values() : rows.get(2).values();
    List<String> labelB =
        labelA == rows.get(1).values() ? rows.get(2).values() : rows.get(1).values();
    assertThat(labelA.get(0)).isEqualTo(sa);
    assertThat(labelB.get(0)).isEqualTo(sb);
    assertThat(labelA.get(6)).isEqualTo("0812");
    assertThat(labelA.get(11)).isEqualTo("東京都渋谷区神南1-2-3");
    assertThat(shop.get("/v1/shipments/" + sa).json().get("status").asText()).isEqualTo("LABELED");
    // The same file again, and no more changes to labelled shipments.
    assertThat(
            shop.download("POST", "/v1/shipments/waves/wave-1/label-file", null, new byte[0])
                .body())
        .isEqualTo(file.body());
    shop.patch("/v1/shipments/" + sa, Map.of("parcelCount", 2))
        .assertProblem(409, "shipment-state-conflict");
    shop.post("/v1/shipments/" + sa + "/split", Map.of())
        .assertProblem(409, "shipment-state-conflict");

    // B2 Cloud's result: the same rows with 伝票番号 filled in, plus rows that must be rejected.
    StringBuilder result = new StringBuilder(Csv.line(rows.get(0).values()));
    List<String> rowA = new ArrayList<>(labelA);
    rowA.set(3, "4444-1375-8703");
    result.append(Csv.line(rowA));
    List<String> rowB = new ArrayList<>(labelB);
    rowB.set(3, "444413758704");
    result.append(Csv.line(rowB));
    List<String> unknown = new ArrayList<>(labelB);
    unknown.set(0, "S0000000000000FF");
    unknown.set(3, "512547514334");
    result.append(Csv.line(unknown));
    List<String> reused = new ArrayList<>(labelB);
    reused.set(3, "444413758703");
    result.append(Csv.line(reused));
    ApiClient.Response imported =
        shop.raw(
            "POST",
            "/v1/shipments/label-results/yamato",
            "text/csv",
            ShiftJis.encode(result.toString()));
    assertThat(imported.status()).as(imported.body()).isEqualTo(200);
    JsonNode report = imported.json();
    assertThat(report.get("accepted").asInt()).isEqualTo(1);
    assertThat(report.get("rejected").asInt()).isEqualTo(3);
    assertThat(report.get("rows").get(0).get("outcome").asText()).isEqualTo("accepted");
    assertThat(report.get("rows").get(1).get("reason").asText())
        .contains("not a valid yamato tracking number");
    assertThat(report.get("rows").get(2).get("reason").asText()).contains("No shipment");
    assertThat(report.get("rows").get(3).get("reason").asText()).contains("earlier row");

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(shop.get("/v1/orders/" + a).json().get("status").asText())
                  .isEqualTo("SHIPPED");
              assertThat(shop.get("/v1/shipments/" + sa).json().get("status").asText())
                  .isEqualTo("SHIPPED");
            });
    JsonNode order = shop.get("/v1/orders/" + a).json();
    assertThat(order.get("shipments").get(0).get("trackingNumber").asText())
        .isEqualTo("444413758703");
    assertThat(order.get("shipments").get(0).get("carrier").asText()).isEqualTo("yamato");
    JsonNode tee = shop.get("/v1/skus/WAVE-TEE").json();
    assertThat(tee.get("onHand").asLong()).isEqualTo(8);
    assertThat(tee.get("reserved").asLong()).isZero();
    // The rejected rows changed nothing: b is still waiting with its units held.
    assertThat(shop.get("/v1/shipments/" + sb).json().get("trackingNumber").isNull()).isTrue();
    assertThat(shop.get("/v1/orders/" + b).json().get("status").asText()).isEqualTo("ALLOCATED");
    assertThat(shop.get("/v1/skus/WAVE-MUG").json().get("reserved").asLong()).isEqualTo(3);

    // The same file again: row 2 is unchanged, nothing ships twice.
    JsonNode again =
        shop.raw(
                "POST",
                "/v1/shipments/label-results/yamato",
                "text/csv",
                ShiftJis.encode(result.toString()))
            .json();
    assertThat(again.get("unchanged").asInt()).isEqualTo(1);
    assertThat(again.get("accepted").asInt()).isZero();
    assertThat(shop.get("/v1/skus/WAVE-TEE").json().get("onHand").asLong()).isEqualTo(8);

    // By hand, with a number typed with spaces; repeated it is the same; another number is refused.
    ApiClient.Response byHand =
        shop.post(
            "/v1/shipments/" + sb + "/tracking",
            Map.of("carrier", "yamato", "trackingNumber", "5125 4751 4334"));
    assertThat(byHand.status()).as(byHand.body()).isEqualTo(200);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(shop.get("/v1/orders/" + b).json().get("status").asText())
                    .isEqualTo("SHIPPED"));
    assertThat(
            shop.post(
                    "/v1/shipments/" + sb + "/tracking",
                    Map.of("carrier", "yamato", "trackingNumber", "512547514334"))
                .status())
        .isEqualTo(200);
    shop.post(
            "/v1/shipments/" + sb + "/tracking",
            Map.of("carrier", "yamato", "trackingNumber", "405548424886"))
        .assertProblem(409, "shipment-state-conflict");
    assertThat(shop.get("/v1/skus/WAVE-MUG").json().get("onHand").asLong()).isEqualTo(7);
  }

  @Test
  void anOrdersDeliveryTimeSlotBecomesItsShipmentsAndAnUnknownSlotIsRefused() {
    ApiClient slots = ApiClient.newTenant(server, "slots");
    sku(slots, "SLOT", 5);
    String date = LocalDate.now().plusDays(4).toString();
    String o =
        order(
            slots,
            "rakuten-s",
            "S-1",
            "SLOT",
            1,
            shipTo("山田 太郎", "150-0001", "神南1-2-3", "0312345678"),
            Map.of("deliveryDate", date, "deliveryTimeSlot", "19-21"));
    assertThat(slots.get("/v1/orders/" + o).json().get("deliveryTimeSlot").asText())
        .isEqualTo("19-21");

    JsonNode shipment = awaitShipment(slots, o);
    assertThat(shipment.get("timeSlot").asText()).isEqualTo("19-21");
    assertThat(shipment.get("deliveryDate").asText()).isEqualTo(date);

    // A slot no carrier layout knows, or not a string: refused before anything is stored.
    Map<String, Object> bad = new HashMap<>();
    bad.put("channelId", "rakuten-s");
    bad.put("channelOrderId", "S-2");
    bad.put("lines", List.of(Map.of("sku", "SLOT", "quantity", 1)));
    bad.put("shipTo", shipTo("山田 太郎", "150-0001", "神南1-2-3", "0312345678"));
    bad.put("deliveryTimeSlot", "20-22");
    ApiClient.Response refused = slots.post("/v1/orders", bad);
    refused.assertProblem(400, "invalid-request");
    assertThat(refused.json().get("detail").asText()).contains("deliveryTimeSlot", "19-21");
    bad.put("deliveryTimeSlot", 19);
    slots.post("/v1/orders", bad).assertProblem(400, "invalid-request");
    String refusedId = OrderIds.of("rakuten-s", "S-2");
    slots.get("/v1/orders/" + refusedId).assertProblem(404, "order-not-found");
    assertThat(slots.get("/v1/skus/SLOT").json().get("reserved").asLong()).isEqualTo(1);
    assertThat(slots.get("/v1/shipments/" + ShipmentIds.home(refusedId)).status()).isEqualTo(404);
    // Nothing of the refused request was kept: the same channel order is new when placed right.
    bad.remove("deliveryTimeSlot");
    ApiClient.Response placed = slots.post("/v1/orders", bad);
    assertThat(placed.status()).as(placed.body()).isEqualTo(201);
    assertThat(placed.json().get("deliveryTimeSlot").isNull()).isTrue();
    assertThat(awaitShipment(slots, refusedId).get("timeSlot").isNull()).isTrue();
  }

  @Test
  void aWaveIsLabelledForEhidenAndShippedByItsHistoryFileRowByRow() throws Exception {
    ApiClient sagawa = ApiClient.newTenant(server, "ehiden");
    settings(sagawa, Map.of("shipper", SHIPPER, "sagawa", Map.of("customerCode", "123456789012")));
    sku(sagawa, "EH-TEE", 10);
    sku(sagawa, "EH-MUG", 10);
    LocalDate date = LocalDate.now().plusDays(3);
    String a =
        order(
            sagawa,
            "rakuten-e",
            "E-1",
            "EH-TEE",
            2,
            shipTo("山田 太郎", "150-0001", "神南1-2-3", "0312345678"),
            Map.of("deliveryDate", date.toString(), "deliveryTimeSlot", "morning"));
    String b =
        order(
            sagawa,
            "rakuten-e",
            "E-2",
            "EH-MUG",
            3,
            shipTo("鈴木 一郎", "150-0001", "神南1-2-4", "0312345679"));
    String c =
        order(
            sagawa,
            "rakuten-e",
            "E-3",
            "EH-TEE",
            1,
            shipTo("佐藤 花子", "150-0001", "神南1-2-5", "0312345670"));
    String d =
        order(
            sagawa,
            "rakuten-e",
            "E-4",
            "EH-MUG",
            1,
            shipTo("田中 次郎", "150-0001", "神南1-2-6", "0312345671"));
    String sa = awaitShipment(sagawa, a).get("shipmentId").asText();
    String sb = awaitShipment(sagawa, b).get("shipmentId").asText();
    String sc = awaitShipment(sagawa, c).get("shipmentId").asText();
    String sd = awaitShipment(sagawa, d).get("shipmentId").asText();

    ApiClient.Response wave =
        sagawa.post(
            "/v1/shipments/waves",
            Map.of("waveId", "eh-1", "carrier", "sagawa", "shipmentIds", List.of(sa, sb, sd)));
    assertThat(wave.status()).as(wave.body()).isEqualTo(201);

    // The label file: CP932 bytes (not UTF-8) that say so, e飛伝's 42 columns, one row a parcel.
    ApiClient.Download file =
        sagawa.download("POST", "/v1/shipments/waves/eh-1/label-file", null, new byte[0]);
    assertThat(file.status()).as(new String(file.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    String contentType = file.header("Content-Type");
    assertThat(contentType).startsWith("text/csv");
    String charset = contentType.replaceAll("(?i).*charset=\\s*\"?([^;\"]+).*", "$1");
    assertThat(Charset.forName(charset)).isEqualTo(ShiftJis.CHARSET);
    assertThat(file.header("Content-Disposition")).contains("ehiden-eh-1.csv");
    assertThat(file.header("X-Shipment-Count")).isEqualTo("3");
    assertThatThrownBy(() -> strict(StandardCharsets.UTF_8).decode(ByteBuffer.wrap(file.body())))
        .isInstanceOf(CharacterCodingException.class);
    String text = strict(ShiftJis.CHARSET).decode(ByteBuffer.wrap(file.body())).toString();
    assertThat(text).endsWith("\r\n").doesNotContain("〓");
    List<Csv.Record> rows = Csv.parse(text);
    assertThat(rows).hasSize(4);
    List<String> header = rows.get(0).values();
    assertThat(header).hasSize(42).isEqualTo(CarrierLayout.of(Carrier.SAGAWA).header());
    assertThat(header.get(0)).isEqualTo("住所録コード");
    assertThat(header.get(8)).isEqualTo("お客様管理ナンバー");
    assertThat(header.get(27)).isEqualTo("配達日");
    assertThat(header.get(28)).isEqualTo("配達指定時間帯");
    Map<String, List<String>> labels = new HashMap<>();
    rows.subList(1, rows.size()).forEach(r -> labels.put(r.values().get(8), r.values()));
    assertThat(labels).containsOnlyKeys(sa, sb, sd);
    List<String> labelA = labels.get(sa);
    assertThat(labelA).hasSize(42);
    assertThat(labelA.get(1)).isEqualTo("0312345678");
    assertThat(labelA.get(2)).isEqualTo("150-0001");
    assertThat(labelA.get(3)).isEqualTo("東京都渋谷区神南1-2-3");
    assertThat(labelA.get(6)).isEqualTo("山田 太郎");
    assertThat(labelA.get(9)).isEqualTo("123456789012");
    assertThat(labelA.get(16)).isEqualTo("エコ商店");
    assertThat(labelA.get(19)).isEqualTo("EH-TEE x2");
    assertThat(labelA.get(27)).isEqualTo(date.format(DateTimeFormatter.BASIC_ISO_DATE));
    assertThat(labelA.get(28)).isEqualTo("01");
    assertThat(labels.get(sb).get(28)).isEmpty();
    assertThat(sagawa.get("/v1/shipments/" + sa).json().get("status").asText())
        .isEqualTo("LABELED");
    assertThat(sagawa.get("/v1/shipments/" + sa).json().get("carrier").asText())
        .isEqualTo("sagawa");

    // e飛伝's shipment history, found by its column names: a and b got numbers; d's label was
    // not issued (no number) and its other line is broken; c was never labelled.
    String history =
        "出荷日,お問い合せ送り状No.,お客様管理ナンバー,お届け先名称１\r\n"
            + "20260302,5125-4751-4334,"
            + sa
            + ",山田 太郎\r\n"
            + "20260302,360123456781,"
            + sb
            + ",鈴木 一郎\r\n"
            + "20260302,,"
            + sd
            + ",田中 次郎\r\n"
            + "20260302,360123456792,"
            + sc
            + ",佐藤 花子\r\n"
            + "20260302,360123456803,"
            + sd
            + ",\"田中 次郎\r\n";
    ApiClient.Response imported =
        sagawa.raw(
            "POST", "/v1/shipments/label-results/sagawa", "text/csv", ShiftJis.encode(history));
    assertThat(imported.status()).as(imported.body()).isEqualTo(200);
    JsonNode report = imported.json();
    assertThat(report.get("accepted").asInt()).isEqualTo(2);
    assertThat(report.get("unchanged").asInt()).isZero();
    assertThat(report.get("rejected").asInt()).isEqualTo(3);
    JsonNode reportRows = report.get("rows");
    assertThat(reportRows).hasSize(5);
    assertThat(reportRows.get(0).get("row").asInt()).isEqualTo(2);
    assertThat(reportRows.get(0).get("outcome").asText()).isEqualTo("accepted");
    assertThat(reportRows.get(0).get("trackingNumber").asText()).isEqualTo("512547514334");
    assertThat(reportRows.get(1).get("outcome").asText()).isEqualTo("accepted");
    assertThat(reportRows.get(2).get("row").asInt()).isEqualTo(4);
    assertThat(reportRows.get(2).get("outcome").asText()).isEqualTo("rejected");
    assertThat(reportRows.get(2).get("reason").asText()).contains("no tracking number");
    assertThat(reportRows.get(3).get("row").asInt()).isEqualTo(5);
    assertThat(reportRows.get(3).get("outcome").asText()).isEqualTo("rejected");
    assertThat(reportRows.get(3).get("reason").asText())
        .contains("not in a sagawa label file", "PENDING");
    assertThat(reportRows.get(4).get("row").asInt()).isEqualTo(6);
    assertThat(reportRows.get(4).get("outcome").asText()).isEqualTo("rejected");
    assertThat(reportRows.get(4).get("reason").asText()).contains("not valid CSV");

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              for (String shipped : List.of(a, b)) {
                assertThat(sagawa.get("/v1/orders/" + shipped).json().get("status").asText())
                    .isEqualTo("SHIPPED");
                assertThat(
                        sagawa
                            .get("/v1/shipments/" + ShipmentIds.home(shipped))
                            .json()
                            .get("status")
                            .asText())
                    .isEqualTo("SHIPPED");
              }
            });
    JsonNode order = sagawa.get("/v1/orders/" + a).json();
    assertThat(order.get("shipments").get(0).get("carrier").asText()).isEqualTo("sagawa");
    assertThat(order.get("shipments").get(0).get("trackingNumber").asText())
        .isEqualTo("512547514334");
    JsonNode tee = sagawa.get("/v1/skus/EH-TEE").json();
    assertThat(tee.get("onHand").asLong()).isEqualTo(8);
    assertThat(tee.get("reserved").asLong()).isEqualTo(1);
    JsonNode mug = sagawa.get("/v1/skus/EH-MUG").json();
    assertThat(mug.get("onHand").asLong()).isEqualTo(7);
    assertThat(mug.get("reserved").asLong()).isEqualTo(1);

    // The rejected rows changed nothing: c is still unlabelled, d labelled without a number, and
    // both orders still hold their units.
    JsonNode pending = sagawa.get("/v1/shipments/" + sc).json();
    assertThat(pending.get("status").asText()).isEqualTo("PENDING");
    assertThat(pending.get("trackingNumber").isNull()).isTrue();
    JsonNode unissued = sagawa.get("/v1/shipments/" + sd).json();
    assertThat(unissued.get("status").asText()).isEqualTo("LABELED");
    assertThat(unissued.get("trackingNumber").isNull()).isTrue();
    for (String waiting : List.of(c, d)) {
      assertThat(sagawa.get("/v1/orders/" + waiting).json().get("status").asText())
          .isEqualTo("ALLOCATED");
    }
  }

  private static CharsetDecoder strict(Charset charset) {
    return charset
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  @Test
  void labelFilesAreRefusedWholeWhileAShipmentCannotBeLabelled() {
    ApiClient quiet = ApiClient.newTenant(server, "unset");
    sku(quiet, "LBL", 5);
    String o =
        order(quiet, "rakuten-l", "L-1", "LBL", 1, shipTo("山田 太郎", "150-0001", "神南1-2-3", null));
    awaitShipment(quiet, o);
    quiet.post(
        "/v1/shipments/waves",
        Map.of("waveId", "w-l", "carrier", "yamato", "shipmentIds", List.of(ShipmentIds.home(o))));
    ApiClient.Response refused = quiet.post("/v1/shipments/waves/w-l/label-file", Map.of());
    refused.assertProblem(409, "label-file-refused");
    assertThat(refused.json().get("shipments").get(0).get("problems").toString())
        .contains("shipper", "billing customer code", "phone");
    assertThat(quiet.get("/v1/shipments/" + ShipmentIds.home(o)).json().get("status").asText())
        .isEqualTo("PENDING");
  }

  @Test
  void explicitCreationIsIdempotentAndRefusesWhatCannotShip() {
    ApiClient manual = ApiClient.newTenant(server, "manual");
    settings(manual, Map.of("autoCreate", false));
    sku(manual, "MAN", 3);
    String allocated =
        order(
            manual,
            "rakuten-x",
            "X-1",
            "MAN",
            1,
            shipTo("山田 太郎", "150-0001", "神南1-2-3", "0312345678"));
    ApiClient.Response created =
        manual.post("/v1/shipments", Map.of("orderIds", List.of(allocated)));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(manual.post("/v1/shipments", Map.of("orderIds", List.of(allocated))).status())
        .isEqualTo(200);

    Map<String, Object> body = new HashMap<>();
    body.put("channelId", "rakuten-x");
    body.put("channelOrderId", "X-2");
    body.put("lines", List.of(Map.of("sku", "MAN", "quantity", 50)));
    String waiting = manual.post("/v1/orders", body).json().get("orderId").asText();
    manual
        .post("/v1/shipments", Map.of("orderIds", List.of(waiting)))
        .assertProblem(409, "order-not-shippable");
    manual
        .post("/v1/shipments", Map.of("orderIds", List.of("ord_000000000000000000000000")))
        .assertProblem(404, "order-not-found");
    manual
        .post("/v1/shipments", Map.of("orderIds", List.of("nope")))
        .assertProblem(400, "invalid-request");
    manual
        .post("/v1/shipments", Map.of("orderIds", List.of()))
        .assertProblem(400, "invalid-request");
    manual.post("/v1/shipments", "{\"orderIds\": [1]}").assertProblem(400, "invalid-request");
    // Automatic creation is off for this tenant: the other allocated order has no shipment.
    String second =
        order(
            manual,
            "rakuten-x",
            "X-3",
            "MAN",
            1,
            shipTo("山田 太郎", "150-0001", "神南1-2-3", "0312345678"));
    assertThat(manual.get("/v1/shipments/" + ShipmentIds.home(second)).status()).isEqualTo(404);
  }

  @Test
  void badInputGetsProblemsAndChangesNothing() {
    sku(shop, "BAD", 5);
    String o =
        order(
            shop,
            "rakuten-b",
            "B-1",
            "BAD",
            1,
            shipTo("山田 太郎", "150-0001", "神南1-2-3", "0312345678"));
    String id = ShipmentIds.home(o);
    awaitShipment(shop, o);
    shop.patch("/v1/shipments/" + id, Map.of("timeSlot", "noon"))
        .assertProblem(400, "invalid-request");
    shop.patch("/v1/shipments/" + id, Map.of("parcelCount", 0))
        .assertProblem(400, "invalid-request");
    shop.patch("/v1/shipments/" + id, Map.of("deliveryDate", "tomorrow"))
        .assertProblem(400, "invalid-request");
    shop.patch("/v1/shipments/" + id, Map.of("colour", "red"))
        .assertProblem(400, "invalid-request");
    shop.patch("/v1/shipments/" + id, "{not json").assertProblem(400, "malformed-json");
    shop.get("/v1/shipments?status=LOST").assertProblem(400, "invalid-request");
    shop.get("/v1/shipments?limit=0").assertProblem(400, "invalid-request");
    shop.get("/v1/shipments?cursor=!!").assertProblem(400, "invalid-request");
    shop.get("/v1/shipments/not-an-id").assertProblem(404, "shipment-not-found");
    shop.get("/v1/shipments/waves/no-such-wave").assertProblem(404, "wave-not-found");
    shop.get("/v1/shipments/waves/no-such-wave/pick-list").assertProblem(404, "wave-not-found");
    shop.post("/v1/shipments/waves/no-such-wave/label-file", Map.of())
        .assertProblem(404, "wave-not-found");
    shop.post(
            "/v1/shipments/" + id + "/tracking",
            Map.of("carrier", "yamato", "trackingNumber", "123"))
        .assertProblem(400, "invalid-request");
    shop.post(
            "/v1/shipments/" + id + "/tracking",
            Map.of("carrier", "fedex", "trackingNumber", "444413758703"))
        .assertProblem(400, "invalid-request");
    shop.post("/v1/shipments/waves", Map.of("waveId", "w-bad", "carrier", "japan_post"))
        .assertProblem(400, "invalid-request");
    shop.post("/v1/shipments/waves", Map.of("waveId", "w/bad", "carrier", "yamato"))
        .assertProblem(400, "invalid-request");
    shop.raw(
            "POST",
            "/v1/shipments/label-results/dhl",
            "text/csv",
            "a,b\r\n".getBytes(StandardCharsets.UTF_8))
        .assertProblem(400, "invalid-request");
    shop.raw(
            "POST",
            "/v1/shipments/label-results/yamato",
            "application/json",
            "{}".getBytes(StandardCharsets.UTF_8))
        .assertProblem(415, "unsupported-media-type");
    shop.raw(
            "POST",
            "/v1/shipments/label-results/sagawa",
            "text/csv",
            "x,y\r\n1,2\r\n".getBytes(StandardCharsets.UTF_8))
        .assertProblem(400, "unreadable-carrier-file");
    shop.raw("POST", "/v1/shipments/label-results/yamato", "text/csv", new byte[0])
        .assertProblem(400, "invalid-request");
    shop.put("/v1/fulfillment/settings", Map.of("merge", Map.of("mode", "sometimes")))
        .assertProblem(400, "invalid-request");
    shop.put(
            "/v1/fulfillment/settings",
            Map.of("merge", Map.of("mode", "off", "windowMinutes", 999999)))
        .assertProblem(400, "invalid-request");
    shop.put("/v1/fulfillment/settings", Map.of("yamato", Map.of("billingCustomerCode", "12ab")))
        .assertProblem(400, "invalid-request");
    shop.put(
            "/v1/fulfillment/settings",
            Map.of(
                "shipper", Map.of("name", "x", "phone", "1", "postalCode", "1", "address1", "x")))
        .assertProblem(400, "invalid-request");
    assertThat(shop.get("/v1/shipments/" + id).json().get("timeSlot").isNull()).isTrue();
    assertThat(shop.get("/v1/fulfillment/settings").json().get("shipper").get("name").asText())
        .isEqualTo("エコ商店");
  }

  @Test
  void anotherTenantsShipmentsDoNotExist() {
    sku(shop, "ISO", 5);
    String o =
        order(
            shop,
            "rakuten-i",
            "I-1",
            "ISO",
            1,
            shipTo("山田 太郎", "150-0001", "神南1-2-3", "0312345678"));
    String id = ShipmentIds.home(o);
    awaitShipment(shop, o);
    sku(rival, "ISO", 5);
    String theirs =
        order(
            rival,
            "rakuten-i",
            "I-2",
            "ISO",
            1,
            shipTo("山田 太郎", "150-0001", "神南1-2-3", "0312345678"));
    awaitShipment(rival, theirs);

    rival.get("/v1/shipments/" + id).assertProblem(404, "shipment-not-found");
    rival
        .patch("/v1/shipments/" + id, Map.of("note", "mine"))
        .assertProblem(404, "shipment-not-found");
    rival.post("/v1/shipments/" + id + "/split", Map.of()).assertProblem(404, "shipment-not-found");
    rival
        .post(
            "/v1/shipments/" + id + "/tracking",
            Map.of("carrier", "yamato", "trackingNumber", "444413758703"))
        .assertProblem(404, "shipment-not-found");
    rival
        .post(
            "/v1/shipments/" + ShipmentIds.home(theirs) + "/merge",
            Map.of("shipmentIds", List.of(id), "force", true))
        .assertProblem(404, "shipment-not-found");
    rival
        .post("/v1/shipments", Map.of("orderIds", List.of(o)))
        .assertProblem(404, "order-not-found");
    rival
        .post(
            "/v1/shipments/waves",
            Map.of("waveId", "steal", "carrier", "yamato", "shipmentIds", List.of(id)))
        .assertProblem(404, "shipment-not-found");
    String resultFile = "お客様管理番号,伝票番号\r\n" + id + ",444413758703\r\n";
    JsonNode report =
        rival
            .raw(
                "POST",
                "/v1/shipments/label-results/yamato",
                "text/csv",
                ShiftJis.encode(resultFile))
            .json();
    assertThat(report.get("rejected").asInt()).isEqualTo(1);
    assertThat(rival.get("/v1/shipments").json().get("items"))
        .extracting(n -> n.get("shipmentId").asText())
        .doesNotContain(id);
    assertThat(shop.get("/v1/shipments/" + id).json().get("trackingNumber").isNull()).isTrue();
    assertThat(shop.get("/v1/shipments/" + id).json().get("note").isNull()).isTrue();
  }
}
