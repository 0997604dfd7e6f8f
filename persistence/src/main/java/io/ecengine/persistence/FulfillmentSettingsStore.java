package io.ecengine.persistence;

import io.ecengine.engine.fulfillment.FulfillmentSettings;
import io.ecengine.engine.fulfillment.LabelAccount;
import io.ecengine.engine.fulfillment.MergeMode;
import io.ecengine.engine.fulfillment.MergeRule;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/**
 * Each tenant's fulfilment settings: automatic shipments, the merge rule, and the shipper and
 * carrier account numbers label files need. A tenant without a row has {@link
 * FulfillmentSettings#DEFAULT}. Calls block on JDBC: run them on a blocking dispatcher.
 */
public final class FulfillmentSettingsStore {

  private static final String COLUMNS =
      "auto_create, merge_mode, merge_window_minutes, shipper_name, shipper_phone,"
          + " shipper_postal_code, shipper_address1, shipper_address2,"
          + " yamato_billing_customer_code, yamato_billing_class_code, yamato_freight_number,"
          + " sagawa_customer_code, item_name, updated_at";

  private final DataSource dataSource;
  private final Clock clock;

  public FulfillmentSettingsStore(DataSource dataSource) {
    this(dataSource, Clock.systemUTC());
  }

  public FulfillmentSettingsStore(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  public FulfillmentSettings get(String tenantId) {
    try (Connection connection = dataSource.getConnection()) {
      return get(connection, tenantId);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Could not read the fulfilment settings of tenant " + tenantId, e);
    }
  }

  static FulfillmentSettings get(Connection connection, String tenantId) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT " + COLUMNS + " FROM fulfillment_settings WHERE tenant_id = ?")) {
      select.setString(1, tenantId);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return FulfillmentSettings.DEFAULT;
        }
        LabelAccount.Shipper shipper =
            row.getString("shipper_name") == null
                ? null
                : new LabelAccount.Shipper(
                    row.getString("shipper_name"),
                    row.getString("shipper_phone"),
                    row.getString("shipper_postal_code"),
                    row.getString("shipper_address1"),
                    row.getString("shipper_address2"));
        return new FulfillmentSettings(
            row.getBoolean("auto_create"),
            new MergeRule(
                MergeMode.fromId(row.getString("merge_mode")),
                Duration.ofMinutes(row.getInt("merge_window_minutes"))),
            new LabelAccount(
                shipper,
                row.getString("yamato_billing_customer_code"),
                row.getString("yamato_billing_class_code"),
                row.getString("yamato_freight_number"),
                row.getString("sagawa_customer_code"),
                row.getString("item_name")));
      }
    }
  }

  /** Replaces the tenant's settings. */
  public void put(String tenantId, FulfillmentSettings settings) {
    try {
      Jdbc.inTransaction(
          dataSource,
          connection -> {
            LabelAccount account = settings.account();
            LabelAccount.Shipper shipper = account.shipper();
            List<Object> values =
                java.util.Arrays.asList(
                    settings.autoCreate(),
                    settings.mergeRule().mode().id(),
                    (int) settings.mergeRule().window().toMinutes(),
                    shipper == null ? null : shipper.name(),
                    shipper == null ? null : shipper.phone(),
                    shipper == null ? null : shipper.postalCode(),
                    shipper == null ? null : shipper.address1(),
                    shipper == null ? null : shipper.address2(),
                    account.yamatoBillingCustomerCode(),
                    account.yamatoBillingClassCode(),
                    account.yamatoFreightNumber(),
                    account.sagawaCustomerCode(),
                    account.itemName(),
                    Jdbc.toDb(clock.instant()));
            try (PreparedStatement update =
                connection.prepareStatement(
                    "UPDATE fulfillment_settings SET auto_create = ?, merge_mode = ?,"
                        + " merge_window_minutes = ?, shipper_name = ?, shipper_phone = ?,"
                        + " shipper_postal_code = ?, shipper_address1 = ?, shipper_address2 = ?,"
                        + " yamato_billing_customer_code = ?, yamato_billing_class_code = ?,"
                        + " yamato_freight_number = ?, sagawa_customer_code = ?, item_name = ?,"
                        + " updated_at = ? WHERE tenant_id = ?")) {
              bind(update, values);
              update.setString(values.size() + 1, tenantId);
              if (update.executeUpdate() == 1) {
                return null;
              }
            }
            try (PreparedStatement insert =
                connection.prepareStatement(
                    "INSERT INTO fulfillment_settings ("
                        + COLUMNS
                        + ", tenant_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
              bind(insert, values);
              insert.setString(values.size() + 1, tenantId);
              insert.executeUpdate();
            }
            return null;
          });
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Could not store the fulfilment settings of tenant " + tenantId, e);
    }
  }

  private static void bind(PreparedStatement statement, List<Object> values) throws SQLException {
    for (int i = 0; i < values.size(); i++) {
      statement.setObject(i + 1, values.get(i));
    }
  }
}
