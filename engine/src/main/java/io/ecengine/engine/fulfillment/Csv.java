package io.ecengine.engine.fulfillment;

import java.util.ArrayList;
import java.util.List;

/**
 * The CSV dialect of the files exchanged here (RFC 4180): records end in CRLF, values are separated
 * by commas and quoted with double quotes when they hold a comma, a quote or a line break.
 *
 * <p>The reader takes CRLF, LF or CR line ends and skips empty lines; a record whose quoted value
 * is not closed is returned with an error instead of swallowing the rest of the file. Values are
 * bounded so that one hostile value cannot fill the heap.
 */
public final class Csv {

  public static final String CRLF = "\r\n";
  static final int MAX_VALUE_LENGTH = 4096;

  private Csv() {}

  /** One record read from a file; {@code row} counts lines of the file from 1. */
  public record Record(int row, List<String> values, String error) {}

  /** One record as a line, CRLF included. */
  public static String line(List<String> values) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      String value = values.get(i) == null ? "" : values.get(i);
      if (value.indexOf(',') >= 0
          || value.indexOf('"') >= 0
          || value.indexOf('\n') >= 0
          || value.indexOf('\r') >= 0) {
        out.append('"').append(value.replace("\"", "\"\"")).append('"');
      } else {
        out.append(value);
      }
    }
    return out.append(CRLF).toString();
  }

  /** Every non-empty record of the text, a leading byte order mark ignored. */
  public static List<Record> parse(String text) {
    List<Record> records = new ArrayList<>();
    int i = text.startsWith("\uFEFF") ? 1 : 0;
    int row = 1;
    while (i < text.length()) {
      int startRow = row;
      List<String> values = new ArrayList<>();
      StringBuilder value = new StringBuilder();
      String error = null;
      boolean quoted = false;
      boolean wasQuoted = false;
      boolean endOfRecord = false;
      boolean[] overflow = {false};
      while (i < text.length() && !endOfRecord) {
        char c = text.charAt(i++);
        if (quoted) {
          if (c == '"') {
            if (i < text.length() && text.charAt(i) == '"') {
              append(value, '"', overflow);
              i++;
            } else {
              quoted = false;
            }
          } else {
            if (c == '\n' || (c == '\r' && (i >= text.length() || text.charAt(i) != '\n'))) {
              row++;
            }
            append(value, c, overflow);
          }
        } else if (c == '"' && value.isEmpty() && !wasQuoted) {
          quoted = true;
          wasQuoted = true;
        } else if (c == ',') {
          values.add(value.toString());
          value.setLength(0);
          wasQuoted = false;
        } else if (c == '\r' || c == '\n') {
          if (c == '\r' && i < text.length() && text.charAt(i) == '\n') {
            i++;
          }
          row++;
          endOfRecord = true;
        } else {
          append(value, c, overflow);
        }
      }
      if (quoted) {
        error = "a quoted value is not closed before the end of the file";
      } else if (overflow[0]) {
        error = "a value is longer than " + MAX_VALUE_LENGTH + " characters";
      }
      values.add(value.toString());
      boolean blank = values.size() == 1 && values.get(0).isEmpty() && !wasQuoted;
      if (!blank || error != null) {
        records.add(new Record(startRow, List.copyOf(values), error));
      }
    }
    return records;
  }

  private static void append(StringBuilder value, char c, boolean[] overflow) {
    if (value.length() < MAX_VALUE_LENGTH) {
      value.append(c);
    } else {
      overflow[0] = true;
    }
  }
}
