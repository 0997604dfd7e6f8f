package io.ecengine.engine.channel.marketplace;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The HTTP and signing details every adapter shares. */
final class MarketplaceHttp {

  private MarketplaceHttp() {}

  static Optional<String> header(Map<String, List<String>> headers, String name) {
    return headers.entrySet().stream()
        .filter(entry -> entry.getKey() != null && entry.getKey().equalsIgnoreCase(name))
        .flatMap(entry -> entry.getValue().stream())
        .findFirst();
  }

  /**
   * How long a Retry-After header asks us to wait: delay-seconds or an HTTP date. A date is taken
   * relative to the response's own Date header when it has one, so a skewed local clock does not
   * stretch or cut the wait.
   */
  static Optional<Duration> retryAfter(MarketplaceResponse response, Clock clock) {
    Optional<String> value = response.header("Retry-After").map(String::trim);
    if (value.isEmpty() || value.get().isEmpty()) {
      return Optional.empty();
    }
    try {
      double seconds = Double.parseDouble(value.get());
      return Optional.of(Duration.ofMillis(Math.max(0, Math.round(seconds * 1000))));
    } catch (NumberFormatException notSeconds) {
      Optional<Instant> until = httpDate(value.get());
      if (until.isEmpty()) {
        return Optional.empty();
      }
      Instant reference = response.header("Date").flatMap(MarketplaceHttp::httpDate).orElse(null);
      Instant from = reference != null ? reference : clock.instant();
      Duration wait = Duration.between(from, until.get());
      return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
    }
  }

  static Optional<Instant> httpDate(String value) {
    try {
      return Optional.of(
          ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * The outcome of an HTTP status that is not a success, for marketplaces whose statuses mean what
   * HTTP says: 429 throttles, 408 and 5xx are worth retrying, 401 and 403 need new credentials.
   */
  static PushResult failure(MarketplaceResponse response, Clock clock) {
    int status = response.status();
    if (status == 429) {
      return new PushResult.Throttled(retryAfter(response, clock).orElse(null));
    }
    if (status == 408 || status >= 500) {
      return new PushResult.Failed(
          true, "HTTP " + status + snippet(response), retryAfter(response, clock).orElse(null));
    }
    if (status == 401 || status == 403) {
      return new PushResult.Failed(
          false, "HTTP " + status + ": credentials refused or expired" + snippet(response));
    }
    return new PushResult.Failed(false, "HTTP " + status + snippet(response));
  }

  /** The start of an error body for an operator to read; error bodies carry codes, not buyers. */
  static String snippet(MarketplaceResponse response) {
    String text = response.bodyText().strip().replaceAll("\\s+", " ");
    if (text.isEmpty()) {
      return "";
    }
    return ": " + (text.length() > 300 ? text.substring(0, 300) + "..." : text);
  }

  /** The API root joined with a path, keeping any path prefix the root has. */
  static URI uri(URI baseUrl, String path, Map<String, String> query) {
    String base = baseUrl.toString();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    String queryString = query.isEmpty() ? "" : "?" + form(query);
    return URI.create(base + path + queryString);
  }

  /** application/x-www-form-urlencoded, in the map's order. */
  static String form(Map<String, String> parameters) {
    return parameters.entrySet().stream()
        .map(entry -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
        .collect(Collectors.joining("&"));
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Percent-encodes one path segment (a space is %20 there, not +). */
  static String pathSegment(String value) {
    return encode(value).replace("+", "%20");
  }

  static byte[] hmacSha256(String key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  /** Compares a received signature with the expected one without leaking where they differ. */
  static boolean constantTimeEquals(String expected, String received) {
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8), received.getBytes(StandardCharsets.UTF_8));
  }

  static <T> List<List<T>> chunks(List<T> items, int size) {
    List<List<T>> chunks = new ArrayList<>();
    for (int from = 0; from < items.size(); from += size) {
      chunks.add(List.copyOf(items.subList(from, Math.min(items.size(), from + size))));
    }
    return chunks;
  }

  static long clamp(long quantity, long max) {
    return Math.max(0, Math.min(max, quantity));
  }
}
