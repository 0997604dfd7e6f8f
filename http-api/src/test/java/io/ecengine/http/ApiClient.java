package io.ecengine.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** A small HTTP client for tests, speaking to one node with one key. */
final class ApiClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final int port;
  private final String key;

  ApiClient(int port, String key) {
    this.port = port;
    this.key = key;
  }

  String key() {
    return key;
  }

  ApiClient withKey(String other) {
    return new ApiClient(port, other);
  }

  record Response(int status, JsonNode json, String body, HttpResponse<String> raw) {
    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    /** Asserts an RFC 9457 problem with this status and type slug. */
    Response assertProblem(int expectedStatus, String slug) {
      assertThat(status).as(body).isEqualTo(expectedStatus);
      assertThat(header("Content-Type")).startsWith("application/problem+json");
      assertThat(json.path("type").asText()).isEqualTo("urn:ec-engine:problem:" + slug);
      assertThat(json.path("status").asInt()).isEqualTo(expectedStatus);
      assertThat(json.path("title").asText()).isNotBlank();
      return this;
    }
  }

  Response get(String path) {
    return send(builder(path).GET());
  }

  Response delete(String path) {
    return send(builder(path).DELETE());
  }

  Response post(String path, Object body) {
    return send(json(builder(path), "POST", body));
  }

  Response put(String path, Object body) {
    return send(json(builder(path), "PUT", body));
  }

  Response patch(String path, Object body) {
    return send(json(builder(path), "PATCH", body));
  }

  /** A response whose body is kept as bytes (files in other encodings than UTF-8). */
  record Download(int status, byte[] body, HttpResponse<byte[]> raw) {
    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  /** Sends a request and keeps the answer's bytes as they came. */
  Download download(String method, String path, String contentType, byte[] body) {
    HttpRequest.Builder b =
        builder(path).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    try {
      HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Download(r.statusCode(), r.body(), r);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sends a raw body, for malformed-input tests. */
  Response raw(String method, String path, String contentType, byte[] body) {
    HttpRequest.Builder b =
        builder(path).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(b);
  }

  /**
   * Sends a body as a stream of unknown length. java.net.http then sends it chunked, without a
   * Content-Length, so the server learns how large it is only by reading it. HTTP/1.1 is asked for
   * because chunked transfer is what this is about.
   */
  Response streamed(String method, String path, String contentType, byte[] body) {
    HttpRequest.BodyPublisher stream =
        HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body));
    return send(
        builder(path)
            .version(HttpClient.Version.HTTP_1_1)
            .header("Content-Type", contentType)
            .method(method, stream));
  }

  private HttpRequest.Builder builder(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return b;
  }

  private static HttpRequest.Builder json(HttpRequest.Builder b, String method, Object body) {
    try {
      byte[] bytes =
          body instanceof String s
              ? s.getBytes(StandardCharsets.UTF_8)
              : JSON.writeValueAsBytes(body);
      return b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static Response send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode node;
      try {
        node = r.body().isEmpty() ? MissingNode.getInstance() : JSON.readTree(r.body());
      } catch (IOException notJson) {
        node = MissingNode.getInstance();
      }
      return new Response(r.statusCode(), node, r.body(), r);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Creates a tenant with the admin key and returns a client holding the tenant's key. */
  static ApiClient newTenant(Server server, String tenantId) {
    ApiClient admin = new ApiClient(server.port(), server.adminKey());
    Response created =
        admin.post("/v1/tenants", Map.of("tenantId", tenantId, "name", "Shop " + tenantId));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return new ApiClient(server.port(), created.json().get("apiKey").asText());
  }
}
