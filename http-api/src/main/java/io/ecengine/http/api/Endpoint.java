package io.ecengine.http.api;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * One route of the API: a method, a path template with {@code {name}} segments, who may call it,
 * and its handler. The list of endpoints is the single source of truth that both the server and the
 * OpenAPI consistency test read.
 */
public record Endpoint(
    String method,
    String template,
    Access access,
    Handler handler,
    String consumes,
    long maxBodyBytes) {

  /** Media type of bodies most endpoints take. */
  public static final String JSON = "application/json";

  /** An endpoint taking JSON bodies within the server-wide size limit. */
  public Endpoint(String method, String template, Access access, Handler handler) {
    this(method, template, access, handler, JSON, 0);
  }

  /** An endpoint taking another media type, with its own size limit (bulk uploads). */
  public static Endpoint upload(
      String method, String template, String consumes, long maxBodyBytes, Handler handler) {
    return new Endpoint(method, template, Access.TENANT, handler, consumes, maxBodyBytes);
  }

  /** Handles one call; completes with a reply or fails with an {@link ApiException}. */
  @FunctionalInterface
  public interface Handler {
    CompletionStage<Reply> handle(Call call);
  }

  public List<String> segments() {
    return PathTemplate.segments(template);
  }
}
