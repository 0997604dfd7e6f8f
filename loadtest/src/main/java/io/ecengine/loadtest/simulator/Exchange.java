package io.ecengine.loadtest.simulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One request to a marketplace of the simulator, read whole, and its single answer. */
final class Exchange {

  private final HttpExchange http;
  private final String method;
  private final String rawPath;
  private final Map<String, String> query;
  private final byte[] body;
  private final Instant arrivedAt;
  private final long arrivedNanos;
  private int status = -1;
  private SimShop shop;
  private Api api;
  private boolean throttled;

  Exchange(HttpExchange http, String prefix, Instant arrivedAt, long arrivedNanos)
      throws IOException {
    this.http = http;
    this.arrivedAt = arrivedAt;
    this.arrivedNanos = arrivedNanos;
    this.method = http.getRequestMethod();
    String path = http.getRequestURI().getRawPath();
    this.rawPath = path.startsWith(prefix) ? path.substring(prefix.length()) : path;
    this.query = parseForm(http.getRequestURI().getRawQuery());
    this.body = http.getRequestBody().readAllBytes();
  }

  Instant arrivedAt() {
    return arrivedAt;
  }

  long arrivedNanos() {
    return arrivedNanos;
  }

  /** Names the shop and API the call was for, once known, so the call is counted for it. */
  void attribute(SimShop toShop, Api toApi) {
    this.shop = toShop;
    this.api = toApi;
  }

  SimShop shop() {
    return shop;
  }

  Api api() {
    return api;
  }

  void markThrottled() {
    throttled = true;
  }

  boolean throttled() {
    return throttled;
  }

  String method() {
    return method;
  }

  /** The path below the marketplace's prefix, still percent-encoded (TikTok signs it so). */
  String rawPath() {
    return rawPath;
  }

  /** The path's segments, decoded; the first is empty for a path starting with '/'. */
  List<String> segments() {
    List<String> segments = new ArrayList<>();
    for (String segment : rawPath.split("/", -1)) {
      segments.add(decode(segment.replace("+", "%2B")));
    }
    return segments;
  }

  /** Query parameters, decoded, in the order they came; a repeated name keeps its first value. */
  Map<String, String> query() {
    return query;
  }

  String header(String name) {
    return http.getRequestHeaders().getFirst(name);
  }

  byte[] body() {
    return body;
  }

  String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The status answered, or -1 before the answer. */
  int status() {
    return status;
  }

  void respond(int code, String contentType, String text, Map<String, String> headers)
      throws IOException {
    byte[] bytes = text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
    headers.forEach((name, value) -> http.getResponseHeaders().add(name, value));
    if (bytes.length > 0 && contentType != null) {
      http.getResponseHeaders().set("Content-Type", contentType);
    }
    status = code;
    // Counted before the answer leaves, so a caller that has the answer sees the call counted.
    if (shop != null && api != null) {
      shop.recordCall(new CallRecord(arrivedAt, api, code, throttled));
    }
    http.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = http.getResponseBody()) {
        out.write(bytes);
      }
    }
    http.close();
  }

  void json(int code, String json) throws IOException {
    respond(code, "application/json; charset=utf-8", json, Map.of());
  }

  void json(int code, String json, Map<String, String> headers) throws IOException {
    respond(code, "application/json; charset=utf-8", json, headers);
  }

  void xml(int code, String xml) throws IOException {
    respond(code, "application/xml; charset=utf-8", xml, Map.of());
  }

  void xml(int code, String xml, Map<String, String> headers) throws IOException {
    respond(code, "application/xml; charset=utf-8", xml, headers);
  }

  void empty(int code) throws IOException {
    respond(code, null, null, Map.of());
  }

  /** Parses application/x-www-form-urlencoded text (a query string or a form body). */
  static Map<String, String> parseForm(String raw) {
    if (raw == null || raw.isEmpty()) {
      return Collections.emptyMap();
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = decode(equals < 0 ? pair : pair.substring(0, equals));
      String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
      values.putIfAbsent(name, value);
    }
    return values;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text;
    }
  }
}
