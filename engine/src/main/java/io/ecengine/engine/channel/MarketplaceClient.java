package io.ecengine.engine.channel;

import io.ecengine.engine.channel.marketplace.MarketplaceRequest;
import io.ecengine.engine.channel.marketplace.MarketplaceResponse;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Sends the calls the marketplace adapters build, over java.net.http. It adds nothing and changes
 * nothing, so that what reaches the marketplace is exactly what the adapter signed.
 */
public final class MarketplaceClient {

  // The JDK sets these itself from the URI and the body and refuses them from the caller; they
  // carry the same values an adapter would have put there.
  private static final Set<String> SET_BY_THE_JDK =
      Set.of("host", "content-length", "connection", "expect", "upgrade");

  private final HttpClient http;
  private final Duration callTimeout;

  /**
   * @param executor runs the client's own work and completes the futures; not an actor's thread
   * @param callTimeout how long one call may take, from sending to the last byte of the answer
   */
  public MarketplaceClient(Executor executor, Duration callTimeout) {
    this.http =
        HttpClient.newBuilder()
            .executor(executor)
            .connectTimeout(callTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.callTimeout = callTimeout;
  }

  /** Sends the call; the stage fails on a network error or timeout, never on an HTTP status. */
  public CompletionStage<MarketplaceResponse> send(MarketplaceRequest request) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(request.uri())
            .timeout(callTimeout)
            .method(
                request.method(),
                request.body().length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(request.body()));
    for (Map.Entry<String, String> header : request.headers().entrySet()) {
      if (!SET_BY_THE_JDK.contains(header.getKey().toLowerCase(Locale.ROOT))) {
        builder.header(header.getKey(), header.getValue());
      }
    }
    return http.sendAsync(builder.build(), HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(
            response ->
                new MarketplaceResponse(
                    response.statusCode(), response.headers().map(), response.body()));
  }
}
