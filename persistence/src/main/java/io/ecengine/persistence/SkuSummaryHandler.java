package io.ecengine.persistence;

import io.ecengine.engine.sku.SkuEntity;
import io.ecengine.engine.sku.SkuEvent;
import io.ecengine.engine.sku.SkuEvent.ReservationCommitted;
import io.ecengine.engine.sku.SkuEvent.ReservationExpired;
import io.ecengine.engine.sku.SkuEvent.ReservationReleased;
import io.ecengine.engine.sku.SkuEvent.ReservationsPlaced;
import io.ecengine.engine.sku.SkuEvent.SafetyStockSet;
import io.ecengine.engine.sku.SkuEvent.SkuDefined;
import io.ecengine.engine.sku.SkuEvent.SkuRenamed;
import io.ecengine.engine.sku.SkuEvent.StockAdjusted;
import io.ecengine.engine.sku.SkuId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Keeps one {@code sku_summary} row per SKU in step with its events. Quantities are applied as
 * deltas, which is only correct because the projection is exactly-once: the row update and the
 * offset commit in one transaction, so no event is applied twice.
 *
 * <p>An event for a SKU whose row does not exist fails the envelope (and so restarts the
 * projection): the engine always defines a SKU before anything else happens to it, so a missing row
 * means a lost event, and silently skipping would leave wrong figures behind.
 */
public final class SkuSummaryHandler
    extends JdbcHandler<EventEnvelope<SkuEvent>, PlainJdbcSession> {

  private static final String PERSISTENCE_ID_PREFIX = SkuEntity.TYPE_KEY.name() + "|";

  private static final String INSERT_DEFINED =
      "INSERT INTO sku_summary"
          + " (tenant_id, sku, name, on_hand, reserved, safety_stock, available, updated_at)"
          + " VALUES (?, ?, ?, 0, 0, 0, 0, ?)";

  private static final String UPDATE_NAME =
      "UPDATE sku_summary SET name = ?, updated_at = ? WHERE tenant_id = ? AND sku = ?";

  // SET expressions all read the row as it was before the update (standard SQL, and so on both
  // vendors), which is why available repeats the deltas instead of reading on_hand and reserved.
  private static final String UPDATE_LEVELS =
      "UPDATE sku_summary SET"
          + " on_hand = on_hand + ?,"
          + " reserved = reserved + ?,"
          + " safety_stock = COALESCE(CAST(? AS BIGINT), safety_stock),"
          + " available = GREATEST("
          + "(on_hand + ?) - (reserved + ?) - COALESCE(CAST(? AS BIGINT), safety_stock), 0),"
          + " updated_at = ?"
          + " WHERE tenant_id = ? AND sku = ?";

  /** How one event moves a row's quantities; {@code safetyStock} is null when it is unchanged. */
  record LevelChange(long onHand, long reserved, Long safetyStock) {}

  @Override
  public void process(PlainJdbcSession session, EventEnvelope<SkuEvent> envelope) throws Exception {
    SkuId sku = skuIdOf(envelope.persistenceId());
    OffsetDateTime at = Instant.ofEpochMilli(envelope.timestamp()).atOffset(ZoneOffset.UTC);
    SkuEvent event = envelope.event();
    session.withConnection(
        connection -> {
          apply(connection, sku, event, at);
          return null;
        });
  }

  private static void apply(Connection connection, SkuId sku, SkuEvent event, OffsetDateTime at)
      throws SQLException {
    if (event instanceof SkuDefined defined) {
      define(connection, sku, defined.name(), at);
    } else if (event instanceof SkuRenamed renamed) {
      requireRow(sku, event, rename(connection, sku, renamed.name(), at));
    } else {
      requireRow(sku, event, moveLevels(connection, sku, levelChange(event), at));
    }
  }

  /** The SKU a persistence id ({@code Sku|<tenantId>|<sku>}) belongs to. */
  static SkuId skuIdOf(String persistenceId) {
    if (!persistenceId.startsWith(PERSISTENCE_ID_PREFIX)) {
      throw new IllegalArgumentException("Not a SKU persistence id: " + persistenceId);
    }
    return SkuId.fromEntityId(persistenceId.substring(PERSISTENCE_ID_PREFIX.length()));
  }

  static LevelChange levelChange(SkuEvent event) {
    if (event instanceof StockAdjusted e) {
      return new LevelChange(e.delta(), 0, null);
    } else if (event instanceof SafetyStockSet e) {
      return new LevelChange(0, 0, e.quantity());
    } else if (event instanceof ReservationsPlaced e) {
      return new LevelChange(0, e.totalQuantity(), null);
    } else if (event instanceof ReservationReleased e) {
      return new LevelChange(0, -e.quantity(), null);
    } else if (event instanceof ReservationExpired e) {
      return new LevelChange(0, -e.quantity(), null);
    } else if (event instanceof ReservationCommitted e) {
      return new LevelChange(-e.quantity(), -e.quantity(), null);
    }
    throw new IllegalArgumentException("No level change for " + event.getClass().getName());
  }

  /** A repeated definition only renames, so that it can never reset quantities. */
  private static void define(Connection connection, SkuId sku, String name, OffsetDateTime at)
      throws SQLException {
    if (rename(connection, sku, name, at) == 1) {
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT_DEFINED)) {
      insert.setString(1, sku.tenantId());
      insert.setString(2, sku.sku());
      insert.setString(3, name);
      insert.setObject(4, at);
      insert.executeUpdate();
    }
  }

  private static int rename(Connection connection, SkuId sku, String name, OffsetDateTime at)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(UPDATE_NAME)) {
      update.setString(1, name);
      update.setObject(2, at);
      update.setString(3, sku.tenantId());
      update.setString(4, sku.sku());
      return update.executeUpdate();
    }
  }

  private static int moveLevels(
      Connection connection, SkuId sku, LevelChange change, OffsetDateTime at) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(UPDATE_LEVELS)) {
      update.setLong(1, change.onHand());
      update.setLong(2, change.reserved());
      setNullableLong(update, 3, change.safetyStock());
      update.setLong(4, change.onHand());
      update.setLong(5, change.reserved());
      setNullableLong(update, 6, change.safetyStock());
      update.setObject(7, at);
      update.setString(8, sku.tenantId());
      update.setString(9, sku.sku());
      return update.executeUpdate();
    }
  }

  private static void setNullableLong(PreparedStatement statement, int index, Long value)
      throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.BIGINT);
    } else {
      statement.setLong(index, value);
    }
  }

  private static void requireRow(SkuId sku, SkuEvent event, int updated) {
    if (updated != 1) {
      throw new IllegalStateException(
          "No sku_summary row for "
              + sku
              + " when applying "
              + event.getClass().getSimpleName()
              + "; its SkuDefined event was never projected");
    }
  }
}
