package io.ecengine.http.api;

import java.util.regex.Pattern;

/** Validation of the identifiers clients choose: SKU codes, reservation and adjustment ids. */
public final class Ids {

  public static final int MAX_LENGTH = 128;
  private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private Ids() {}

  /**
   * An id is 1 to 128 characters without control characters, white space or '/': it appears in URL
   * paths, journal keys and log lines, where those would be ambiguous or unsafe.
   */
  public static String check(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw JsonBody.invalid("'" + field + "' must not be empty.");
    }
    if (value.codePointCount(0, value.length()) > MAX_LENGTH) {
      throw JsonBody.invalid("'" + field + "' is longer than " + MAX_LENGTH + " characters.");
    }
    boolean bad =
        value
            .codePoints()
            .anyMatch(
                c ->
                    Character.isISOControl(c)
                        || Character.isWhitespace(c)
                        || c == '/'
                        || Character.getType(c) == Character.FORMAT);
    if (bad) {
      throw JsonBody.invalid(
          "'" + field + "' must not contain control characters, white space or '/'.");
    }
    return value;
  }

  /** Tenant ids are lower-case slugs: they name database rows and entity ids. */
  public static String checkTenant(String value) {
    if (value == null || !TENANT.matcher(value).matches()) {
      throw JsonBody.invalid(
          "'tenantId' must be 1 to 63 characters of a-z, 0-9 and '-', starting with a letter or "
              + "digit.");
    }
    return value;
  }

  /** A display name: 1 to 200 characters without control characters. */
  public static String checkName(String field, String value) {
    if (value.isBlank() || value.codePointCount(0, value.length()) > 200) {
      throw JsonBody.invalid("'" + field + "' must be 1 to 200 characters.");
    }
    if (value.codePoints().anyMatch(Character::isISOControl)) {
      throw JsonBody.invalid("'" + field + "' must not contain control characters.");
    }
    return value;
  }
}
