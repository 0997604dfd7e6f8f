package io.ecengine.http.api;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * One route of the API: a method, a path template with {@code {name}} segments, who may call it,
 * and its handler. The list of endpoints is the single source of truth that both the server and the
 * OpenAPI consistency test read.
 */
public record Endpoint(String method, String template, Access access, Handler handler) {

  /** Handles one call; completes with a reply or fails with an {@link ApiException}. */
  @FunctionalInterface
  public interface Handler {
    CompletionStage<Reply> handle(Call call);
  }

  public List<String> segments() {
    return PathTemplate.segments(template);
  }
}
