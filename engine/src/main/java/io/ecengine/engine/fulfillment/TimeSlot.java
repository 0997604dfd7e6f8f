package io.ecengine.engine.fulfillment;

import java.util.Optional;

/**
 * A requested delivery time slot (配達時間帯指定), carrier-neutral, with each carrier's code for it.
 *
 * <p>Yamato's codes are those of the B2 Cloud layout since its 2017 change (12–14 was withdrawn,
 * 20–21 became 19–21). Sagawa's are those of the e飛伝Ⅱ layout: 01/12/14/16 and 04 (18–21) for the
 * standard five slots, 18 and 19 for the six-slot option. A slot a carrier does not offer has no
 * code, and a label file refuses it rather than dropping the buyer's request.
 */
public enum TimeSlot {
  MORNING("morning", "0812", "01"),
  H12_14("12-14", null, "12"),
  H14_16("14-16", "1416", "14"),
  H16_18("16-18", "1618", "16"),
  H18_20("18-20", "1820", "18"),
  H19_21("19-21", "1921", "19"),
  H18_21("18-21", null, "04");

  private final String id;
  private final String yamatoCode;
  private final String sagawaCode;

  TimeSlot(String id, String yamatoCode, String sagawaCode) {
    this.id = id;
    this.yamatoCode = yamatoCode;
    this.sagawaCode = sagawaCode;
  }

  /** The API's name: morning, 12-14, 14-16, 16-18, 18-20, 19-21, 18-21. */
  public String id() {
    return id;
  }

  public static Optional<TimeSlot> fromId(String id) {
    for (TimeSlot slot : values()) {
      if (slot.id.equals(id)) {
        return Optional.of(slot);
      }
    }
    return Optional.empty();
  }

  /** The carrier's code for this slot, or empty when the carrier does not offer it. */
  public Optional<String> code(Carrier carrier) {
    return Optional.ofNullable(
        switch (carrier) {
          case YAMATO -> yamatoCode;
          case SAGAWA -> sagawaCode;
          case JAPAN_POST -> null;
        });
  }
}
