package io.ecengine.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TenantIsolationTest {

  private static Server server;
  private static ApiClient admin;

  @BeforeAll
  static void start() {
    server = TestNode.startOnH2();
    admin = new ApiClient(server.port(), server.adminKey());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aTenantNeverSeesAnotherTenantsSku() {
    ApiClient alpha = ApiClient.newTenant(server, "alpha");
    ApiClient beta = ApiClient.newTenant(server, "beta");
    alpha.put("/v1/skus/SHARED-CODE", Map.of("name", "Alpha's"));
    alpha.post(
        "/v1/skus/SHARED-CODE/adjustments",
        Map.of("adjustmentId", "a", "delta", 5, "reason", "receipt"));

    beta.get("/v1/skus/SHARED-CODE").assertProblem(404, "sku-not-found");
    beta.post("/v1/skus/SHARED-CODE/reservations", Map.of("reservationId", "x", "quantity", 1))
        .assertProblem(404, "sku-not-found");

    assertThat(beta.put("/v1/skus/SHARED-CODE", Map.of("name", "Beta's")).status()).isEqualTo(201);
    assertThat(alpha.get("/v1/skus/SHARED-CODE").json().get("name").asText()).isEqualTo("Alpha's");
    assertThat(beta.get("/v1/skus/SHARED-CODE").json().get("onHand").asLong()).isZero();
  }

  @Test
  void aTenantNeverSeesOrActsOnAnotherTenantsOrdersOrChannels() {
    ApiClient alpha = ApiClient.newTenant(server, "alpha-orders");
    ApiClient beta = ApiClient.newTenant(server, "beta-orders");
    alpha.put("/v1/skus/TEE", Map.of("name", "Tee"));
    alpha.post(
        "/v1/skus/TEE/adjustments", Map.of("adjustmentId", "a", "delta", 5, "reason", "receipt"));
    String orderId =
        alpha
            .post(
                "/v1/orders",
                Map.of(
                    "channelId",
                    "web",
                    "channelOrderId",
                    "W-1",
                    "lines",
                    List.of(Map.of("sku", "TEE", "quantity", 2))))
            .json()
            .get("orderId")
            .asText();
    alpha.put(
        "/v1/channels/rakuten-a",
        Map.of(
            "marketplace",
            "rakuten",
            "baseUrl",
            "http://127.0.0.1:9/es",
            "credentials",
            Map.of("service_secret", "s", "license_key", "k")));

    beta.get("/v1/orders/" + orderId).assertProblem(404, "order-not-found");
    beta.post("/v1/orders/" + orderId + "/cancel", "").assertProblem(404, "order-not-found");
    beta.post(
            "/v1/orders/" + orderId + "/shipments",
            Map.of("shipmentId", "s", "carrier", "yamato", "trackingNumber", "1"))
        .assertProblem(404, "order-not-found");
    assertThat(beta.get("/v1/orders").json().get("items")).isEmpty();
    beta.get("/v1/channels/rakuten-a").assertProblem(404, "channel-not-found");
    beta.get("/v1/channels/rakuten-a/sync").assertProblem(404, "channel-not-found");

    assertThat(alpha.get("/v1/orders/" + orderId).json().get("status").asText())
        .isEqualTo("ALLOCATED");
    assertThat(alpha.get("/v1/skus/TEE").json().get("reserved").asLong()).isEqualTo(2);
  }

  @Test
  void keysAreCheckedOnEveryRoute() {
    ApiClient gamma = ApiClient.newTenant(server, "gamma");
    gamma.withKey(null).get("/v1/skus/X").assertProblem(401, "unauthorized");
    gamma.withKey("ec_forged_key").get("/v1/skus/X").assertProblem(401, "unauthorized");
    admin.get("/v1/skus/X").assertProblem(403, "tenant-only");
    gamma
        .post("/v1/tenants", Map.of("tenantId", "evil", "name", "Evil"))
        .assertProblem(403, "admin-only");
    gamma
        .withKey(null)
        .post("/v1/tenants", Map.of("tenantId", "evil", "name", "Evil"))
        .assertProblem(401, "unauthorized");
  }

  @Test
  void keysCanBeIssuedListedAndRevoked() {
    ApiClient delta = ApiClient.newTenant(server, "delta");
    ApiClient.Response issued = admin.post("/v1/tenants/delta/api-keys", "");
    assertThat(issued.status()).isEqualTo(201);
    ApiClient second = delta.withKey(issued.json().get("apiKey").asText());
    assertThat(second.put("/v1/skus/D", Map.of("name", "D")).status()).isEqualTo(201);

    ApiClient.Response keys = admin.get("/v1/tenants/delta/api-keys");
    assertThat(keys.json().get("items")).hasSize(2);
    assertThat(keys.body()).doesNotContain(issued.json().get("apiKey").asText());

    String keyId = issued.json().get("keyId").asText();
    assertThat(admin.delete("/v1/tenants/delta/api-keys/" + keyId).status()).isEqualTo(204);
    second.get("/v1/skus/D").assertProblem(401, "unauthorized");
    assertThat(delta.get("/v1/skus/D").status()).isEqualTo(200);

    admin.post("/v1/tenants/nobody/api-keys", "").assertProblem(404, "tenant-not-found");
    admin
        .post("/v1/tenants", Map.of("tenantId", "delta", "name", "Again"))
        .assertProblem(409, "tenant-exists");
    admin
        .post("/v1/tenants", Map.of("tenantId", "Bad_Id", "name", "x"))
        .assertProblem(400, "invalid-request");
  }
}
