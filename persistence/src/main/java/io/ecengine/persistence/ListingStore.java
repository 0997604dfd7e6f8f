package io.ecengine.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Which listing on each channel sells which SKU, with the marketplace's own ids for it (product id,
 * variant id, item code: whatever keys the channel's adapter needs). A stock push for a SKU goes to
 * the channels listed here, under these ids. Calls block on JDBC: run them on a blocking
 * dispatcher.
 */
public final class ListingStore {

  public static final int MAX_LIMIT = 1000;

  /** As long as a SKU code may be anywhere in the engine. */
  public static final int MAX_SKU_LENGTH = 128;

  public static final int MAX_ID_KEY_LENGTH = 64;
  public static final int MAX_ID_VALUE_LENGTH = 255;

  /** The ids of one listing, as stored JSON. */
  public static final int MAX_IDS_LENGTH = 2000;

  // Limitation: an import is read whole before anything is written (duplicates can only be told
  // at the end), so it is capped; larger catalogues are imported in several files, which add up
  // since each import upserts.
  public static final int MAX_IMPORT_ROWS = 200_000;

  private static final int MAX_ROWS_NAMED = 10;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, String>> STRING_MAP =
      new TypeReference<>() {};

  private static final String UPDATE =
      "UPDATE listings SET marketplace_ids = ?, updated_at = ?"
          + " WHERE tenant_id = ? AND channel_id = ? AND sku = ?";

  private static final String INSERT =
      "INSERT INTO listings (marketplace_ids, updated_at, tenant_id, channel_id, sku)"
          + " VALUES (?, ?, ?, ?, ?)";

  /** One listing of a channel; {@code marketplaceIds} in key order. */
  public record Listing(String sku, Map<String, String> marketplaceIds, Instant updatedAt) {}

  /** A CSV row that was not imported; {@code sku} is null when the row has none. */
  public record RowError(int row, String sku, String reason) {}

  /**
   * What an import did: {@code imported} rows written, {@code errors} the rows left out, in row
   * order. Rows count from 1, the header included, as a spreadsheet numbers them.
   */
  public record ImportResult(int imported, List<RowError> errors) {
    public ImportResult {
      errors = List.copyOf(errors);
    }
  }

  /**
   * Where a channel's listings and the tenant's SKUs disagree, each list in SKU order and cut at
   * the limit asked for: {@code skusNotListed} are SKUs the channel does not list (so it never gets
   * their stock), {@code listingsWithUnknownSku} are listings of SKUs the engine does not know (so
   * they are never pushed to).
   */
  public record ListingReport(List<String> skusNotListed, List<String> listingsWithUnknownSku) {
    public ListingReport {
      skusNotListed = List.copyOf(skusNotListed);
      listingsWithUnknownSku = List.copyOf(listingsWithUnknownSku);
    }
  }

  /** A listing ready to write. */
  private record Row(String tenantId, String channelId, String sku, String ids) {}

  /** A CSV row as read, with whatever is wrong with it. */
  private record Parsed(int row, String sku, String ids, List<String> problems) {}

  private final DataSource dataSource;
  private final Clock clock;

  public ListingStore(DataSource dataSource) {
    this(dataSource, Clock.systemUTC());
  }

  public ListingStore(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /**
   * Lists the SKU on the channel under these ids, replacing any earlier ids.
   *
   * @return true when the listing is new
   * @throws IllegalArgumentException when the SKU or an id breaks the rules an import applies
   */
  public boolean put(String tenantId, String channelId, String sku, Map<String, String> ids) {
    List<String> problems = new ArrayList<>();
    skuProblem(sku).ifPresent(problems::add);
    if (ids == null) {
      problems.add("ids must not be null (use an empty map)");
    } else {
      ids.forEach((key, value) -> idProblem(key, value).ifPresent(problems::add));
    }
    String json = problems.isEmpty() ? toJson(ids) : null;
    if (json != null && Jdbc.longerThan(json, MAX_IDS_LENGTH)) {
      problems.add(idsTooLong());
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    try {
      int inserted =
          Jdbc.inTransaction(
              dataSource,
              connection -> write(connection, List.of(new Row(tenantId, channelId, sku, json))));
      return inserted == 1;
    } catch (SQLException e) {
      throw failure("store the listing of " + sku + " on channel " + channelId, tenantId, e);
    }
  }

  /** The ids the SKU is listed under on the channel; empty when the channel does not list it. */
  public Optional<Map<String, String>> get(String tenantId, String channelId, String sku) {
    String sql =
        "SELECT marketplace_ids FROM listings WHERE tenant_id = ? AND channel_id = ? AND sku = ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, tenantId);
      select.setString(2, channelId);
      select.setString(3, sku);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(fromJson(row.getString(1))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("read the listing of " + sku + " on channel " + channelId, tenantId, e);
    }
  }

  /**
   * Up to {@code limit} of the channel's listings whose SKU sorts after {@code afterSku} (from the
   * start when null), in SKU order: pass the last SKU of a page to get the next.
   */
  public List<Listing> forChannel(String tenantId, String channelId, String afterSku, int limit) {
    checkLimit(limit);
    String sql =
        "SELECT sku, marketplace_ids, updated_at FROM listings"
            + " WHERE tenant_id = ? AND channel_id = ?"
            + (afterSku == null ? "" : " AND sku > ?")
            + " ORDER BY sku LIMIT ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      int parameter = 1;
      select.setString(parameter++, tenantId);
      select.setString(parameter++, channelId);
      if (afterSku != null) {
        select.setString(parameter++, afterSku);
      }
      select.setInt(parameter, limit);
      List<Listing> listings = new ArrayList<>();
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          listings.add(
              new Listing(
                  row.getString(1),
                  fromJson(row.getString(2)),
                  Jdbc.fromDb(row.getObject(3, OffsetDateTime.class))));
        }
      }
      return listings;
    } catch (SQLException e) {
      throw failure("list the listings of channel " + channelId, tenantId, e);
    }
  }

  /** The channels that list the SKU, in channel id order: where its stock is pushed. */
  public List<String> channelsListing(String tenantId, String sku) {
    String sql =
        "SELECT channel_id FROM listings WHERE tenant_id = ? AND sku = ? ORDER BY channel_id";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, tenantId);
      select.setString(2, sku);
      return strings(select);
    } catch (SQLException e) {
      throw failure("find the channels listing " + sku, tenantId, e);
    }
  }

  /**
   * Removes the SKU's listing from the channel.
   *
   * @return false when there was none
   */
  public boolean delete(String tenantId, String channelId, String sku) {
    String sql = "DELETE FROM listings WHERE tenant_id = ? AND channel_id = ? AND sku = ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement delete = connection.prepareStatement(sql)) {
      delete.setString(1, tenantId);
      delete.setString(2, channelId);
      delete.setString(3, sku);
      return delete.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failure("delete the listing of " + sku + " on channel " + channelId, tenantId, e);
    }
  }

  /**
   * Imports a channel's listings from CSV whose header is {@code sku} followed by one column per id
   * key, such as {@code sku,product_id,variant_id}. Each valid row replaces the ids of its SKU on
   * the channel; an empty cell leaves that key out, and listings the file does not mention stay.
   *
   * <p>A row is left out, and reported, when it has no SKU or an invalid one, lacks a value for a
   * required key, has a value too long or holding control characters, has another number of values
   * than the header, or names a SKU that another row also names (all such rows: the file does not
   * say which is right). The valid rows are written in one transaction, so a failure writes none. A
   * header that does not start with {@code sku}, repeats a key or lacks a required key fails the
   * whole file, reported against row 1.
   *
   * @param csv the file's text, decoded as UTF-8 by the caller, who also closes it. A byte order
   *     mark is skipped.
   * @param requiredKeys id keys every row must have a value for
   * @throws UncheckedIOException when reading {@code csv} fails
   */
  public ImportResult importCsv(
      String tenantId, String channelId, Reader csv, Set<String> requiredKeys) {
    Set<String> required = requiredKeys == null ? Set.of() : requiredKeys;
    List<Parsed> parsed = new ArrayList<>();
    try {
      CsvReader reader = new CsvReader(csv);
      CsvReader.Record header = reader.next();
      if (header == null) {
        return rejected(1, "the file is empty: it needs a header such as 'sku,product_id'");
      }
      List<String> headerProblems = headerProblems(header, required);
      if (!headerProblems.isEmpty()) {
        return rejected(1, String.join("; ", headerProblems));
      }
      List<String> keys = header.values().stream().map(String::strip).toList();
      for (CsvReader.Record record = reader.next(); record != null; record = reader.next()) {
        if (record.blank()) {
          continue;
        }
        if (parsed.size() == MAX_IMPORT_ROWS) {
          return rejected(
              record.row(),
              "the file has more than " + MAX_IMPORT_ROWS + " rows; split it into several files");
        }
        parsed.add(parse(record, keys, required));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read the listings file", e);
    }
    markDuplicates(parsed);

    List<Row> valid = new ArrayList<>();
    List<RowError> errors = new ArrayList<>();
    for (Parsed row : parsed) {
      if (row.problems().isEmpty()) {
        valid.add(new Row(tenantId, channelId, row.sku(), row.ids()));
      } else {
        errors.add(new RowError(row.row(), row.sku(), String.join("; ", row.problems())));
      }
    }
    // In key order, so that two imports touching the same listings lock them in the same order.
    valid.sort(Comparator.comparing(Row::sku));
    if (!valid.isEmpty()) {
      try {
        Jdbc.inTransaction(dataSource, connection -> write(connection, valid));
      } catch (SQLException e) {
        throw failure("import listings into channel " + channelId, tenantId, e);
      }
    }
    return new ImportResult(valid.size(), errors);
  }

  /**
   * Where the channel's listings and the tenant's SKUs disagree, up to {@code limit} SKUs each. The
   * SKUs are those of the sku-summary read side, which trails the engine by the projection's lag.
   */
  public ListingReport report(String tenantId, String channelId, int limit) {
    checkLimit(limit);
    String notListed =
        "SELECT s.sku FROM sku_summary s WHERE s.tenant_id = ? AND NOT EXISTS ("
            + "SELECT 1 FROM listings l"
            + " WHERE l.tenant_id = s.tenant_id AND l.channel_id = ? AND l.sku = s.sku)"
            + " ORDER BY s.sku LIMIT ?";
    String unknown =
        "SELECT l.sku FROM listings l WHERE l.tenant_id = ? AND l.channel_id = ? AND NOT EXISTS ("
            + "SELECT 1 FROM sku_summary s WHERE s.tenant_id = l.tenant_id AND s.sku = l.sku)"
            + " ORDER BY l.sku LIMIT ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement selectNotListed = connection.prepareStatement(notListed);
        PreparedStatement selectUnknown = connection.prepareStatement(unknown)) {
      for (PreparedStatement select : List.of(selectNotListed, selectUnknown)) {
        select.setString(1, tenantId);
        select.setString(2, channelId);
        select.setInt(3, limit);
      }
      return new ListingReport(strings(selectNotListed), strings(selectUnknown));
    } catch (SQLException e) {
      throw failure("report on the listings of channel " + channelId, tenantId, e);
    }
  }

  /** Upserts the rows on the caller's transaction; returns how many were new. */
  private int write(Connection connection, List<Row> rows) throws SQLException {
    OffsetDateTime now = Jdbc.toDb(clock.instant());
    Jdbc.Binder<Row> bind =
        (statement, row) -> {
          statement.setString(1, row.ids());
          statement.setObject(2, now);
          statement.setString(3, row.tenantId());
          statement.setString(4, row.channelId());
          statement.setString(5, row.sku());
        };
    return Jdbc.upsert(connection, UPDATE, bind, INSERT, bind, rows);
  }

  private static List<String> headerProblems(CsvReader.Record header, Set<String> required) {
    if (header.error() != null) {
      return List.of("the header is malformed: " + header.error());
    }
    List<String> problems = new ArrayList<>();
    List<String> names = header.values().stream().map(String::strip).toList();
    if (!names.get(0).equalsIgnoreCase("sku")) {
      problems.add("the first column must be 'sku'");
    }
    Set<String> seen = new HashSet<>();
    for (String key : names.subList(1, names.size())) {
      if (key.isEmpty()) {
        problems.add("a column has no name");
      } else if (Jdbc.longerThan(key, MAX_ID_KEY_LENGTH) || Jdbc.hasControlCharacter(key)) {
        problems.add(
            "column names must be 1 to "
                + MAX_ID_KEY_LENGTH
                + " characters without control characters");
      } else if (key.equalsIgnoreCase("sku") || !seen.add(key)) {
        problems.add("column '" + key + "' appears more than once");
      }
    }
    Set<String> missing = new TreeSet<>(required);
    missing.removeAll(names.subList(1, names.size()));
    if (!missing.isEmpty()) {
      problems.add("the header lacks the required column(s) " + String.join(", ", missing));
    }
    return problems;
  }

  private static Parsed parse(CsvReader.Record record, List<String> keys, Set<String> required) {
    List<String> values = record.values();
    String sku = values.isEmpty() ? "" : values.get(0);
    Optional<String> skuProblem = skuProblem(sku);
    // A SKU that is itself the problem is not echoed back: it may be a long or garbled value.
    String shownSku = skuProblem.isEmpty() ? sku : null;
    if (record.error() != null) {
      return new Parsed(record.row(), shownSku, null, List.of(record.error()));
    }
    if (values.size() != keys.size()) {
      return new Parsed(
          record.row(),
          shownSku,
          null,
          List.of("the row has " + values.size() + " values, the header " + keys.size()));
    }
    List<String> problems = new ArrayList<>();
    skuProblem.ifPresent(problems::add);
    Map<String, String> ids = new TreeMap<>();
    for (int i = 1; i < keys.size(); i++) {
      String key = keys.get(i);
      String value = values.get(i);
      if (value.isEmpty()) {
        if (required.contains(key)) {
          problems.add("missing " + key);
        }
        continue;
      }
      Optional<String> problem = idProblem(key, value);
      if (problem.isPresent()) {
        problems.add(problem.get());
      } else {
        ids.put(key, value);
      }
    }
    String json = null;
    if (problems.isEmpty()) {
      json = toJson(ids);
      if (Jdbc.longerThan(json, MAX_IDS_LENGTH)) {
        problems.add(idsTooLong());
      }
    }
    return new Parsed(record.row(), shownSku, json, problems);
  }

  /** Leaves out every row of a SKU that appears more than once, naming the rows. */
  private static void markDuplicates(List<Parsed> parsed) {
    Map<String, List<Integer>> rowsOf = new HashMap<>();
    for (Parsed row : parsed) {
      if (row.sku() != null) {
        rowsOf.computeIfAbsent(row.sku(), sku -> new ArrayList<>()).add(row.row());
      }
    }
    for (int i = 0; i < parsed.size(); i++) {
      Parsed row = parsed.get(i);
      List<Integer> rows = row.sku() == null ? List.of() : rowsOf.get(row.sku());
      if (rows.size() > 1) {
        List<String> problems = new ArrayList<>(row.problems());
        problems.add("the SKU appears more than once in the file (rows " + named(rows) + ")");
        parsed.set(i, new Parsed(row.row(), row.sku(), row.ids(), problems));
      }
    }
  }

  private static String named(List<Integer> rows) {
    String shown =
        rows.stream().limit(MAX_ROWS_NAMED).map(String::valueOf).collect(Collectors.joining(", "));
    return rows.size() > MAX_ROWS_NAMED
        ? shown + " and " + (rows.size() - MAX_ROWS_NAMED) + " more"
        : shown;
  }

  /**
   * What is wrong with a SKU code, by the rule the HTTP API applies to every SKU: 1 to 128
   * characters without control characters, white space or '/'. A listing of any other code could
   * never match a SKU.
   */
  static Optional<String> skuProblem(String sku) {
    if (sku == null || sku.isEmpty()) {
      return Optional.of("missing sku");
    }
    if (sku.codePointCount(0, sku.length()) > MAX_SKU_LENGTH) {
      return Optional.of("the sku is longer than " + MAX_SKU_LENGTH + " characters");
    }
    boolean bad =
        sku.codePoints()
            .anyMatch(
                c ->
                    Character.isISOControl(c)
                        || Character.isWhitespace(c)
                        || c == '/'
                        || Character.getType(c) == Character.FORMAT);
    if (bad) {
      return Optional.of("the sku contains a control character, white space or '/'");
    }
    return Optional.empty();
  }

  private static Optional<String> idProblem(String key, String value) {
    if (key == null || key.isEmpty() || Jdbc.longerThan(key, MAX_ID_KEY_LENGTH)) {
      return Optional.of("id keys must be 1 to " + MAX_ID_KEY_LENGTH + " characters");
    }
    if (Jdbc.hasControlCharacter(key)) {
      return Optional.of("an id key contains a control character");
    }
    if (value == null || value.isEmpty()) {
      return Optional.of("missing " + key);
    }
    if (Jdbc.longerThan(value, MAX_ID_VALUE_LENGTH)) {
      return Optional.of(key + " is longer than " + MAX_ID_VALUE_LENGTH + " characters");
    }
    if (Jdbc.hasControlCharacter(value)) {
      return Optional.of(key + " contains a control character");
    }
    if (!value.equals(value.strip())) {
      return Optional.of(key + " starts or ends with white space");
    }
    return Optional.empty();
  }

  private static String idsTooLong() {
    return "the ids take more than " + MAX_IDS_LENGTH + " characters together";
  }

  private static ImportResult rejected(int row, String reason) {
    return new ImportResult(0, List.of(new RowError(row, null, reason)));
  }

  private static void checkLimit(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", was " + limit);
    }
  }

  private static List<String> strings(PreparedStatement select) throws SQLException {
    List<String> values = new ArrayList<>();
    try (ResultSet row = select.executeQuery()) {
      while (row.next()) {
        values.add(row.getString(1));
      }
    }
    return values;
  }

  /** In key order, so that equal ids are stored as equal text. */
  private static String toJson(Map<String, String> ids) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(ids));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A map of strings is always JSON", e);
    }
  }

  private static Map<String, String> fromJson(String json) {
    try {
      return Collections.unmodifiableMap(JSON.readValue(json, STRING_MAP));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Stored listing ids are not a JSON object of strings", e);
    }
  }

  private static IllegalStateException failure(String action, String tenantId, SQLException e) {
    return new IllegalStateException("Could not " + action + " of tenant " + tenantId, e);
  }
}
