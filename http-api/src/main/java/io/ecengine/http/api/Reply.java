package io.ecengine.http.api;

import java.util.Map;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * What a handler answers: a status, a body (serialized as JSON unless it is raw text, raw bytes or
 * a {@link Stream}) and extra headers.
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

  /**
   * A body sent as it is produced (chunked), such as Server-Sent Events. The response is complete
   * for the handler as soon as it is returned, so a stream never counts against the in-flight
   * request limit; whoever makes one bounds how many run at once.
   */
  public record Stream(Source<ByteString, ?> source) {}

  public static Reply stream(
      String contentType, Source<ByteString, ?> source, Map<String, String> headers) {
    return new Reply(200, new Stream(source), contentType, headers);
  }
}
