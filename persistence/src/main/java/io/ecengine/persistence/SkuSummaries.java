package io.ecengine.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Reads the {@code sku_summary} rows kept by {@link SkuSummaryHandler}. The figures trail the
 * entities by the projection's lag; callers that need the current figures ask the entity. Calls
 * block on JDBC: run them on a blocking dispatcher.
 */
public final class SkuSummaries {

  public static final int MAX_LIMIT = 1000;

  private static final String COLUMNS = "sku, name, on_hand, reserved, safety_stock, available";

  /** The stock figures of one SKU as last projected. */
  public record SkuSummary(
      String sku, String name, long onHand, long reserved, long safetyStock, long available) {}

  /**
   * One page of SKUs in SKU order. {@code nextCursor} is the SKU to pass as {@code afterSku} for
   * the next page, or null on the last page.
   */
  public record Page(List<SkuSummary> items, String nextCursor) {
    public Page {
      items = List.copyOf(items);
    }
  }

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
      List<SkuSummary> items = new ArrayList<>(limit + 1);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          items.add(read(rows));
        }
      }
      if (items.size() <= limit) {
        return new Page(items, null);
      }
      List<SkuSummary> page = items.subList(0, limit);
      return new Page(page, page.get(limit - 1).sku());
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
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(read(rows)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read SKU " + sku + " of tenant " + tenantId, e);
    }
  }

  private static SkuSummary read(ResultSet row) throws SQLException {
    return new SkuSummary(
        row.getString("sku"),
        row.getString("name"),
        row.getLong("on_hand"),
        row.getLong("reserved"),
        row.getLong("safety_stock"),
        row.getLong("available"));
  }
}
