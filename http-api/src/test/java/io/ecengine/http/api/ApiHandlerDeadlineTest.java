package io.ecengine.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class ApiHandlerDeadlineTest {

  private static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void aRequestStillWaitingAtTheDeadlineIsAnswered503AndStaysInFlightUntilItsWorkEnds()
      throws Exception {
    CompletableFuture<Reply> stuck = new CompletableFuture<>();
    ApiHandler handler =
        handler(List.of(new Endpoint("GET", "/v1/stuck", Access.TENANT, call -> stuck), QUICK), 1);

    HttpResponse late =
        handler.apply(get("/v1/stuck")).toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(late.status().intValue()).isEqualTo(503);
    assertThat(late.getHeader("Retry-After")).isPresent();
    assertThat(body(late)).contains("deadline");
    // The one slot is still held by the stuck work: the next request is refused at once.
    HttpResponse refused =
        handler.apply(get("/v1/quick")).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(refused.status().intValue()).isEqualTo(503);
    assertThat(body(refused)).contains("overloaded");

    stuck.complete(Reply.ok(Map.of("late", true)));
    HttpResponse admitted =
        handler.apply(get("/v1/quick")).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(admitted.status().intValue()).isEqualTo(200);
  }

  @Test
  void aRequestAnsweredBeforeTheDeadlineKeepsItsAnswer() throws Exception {
    ApiHandler handler = handler(List.of(QUICK), 10);

    HttpResponse response =
        handler.apply(get("/v1/quick")).toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(response.status().intValue()).isEqualTo(200);
  }

  private static final Endpoint QUICK =
      new Endpoint(
          "GET",
          "/v1/quick",
          Access.TENANT,
          call -> CompletableFuture.completedFuture(Reply.ok(Map.of("ok", true))));

  private static ApiHandler handler(List<Endpoint> endpoints, int maxInFlight) {
    return new ApiHandler(
        endpoints,
        "admin-key",
        key -> Optional.of("acme"),
        Runnable::run,
        new ObjectMapper(),
        Materializer.matFromSystem(kit.system()),
        65536,
        maxInFlight,
        Duration.ofMillis(200),
        new SimpleMeterRegistry());
  }

  private static String body(HttpResponse response) {
    return ((org.apache.pekko.http.javadsl.model.HttpEntity.Strict) response.entity())
        .getData()
        .utf8String();
  }

  private static HttpRequest get(String path) {
    return HttpRequest.GET(path)
        .addHeader(
            org.apache.pekko.http.javadsl.model.headers.RawHeader.create(
                "Authorization", "Bearer ec_test_key"));
  }
}
