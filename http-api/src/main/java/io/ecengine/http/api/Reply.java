package io.ecengine.http.api;

import java.util.Map;

/**
 * What a handler answers: a status, a body (serialized as JSON unless it is raw text or bytes) and
 * extra headers.
 */
public record Reply(int status, Object body, String contentType, Map<String, String> headers) {

  public static Reply json(int status, Object body) {
    return new Reply(status, body, null, Map.of());
  }

  public static Reply ok(Object body) {
    return json(200, body);
  }

  public static Reply created(Object body, String location) {
    return new Reply(201, body, null, Map.of("Location", location));
  }

  public static Reply text(int status, String body, String contentType) {
    return new Reply(status, body, contentType, Map.of());
  }

  /** Bytes sent as they are, such as a file in another encoding than UTF-8. */
  public static Reply bytes(
      int status, byte[] body, String contentType, Map<String, String> headers) {
    return new Reply(status, body, contentType, Map.copyOf(headers));
  }

  public static Reply noContent() {
    return new Reply(204, null, null, Map.of());
  }
}
