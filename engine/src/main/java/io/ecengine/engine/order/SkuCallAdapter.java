package io.ecengine.engine.order;

import io.ecengine.engine.sku.SkuEntity;
import io.ecengine.engine.sku.SkuId;
import io.ecengine.engine.sku.SkuOutcome;
import io.ecengine.engine.sku.SkuOutcome.Rejected;
import io.ecengine.engine.sku.SkuOutcome.Rejection;
import io.ecengine.engine.sku.SkuRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.Patterns;

/**
 * How the order saga talks to SKUs: asks through sharding, retrying a few times with backoff when a
 * SKU is overloaded or does not answer in time. Every request it sends is idempotent by its id, so
 * a retry can never apply twice.
 */
final class SkuCallAdapter {

  /** A SKU that did not answer after every retry; the saga retries the whole step later. */
  static final class Unavailable extends RuntimeException {
    Unavailable(String message) {
      super(message, null, false, false);
    }
  }

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final Duration askTimeout;

  SkuCallAdapter(ActorSystem<?> system, Duration askTimeout) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = askTimeout;
  }

  CompletionStage<SkuOutcome> submit(String tenantId, String sku, SkuRequest request) {
    return withRetry(
        () ->
            sharding
                .entityRefFor(SkuEntity.TYPE_KEY, new SkuId(tenantId, sku).entityId())
                .<SkuOutcome>ask(replyTo -> new SkuEntity.Submit(request, replyTo), askTimeout));
  }

  CompletionStage<SkuOutcome> get(String tenantId, String sku) {
    return withRetry(
        () ->
            sharding
                .entityRefFor(SkuEntity.TYPE_KEY, new SkuId(tenantId, sku).entityId())
                .<SkuOutcome>ask(SkuEntity.Get::new, askTimeout));
  }

  /** Sends one request per SKU, all at once, and collects the outcomes by SKU. */
  CompletionStage<Map<String, SkuOutcome>> submitAll(
      String tenantId, Map<String, SkuRequest> requests) {
    Map<String, CompletableFuture<SkuOutcome>> calls = new LinkedHashMap<>();
    requests.forEach(
        (sku, request) -> calls.put(sku, submit(tenantId, sku, request).toCompletableFuture()));
    return CompletableFuture.allOf(calls.values().toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              Map<String, SkuOutcome> outcomes = new LinkedHashMap<>();
              calls.forEach((sku, call) -> outcomes.put(sku, call.join()));
              return outcomes;
            });
  }

  /** Gets the levels of several SKUs at once. */
  CompletionStage<Map<String, SkuOutcome>> getAll(String tenantId, List<String> skus) {
    Map<String, CompletableFuture<SkuOutcome>> calls = new LinkedHashMap<>();
    skus.forEach(sku -> calls.put(sku, get(tenantId, sku).toCompletableFuture()));
    return CompletableFuture.allOf(calls.values().toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              Map<String, SkuOutcome> outcomes = new LinkedHashMap<>();
              calls.forEach((sku, call) -> outcomes.put(sku, call.join()));
              return outcomes;
            });
  }

  private CompletionStage<SkuOutcome> withRetry(
      java.util.concurrent.Callable<CompletionStage<SkuOutcome>> call) {
    return Patterns.retry(
            () ->
                call.call()
                    .thenApply(
                        outcome -> {
                          if (outcome instanceof Rejected r && r.reason() == Rejection.OVERLOADED) {
                            throw new Unavailable("SKU overloaded");
                          }
                          return outcome;
                        }),
            5,
            Duration.ofMillis(100),
            Duration.ofSeconds(2),
            0.2,
            system.classicSystem())
        .exceptionally(
            failure -> {
              throw new Unavailable("A SKU did not answer: " + failure);
            });
  }
}
