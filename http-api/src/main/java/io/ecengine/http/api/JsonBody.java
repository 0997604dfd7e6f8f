package io.ecengine.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A JSON object from a request body, read field by field with messages that name the field. Fields
 * are checked by hand rather than bound to classes so that every mistake a client can make (wrong
 * type, missing field, unknown field, out-of-range number) gets its own clear 400.
 */
public final class JsonBody {

  private final ObjectNode node;

  private JsonBody(ObjectNode node) {
    this.node = node;
  }

  /** Parses the body; it must be one JSON object with only the {@code allowed} fields. */
  public static JsonBody parse(ObjectMapper mapper, byte[] body, Set<String> allowed) {
    if (body.length == 0) {
      throw invalid("A JSON object body is required.");
    }
    JsonNode tree;
    try {
      tree = mapper.readTree(body);
    } catch (IOException e) {
      throw new ApiException(
          Problem.of(400, "malformed-json", "Malformed JSON", "The body is not valid JSON."));
    }
    if (!(tree instanceof ObjectNode)) {
      throw invalid("The body must be a JSON object.");
    }
    return of(tree, "body", allowed);
  }

  /** A nested object, checked like a body; {@code where} names it in messages. */
  public static JsonBody of(JsonNode node, String where, Set<String> allowed) {
    if (!(node instanceof ObjectNode object)) {
      throw invalid("'" + where + "' must be a JSON object.");
    }
    List<String> unknown = new ArrayList<>();
    object
        .fieldNames()
        .forEachRemaining(
            name -> {
              if (!allowed.contains(name)) {
                unknown.add(name);
              }
            });
    if (!unknown.isEmpty()) {
      throw invalid("Unknown field(s) in '" + where + "': " + String.join(", ", unknown) + ".");
    }
    return new JsonBody(object);
  }

  public String requiredText(String field) {
    return optionalText(field).orElseThrow(() -> invalid("'" + field + "' is required."));
  }

  public Optional<String> optionalText(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw invalid("'" + field + "' must be a string.");
    }
    return Optional.of(value.textValue());
  }

  public long requiredLong(String field, long min, long max) {
    return optionalLong(field, min, max).orElseThrow(() -> invalid("'" + field + "' is required."));
  }

  public Optional<Long> optionalLong(String field, long min, long max) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw invalid("'" + field + "' must be a whole number.");
    }
    long number = value.longValue();
    if (number < min || number > max) {
      throw invalid("'" + field + "' must be between " + min + " and " + max + ".");
    }
    return Optional.of(number);
  }

  public JsonNode raw(String field) {
    return node.get(field);
  }

  public static ApiException invalid(String detail) {
    return new ApiException(Problem.badRequest(detail));
  }
}
