package io.ecengine.persistence;

import io.ecengine.engine.sku.SkuEvent;
import io.ecengine.engine.sku.SkuEvent.IncomingReceived;
import io.ecengine.engine.sku.SkuEvent.ReservationCommitted;
import io.ecengine.engine.sku.SkuEvent.StockAdjusted;
import io.ecengine.engine.sku.SkuId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Records every change of a SKU's on hand ({@code kpi_stock_moves}) with the level it left, so that
 * the average on hand of any period can be worked out afterwards, and the units that left by
 * shipment (a committed hold). Adjustments and received deliveries move on hand too; holds do not.
 * All events of one SKU carry the same tag, so one projection instance follows each SKU and its
 * running level has a single writer.
 */
public final class StockKpiHandler extends JdbcHandler<EventEnvelope<SkuEvent>, PlainJdbcSession> {

  /** How one event moves on hand, and how many of those units were shipped. */
  record Move(long delta, long shipped) {}

  @Override
  public void process(PlainJdbcSession session, EventEnvelope<SkuEvent> envelope) throws Exception {
    Move move = moveOf(envelope.event());
    if (move == null) {
      return;
    }
    SkuId sku = SkuSummaryHandler.skuIdOf(envelope.persistenceId());
    Instant at = Instant.ofEpochMilli(envelope.timestamp());
    long sequenceNr = envelope.sequenceNr();
    session.withConnection(
        connection -> {
          long onHand = moveOnHand(connection, sku, move.delta());
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO kpi_stock_moves (tenant_id, sku, seq_nr, happened_at, delta,"
                      + " on_hand_after, shipped) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, sku.tenantId());
            insert.setString(2, sku.sku());
            insert.setLong(3, sequenceNr);
            insert.setObject(4, Jdbc.toDb(at));
            insert.setLong(5, move.delta());
            insert.setLong(6, onHand);
            insert.setLong(7, move.shipped());
            insert.executeUpdate();
          }
          return null;
        });
  }

  /** The on-hand change of an event, or null for events that leave on hand as it is. */
  static Move moveOf(SkuEvent event) {
    if (event instanceof StockAdjusted adjusted) {
      return new Move(adjusted.delta(), 0);
    } else if (event instanceof IncomingReceived received) {
      return new Move(received.quantity(), 0);
    } else if (event instanceof ReservationCommitted committed) {
      return new Move(-committed.quantity(), committed.quantity());
    }
    return null;
  }

  private static long moveOnHand(Connection connection, SkuId sku, long delta) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE kpi_sku_on_hand SET on_hand = on_hand + ? WHERE tenant_id = ? AND sku = ?")) {
      update.setLong(1, delta);
      update.setString(2, sku.tenantId());
      update.setString(3, sku.sku());
      if (update.executeUpdate() == 1) {
        try (PreparedStatement select =
            connection.prepareStatement(
                "SELECT on_hand FROM kpi_sku_on_hand WHERE tenant_id = ? AND sku = ?")) {
          select.setString(1, sku.tenantId());
          select.setString(2, sku.sku());
          try (ResultSet row = select.executeQuery()) {
            row.next();
            return row.getLong(1);
          }
        }
      }
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO kpi_sku_on_hand (tenant_id, sku, on_hand) VALUES (?, ?, ?)")) {
      insert.setString(1, sku.tenantId());
      insert.setString(2, sku.sku());
      insert.setLong(3, delta);
      insert.executeUpdate();
    }
    return delta;
  }
}
