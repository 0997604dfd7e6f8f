package io.ecengine.persistence;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads CSV (RFC 4180) one record at a time: values separated by commas, records by CRLF, LF or CR,
 * a value in double quotes may hold commas, line breaks and doubled quotes. A byte order mark at
 * the start is skipped. A malformed record is returned with an error rather than thrown, so a bad
 * line costs that line only; the reader then goes on at the next line.
 *
 * <p>Values and records are bounded so that a hostile file cannot fill the heap through one value:
 * the excess is read and dropped, and the record carries an error.
 */
final class CsvReader {

  static final int MAX_VALUE_LENGTH = 4096;
  static final int MAX_VALUES = 256;

  private static final String TOO_MANY_VALUES = "more than " + MAX_VALUES + " values";
  private static final int EOF = -1;
  private static final int NONE = -2;

  /**
   * One record. {@code row} counts records from 1, the header included, as a spreadsheet numbers
   * its rows; {@code error} is null when the record is well formed.
   */
  record Record(int row, List<String> values, String error) {

    /** An empty line, which holds no data and is passed over. */
    boolean blank() {
      return error == null && values.size() == 1 && values.get(0).isEmpty();
    }
  }

  private final Reader reader;
  private final char[] buffer = new char[8192];
  private int position;
  private int limit;
  private int pushedBack = NONE;
  private boolean started;
  private int row;

  CsvReader(Reader reader) {
    this.reader = reader;
  }

  /** The next record, or null at the end of the input. */
  Record next() throws IOException {
    int c = read();
    if (!started) {
      started = true;
      if (c == '\uFEFF') {
        c = read();
      }
    }
    if (c == EOF) {
      return null;
    }
    row++;
    List<String> values = new ArrayList<>();
    StringBuilder value = new StringBuilder();
    String error = null;
    boolean valueStart = true;
    while (true) {
      if (valueStart && c == '"') {
        while (true) {
          c = read();
          if (c == EOF) {
            add(values, value);
            return new Record(
                row, values, "a quoted value is not closed before the end of the file");
          }
          if (c == '"') {
            c = read();
            if (c != '"') {
              break;
            }
          }
          error = append(value, (char) c, error);
        }
        valueStart = false;
        if (c != ',' && c != '\r' && c != '\n' && c != EOF) {
          skipLine(c);
          return new Record(row, values, "text after the closing quote of a value");
        }
        continue;
      }
      if (c == ',') {
        error = add(values, value) ? error : firstOf(error, TOO_MANY_VALUES);
        valueStart = true;
      } else if (c == '\r' || c == '\n' || c == EOF) {
        endLine(c);
        error = add(values, value) ? error : firstOf(error, TOO_MANY_VALUES);
        return new Record(row, values, error);
      } else if (c == '"') {
        skipLine(read());
        return new Record(row, values, "a quote inside a value that does not start with one");
      } else {
        error = append(value, (char) c, error);
        valueStart = false;
      }
      c = read();
    }
  }

  private static String append(StringBuilder value, char c, String error) {
    if (value.length() < MAX_VALUE_LENGTH) {
      value.append(c);
      return error;
    }
    return firstOf(error, "a value is longer than " + MAX_VALUE_LENGTH + " characters");
  }

  /** Adds the value and empties the builder; false when the record already holds the maximum. */
  private static boolean add(List<String> values, StringBuilder value) {
    boolean room = values.size() < MAX_VALUES;
    if (room) {
      values.add(value.toString());
    }
    value.setLength(0);
    return room;
  }

  private static String firstOf(String error, String another) {
    return error != null ? error : another;
  }

  /** Drops the rest of a malformed line, {@code c} being its next character. */
  private void skipLine(int c) throws IOException {
    while (c != '\n' && c != '\r' && c != EOF) {
      c = read();
    }
    endLine(c);
  }

  /** After a CR, takes the LF of a CRLF too, so that it does not end another, empty record. */
  private void endLine(int c) throws IOException {
    if (c == '\r') {
      int following = read();
      if (following != '\n') {
        pushedBack = following;
      }
    }
  }

  private int read() throws IOException {
    if (pushedBack != NONE) {
      int c = pushedBack;
      pushedBack = NONE;
      return c;
    }
    if (position == limit) {
      limit = reader.read(buffer, 0, buffer.length);
      position = 0;
      if (limit <= 0) {
        limit = 0;
        return EOF;
      }
    }
    return buffer[position++];
  }
}
