package io.ecengine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Orders end to end over HTTP: the allocation saga, bundles, pre-orders and the lifecycle. */
class OrderApiTest {

  private static Server server;
  private static ApiClient shop;

  @BeforeAll
  static void start() {
    server = TestNode.startOnH2();
    shop = ApiClient.newTenant(server, "orders");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static void sku(String sku, long onHand) {
    assertThat(shop.put("/v1/skus/" + sku, Map.of("name", sku)).status()).isIn(200, 201);
    if (onHand > 0) {
      receive(sku, onHand, "init");
    }
  }

  private static void receive(String sku, long units, String id) {
    ApiClient.Response r =
        shop.post(
            "/v1/skus/" + sku + "/adjustments",
            Map.of("adjustmentId", id, "delta", units, "reason", "receipt"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private static JsonNode levels(String sku) {
    return shop.get("/v1/skus/" + sku).json();
  }

  private static ApiClient.Response order(String channelOrderId, Object... skuAndQty) {
    List<Map<String, Object>> lines = new ArrayList<>();
    for (int i = 0; i < skuAndQty.length; i += 2) {
      lines.add(Map.of("sku", skuAndQty[i], "quantity", skuAndQty[i + 1]));
    }
    return shop.post(
        "/v1/orders",
        Map.of("channelId", "rakuten-main", "channelOrderId", channelOrderId, "lines", lines));
  }

  private static String status(String orderId) {
    return shop.get("/v1/orders/" + orderId).json().get("status").asText();
  }

  @Test
  void placesAnOrderOnceAndAllocatesEveryLine() {
    sku("A1", 10);
    sku("B1", 5);
    ApiClient.Response placed = order("R-1", "A1", 2, "B1", 1, "A1", 1);
    assertThat(placed.status()).as(placed.body()).isEqualTo(201);
    assertThat(placed.json().get("status").asText()).isEqualTo("ALLOCATED");
    assertThat(levels("A1").get("reserved").asLong()).isEqualTo(3);
    assertThat(levels("B1").get("reserved").asLong()).isEqualTo(1);

    ApiClient.Response again = order("R-1", "B1", 1, "A1", 3);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().get("orderId")).isEqualTo(placed.json().get("orderId"));
    assertThat(levels("A1").get("reserved").asLong()).isEqualTo(3);
    order("R-1", "A1", 1).assertProblem(409, "order-lines-differ");
    assertThat(placed.json().get("history").get(0).get("status").asText()).isEqualTo("ALLOCATING");
  }

  @Test
  void concurrentOrdersForTheLastUnitAllocateExactlyOne() throws Exception {
    sku("LAST1", 1);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Future<ApiClient.Response>> results = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String id = "LU-" + i;
      results.add(pool.submit(() -> order(id, "LAST1", 1)));
    }
    int allocated = 0;
    int waiting = 0;
    for (Future<ApiClient.Response> f : results) {
      ApiClient.Response r = f.get();
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      String status = r.json().get("status").asText();
      allocated += status.equals("ALLOCATED") ? 1 : 0;
      waiting += status.equals("AWAITING_STOCK") ? 1 : 0;
    }
    pool.shutdown();
    assertThat(allocated).isEqualTo(1);
    assertThat(waiting).isEqualTo(19);
    assertThat(levels("LAST1").get("reserved").asLong()).isEqualTo(1);
  }

  @Test
  void twoLinesSharingAComponentAreOneDemand() {
    sku("C2", 3);
    assertThat(
            shop.put(
                    "/v1/skus/SET2",
                    Map.of(
                        "name", "Set", "components", List.of(Map.of("sku", "C2", "quantity", 2))))
                .status())
        .isEqualTo(201);
    ApiClient.Response first = order("SH-1", "SET2", 1, "C2", 1);
    assertThat(first.json().get("status").asText()).isEqualTo("ALLOCATED");
    assertThat(levels("C2").get("reserved").asLong()).isEqualTo(3);

    ApiClient.Response second = order("SH-2", "SET2", 1);
    assertThat(second.json().get("status").asText()).isEqualTo("AWAITING_STOCK");
    assertThat(second.json().get("shortSkus").get(0).asText()).isEqualTo("C2");
    assertThat(levels("C2").get("reserved").asLong()).isEqualTo(3);
  }

  @Test
  void aFailedAllocationReleasesWhatItHeldAndCancelIsIdempotent() {
    sku("P3", 5);
    sku("Q3", 0);
    ApiClient.Response placed = order("CP-1", "P3", 2, "Q3", 1);
    assertThat(placed.json().get("status").asText()).isEqualTo("AWAITING_STOCK");
    assertThat(levels("P3").get("reserved").asLong()).isZero();

    String orderId = placed.json().get("orderId").asText();
    ApiClient.Response cancelled = shop.post("/v1/orders/" + orderId + "/cancel", "");
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    assertThat(cancelled.json().get("status").asText()).isEqualTo("CANCELLED");
    assertThat(shop.post("/v1/orders/" + orderId + "/cancel", "").json().get("status").asText())
        .isEqualTo("CANCELLED");

    receive("Q3", 1, "late");
    assertThat(levels("P3").get("reserved").asLong()).isZero();
    assertThat(status(orderId)).isEqualTo("CANCELLED");
  }

  @Test
  void waitingOrdersAreAllocatedInArrivalOrderWhenStockArrives() {
    sku("W4", 0);
    String first = order("WT-1", "W4", 1).json().get("orderId").asText();
    String second = order("WT-2", "W4", 1).json().get("orderId").asText();
    assertThat(status(first)).isEqualTo("AWAITING_STOCK");

    receive("W4", 1, "arrival-1");
    await().atMost(Duration.ofSeconds(20)).until(() -> status(first).equals("ALLOCATED"));
    assertThat(status(second)).isEqualTo("AWAITING_STOCK");

    receive("W4", 1, "arrival-2");
    await().atMost(Duration.ofSeconds(20)).until(() -> status(second).equals("ALLOCATED"));
    assertThat(levels("W4").get("reserved").asLong()).isEqualTo(2);
  }

  @Test
  void shipsInPartsRefusesCancelAfterShippingAndTakesPartialReturns() {
    sku("S5", 10);
    String orderId = order("SP-1", "S5", 3).json().get("orderId").asText();
    String base = "/v1/orders/" + orderId;

    ApiClient.Response part =
        shop.post(
            base + "/shipments",
            Map.of(
                "shipmentId",
                "box-1",
                "carrier",
                "yamato",
                "trackingNumber",
                "1234-5678",
                "lines",
                List.of(Map.of("sku", "S5", "quantity", 1))));
    assertThat(part.status()).as(part.body()).isEqualTo(200);
    assertThat(part.json().get("status").asText()).isEqualTo("ALLOCATED");
    assertThat(levels("S5").get("onHand").asLong()).isEqualTo(9);
    assertThat(levels("S5").get("reserved").asLong()).isEqualTo(2);

    shop.post(base + "/cancel", "").assertProblem(409, "order-state-conflict");
    shop.post(
            base + "/shipments",
            Map.of(
                "shipmentId",
                "box-2",
                "carrier",
                "yamato",
                "trackingNumber",
                "9",
                "lines",
                List.of(Map.of("sku", "S5", "quantity", 5))))
        .assertProblem(409, "order-state-conflict");

    ApiClient.Response rest =
        shop.post(
            base + "/shipments",
            Map.of("shipmentId", "box-2", "carrier", "sagawa", "trackingNumber", "5555"));
    assertThat(rest.json().get("status").asText()).isEqualTo("SHIPPED");
    assertThat(levels("S5").get("onHand").asLong()).isEqualTo(7);
    assertThat(levels("S5").get("reserved").asLong()).isZero();

    ApiClient.Response returned =
        shop.post(
            base + "/returns",
            Map.of(
                "returnId",
                "ret-1",
                "lines",
                List.of(
                    Map.of("sku", "S5", "quantity", 1, "condition", "sellable"),
                    Map.of("sku", "S5", "quantity", 1, "condition", "damaged"))));
    assertThat(returned.status()).as(returned.body()).isEqualTo(200);
    assertThat(returned.json().get("status").asText()).isEqualTo("RETURNED");
    assertThat(levels("S5").get("onHand").asLong()).isEqualTo(8);
    shop.post(
            base + "/returns",
            Map.of(
                "returnId",
                "ret-2",
                "lines",
                List.of(Map.of("sku", "S5", "quantity", 2, "condition", "sellable"))))
        .assertProblem(409, "order-state-conflict");
  }

  @Test
  void aBundleSellsOnlyWhatItsScarcestComponentAllows() {
    sku("BA6", 5);
    sku("BB6", 4);
    shop.put(
        "/v1/skus/SET6",
        Map.of(
            "name",
            "Gift set",
            "components",
            List.of(Map.of("sku", "BA6", "quantity", 1), Map.of("sku", "BB6", "quantity", 2))));
    assertThat(levels("SET6").get("available").asLong()).isEqualTo(2);

    assertThat(order("BU-1", "SET6", 2).json().get("status").asText()).isEqualTo("ALLOCATED");
    assertThat(levels("SET6").get("available").asLong()).isZero();
    assertThat(levels("BA6").get("available").asLong()).isEqualTo(3);
    assertThat(order("BU-2", "SET6", 1).json().get("status").asText()).isEqualTo("AWAITING_STOCK");
    assertThat(levels("BA6").get("reserved").asLong()).isEqualTo(2);
  }

  @Test
  void aBundleReservationHoldsEveryComponentOrNone() {
    sku("BA9", 5);
    sku("BB9", 4);
    shop.put(
        "/v1/skus/SET9",
        Map.of(
            "name",
            "Gift set",
            "components",
            List.of(Map.of("sku", "BA9", "quantity", 1), Map.of("sku", "BB9", "quantity", 2))));
    Map<String, Object> hold = Map.of("reservationId", "cart-1", "quantity", 1);

    ApiClient.Response reserved = shop.post("/v1/skus/SET9/reservations", hold);
    assertThat(reserved.status()).as(reserved.body()).isEqualTo(201);
    assertThat(reserved.json().get("available").asLong()).isEqualTo(1);
    assertThat(reserved.json().get("components")).hasSize(2);
    assertThat(levels("BA9").get("reserved").asLong()).isEqualTo(1);
    assertThat(levels("BB9").get("reserved").asLong()).isEqualTo(2);
    assertThat(shop.post("/v1/skus/SET9/reservations", hold).status()).isEqualTo(200);
    assertThat(levels("BB9").get("reserved").asLong()).isEqualTo(2);

    // BA9 could give 4 more, BB9 only 1 set: nothing is held, the answer says what is left.
    ApiClient.Response refused =
        shop.post("/v1/skus/SET9/reservations", Map.of("reservationId", "cart-2", "quantity", 2));
    refused.assertProblem(409, "insufficient-stock");
    assertThat(refused.json().get("available").asLong()).isEqualTo(1);
    assertThat(levels("BA9").get("reserved").asLong()).isEqualTo(1);
    assertThat(levels("BB9").get("reserved").asLong()).isEqualTo(2);

    ApiClient.Response released = shop.delete("/v1/skus/SET9/reservations/cart-1");
    assertThat(released.status()).as(released.body()).isEqualTo(200);
    assertThat(released.json().get("status").asText()).isEqualTo("released");
    assertThat(released.json().at("/levels/available").asLong()).isEqualTo(2);
    assertThat(levels("BA9").get("reserved").asLong()).isZero();
    shop.post("/v1/skus/SET9/reservations", hold).assertProblem(409, "reservation-closed");
    shop.delete("/v1/skus/SET9/reservations/nothing").assertProblem(404, "reservation-not-found");

    shop.post("/v1/skus/SET9/reservations", Map.of("reservationId", "cart-3", "quantity", 2));
    ApiClient.Response shipped = shop.post("/v1/skus/SET9/reservations/cart-3/commit", "");
    assertThat(shipped.status()).as(shipped.body()).isEqualTo(200);
    assertThat(shipped.json().get("quantity").asLong()).isEqualTo(2);
    assertThat(levels("BA9").get("onHand").asLong()).isEqualTo(3);
    assertThat(levels("BB9").get("onHand").asLong()).isZero();
    assertThat(levels("SET9").get("available").asLong()).isZero();
  }

  @Test
  void preOrdersAndBackordersAreHeldAndFilledWhenStockArrives() {
    sku("PRE7", 0);
    shop.put("/v1/skus/PRE7/policy", Map.of("policy", "preorder"));
    shop.post(
        "/v1/skus/PRE7/incoming",
        Map.of(
            "incomingId", "ship-from-maker", "quantity", 5, "expectedAt", "2027-01-10T00:00:00Z"));
    String pre = order("PO-1", "PRE7", 3).json().get("orderId").asText();
    assertThat(status(pre)).isEqualTo("PREORDERED");
    assertThat(order("PO-2", "PRE7", 3).json().get("status").asText()).isEqualTo("AWAITING_STOCK");

    assertThat(shop.post("/v1/skus/PRE7/incoming/ship-from-maker/receipt", "").status())
        .isEqualTo(200);
    await().atMost(Duration.ofSeconds(20)).until(() -> status(pre).equals("ALLOCATED"));
    assertThat(levels("PRE7").get("reserved").asLong()).isGreaterThanOrEqualTo(3);

    sku("BACK7", 0);
    shop.put("/v1/skus/BACK7/policy", Map.of("policy", "backorder", "backorderLimit", 2));
    String back = order("BO-1", "BACK7", 2).json().get("orderId").asText();
    assertThat(status(back)).isEqualTo("BACKORDERED");
    receive("BACK7", 2, "restock");
    await().atMost(Duration.ofSeconds(20)).until(() -> status(back).equals("ALLOCATED"));
  }

  @Test
  void shipByFollowsTheChannelsSlaAndOrdersAreListedByIt() {
    ApiClient lister = ApiClient.newTenant(server, "sla-shop");
    lister.put("/v1/skus/L8", Map.of("name", "L8"));
    lister.put(
        "/v1/channels/yahoo-1/shipping-sla",
        Map.of("shipWithinHours", 48, "cutoff", "00:00", "timeZone", "Asia/Tokyo"));
    ApiClient.Response placed =
        lister.post(
            "/v1/orders",
            Map.of(
                "channelId",
                "yahoo-1",
                "channelOrderId",
                "Y-1",
                "lines",
                List.of(Map.of("sku", "L8", "quantity", 1)),
                "shipTo",
                Map.of("postalCode", "150-0001", "prefecture", "東京都"),
                "giftWrap",
                true));
    Instant shipBy = Instant.parse(placed.json().get("shipBy").asText());
    assertThat(shipBy.atZone(ZoneId.of("Asia/Tokyo")).toLocalTime()).isEqualTo(LocalTime.MIDNIGHT);
    assertThat(Duration.between(Instant.now(), shipBy)).isGreaterThan(Duration.ofHours(47));
    assertThat(placed.json().at("/shipTo/prefecture").asText()).isEqualTo("東京都");

    ApiClient.Response defaultSla =
        lister.post(
            "/v1/orders",
            Map.of(
                "channelId",
                "amazon-1",
                "channelOrderId",
                "A-1",
                "lines",
                List.of(Map.of("sku", "L8", "quantity", 1))));
    // The default SLA (24 h, 15:00 cutoff) is due 24 to 33 hours from now depending on the time
    // of day, always before the 48 h one: ask for the orders due between the two.
    Instant defaultShipBy = Instant.parse(defaultSla.json().get("shipBy").asText());
    assertThat(defaultShipBy).isBefore(shipBy);
    Instant between = defaultShipBy.plus(Duration.between(defaultShipBy, shipBy).dividedBy(2));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(lister.get("/v1/orders?status=AWAITING_STOCK").json().get("items"))
                    .hasSize(2));
    assertThat(lister.get("/v1/orders?channelId=yahoo-1").json().get("items")).hasSize(1);
    assertThat(lister.get("/v1/orders?shipByBefore=" + between).json().get("items")).hasSize(1);
    ApiClient.Response page = lister.get("/v1/orders?limit=1");
    assertThat(page.json().get("items")).hasSize(1);
    ApiClient.Response next =
        lister.get("/v1/orders?limit=1&cursor=" + page.json().get("nextCursor").asText());
    assertThat(next.json().get("items")).hasSize(1);
    assertThat(next.json().at("/items/0/orderId")).isNotEqualTo(page.json().at("/items/0/orderId"));
  }

  @Test
  void rejectsBadOrders() {
    shop.post("/v1/orders", Map.of("channelId", "x", "channelOrderId", "y", "lines", List.of()))
        .assertProblem(400, "invalid-request");
    shop.post(
            "/v1/orders",
            Map.of(
                "channelId",
                "x",
                "channelOrderId",
                "y",
                "lines",
                List.of(Map.of("sku", "A", "quantity", 0))))
        .assertProblem(400, "invalid-request");
    shop.post(
            "/v1/orders",
            Map.of(
                "channelId",
                "x",
                "channelOrderId",
                "y",
                "deliveryDate",
                "tomorrow",
                "lines",
                List.of(Map.of("sku", "A", "quantity", 1))))
        .assertProblem(400, "invalid-request");
    shop.get("/v1/orders/ord_000000000000000000000000").assertProblem(404, "order-not-found");
    shop.get("/v1/orders/not-an-id").assertProblem(404, "order-not-found");
    shop.get("/v1/orders?status=LOST").assertProblem(400, "invalid-request");
  }
}
