package io.ecengine.http.routes;

import io.ecengine.engine.sku.Component;
import io.ecengine.engine.sku.Levels;
import io.ecengine.engine.sku.SkuOutcome;
import io.ecengine.engine.sku.SkuOutcome.Done;
import io.ecengine.engine.sku.SkuOutcome.Rejected;
import io.ecengine.engine.sku.SkuOutcome.Rejection;
import io.ecengine.engine.sku.SkuRequest;
import io.ecengine.http.api.ApiException;
import io.ecengine.http.api.Problem;
import io.ecengine.http.api.Reply;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Reservations of a bundle through the SKU API. A bundle holds no stock of its own, so a hold on it
 * is a hold on each component, for the bundle's quantity times the component's, under an id derived
 * from the bundle and the caller's reservation id. The components are reserved one after the other
 * in SKU order; if one cannot be, those already held are released again, so the caller gets all of
 * them or none. Releasing or committing the bundle's reservation does the same to every component.
 *
 * <p>Limitation: the steps are not journalled as one saga (orders are). A node that stops between
 * two components leaves the first ones held until the caller retries or releases the reservation,
 * or until its expiry when it has one; a retry with the same id completes it.
 */
final class BundleHolds {

  /** Sends one request to one SKU of the tenant and answers its raw outcome. */
  interface SkuCaller {
    CompletionStage<SkuOutcome> submit(String tenantId, String sku, SkuRequest request);
  }

  private final SkuCaller skus;
  private final SkuRoutes routes;

  BundleHolds(SkuCaller skus, SkuRoutes routes) {
    this.skus = skus;
    this.routes = routes;
  }

  /** The id of a bundle reservation's hold on each component. */
  static String componentReservationId(String reservationId, String bundleSku) {
    return reservationId + "@" + bundleSku;
  }

  private record Held(Component component, Done done) {}

  CompletionStage<Reply> reserve(
      String tenantId,
      String bundleSku,
      Levels bundle,
      String reservationId,
      long quantity,
      String channelId,
      Long expiresInSeconds) {
    List<Component> parts = inSkuOrder(bundle.components());
    String partId = componentReservationId(reservationId, bundleSku);
    return reserveFrom(
            0,
            parts,
            new ArrayList<>(),
            tenantId,
            component ->
                new SkuRequest.Reserve(
                    partId,
                    Math.multiplyExact(quantity, component.quantity()),
                    channelId,
                    expiresInSeconds))
        .thenCompose(
            failure -> {
              if (failure.problem() == null) {
                return CompletableFuture.completedFuture(
                    reserved(bundleSku, reservationId, quantity, channelId, failure.held()));
              }
              // All or none: what this bundle reservation holds goes back before the answer.
              return releaseAll(tenantId, partId, failure.held())
                  .thenCompose(
                      released ->
                          failure.rejection() == Rejection.INSUFFICIENT_STOCK
                              ? routes
                                  .bundleAvailable(tenantId, bundle)
                                  .thenApply(
                                      now -> failure.problem().with("available", now.available()))
                              : CompletableFuture.completedFuture(failure.problem()))
                  .thenApply(
                      problem -> {
                        throw new ApiException(problem);
                      });
            });
  }

  /** The outcome of reserving the components from {@code index} on. */
  private record Attempt(List<Held> held, Problem problem, Rejection rejection) {}

  private CompletionStage<Attempt> reserveFrom(
      int index,
      List<Component> parts,
      List<Held> held,
      String tenantId,
      java.util.function.Function<Component, SkuRequest.Reserve> request) {
    if (index == parts.size()) {
      return CompletableFuture.completedFuture(new Attempt(held, null, null));
    }
    Component part = parts.get(index);
    return skus.submit(tenantId, part.sku(), request.apply(part))
        .thenCompose(
            outcome -> {
              if (outcome instanceof Done done && !done.closed()) {
                held.add(new Held(part, done));
                return reserveFrom(index + 1, parts, held, tenantId, request);
              }
              if (outcome instanceof Done) {
                return CompletableFuture.completedFuture(
                    new Attempt(
                        held,
                        Problem.conflict(
                            "reservation-closed",
                            "The reservation is closed",
                            "This reservationId was used for a bundle reservation that was"
                                + " released, expired or committed; use a new id."),
                        Rejection.RESERVATION_CLOSED));
              }
              Rejected rejected = (Rejected) outcome;
              return CompletableFuture.completedFuture(
                  new Attempt(held, componentProblem(part, rejected), rejected.reason()));
            });
  }

  private static Problem componentProblem(Component part, Rejected rejected) {
    return switch (rejected.reason()) {
      case INSUFFICIENT_STOCK ->
          Problem.conflict(
              "insufficient-stock",
              "Not enough stock available",
              "Component " + part.sku() + ": " + rejected.detail());
      case SKU_NOT_FOUND ->
          Problem.conflict(
              "component-not-found",
              "A component of the bundle is not defined",
              "Component " + part.sku() + " is not defined.");
      case BUNDLE_HAS_NO_STOCK ->
          Problem.conflict(
              "bundle-has-no-stock",
              "A bundle holds no stock of its own",
              "Component " + part.sku() + " is itself a bundle; bundles are one level deep.");
      default -> SkuRoutes.problem(rejected);
    };
  }

  private static Reply reserved(
      String bundleSku, String reservationId, long quantity, String channelId, List<Held> held) {
    boolean created = held.stream().anyMatch(h -> h.done().created());
    long available = Long.MAX_VALUE;
    List<Map<String, Object>> components = new ArrayList<>();
    for (Held h : held) {
      available =
          Math.min(available, h.done().reservation().availableAfter() / h.component().quantity());
      Map<String, Object> part = new LinkedHashMap<>();
      part.put("sku", h.component().sku());
      part.put("reservationId", h.done().reservation().reservationId());
      part.put("quantity", h.done().reservation().quantity());
      part.put("kind", h.done().reservation().kind().name());
      components.add(part);
    }
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("reservationId", reservationId);
    view.put("sku", bundleSku);
    view.put("quantity", quantity);
    view.put("channelId", channelId);
    var expiresAt = held.get(0).done().reservation().expiresAt();
    view.put("expiresAt", expiresAt == null ? null : expiresAt.toString());
    view.put("available", available);
    view.put("components", components);
    String location =
        "/v1/skus/"
            + SkuRoutes.encodeSegment(bundleSku)
            + "/reservations/"
            + SkuRoutes.encodeSegment(reservationId);
    return created ? Reply.created(view, location) : Reply.ok(view);
  }

  private CompletionStage<Void> releaseAll(String tenantId, String partId, List<Held> held) {
    CompletableFuture<?>[] releases =
        held.stream()
            .map(
                h ->
                    skus.submit(tenantId, h.component().sku(), new SkuRequest.Release(partId))
                        .toCompletableFuture())
            .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(releases);
  }

  /** Releases (or ships, with {@code commit}) the bundle reservation on every component. */
  CompletionStage<Reply> close(
      String tenantId, String bundleSku, Levels bundle, String reservationId, boolean commit) {
    String partId = componentReservationId(reservationId, bundleSku);
    List<Component> parts = inSkuOrder(bundle.components());
    Map<Component, CompletableFuture<SkuOutcome>> outcomes = new LinkedHashMap<>();
    for (Component part : parts) {
      SkuRequest request = commit ? new SkuRequest.Commit(partId) : new SkuRequest.Release(partId);
      outcomes.put(part, skus.submit(tenantId, part.sku(), request).toCompletableFuture());
    }
    return CompletableFuture.allOf(outcomes.values().toArray(CompletableFuture[]::new))
        .thenCompose(
            all -> {
              Long quantity = null;
              for (Map.Entry<Component, CompletableFuture<SkuOutcome>> e : outcomes.entrySet()) {
                SkuOutcome outcome = e.getValue().join();
                if (outcome instanceof Done done) {
                  quantity = done.reservation().quantity() / e.getKey().quantity();
                } else if (((Rejected) outcome).reason() != Rejection.RESERVATION_NOT_FOUND) {
                  throw new ApiException(componentProblem(e.getKey(), (Rejected) outcome));
                }
              }
              if (quantity == null) {
                throw new ApiException(
                    Problem.notFound(
                        "reservation-not-found",
                        "No reservation " + reservationId + " on bundle " + bundleSku + "."));
              }
              long units = quantity;
              return routes
                  .bundleAvailable(tenantId, bundle)
                  .thenApply(
                      now -> {
                        Map<String, Object> view = new LinkedHashMap<>();
                        view.put("reservationId", reservationId);
                        view.put("sku", bundleSku);
                        view.put("quantity", units);
                        view.put("status", commit ? "committed" : "released");
                        Map<String, Object> levels = SkuRoutes.skuView(bundleSku, bundle);
                        levels.put("available", now.available());
                        view.put("levels", levels);
                        return Reply.ok(view);
                      });
            });
  }

  private static List<Component> inSkuOrder(List<Component> components) {
    return components.stream().sorted(Comparator.comparing(Component::sku)).toList();
  }
}
