package io.ecengine.persistence;

import io.ecengine.engine.sku.Component;
import io.ecengine.engine.sku.Levels;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Reads the {@code sku_summary} rows kept by {@link SkuSummaryHandler}. The figures trail the
 * entities by the projection's lag; callers that need the current figures ask the entity. Calls
 * block on JDBC: run them on a blocking dispatcher.
 *
 * <p>A bundle's available is worked out at read time from its components' rows, as the number of
 * complete sets they allow ({@link Levels#bundleAvailable}); a component without a row counts as
 * none in stock, so a bundle never looks more sellable than its parts.
 */
public final class SkuSummaries {

  public static final int MAX_LIMIT = 1000;

  private static final String COLUMNS =
      "sku, name, on_hand, reserved, safety_stock, available, backordered, preordered, incoming,"
          + " is_bundle, shared";

  // The components of every bundle whose code lies in a range of SKU codes, with each
  // component's own row when it has one. A page is such a range, so one query serves all of its
  // bundles, walking the primary key of sku_components.
  private static final String COMPONENTS_IN_RANGE =
      "SELECT k.bundle_sku, k.component_sku, k.quantity, c.available, c.is_bundle"
          + " FROM sku_components k"
          + " LEFT JOIN sku_summary c ON c.tenant_id = k.tenant_id AND c.sku = k.component_sku"
          + " WHERE k.tenant_id = ? AND k.bundle_sku >= ? AND k.bundle_sku <= ?"
          + " ORDER BY k.bundle_sku, k.component_sku";

  /**
   * The stock figures of one SKU as last projected. {@code backordered} and {@code preordered} are
   * owed holds, which lower available without taking units from on hand; {@code incoming} is
   * announced but not yet received. For a bundle, {@code onHand} and {@code reserved} are 0 (it
   * holds no stock of its own), {@code available} follows from its components, and {@code
   * components} lists them in SKU order; for an ordinary SKU {@code components} is empty. {@code
   * shared} is set aside in channels' shares of the last units, and so not available.
   */
  public record SkuSummary(
      String sku,
      String name,
      long onHand,
      long reserved,
      long safetyStock,
      long available,
      long backordered,
      long preordered,
      long incoming,
      boolean bundle,
      List<Component> components,
      long shared) {

    public SkuSummary {
      components = components == null ? List.of() : List.copyOf(components);
    }

    /** A SKU with nothing set aside in shares. */
    public SkuSummary(
        String sku,
        String name,
        long onHand,
        long reserved,
        long safetyStock,
        long available,
        long backordered,
        long preordered,
        long incoming,
        boolean bundle,
        List<Component> components) {
      this(
          sku,
          name,
          onHand,
          reserved,
          safetyStock,
          available,
          backordered,
          preordered,
          incoming,
          bundle,
          components,
          0);
    }

    /** An ordinary SKU with nothing owed and nothing incoming. */
    public SkuSummary(
        String sku, String name, long onHand, long reserved, long safetyStock, long available) {
      this(sku, name, onHand, reserved, safetyStock, available, 0, 0, 0, false, List.of());
    }
  }

  /**
   * One page of SKUs in SKU order. {@code nextCursor} is the SKU to pass as {@code afterSku} for
   * the next page, or null on the last page.
   */
  public record Page(List<SkuSummary> items, String nextCursor) {
    public Page {
      items = List.copyOf(items);
    }
  }

  /** A row as stored, before a bundle's figures are filled in from its components. */
  private record Row(
      String sku,
      String name,
      long onHand,
      long reserved,
      long safetyStock,
      long available,
      long backordered,
      long preordered,
      long incoming,
      boolean bundle,
      long shared) {}

  private final DataSource dataSource;

  public SkuSummaries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Up to {@code limit} SKUs of the tenant whose code sorts after {@code afterSku} (from the start
   * when null). Paging by key rather than offset keeps every page as cheap as the first, and a SKU
   * defined while paging never shifts the pages that follow.
   */
  public Page list(String tenantId, String afterSku, int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", was " + limit);
    }
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM sku_summary WHERE tenant_id = ?"
            + (afterSku == null ? "" : " AND sku > ?")
            + " ORDER BY sku LIMIT ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      int parameter = 1;
      select.setString(parameter++, tenantId);
      if (afterSku != null) {
        select.setString(parameter++, afterSku);
      }
      // One row more than asked tells whether another page exists without counting.
      select.setInt(parameter, limit + 1);
      List<Row> rows = new ArrayList<>(limit + 1);
      try (ResultSet result = select.executeQuery()) {
        while (result.next()) {
          rows.add(read(result));
        }
      }
      boolean more = rows.size() > limit;
      List<Row> page = more ? rows.subList(0, limit) : rows;
      List<SkuSummary> items = withComponents(connection, tenantId, page);
      return new Page(items, more ? page.get(limit - 1).sku() : null);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not list SKUs of tenant " + tenantId, e);
    }
  }

  /** One SKU's row; empty when the projection has not seen the SKU defined. */
  public Optional<SkuSummary> get(String tenantId, String sku) {
    String sql = "SELECT " + COLUMNS + " FROM sku_summary WHERE tenant_id = ? AND sku = ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, tenantId);
      select.setString(2, sku);
      Row row;
      try (ResultSet result = select.executeQuery()) {
        if (!result.next()) {
          return Optional.empty();
        }
        row = read(result);
      }
      return Optional.of(withComponents(connection, tenantId, List.of(row)).get(0));
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read SKU " + sku + " of tenant " + tenantId, e);
    }
  }

  /**
   * The summaries of {@code rows} (in SKU order), each bundle with its components and the available
   * they allow.
   */
  private static List<SkuSummary> withComponents(
      Connection connection, String tenantId, List<Row> rows) throws SQLException {
    List<Row> bundles = rows.stream().filter(Row::bundle).toList();
    Map<String, List<Component>> componentsOf = new HashMap<>();
    Map<String, Long> componentAvailable = new HashMap<>();
    if (!bundles.isEmpty()) {
      readComponents(
          connection,
          tenantId,
          bundles.get(0).sku(),
          bundles.get(bundles.size() - 1).sku(),
          componentsOf,
          componentAvailable);
    }
    List<SkuSummary> summaries = new ArrayList<>(rows.size());
    for (Row row : rows) {
      summaries.add(
          summarize(row, componentsOf.getOrDefault(row.sku(), List.of()), componentAvailable));
    }
    return summaries;
  }

  private static void readComponents(
      Connection connection,
      String tenantId,
      String fromBundle,
      String toBundle,
      Map<String, List<Component>> componentsOf,
      Map<String, Long> componentAvailable)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(COMPONENTS_IN_RANGE)) {
      select.setString(1, tenantId);
      select.setString(2, fromBundle);
      select.setString(3, toBundle);
      try (ResultSet result = select.executeQuery()) {
        while (result.next()) {
          String component = result.getString("component_sku");
          componentsOf
              .computeIfAbsent(result.getString("bundle_sku"), bundle -> new ArrayList<>())
              .add(new Component(component, result.getLong("quantity")));
          long available = result.getLong("available");
          boolean missing = result.wasNull();
          // Limitation: bundles are expanded one level only, as the engine allocates them; a
          // bundle listed as a component of another counts as none in stock, which also keeps a
          // cycle of bundles from being followed forever.
          if (!missing && !result.getBoolean("is_bundle")) {
            componentAvailable.put(component, available);
          }
        }
      }
    }
  }

  private static SkuSummary summarize(
      Row row, List<Component> components, Map<String, Long> componentAvailable) {
    if (!row.bundle()) {
      return new SkuSummary(
          row.sku(),
          row.name(),
          row.onHand(),
          row.reserved(),
          row.safetyStock(),
          row.available(),
          row.backordered(),
          row.preordered(),
          row.incoming(),
          false,
          List.of(),
          row.shared());
    }
    // A bundle whose component rows were removed between the two reads has nothing to sell.
    long available =
        components.isEmpty() ? 0 : Levels.bundleAvailable(components, componentAvailable);
    return new SkuSummary(
        row.sku(),
        row.name(),
        0,
        0,
        row.safetyStock(),
        available,
        row.backordered(),
        row.preordered(),
        row.incoming(),
        true,
        components);
  }

  private static Row read(ResultSet row) throws SQLException {
    return new Row(
        row.getString("sku"),
        row.getString("name"),
        row.getLong("on_hand"),
        row.getLong("reserved"),
        row.getLong("safety_stock"),
        row.getLong("available"),
        row.getLong("backordered"),
        row.getLong("preordered"),
        row.getLong("incoming"),
        row.getBoolean("is_bundle"),
        row.getLong("shared"));
  }
}
