package io.ecengine.http.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RFC 9457 problem: the one shape every error of the API takes. {@code type} is a stable URN
 * that clients can switch on; {@code extensions} carry machine-readable details such as the
 * available quantity.
 */
public record Problem(
    String slug, int status, String title, String detail, Map<String, Object> extensions) {

  private static final String TYPE_PREFIX = "urn:ec-engine:problem:";

  public static Problem of(int status, String slug, String title, String detail) {
    return new Problem(slug, status, title, detail, Map.of());
  }

  public Problem with(String key, Object value) {
    Map<String, Object> more = new LinkedHashMap<>(extensions);
    more.put(key, value);
    return new Problem(slug, status, title, detail, more);
  }

  public String type() {
    return TYPE_PREFIX + slug;
  }

  /** The JSON members of the problem document, in a readable order. */
  public Map<String, Object> body(String instance) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", type());
    body.put("title", title);
    body.put("status", status);
    if (detail != null) {
      body.put("detail", detail);
    }
    body.put("instance", instance);
    body.putAll(extensions);
    return body;
  }

  public static Problem badRequest(String detail) {
    return of(400, "invalid-request", "The request is not valid", detail);
  }

  public static Problem notFound(String slug, String detail) {
    return of(404, slug, "Not found", detail);
  }

  public static Problem conflict(String slug, String title, String detail) {
    return of(409, slug, title, detail);
  }

  public static Problem unavailable(String slug, String detail) {
    return of(503, slug, "Temporarily unavailable, retry later", detail);
  }
}
