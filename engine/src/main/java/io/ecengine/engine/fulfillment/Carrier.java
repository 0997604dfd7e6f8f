package io.ecengine.engine.fulfillment;

import java.util.Optional;

/**
 * The carriers a shipment can leave with. Their ids are the carrier codes the marketplace adapters
 * translate for each marketplace (yamato, sagawa, japan_post).
 *
 * <p>All three number parcels with twelve digits whose last digit is the first eleven taken modulo
 * 7 (the "7DR" check digit), so a mistyped or misread number is caught before it reaches a buyer.
 */
public enum Carrier {
  YAMATO("yamato", true),
  SAGAWA("sagawa", true),
  JAPAN_POST("japan_post", false);

  private final String id;
  private final boolean labelFiles;

  Carrier(String id, boolean labelFiles) {
    this.id = id;
    this.labelFiles = labelFiles;
  }

  public String id() {
    return id;
  }

  /** Whether the engine writes this carrier's label files and reads its result files. */
  public boolean hasLabelFiles() {
    return labelFiles;
  }

  public static Optional<Carrier> fromId(String id) {
    for (Carrier carrier : values()) {
      if (carrier.id.equals(id)) {
        return Optional.of(carrier);
      }
    }
    return Optional.empty();
  }

  /**
   * A tracking number as twelve digits (full-width digits, spaces and hyphens as typed or printed
   * are accepted), or empty when it is not a valid number of this carrier.
   */
  public Optional<String> trackingNumber(String written) {
    if (written == null) {
      return Optional.empty();
    }
    String digits = JapaneseAddress.fold(written).replace("-", "").replace(" ", "");
    if (!digits.matches("[0-9]{12}")) {
      return Optional.empty();
    }
    long body = Long.parseLong(digits.substring(0, 11));
    int check = digits.charAt(11) - '0';
    return body % 7 == check ? Optional.of(digits) : Optional.empty();
  }
}
