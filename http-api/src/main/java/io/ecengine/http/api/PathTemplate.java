package io.ecengine.http.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Matches request paths against templates such as {@code /v1/skus/{sku}}. */
final class PathTemplate {

  private PathTemplate() {}

  static List<String> segments(String path) {
    List<String> out = new ArrayList<>();
    for (String part : path.split("/", -1)) {
      if (!part.isEmpty()) {
        out.add(part);
      }
    }
    return out;
  }

  /** The path parameters when the decoded path segments fit the template. */
  static Optional<Map<String, String>> match(List<String> template, List<String> path) {
    if (template.size() != path.size()) {
      return Optional.empty();
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < template.size(); i++) {
      String expected = template.get(i);
      String actual = path.get(i);
      if (expected.startsWith("{") && expected.endsWith("}")) {
        params.put(expected.substring(1, expected.length() - 1), actual);
      } else if (!expected.equals(actual)) {
        return Optional.empty();
      }
    }
    return Optional.of(params);
  }
}
