package io.ecengine.engine.fulfillment;

import io.ecengine.engine.order.OrderDetails;
import java.io.ByteArrayOutputStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A carrier's label import file and its result file, as pure functions: shipments in, bytes out;
 * bytes in, tracking numbers per shipment out. Both carriers take CSV in Shift_JIS (CP932) with
 * CRLF line ends and a header line, and both limit fields by bytes in that encoding (a full-width
 * character counts two).
 *
 * <p>Values are written so that no carrier importer can misread them: commas, quotes and line
 * breaks inside a value become their full-width forms or spaces, so no value needs CSV quoting.
 */
public abstract sealed class CarrierLayout permits YamatoB2, SagawaEhiden {

  /** The layout of a carrier's files. */
  public static CarrierLayout of(Carrier carrier) {
    return switch (carrier) {
      case YAMATO -> YamatoB2.INSTANCE;
      case SAGAWA -> SagawaEhiden.INSTANCE;
      case JAPAN_POST ->
          throw new IllegalArgumentException("No label file layout for " + carrier.id());
    };
  }

  public abstract Carrier carrier();

  /** The header line's column names, in file order. */
  public abstract List<String> header();

  /**
   * What stops this shipment from being a valid row (a missing phone number, an address longer than
   * the carrier's fields, a time slot the carrier does not offer), or empty when nothing does. The
   * file is written only when every shipment passes, so a carrier never rejects half a wave.
   */
  public abstract List<String> problems(
      LabelShipment shipment, LabelAccount account, LocalDate shipDate);

  /** The row of one shipment, one value per column of {@link #header()}. */
  public abstract List<String> row(
      LabelShipment shipment, LabelAccount account, LocalDate shipDate);

  /** The rows of the carrier's result file that name a shipment and a tracking number. */
  public abstract List<CarrierResult> readResults(String text);

  /** A file name for the label file of a wave. */
  public abstract String fileName(String waveId);

  /** The whole label file: header, one row per shipment, CP932, CRLF. */
  public byte[] file(List<LabelShipment> shipments, LabelAccount account, LocalDate shipDate) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ShiftJis.encode(Csv.line(header())));
    for (LabelShipment shipment : shipments) {
      List<String> row = row(shipment, account, shipDate);
      if (row.size() != header().size()) {
        throw new IllegalStateException(
            "A row of " + row.size() + " values for " + header().size());
      }
      out.writeBytes(ShiftJis.encode(Csv.line(row)));
    }
    return out.toByteArray();
  }

  // Shared by the layouts -----------------------------------------------------------------------

  /** A value fit for a carrier CSV: no control characters, no CSV specials, CP932 only. */
  static String clean(String value) {
    if (value == null) {
      return "";
    }
    String text = value.replaceAll("\\p{Cntrl}+", " ").replace(",", "，").replace("\"", "”").strip();
    return ShiftJis.representable(text);
  }

  static int bytes(String value) {
    return ShiftJis.byteLength(value);
  }

  /** The longest prefix of the value within {@code maxBytes} bytes of CP932. */
  static String fit(String value, int maxBytes) {
    StringBuilder out = new StringBuilder();
    int used = 0;
    for (int i = 0; i < value.length(); ) {
      int c = value.codePointAt(i);
      String one = new String(Character.toChars(c));
      int size = bytes(one);
      if (used + size > maxBytes) {
        break;
      }
      out.append(one);
      used += size;
      i += Character.charCount(c);
    }
    return out.toString();
  }

  /**
   * Spreads the segments over {@code fields} fields of {@code maxBytes} each: each segment starting
   * a field of its own when that fits (the building on its own line), else run together; empty when
   * they do not fit at all.
   */
  static Optional<List<String>> spread(List<String> segments, int fields, int maxBytes) {
    Optional<List<String>> aligned = chunks(segments, fields, maxBytes);
    return aligned.isPresent()
        ? aligned
        : chunks(List.of(String.join("", segments)), fields, maxBytes);
  }

  private static Optional<List<String>> chunks(List<String> segments, int fields, int maxBytes) {
    List<String> out = new ArrayList<>();
    for (String segment : segments) {
      String rest = segment;
      while (!rest.isEmpty()) {
        String chunk = fit(rest, maxBytes);
        if (chunk.isEmpty()) {
          return Optional.empty();
        }
        out.add(chunk);
        rest = rest.substring(chunk.length());
      }
    }
    if (out.size() > fields) {
      return Optional.empty();
    }
    while (out.size() < fields) {
      out.add("");
    }
    return Optional.of(out);
  }

  /** 123-4567 for a seven-digit postal code, else empty. */
  static String postalCode(String written) {
    String digits = JapaneseAddress.postalCode(written);
    return digits == null ? "" : digits.substring(0, 3) + "-" + digits.substring(3);
  }

  /** A phone number as digits and hyphens, the way carriers print it. */
  static String phone(String written) {
    String folded = JapaneseAddress.fold(written).replace(" ", "");
    if (folded.startsWith("+81")) {
      folded = "0" + folded.substring(3).replaceFirst("^-", "");
    }
    return folded.replaceAll("[^0-9-]", "");
  }

  /**
   * The address as one line, prefecture first, written as the buyer wrote it (only cleaned): the
   * prefecture field is prepended unless the city or first line already starts with it, and the
   * city is left out when the first line repeats it.
   */
  static String mainLine(OrderDetails.ShipTo shipTo) {
    String prefecture = clean(shipTo.prefecture());
    String city = clean(shipTo.city());
    String line = clean(shipTo.address1());
    StringBuilder out = new StringBuilder();
    String start = city.isEmpty() ? line : city;
    if (!prefecture.isEmpty()
        && !start.startsWith(prefecture)
        && Prefectures.leading(JapaneseAddress.fold(start)).isEmpty()) {
      out.append(Prefectures.canonical(prefecture).orElse(prefecture));
    }
    if (!city.isEmpty() && !line.startsWith(city)) {
      out.append(city);
    }
    return out.append(line).toString();
  }

  static String items(LabelShipment shipment, LabelAccount account, int index) {
    if (account.itemName() != null && !account.itemName().isBlank()) {
      return index == 0 ? clean(account.itemName()) : "";
    }
    return index < shipment.items().size() ? clean(shipment.items().get(index)) : "";
  }

  /** A header name as compared: folded, without spaces and dots, upper case. */
  static String headerKey(String name) {
    return JapaneseAddress.fold(name)
        .replace(" ", "")
        .replace(".", "")
        .replace("．", "")
        .replace("\"", "")
        .toUpperCase(Locale.ROOT);
  }

  static Set<String> headerKeys(String... names) {
    return java.util.Arrays.stream(names).map(CarrierLayout::headerKey).collect(Collectors.toSet());
  }

  /** The index of the first header whose name is one of {@code names}, or -1. */
  static int column(List<String> header, Set<String> names) {
    for (int i = 0; i < header.size(); i++) {
      if (names.contains(headerKey(header.get(i)))) {
        return i;
      }
    }
    return -1;
  }

  /** Reads result rows given the columns of the reference and the tracking number. */
  static List<CarrierResult> results(
      List<Csv.Record> records, int referenceColumn, int trackingColumn) {
    List<CarrierResult> results = new ArrayList<>();
    for (Csv.Record record : records) {
      if (record.error() != null) {
        results.add(
            CarrierResult.unreadable(
                record.row(), "The line is not valid CSV: " + record.error() + "."));
        continue;
      }
      List<String> values = record.values();
      String reference = value(values, referenceColumn);
      String tracking = value(values, trackingColumn);
      if (reference.isEmpty() && tracking.isEmpty()) {
        continue;
      }
      results.add(
          new CarrierResult(
              record.row(),
              reference.isEmpty() ? null : reference.toUpperCase(Locale.ROOT),
              tracking.isEmpty() ? null : tracking,
              null));
    }
    return results;
  }

  private static String value(List<String> values, int column) {
    return column < values.size() ? JapaneseAddress.fold(values.get(column)) : "";
  }
}
