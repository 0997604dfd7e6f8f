package io.ecengine.http.routes;

import io.ecengine.http.api.Access;
import io.ecengine.http.api.Call;
import io.ecengine.http.api.Endpoint;
import io.ecengine.http.api.Ids;
import io.ecengine.http.api.Reply;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The console's live data: {@code GET /v1/console/events}, a Server-Sent Events stream of the
 * overview (and of one SKU's levels with {@code ?sku=}), and {@code GET /v1/console/overview}, the
 * same overview once as JSON.
 *
 * <p>The stream is authenticated like every other call, with the tenant's key in the {@code
 * Authorization} header. Browsers' EventSource cannot send that header, so the console reads the
 * stream with {@code fetch()} instead; the key never appears in a URL, where logs and browser
 * history would keep it.
 */
public final class ConsoleRoutes {

  private final ConsoleFeed feed;

  public ConsoleRoutes(ConsoleFeed feed) {
    this.feed = feed;
  }

  public List<Endpoint> endpoints() {
    return List.of(
        new Endpoint("GET", "/v1/console/events", Access.TENANT, this::events),
        new Endpoint("GET", "/v1/console/overview", Access.TENANT, this::overview));
  }

  private CompletionStage<Reply> events(Call call) {
    String sku =
        call.queryParam("sku").filter(s -> !s.isEmpty()).map(s -> Ids.check("sku", s)).orElse(null);
    return CompletableFuture.completedFuture(
        Reply.stream(
            "text/event-stream",
            feed.open(call.tenantId(), sku),
            Map.of("Cache-Control", "no-store", "X-Accel-Buffering", "no")));
  }

  private CompletionStage<Reply> overview(Call call) {
    return feed.overview(call.tenantId()).thenApply(Reply::ok);
  }
}
