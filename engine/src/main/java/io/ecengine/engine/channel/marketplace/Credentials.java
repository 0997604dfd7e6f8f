package io.ecengine.engine.channel.marketplace;

import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The secrets and account ids one channel uses to call its marketplace, by the key names each
 * adapter documents. Printing a Credentials shows only which keys are present, so a stray log line
 * never leaks a token.
 */
public record Credentials(Map<String, String> values) {

  public Credentials {
    values = Map.copyOf(values);
  }

  public static Credentials of(Map<String, String> values) {
    return new Credentials(values);
  }

  /** The value of a key the call cannot be made without. */
  public String require(String key) {
    String value = values.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("Missing credential: " + key);
    }
    return value;
  }

  public Optional<String> optional(String key) {
    return Optional.ofNullable(values.get(key)).filter(value -> !value.isBlank());
  }

  @Override
  public String toString() {
    return "Credentials" + new TreeSet<>(values.keySet());
  }
}
