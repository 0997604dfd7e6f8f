package io.ecengine.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * How much of a SKU each channel may sell, as a rule name and an amount whose meaning belongs to
 * the engine (a quota in units, a percentage, a buffer). A rule for the SKU {@value
 * #TENANT_DEFAULT} is the tenant's default for that channel, which a SKU's own rule overrides.
 * Calls block on JDBC: run them on a blocking dispatcher.
 */
public final class AllocationRuleStore {

  /** The SKU under which a channel's tenant-wide default rule is kept. */
  public static final String TENANT_DEFAULT = "*";

  /**
   * The channel id of a rule for every channel: the tenant's safety stock is kept as rule {@value
   * #SAFETY_STOCK} of SKU {@value #TENANT_DEFAULT} for channel {@value #EVERY_CHANNEL} (no channel
   * id can be "*").
   */
  public static final String EVERY_CHANNEL = "*";

  /** The rule name of the tenant's safety stock. */
  public static final String SAFETY_STOCK = "safety";

  public static final int MAX_RULE_LENGTH = 32;

  private static final Pattern RULE =
      Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0," + (MAX_RULE_LENGTH - 1) + "}");

  private static final String UPDATE =
      "UPDATE allocation_rules SET rule = ?, amount = ?, updated_at = ?"
          + " WHERE tenant_id = ? AND sku = ? AND channel_id = ?";

  private static final String INSERT =
      "INSERT INTO allocation_rules (rule, amount, updated_at, tenant_id, sku, channel_id)"
          + " VALUES (?, ?, ?, ?, ?, ?)";

  // Per channel, the SKU's own rule before the default, so the first row of a channel is the one
  // that applies.
  private static final String FOR_SKU =
      "SELECT sku, channel_id, rule, amount FROM allocation_rules"
          + " WHERE tenant_id = ? AND (sku = ? OR sku = '"
          + TENANT_DEFAULT
          + "')"
          + " ORDER BY channel_id, CASE WHEN sku = '"
          + TENANT_DEFAULT
          + "' THEN 1 ELSE 0 END";

  /** One rule: {@code sku} is {@value #TENANT_DEFAULT} for a tenant-wide default. */
  public record RuleRow(String sku, String channelId, String rule, long amount) {}

  private record Key(String tenantId, String sku, String channelId) {}

  private final DataSource dataSource;
  private final Clock clock;

  public AllocationRuleStore(DataSource dataSource) {
    this(dataSource, Clock.systemUTC());
  }

  public AllocationRuleStore(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /**
   * Sets the channel's rule for the SKU ({@value #TENANT_DEFAULT}: the tenant's default for the
   * channel), replacing any earlier one.
   *
   * @return true when the SKU had no rule for this channel before
   * @throws IllegalArgumentException when the rule name is not 1 to 32 letters, digits, '_' or '-'
   *     starting with a letter, or the SKU is not a valid SKU code nor {@value #TENANT_DEFAULT}
   */
  public boolean put(String tenantId, String sku, String channelId, String rule, long amount) {
    if (rule == null || !RULE.matcher(rule).matches()) {
      throw new IllegalArgumentException(
          "rule must be 1 to "
              + MAX_RULE_LENGTH
              + " letters, digits, '_' or '-' starting with a letter");
    }
    checkSku(sku);
    Key key = new Key(tenantId, sku, channelId);
    OffsetDateTime now = Jdbc.toDb(clock.instant());
    try {
      int inserted =
          Jdbc.inTransaction(
              dataSource,
              connection -> {
                Jdbc.Binder<Key> bind =
                    (statement, row) -> {
                      statement.setString(1, rule);
                      statement.setLong(2, amount);
                      statement.setObject(3, now);
                      statement.setString(4, row.tenantId());
                      statement.setString(5, row.sku());
                      statement.setString(6, row.channelId());
                    };
                return Jdbc.upsert(connection, UPDATE, bind, INSERT, bind, List.of(key));
              });
      return inserted == 1;
    } catch (SQLException e) {
      throw failure(
          "store the allocation rule of " + sku + " for channel " + channelId, tenantId, e);
    }
  }

  /**
   * Removes the channel's rule for the SKU; the default, if any, then applies.
   *
   * @return false when there was none
   */
  public boolean delete(String tenantId, String sku, String channelId) {
    String sql = "DELETE FROM allocation_rules WHERE tenant_id = ? AND sku = ? AND channel_id = ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement delete = connection.prepareStatement(sql)) {
      delete.setString(1, tenantId);
      delete.setString(2, sku);
      delete.setString(3, channelId);
      return delete.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failure(
          "delete the allocation rule of " + sku + " for channel " + channelId, tenantId, e);
    }
  }

  /**
   * The rules that bear on the SKU: its own and the tenant's defaults, by channel id, and for each
   * channel the SKU's own rule before the default. A channel with neither is not in the list.
   */
  public List<RuleRow> forSku(String tenantId, String sku) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(FOR_SKU)) {
      select.setString(1, tenantId);
      select.setString(2, sku);
      return read(select);
    } catch (SQLException e) {
      throw failure("read the allocation rules of " + sku, tenantId, e);
    }
  }

  /** Sets the safety stock held back from every channel for SKUs without their own. */
  public void putTenantSafetyStock(String tenantId, long units) {
    put(tenantId, TENANT_DEFAULT, EVERY_CHANNEL, SAFETY_STOCK, units);
  }

  /** The tenant's safety stock for SKUs without their own; 0 when none is set. */
  public long tenantSafetyStock(String tenantId) {
    return defaults(tenantId).stream()
        .filter(row -> row.channelId().equals(EVERY_CHANNEL) && row.rule().equals(SAFETY_STOCK))
        .mapToLong(RuleRow::amount)
        .findFirst()
        .orElse(0);
  }

  /** The tenant's default rules, by channel id. */
  public List<RuleRow> defaults(String tenantId) {
    String sql =
        "SELECT sku, channel_id, rule, amount FROM allocation_rules"
            + " WHERE tenant_id = ? AND sku = ? ORDER BY channel_id";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, tenantId);
      select.setString(2, TENANT_DEFAULT);
      return read(select);
    } catch (SQLException e) {
      throw failure("read the default allocation rules", tenantId, e);
    }
  }

  /** Every rule of the tenant, the defaults included, by SKU then channel id. */
  public List<RuleRow> all(String tenantId) {
    String sql =
        "SELECT sku, channel_id, rule, amount FROM allocation_rules"
            + " WHERE tenant_id = ? ORDER BY sku, channel_id";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, tenantId);
      return read(select);
    } catch (SQLException e) {
      throw failure("read the allocation rules", tenantId, e);
    }
  }

  private static void checkSku(String sku) {
    if (!TENANT_DEFAULT.equals(sku)) {
      ListingStore.skuProblem(sku)
          .ifPresent(
              problem -> {
                throw new IllegalArgumentException(problem);
              });
    }
  }

  private static List<RuleRow> read(PreparedStatement select) throws SQLException {
    List<RuleRow> rules = new ArrayList<>();
    try (ResultSet row = select.executeQuery()) {
      while (row.next()) {
        rules.add(
            new RuleRow(
                row.getString("sku"),
                row.getString("channel_id"),
                row.getString("rule"),
                row.getLong("amount")));
      }
    }
    return rules;
  }

  private static IllegalStateException failure(String action, String tenantId, SQLException e) {
    return new IllegalStateException("Could not " + action + " of tenant " + tenantId, e);
  }
}
