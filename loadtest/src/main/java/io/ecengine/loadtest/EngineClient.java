package io.ecengine.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A small JSON client for the engine's API, for scenarios and end-to-end tests. */
public final class EngineClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One answer: its status, its body as text and, when it is JSON, parsed. */
  public record Response(int status, String body) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("Not JSON: " + body, e);
      }
    }

    public Response requireSuccess() {
      if (status < 200 || status >= 300) {
        throw new IllegalStateException("HTTP " + status + ": " + body);
      }
      return this;
    }
  }

  private final HttpClient http;
  private final URI base;
  private final String key;

  public EngineClient(URI base, String key) {
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    this.base = base;
    this.key = key;
  }

  /** Creates a tenant with the administrator key and returns a client with the tenant's key. */
  public static EngineClient newTenant(URI base, String adminKey, String tenantId) {
    EngineClient admin = new EngineClient(base, adminKey);
    Response created =
        admin.post("/v1/tenants", Map.of("tenantId", tenantId, "name", tenantId)).requireSuccess();
    return new EngineClient(base, created.json().get("apiKey").asText());
  }

  public URI base() {
    return base;
  }

  public Response get(String path) {
    return send(request(path).GET());
  }

  /**
   * A GET sent again while the engine answers 503, after the Retry-After it gives, as a client
   * honouring it would; for up to {@code patience}, then the last answer is returned. A connection
   * the engine did not take in time (every connection it serves at once is busy) is tried again the
   * same way, and thrown only when the patience is spent.
   */
  public Response getPatiently(String path, java.time.Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      Response response;
      try {
        response = get(path);
      } catch (UncheckedIOException e) {
        if (System.nanoTime() >= deadline) {
          throw e;
        }
        response = null;
      }
      if (response != null && (response.status() != 503 || System.nanoTime() >= deadline)) {
        return response;
      }
      try {
        Thread.sleep(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted", e);
      }
    }
  }

  public Response put(String path, Object body) {
    return send(request(path).PUT(json(body)));
  }

  public Response post(String path, Object body) {
    return send(request(path).POST(json(body)));
  }

  /** The same PUT without waiting. */
  public CompletableFuture<Response> putAsync(String path, Object body) {
    return http.sendAsync(
            request(path).PUT(json(body)).build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(response -> new Response(response.statusCode(), response.body()));
  }

  /** A POST of a body that is not JSON, such as a CSV upload. */
  public Response postText(String path, String contentType, String body) {
    return send(
        request(path)
            .setHeader("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
  }

  /** The same POST without waiting, for load. */
  public CompletableFuture<Response> postAsync(String path, Object body) {
    return http.sendAsync(
            request(path).POST(json(body)).build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(response -> new Response(response.statusCode(), response.body()));
  }

  /**
   * An idempotent write sent again while the engine answers 503, a second apart (its Retry-After),
   * as a client honouring it would, for up to {@code patience}; then the last answer.
   */
  public static CompletableFuture<Response> patiently(
      java.util.function.Supplier<CompletableFuture<Response>> write, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    return write
        .get()
        .thenCompose(
            response -> {
              if (response.status() != 503 || System.nanoTime() > deadline) {
                return CompletableFuture.completedFuture(response);
              }
              Duration left = Duration.ofNanos(deadline - System.nanoTime());
              return CompletableFuture.supplyAsync(
                      () -> null,
                      CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.SECONDS))
                  .thenCompose(ignored -> patiently(write, left));
            });
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + key)
        .header("Content-Type", "application/json");
  }

  private static HttpRequest.BodyPublisher json(Object body) {
    try {
      return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }
}
