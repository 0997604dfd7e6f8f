package io.ecengine.http.routes;

import io.ecengine.http.api.Access;
import io.ecengine.http.api.Endpoint;
import io.ecengine.http.api.Reply;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/** Liveness, readiness, metrics and the API description: the routes that need no tenant. */
public final class OperationsRoutes {

  private final BooleanSupplier ready;
  private final PrometheusMeterRegistry metrics;
  private final Executor blocking;
  private final String openApi;

  /**
   * @param ready true when the journal's database answers and this node is a cluster member; it may
   *     block, so it runs on {@code blocking}
   */
  public OperationsRoutes(
      BooleanSupplier ready, PrometheusMeterRegistry metrics, Executor blocking) {
    this.ready = ready;
    this.metrics = metrics;
    this.blocking = blocking;
    this.openApi = resource("/openapi.yaml");
  }

  public List<Endpoint> endpoints() {
    return List.of(
        new Endpoint(
            "GET", "/health", Access.PUBLIC, call -> done(Reply.ok(Map.of("status", "UP")))),
        new Endpoint("GET", "/ready", Access.PUBLIC, call -> readiness()),
        new Endpoint(
            "GET",
            "/metrics",
            Access.PUBLIC,
            call ->
                done(
                    Reply.text(200, metrics.scrape(), "text/plain; version=0.0.4; charset=utf-8"))),
        new Endpoint(
            "GET",
            "/v1/openapi.yaml",
            Access.PUBLIC,
            call -> done(Reply.text(200, openApi, "application/yaml"))));
  }

  private CompletionStage<Reply> readiness() {
    return CompletableFuture.supplyAsync(
        () ->
            ready.getAsBoolean()
                ? Reply.ok(Map.of("status", "READY"))
                : new Reply(503, Map.of("status", "NOT_READY"), null, Map.of("Retry-After", "1")),
        blocking);
  }

  private static CompletionStage<Reply> done(Reply reply) {
    return CompletableFuture.completedFuture(reply);
  }

  private static String resource(String name) {
    try (InputStream in = OperationsRoutes.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
