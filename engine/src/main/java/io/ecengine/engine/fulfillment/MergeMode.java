package io.ecengine.engine.fulfillment;

import java.util.Locale;

/** Which orders a tenant lets the engine put into one parcel (同梱) by itself. */
public enum MergeMode {
  /** Never: every order gets its own shipment unless merged by hand. */
  OFF,
  /** Orders of the same channel only (one shop's orders share a parcel). */
  SAME_CHANNEL,
  /** Orders from any channel of the tenant. */
  ACROSS_CHANNELS;

  /** The API's name: off, same_channel, across_channels. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static MergeMode fromId(String id) {
    for (MergeMode mode : values()) {
      if (mode.id().equals(id)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("Unknown merge mode: " + id);
  }
}
