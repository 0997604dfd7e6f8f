package io.ecengine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ClusterApiTest {

  @Test
  void showsMembershipAndTheShardsOfThisNodeToTheAdministratorOnly() {
    Server server = TestNode.startOnH2();
    try {
      ApiClient shop = ApiClient.newTenant(server, "cluster-view");
      assertThat(shop.put("/v1/skus/LAMP", Map.of("name", "Lamp")).status()).isEqualTo(201);
      ApiClient admin = new ApiClient(server.port(), server.adminKey());

      ApiClient.Response view = admin.get("/v1/cluster");

      assertThat(view.status()).as(view.body()).isEqualTo(200);
      JsonNode json = view.json();
      assertThat(json.path("selfStatus").asText()).isEqualTo("Up");
      assertThat(json.path("members")).hasSize(1);
      assertThat(json.path("members").get(0).path("address").asText())
          .isEqualTo(json.path("self").asText());
      assertThat(json.path("members").get(0).path("reachable").asBoolean()).isTrue();
      assertThat(json.path("leader").asText()).isEqualTo(json.path("self").asText());
      assertThat(json.path("shards").path("Sku").size()).isEqualTo(1);
      assertThat(json.path("shards").path("Sku").elements().next().asInt()).isEqualTo(1);

      shop.get("/v1/cluster").assertProblem(403, "admin-only");
      new ApiClient(server.port(), null).get("/v1/cluster").assertProblem(401, "unauthorized");
    } finally {
      server.close();
    }
  }

  @Test
  void aStoppingNodeTurnsUnreadyFirstAndStillServesWhileItDrains() {
    Server server =
        TestNode.start(
            "jdbc:h2:mem:ec-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
            "sa",
            "",
            Map.of("ec.cluster.shutdown.drain", "3s"));
    ApiClient anonymous = new ApiClient(server.port(), null);
    ApiClient shop = ApiClient.newTenant(server, "draining");
    assertThat(anonymous.get("/ready").status()).isEqualTo(200);
    assertThat(shop.put("/v1/skus/FAN", Map.of("name", "Fan")).status()).isEqualTo(201);

    CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::close);

    await().atMost(Duration.ofSeconds(30)).until(() -> anonymous.get("/ready").status() == 503);
    ApiClient.Response served = shop.get("/v1/skus/FAN");
    assertThat(served.status()).isEqualTo(200);
    assertThat(served.header("Connection")).isEqualToIgnoringCase("close");
    assertThat(anonymous.get("/health").status()).isEqualTo(200);
    assertThat(stopped).isNotDone();

    await().atMost(Duration.ofSeconds(60)).until(stopped::isDone);
    assertThat(server.system().whenTerminated().isCompleted()).isTrue();
  }
}
