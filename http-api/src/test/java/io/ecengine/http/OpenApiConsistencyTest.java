package io.ecengine.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAPI document and the server's routes describe the same API. */
class OpenApiConsistencyTest {

  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

  private static Server server;
  private static JsonNode document;

  @BeforeAll
  static void start() throws Exception {
    server = TestNode.startOnH2();
    String yaml = new ApiClient(server.port(), null).get("/v1/openapi.yaml").body();
    document = new ObjectMapper(new YAMLFactory()).readTree(yaml);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Set<String> documented() {
    Set<String> routes = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields();
        paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      path.getValue()
          .fieldNames()
          .forEachRemaining(
              method -> {
                if (METHODS.contains(method)) {
                  routes.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
              });
    }
    return routes;
  }

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedRouteExists() {
    Set<String> served = new TreeSet<>();
    server.endpoints().forEach(e -> served.add(e.method() + " " + e.template()));
    assertThat(documented()).isEqualTo(served);
  }

  /** Whether the route answers with a stream of Server-Sent Events. */
  private static boolean streams(String route) {
    String method = route.substring(0, route.indexOf(' ')).toLowerCase(Locale.ROOT);
    String path = route.substring(route.indexOf(' ') + 1);
    return document
        .path("paths")
        .path(path)
        .path(method)
        .path("responses")
        .path("200")
        .path("content")
        .has("text/event-stream");
  }

  @Test
  void everyDocumentedRouteAnswers() throws Exception {
    ApiClient tenant = ApiClient.newTenant(server, "openapi");
    ApiClient admin = new ApiClient(server.port(), server.adminKey());
    Map<String, String> values = new HashMap<>();
    values.put("{sku}", "DOC-SKU");
    values.put("{reservationId}", "doc-r");
    values.put("{tenantId}", "openapi");
    values.put("{keyId}", "unknown-key");
    values.put("{orderId}", "ord_000000000000000000000000");
    values.put("{channelId}", "doc-channel");
    values.put("{incomingId}", "doc-incoming");
    values.put("{marketplace}", "shopify");
    values.put("{shipmentId}", "S0000000000000AA");
    values.put("{waveId}", "doc-wave");
    values.put("{carrier}", "yamato");
    values.put("{asset}", "app.js");
    for (String route : documented()) {
      String method = route.substring(0, route.indexOf(' '));
      String path = route.substring(route.indexOf(' ') + 1);
      for (Map.Entry<String, String> v : values.entrySet()) {
        path = path.replace(v.getKey(), v.getValue());
      }
      ApiClient client = path.startsWith("/v1/tenants") ? admin : tenant;
      if (streams(route)) {
        // A stream never ends by itself: only its status and media type are read.
        HttpResponse<InputStream> stream =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .header("Authorization", "Bearer " + tenant.key())
                        .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).as(route).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type"))
            .as(route)
            .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        stream.body().close();
        continue;
      }
      ApiClient.Response response = client.raw(method, path, "application/json", new byte[0]);
      assertThat(response.json().path("type").asText())
          .as(route + " answered " + response.body())
          .isNotIn(
              "urn:ec-engine:problem:route-not-found",
              "urn:ec-engine:problem:method-not-allowed",
              "urn:ec-engine:problem:internal-error");
      assertThat(response.status()).as(route).isLessThan(500);
    }
  }
}
