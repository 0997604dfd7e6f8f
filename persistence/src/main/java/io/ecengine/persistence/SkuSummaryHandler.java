package io.ecengine.persistence;

import io.ecengine.engine.sku.Component;
import io.ecengine.engine.sku.HoldKind;
import io.ecengine.engine.sku.SkuEntity;
import io.ecengine.engine.sku.SkuEvent;
import io.ecengine.engine.sku.SkuEvent.HoldsFilled;
import io.ecengine.engine.sku.SkuEvent.IncomingAdded;
import io.ecengine.engine.sku.SkuEvent.IncomingReceived;
import io.ecengine.engine.sku.SkuEvent.ReservationCommitted;
import io.ecengine.engine.sku.SkuEvent.ReservationExpired;
import io.ecengine.engine.sku.SkuEvent.ReservationReleased;
import io.ecengine.engine.sku.SkuEvent.ReservationsPlaced;
import io.ecengine.engine.sku.SkuEvent.SafetyStockSet;
import io.ecengine.engine.sku.SkuEvent.ShareSet;
import io.ecengine.engine.sku.SkuEvent.SkuComponentsChanged;
import io.ecengine.engine.sku.SkuEvent.SkuDefined;
import io.ecengine.engine.sku.SkuEvent.SkuRenamed;
import io.ecengine.engine.sku.SkuEvent.StockAdjusted;
import io.ecengine.engine.sku.SkuEvent.StockPolicySet;
import io.ecengine.engine.sku.SkuId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Keeps one {@code sku_summary} row per SKU, and the {@code sku_components} rows of each bundle, in
 * step with its events. Quantities are applied as deltas, which is only correct because the
 * projection is exactly-once: the row update and the offset commit in one transaction, so no event
 * is applied twice.
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
          + " (tenant_id, sku, name, on_hand, reserved, safety_stock, available, backordered,"
          + " preordered, incoming, is_bundle, updated_at)"
          + " VALUES (?, ?, ?, 0, 0, 0, 0, 0, 0, 0, ?, ?)";

  private static final String UPDATE_NAME =
      "UPDATE sku_summary SET name = ?, updated_at = ? WHERE tenant_id = ? AND sku = ?";

  private static final String UPDATE_BUNDLE =
      "UPDATE sku_summary SET is_bundle = ?, updated_at = ? WHERE tenant_id = ? AND sku = ?";

  private static final String DELETE_COMPONENTS =
      "DELETE FROM sku_components WHERE tenant_id = ? AND bundle_sku = ?";

  private static final String INSERT_COMPONENT =
      "INSERT INTO sku_components (tenant_id, bundle_sku, component_sku, quantity)"
          + " VALUES (?, ?, ?, ?)";

  // SET expressions all read the row as it was before the update (standard SQL, and so on both
  // vendors), which is why available repeats the deltas instead of reading the new figures.
  private static final String UPDATE_LEVELS =
      "UPDATE sku_summary SET"
          + " on_hand = on_hand + ?,"
          + " reserved = reserved + ?,"
          + " backordered = backordered + ?,"
          + " preordered = preordered + ?,"
          + " incoming = incoming + ?,"
          + " shared = shared + ?,"
          + " safety_stock = COALESCE(CAST(? AS BIGINT), safety_stock),"
          + " available = GREATEST((on_hand + ?) - (reserved + ?)"
          + " - COALESCE(CAST(? AS BIGINT), safety_stock)"
          + " - (backordered + ?) - (preordered + ?) - (shared + ?), 0),"
          + " updated_at = ?"
          + " WHERE tenant_id = ? AND sku = ?";

  /**
   * How one event moves a row's figures; {@code safetyStock} is null when it is unchanged. Events
   * that move no figure still produce a change of zeros, so that they stamp the row as updated.
   */
  record LevelChange(
      long onHand,
      long reserved,
      long backordered,
      long preordered,
      long incoming,
      Long safetyStock,
      long shared) {

    static final LevelChange NONE = new LevelChange(0, 0, 0, 0, 0, null);

    LevelChange(
        long onHand,
        long reserved,
        long backordered,
        long preordered,
        long incoming,
        Long safetyStock) {
      this(onHand, reserved, backordered, preordered, incoming, safetyStock, 0);
    }

    static LevelChange onHand(long delta) {
      return new LevelChange(delta, 0, 0, 0, 0, null);
    }

    /** Units of one kind of hold added (or, when negative, removed). */
    static LevelChange holds(HoldKind kind, long quantity) {
      return switch (kind) {
        case STOCK -> new LevelChange(0, quantity, 0, 0, 0, null);
        case BACKORDER -> new LevelChange(0, 0, quantity, 0, 0, null);
        case PREORDER -> new LevelChange(0, 0, 0, quantity, 0, null);
      };
    }
  }

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
      define(connection, sku, defined, at);
    } else if (event instanceof SkuRenamed renamed) {
      requireRow(sku, event, rename(connection, sku, renamed.name(), at));
    } else if (event instanceof SkuComponentsChanged changed) {
      requireRow(sku, event, setComponents(connection, sku, changed.components(), at));
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
      return LevelChange.onHand(e.delta());
    } else if (event instanceof SafetyStockSet e) {
      return new LevelChange(0, 0, 0, 0, 0, e.quantity());
    } else if (event instanceof StockPolicySet) {
      return LevelChange.NONE;
    } else if (event instanceof IncomingAdded e) {
      return new LevelChange(0, 0, 0, 0, e.quantity(), null);
    } else if (event instanceof IncomingReceived e) {
      return new LevelChange(e.quantity(), 0, 0, 0, -e.quantity(), null);
    } else if (event instanceof ReservationsPlaced e) {
      return new LevelChange(
          0,
          e.totalQuantity(HoldKind.STOCK),
          e.totalQuantity(HoldKind.BACKORDER),
          e.totalQuantity(HoldKind.PREORDER),
          0,
          null,
          -e.fromShares());
    } else if (event instanceof ShareSet e) {
      return new LevelChange(0, 0, 0, 0, 0, null, e.change());
    } else if (event instanceof HoldsFilled e) {
      return new LevelChange(
          0, e.backordered() + e.preordered(), -e.backordered(), -e.preordered(), 0, null);
    } else if (event instanceof ReservationReleased e) {
      return LevelChange.holds(e.kind(), -e.quantity());
    } else if (event instanceof ReservationExpired e) {
      return LevelChange.holds(e.kind(), -e.quantity());
    } else if (event instanceof ReservationCommitted e) {
      // The engine commits only holds on stock, so a commit always leaves reserved.
      return new LevelChange(-e.quantity(), -e.quantity(), 0, 0, 0, null);
    }
    throw new IllegalArgumentException("No level change for " + event.getClass().getName());
  }

  /**
   * A repeated definition only renames and restates the components, so that it can never reset
   * quantities.
   */
  private static void define(
      Connection connection, SkuId sku, SkuDefined defined, OffsetDateTime at) throws SQLException {
    if (rename(connection, sku, defined.name(), at) == 1) {
      setComponents(connection, sku, defined.components(), at);
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT_DEFINED)) {
      insert.setString(1, sku.tenantId());
      insert.setString(2, sku.sku());
      insert.setString(3, defined.name());
      insert.setBoolean(4, !defined.components().isEmpty());
      insert.setObject(5, at);
      insert.executeUpdate();
    }
    insertComponents(connection, sku, defined.components());
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

  /** Replaces the component list; an empty one makes the SKU ordinary again. */
  private static int setComponents(
      Connection connection, SkuId sku, List<Component> components, OffsetDateTime at)
      throws SQLException {
    int updated;
    try (PreparedStatement update = connection.prepareStatement(UPDATE_BUNDLE)) {
      update.setBoolean(1, !components.isEmpty());
      update.setObject(2, at);
      update.setString(3, sku.tenantId());
      update.setString(4, sku.sku());
      updated = update.executeUpdate();
    }
    if (updated != 1) {
      return updated;
    }
    try (PreparedStatement delete = connection.prepareStatement(DELETE_COMPONENTS)) {
      delete.setString(1, sku.tenantId());
      delete.setString(2, sku.sku());
      delete.executeUpdate();
    }
    insertComponents(connection, sku, components);
    return updated;
  }

  private static void insertComponents(Connection connection, SkuId sku, List<Component> components)
      throws SQLException {
    if (components.isEmpty()) {
      return;
    }
    // The engine refuses a component listed twice, but an event is a fact that must never stop
    // the projection: a repeat would break the primary key, so its units are added up instead.
    Map<String, Long> quantities = new LinkedHashMap<>();
    for (Component component : components) {
      quantities.merge(component.sku(), component.quantity(), Long::sum);
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT_COMPONENT)) {
      for (Map.Entry<String, Long> component : quantities.entrySet()) {
        insert.setString(1, sku.tenantId());
        insert.setString(2, sku.sku());
        insert.setString(3, component.getKey());
        insert.setLong(4, component.getValue());
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private static int moveLevels(
      Connection connection, SkuId sku, LevelChange change, OffsetDateTime at) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(UPDATE_LEVELS)) {
      update.setLong(1, change.onHand());
      update.setLong(2, change.reserved());
      update.setLong(3, change.backordered());
      update.setLong(4, change.preordered());
      update.setLong(5, change.incoming());
      update.setLong(6, change.shared());
      setNullableLong(update, 7, change.safetyStock());
      update.setLong(8, change.onHand());
      update.setLong(9, change.reserved());
      setNullableLong(update, 10, change.safetyStock());
      update.setLong(11, change.backordered());
      update.setLong(12, change.preordered());
      update.setLong(13, change.shared());
      update.setObject(14, at);
      update.setString(15, sku.tenantId());
      update.setString(16, sku.sku());
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
