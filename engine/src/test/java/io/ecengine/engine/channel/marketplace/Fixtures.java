package io.ecengine.engine.channel.marketplace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Shared inputs for the adapter tests: a fixed instant, JSON comparison and an HMAC. */
final class Fixtures {

  /** 2024-03-01T00:00:00Z, 09:00 in Japan. */
  static final Instant NOW = Instant.parse("2024-03-01T00:00:00Z");

  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Fixtures() {}

  static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(byte[] body) {
    return json(new String(body, StandardCharsets.UTF_8));
  }

  /** Single quotes for readable JSON literals in tests. */
  static String q(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }

  static MarketplaceResponse response(int status, String body) {
    return MarketplaceResponse.of(status, body);
  }

  static MarketplaceResponse response(int status, Map<String, List<String>> headers, String body) {
    return MarketplaceResponse.of(status, headers, body);
  }

  static byte[] hmacSha256(String key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  static URI uri(String text) {
    return URI.create(text);
  }
}
