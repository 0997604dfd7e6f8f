package io.ecengine.http.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one request handler of the server: routes by {@link Endpoint} templates, authenticates the
 * bearer key, enforces the body limit, runs the handler and turns every failure into an RFC 9457
 * problem. Nothing a client sends can reach the client as a 500: unexpected failures are logged and
 * answered as a 500 problem only when the engine itself is at fault.
 */
public final class ApiHandler implements Function<HttpRequest, CompletionStage<HttpResponse>> {

  private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);
  private static final ContentType PROBLEM_JSON =
      ContentTypes.create(
          MediaTypes.applicationWithOpenCharset("problem+json"),
          org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8);

  /** Resolves a tenant API key to its tenant id; may block (it runs on {@code blocking}). */
  @FunctionalInterface
  public interface TenantKeys {
    Optional<String> tenantFor(String apiKey);

    /**
     * The tenant of a key known without blocking (a cache), or empty when only {@link #tenantFor}
     * can tell. Most requests carry a key seen moments ago, and answering them here saves a hop to
     * the blocking threads on the busiest path of the API.
     */
    default Optional<String> knownTenantFor(String apiKey) {
      return Optional.empty();
    }
  }

  private final List<Endpoint> endpoints;
  private final byte[] adminKey;
  private final TenantKeys tenantKeys;
  private final Executor blocking;
  private final ObjectMapper json;
  private final Materializer materializer;
  private final long maxBodyBytes;
  private final MeterRegistry metrics;
  private final int maxInFlight;
  private final Duration responseDeadline;
  private final java.util.concurrent.atomic.AtomicInteger inFlight =
      new java.util.concurrent.atomic.AtomicInteger();

  public ApiHandler(
      List<Endpoint> endpoints,
      String adminKey,
      TenantKeys tenantKeys,
      Executor blocking,
      ObjectMapper json,
      Materializer materializer,
      long maxBodyBytes,
      int maxInFlight,
      Duration responseDeadline,
      MeterRegistry metrics) {
    this.endpoints = List.copyOf(endpoints);
    this.adminKey = adminKey.getBytes(StandardCharsets.UTF_8);
    this.tenantKeys = tenantKeys;
    this.blocking = blocking;
    this.json = json;
    this.materializer = materializer;
    this.maxBodyBytes = maxBodyBytes;
    this.maxInFlight = maxInFlight;
    this.responseDeadline = responseDeadline;
    this.metrics = metrics;
    metrics.gauge("http.server.in.flight", inFlight);
  }

  public List<Endpoint> endpoints() {
    return endpoints;
  }

  @Override
  public CompletionStage<HttpResponse> apply(HttpRequest request) {
    long start = System.nanoTime();
    String path = request.getUri().path();
    Routed routed;
    try {
      routed = route(request);
    } catch (ApiException e) {
      request.discardEntityBytes(materializer);
      HttpResponse response = problem(e.problem(), path);
      record(request, "unmatched", response, start);
      return CompletableFuture.completedFuture(response);
    }
    boolean admitted = routed.endpoint().access() == Access.PUBLIC || admit();
    if (!admitted) {
      request.discardEntityBytes(materializer);
      HttpResponse response =
          problem(
              Problem.unavailable("overloaded", "The node has too many requests in flight."), path);
      record(request, routed.endpoint().template(), response, start);
      return CompletableFuture.completedFuture(response);
    }
    CompletableFuture<HttpResponse> work =
        handle(request, routed)
            .exceptionally(failure -> failureResponse(failure, path))
            .toCompletableFuture();
    // The request counts as in flight until its work is done, even when it was answered first.
    work.whenComplete(
        (response, failure) -> {
          if (routed.endpoint().access() != Access.PUBLIC) {
            inFlight.decrementAndGet();
          }
        });
    return withDeadline(work, routed.endpoint(), path)
        .thenApply(
            response -> {
              record(request, routed.endpoint().template(), response, start);
              return response;
            });
  }

  /**
   * A request still waiting at the deadline is answered 503 with Retry-After: under overload the
   * work may queue for threads or a database connection, and a client (a marketplace webhook above
   * all, which gives up after a few seconds) is better told to retry than left hanging. The work
   * itself goes on; every write is idempotent by its id, so the retry finds its outcome. Uploads
   * are exempt: a large file takes its time, and only the server's request timeout bounds it.
   */
  private CompletableFuture<HttpResponse> withDeadline(
      CompletableFuture<HttpResponse> work, Endpoint endpoint, String path) {
    if (responseDeadline.isZero() || !Endpoint.JSON.equals(endpoint.consumes())) {
      return work;
    }
    return work.copy()
        .completeOnTimeout(
            problem(
                Problem.unavailable(
                    "deadline", "The request could not be answered in time; retry it."),
                path),
            responseDeadline.toMillis(),
            TimeUnit.MILLISECONDS);
  }

  /**
   * Admission control: a node takes at most {@code maxInFlight} API requests at once. Beyond that
   * it answers 503 at once, so a burst meets fast refusals instead of timeouts, and no SKU can be
   * sent more requests than its stash holds. Health, readiness and metrics are never refused.
   */
  private boolean admit() {
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      return false;
    }
    return true;
  }

  private record Routed(Endpoint endpoint, Map<String, String> params) {}

  private Routed route(HttpRequest request) {
    List<String> segments = new ArrayList<>();
    request.getUri().pathSegments().forEach(segments::add);
    segments.removeIf(String::isEmpty);
    List<String> allowed = new ArrayList<>();
    for (Endpoint endpoint : endpoints) {
      Optional<Map<String, String>> params = PathTemplate.match(endpoint.segments(), segments);
      if (params.isPresent()) {
        if (endpoint.method().equals(request.method().name())) {
          return new Routed(endpoint, params.get());
        }
        allowed.add(endpoint.method());
      }
    }
    if (allowed.isEmpty()) {
      throw new ApiException(Problem.notFound("route-not-found", "No route matches this path."));
    }
    throw new ApiException(
        Problem.of(
                405,
                "method-not-allowed",
                "Method not allowed",
                "This path answers " + String.join(", ", allowed) + ".")
            .with("allow", allowed));
  }

  private CompletionStage<HttpResponse> handle(HttpRequest request, Routed routed) {
    String path = request.getUri().path();
    return authenticate(request, routed.endpoint().access())
        .thenCompose(
            principal ->
                readBody(request, routed.endpoint())
                    .thenApply(
                        body ->
                            new Call(
                                principal,
                                path,
                                routed.params(),
                                query(request),
                                body,
                                headers(request))))
        .thenCompose(call -> routed.endpoint().handler().handle(call))
        .thenApply(reply -> response(reply));
  }

  private static Map<String, String> query(HttpRequest request) {
    try {
      return request.getUri().query().toMap();
    } catch (RuntimeException e) {
      throw new ApiException(Problem.badRequest("The query string is malformed."));
    }
  }

  private static Map<String, List<String>> headers(HttpRequest request) {
    Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (HttpHeader header : request.getHeaders()) {
      headers.computeIfAbsent(header.name(), n -> new ArrayList<>()).add(header.value());
    }
    return headers;
  }

  private CompletionStage<Principal> authenticate(HttpRequest request, Access access) {
    if (access == Access.PUBLIC || access == Access.WEBHOOK) {
      return CompletableFuture.completedFuture(new Principal.Anonymous());
    }
    Optional<String> key =
        request
            .getHeader("Authorization")
            .map(HttpHeader::value)
            .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7))
            .map(v -> v.substring(7).trim());
    if (key.isEmpty() || key.get().isEmpty()) {
      return CompletableFuture.failedFuture(new ApiException(unauthorized()));
    }
    boolean isAdmin = MessageDigest.isEqual(adminKey, key.get().getBytes(StandardCharsets.UTF_8));
    if (access == Access.ADMIN) {
      if (isAdmin) {
        return CompletableFuture.completedFuture(new Principal.Admin());
      }
      return CompletableFuture.supplyAsync(() -> tenantKeys.tenantFor(key.get()), blocking)
          .thenApply(
              tenant -> {
                throw new ApiException(
                    tenant.isPresent()
                        ? Problem.of(
                            403,
                            "admin-only",
                            "Forbidden",
                            "Only the administrator key may call this route.")
                        : unauthorized());
              });
    }
    if (isAdmin) {
      return CompletableFuture.failedFuture(
          new ApiException(
              Problem.of(
                  403,
                  "tenant-only",
                  "Forbidden",
                  "The administrator key manages tenants; use a tenant key for tenant data.")));
    }
    Optional<String> known = tenantKeys.knownTenantFor(key.get());
    if (known.isPresent()) {
      return CompletableFuture.completedFuture(new Principal.Tenant(known.get()));
    }
    return CompletableFuture.supplyAsync(() -> tenantKeys.tenantFor(key.get()), blocking)
        .thenApply(
            tenant ->
                new Principal.Tenant(tenant.orElseThrow(() -> new ApiException(unauthorized()))));
  }

  private static Problem unauthorized() {
    return Problem.of(
        401, "unauthorized", "Unauthorized", "Send a valid key as 'Authorization: Bearer <key>'.");
  }

  private CompletionStage<byte[]> readBody(HttpRequest request, Endpoint endpoint) {
    long limit = endpoint.maxBodyBytes() > 0 ? endpoint.maxBodyBytes() : maxBodyBytes;
    HttpEntity entity = request.entity();
    if (entity.getContentLengthOption().isPresent()
        && entity.getContentLengthOption().getAsLong() > limit) {
      request.discardEntityBytes(materializer);
      return CompletableFuture.failedFuture(new ApiException(tooLarge(limit)));
    }
    if (entity.isKnownEmpty()) {
      return CompletableFuture.completedFuture(new byte[0]);
    }
    if (!accepts(endpoint.consumes(), entity.getContentType())) {
      request.discardEntityBytes(materializer);
      return CompletableFuture.failedFuture(
          new ApiException(
              Problem.of(
                  415,
                  "unsupported-media-type",
                  "Unsupported media type",
                  "Send the body as " + endpoint.consumes() + ".")));
    }
    return entity
        .withSizeLimit(limit)
        .toStrict(10_000, materializer)
        .thenApply(strict -> strict.getData().toArray())
        .exceptionally(
            failure -> {
              throw new ApiException(tooLarge(limit));
            });
  }

  private static Problem tooLarge(long limit) {
    return Problem.of(
        413,
        "body-too-large",
        "Request body too large",
        "Bodies are limited to " + limit + " bytes.");
  }

  private static boolean accepts(String consumes, ContentType type) {
    if (consumes.equals(Endpoint.JSON)) {
      return isJson(type);
    }
    String actual = type.mediaType().mainType() + "/" + type.mediaType().subType();
    return actual.equalsIgnoreCase(consumes);
  }

  private static boolean isJson(ContentType type) {
    String subType = type.mediaType().subType();
    return type.mediaType().mainType().equals("application")
        && (subType.equals("json") || subType.endsWith("+json"));
  }

  private HttpResponse response(Reply reply) {
    HttpResponse response = HttpResponse.create().withStatus(reply.status());
    if (reply.body() instanceof Reply.Stream stream) {
      // Streamed (Server-Sent Events): chunked, so each event reaches the client as it is made.
      response =
          response.withEntity(
              HttpEntities.create(ContentTypes.parse(reply.contentType()), stream.source()));
    } else if (reply.body() instanceof byte[] bytes) {
      response = response.withEntity(ContentTypes.parse(reply.contentType()), bytes);
    } else if (reply.body() != null) {
      if (reply.contentType() != null) {
        ContentType type = ContentTypes.parse(reply.contentType());
        response =
            response.withEntity(type, ((String) reply.body()).getBytes(StandardCharsets.UTF_8));
      } else {
        response = response.withEntity(ContentTypes.APPLICATION_JSON, write(reply.body()));
      }
    }
    for (Map.Entry<String, String> header : reply.headers().entrySet()) {
      response = response.addHeader(RawHeader.create(header.getKey(), header.getValue()));
    }
    return response;
  }

  private HttpResponse failureResponse(Throwable failure, String path) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException
            || cause instanceof java.util.concurrent.ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ApiException api) {
      return problem(api.problem(), path);
    }
    if (cause instanceof TimeoutException
        || cause instanceof java.util.concurrent.RejectedExecutionException) {
      log.warn("Request to {} timed out or was refused: {}", path, cause.toString());
      return problem(
          Problem.unavailable("timeout", "The engine did not answer in time; retry later."), path);
    }
    if (io.ecengine.persistence.Database.isUnavailable(cause)) {
      log.warn("Request to {} failed, the database is unavailable: {}", path, cause.toString());
      return problem(
          Problem.unavailable(
              "unavailable", "The engine cannot reach its database right now; retry later."),
          path);
    }
    log.error("Unexpected failure on {}", path, cause);
    return problem(
        Problem.of(
            500,
            "internal-error",
            "Internal error",
            "The engine failed unexpectedly; the failure was logged."),
        path);
  }

  /** Renders a problem; every 503 carries Retry-After so that clients back off, not hammer. */
  public HttpResponse problem(Problem problem, String path) {
    HttpResponse response =
        HttpResponse.create()
            .withStatus(problem.status())
            .withEntity(PROBLEM_JSON, write(problem.body(path)));
    if (problem.status() == 503) {
      response = response.addHeader(RawHeader.create("Retry-After", "1"));
    }
    if (problem.status() == 401) {
      response = response.addHeader(RawHeader.create("WWW-Authenticate", "Bearer"));
    }
    if (problem.status() == 405 && problem.extensions().get("allow") instanceof List<?> allow) {
      response =
          response.addHeader(
              RawHeader.create(
                  "Allow", String.join(", ", allow.stream().map(Object::toString).toList())));
    }
    return response;
  }

  private byte[] write(Object body) {
    try {
      return json.writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("Response not serializable", e);
    }
  }

  private void record(HttpRequest request, String route, HttpResponse response, long start) {
    Timer.builder("http.server.requests")
        .tag("method", request.method().name())
        .tag("route", route)
        .tag("status", Integer.toString(response.status().intValue()))
        .register(metrics)
        .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
  }
}
