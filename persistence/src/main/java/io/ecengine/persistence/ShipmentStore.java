package io.ecengine.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecengine.engine.fulfillment.Carrier;
import io.ecengine.engine.fulfillment.MergeRule;
import io.ecengine.engine.fulfillment.Shipment;
import io.ecengine.engine.fulfillment.Shipment.OrderShipState;
import io.ecengine.engine.fulfillment.Shipment.ShipmentOrder;
import io.ecengine.engine.fulfillment.ShipmentRules;
import io.ecengine.engine.fulfillment.ShipmentStatus;
import io.ecengine.engine.fulfillment.TimeSlot;
import io.ecengine.engine.order.OrderDetails;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Shipments, the orders in them and waves, in the database. Every change runs in one transaction
 * that reads the rows it needs, asks the pure rules ({@link ShipmentRules}, {@link MergeRule}) what
 * to do, and writes each shipment back only at the version it read: if another writer (another
 * node, the worker, an operator) changed one meanwhile, the transaction rolls back and is decided
 * again from the new state. So merges, splits, labels and tracking numbers never act on a stale
 * parcel, and every call can be retried: it finds the work done and answers the same.
 *
 * <p>Calls block on JDBC: run them on a blocking dispatcher.
 */
public final class ShipmentStore {

  public static final int MAX_LIMIT = 500;
  static final int MAX_NOTE = 2000;
  static final int MAX_ATTENTION = 1000;
  private static final int CONFLICT_ATTEMPTS = 8;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<Map<String, Object>>> LINES = new TypeReference<>() {};

  private static final String SHIPMENT_COLUMNS =
      "shipment_id, home_order_id, status, wave_id, carrier, tracking_number, ship_to_name,"
          + " ship_to_postal_code, ship_to_prefecture, ship_to_city, ship_to_address1,"
          + " ship_to_address2, ship_to_phone, buyer_key, address_key, parcel_count, delivery_date,"
          + " time_slot, gift_wrap, note, attention, merged_into, version, created_at, updated_at,"
          + " labeled_at, shipped_at";

  private static final String ORDER_COLUMNS =
      "order_id, shipment_id, channel_id, channel_order_id, placed_at, lines_json, gift_wrap,"
          + " note, delivery_date, ship_state, ship_error";

  /** A request that does not fit the shipments' state; nothing was changed. */
  public static final class Refused extends RuntimeException {
    public Refused(String message) {
      super(message, null, false, false);
    }
  }

  /** The shipment (or wave) named does not exist for this tenant. */
  public static final class NotFound extends RuntimeException {
    public NotFound(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Other writers kept changing the shipments this call read, attempt after attempt; nothing was
   * changed and the call may be retried.
   */
  public static final class Contended extends RuntimeException {
    Contended() {
      super("The shipments changed under this call too often; retry.", null, false, false);
    }
  }

  /** Another writer changed a shipment this transaction read: decide again. */
  private static final class Conflict extends RuntimeException {
    Conflict() {
      super("concurrent change", null, false, false);
    }
  }

  /** What creating an order's shipment did: the shipment the order now travels in. */
  public record Created(Shipment shipment, boolean created, boolean merged) {}

  /** Which shipments to list; null fields leave that filter off. MERGED ones only when asked. */
  public record Filter(ShipmentStatus status, String waveId, String channelId) {
    public static final Filter NONE = new Filter(null, null, null);
  }

  /** One page of shipments, oldest first; {@code nextCursor} is null on the last page. */
  public record Page(List<Shipment> items, String nextCursor) {}

  /** Fields an operator may change while a shipment is PENDING; null leaves one as it is. */
  public record Changes(
      Integer parcelCount,
      LocalDate deliveryDate,
      boolean clearDeliveryDate,
      TimeSlot timeSlot,
      boolean clearTimeSlot,
      Boolean giftWrap,
      String note,
      OrderDetails.ShipTo shipTo) {}

  /** A wave: shipments picked and labelled together with one carrier. */
  public record Wave(
      String waveId,
      Carrier carrier,
      Instant createdAt,
      Instant labeledAt,
      List<String> shipmentIds) {}

  /** What recording a tracking number did. */
  public enum TrackingOutcome {
    RECORDED,
    UNCHANGED
  }

  /** An order in an open shipment that no longer needs it: cancelled, or shipped elsewhere. */
  public record StaleOrder(
      String tenantId, String orderId, String shipmentId, String orderStatus) {}

  /** An order still to be sent its shipment command. */
  public record PendingShipment(String tenantId, String shipmentId) {}

  private final DataSource dataSource;
  private final Clock clock;

  public ShipmentStore(DataSource dataSource) {
    this(dataSource, Clock.systemUTC());
  }

  public ShipmentStore(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  // Creation ------------------------------------------------------------------------------------

  /**
   * Puts the order of {@code draft} into a shipment: the open shipment {@code rule} picks, if any,
   * else its own home shipment. An order already in a shipment stays where it is (the call is
   * idempotent), so two nodes creating it at once end up with one.
   */
  public Created create(String tenantId, ShipmentRules.Draft draft, MergeRule rule) {
    return decide(
        "create the shipment of order " + draft.order().orderId(),
        tenantId,
        connection -> {
          Optional<String> current = containerOf(connection, tenantId, draft.order().orderId());
          if (current.isPresent()) {
            return new Created(
                load(connection, tenantId, current.get()).orElseThrow(), false, false);
          }
          Optional<Shipment> home = load(connection, tenantId, draft.shipmentId());
          if (home.isPresent() && !home.get().homeOrderId().equals(draft.order().orderId())) {
            throw new IllegalStateException(
                "Shipment id "
                    + draft.shipmentId()
                    + " of order "
                    + draft.order().orderId()
                    + " is taken by order "
                    + home.get().homeOrderId());
          }
          Optional<Shipment> target = Optional.empty();
          if (rule.mode() != io.ecengine.engine.fulfillment.MergeMode.OFF
              && draft.addressKey() != null
              && draft.buyerKey() != null) {
            lockAddress(connection, tenantId, draft.addressKey());
            List<MergeRule.Target> targets = new ArrayList<>();
            Map<String, Shipment> byId = new LinkedHashMap<>();
            for (Shipment open : openAt(connection, tenantId, draft.addressKey())) {
              targets.add(open.asTarget());
              byId.put(open.shipmentId(), open);
            }
            target = rule.choose(targets, draft.candidate()).map(t -> byId.get(t.shipmentId()));
          }
          Instant now = clock.instant();
          ShipmentStatus status =
              target.isPresent() ? ShipmentStatus.MERGED : ShipmentStatus.PENDING;
          String mergedInto = target.map(Shipment::shipmentId).orElse(null);
          if (home.isPresent()) {
            reopenHome(connection, tenantId, home.get(), draft, status, mergedInto, now);
          } else {
            insertHome(connection, tenantId, draft, status, mergedInto, now);
          }
          String container = target.map(Shipment::shipmentId).orElse(draft.shipmentId());
          insertOrder(connection, tenantId, container, draft.order());
          if (target.isPresent()) {
            List<ShipmentOrder> orders = new ArrayList<>(target.get().orders());
            orders.add(draft.order());
            writeRequests(connection, tenantId, target.get(), orders, now);
          }
          return new Created(
              load(connection, tenantId, container).orElseThrow(), true, target.isPresent());
        });
  }

  /**
   * Serialises shipment creation at one address for the rest of the transaction: a second order for
   * the same door waits here until the first one's shipment is committed, then sees it. The lock
   * row is created on first use; two creators racing to create it make one of them fail on the
   * primary key, and its transaction starts over and finds the row.
   */
  private static void lockAddress(Connection connection, String tenantId, String addressKey)
      throws SQLException {
    String key = sha256(addressKey);
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT lock_key FROM shipment_locks WHERE tenant_id = ? AND lock_key = ? FOR UPDATE")) {
      select.setString(1, tenantId);
      select.setString(2, key);
      try (ResultSet row = select.executeQuery()) {
        if (row.next()) {
          return;
        }
      }
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO shipment_locks (tenant_id, lock_key) VALUES (?, ?)")) {
      insert.setString(1, tenantId);
      insert.setString(2, key);
      insert.executeUpdate();
    }
  }

  private static String sha256(String text) {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256")
                  .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  private List<Shipment> openAt(Connection connection, String tenantId, String addressKey)
      throws SQLException {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT shipment_id FROM shipments WHERE tenant_id = ? AND address_key = ?"
                + " AND status = 'PENDING' AND wave_id IS NULL ORDER BY shipment_id")) {
      select.setString(1, tenantId);
      select.setString(2, addressKey);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getString(1));
        }
      }
    }
    List<Shipment> open = new ArrayList<>();
    for (String id : ids) {
      load(connection, tenantId, id).ifPresent(open::add);
    }
    return open;
  }

  private void insertHome(
      Connection connection,
      String tenantId,
      ShipmentRules.Draft draft,
      ShipmentStatus status,
      String mergedInto,
      Instant now)
      throws SQLException {
    OrderDetails.ShipTo to = draft.shipTo();
    ShipmentOrder order = draft.order();
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO shipments (tenant_id, shipment_id, home_order_id, status, ship_to_name,"
                + " ship_to_postal_code, ship_to_prefecture, ship_to_city, ship_to_address1,"
                + " ship_to_address2, ship_to_phone, buyer_key, address_key, parcel_count,"
                + " delivery_date, time_slot, gift_wrap, note, merged_into, version, created_at,"
                + " updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, 0, ?, ?)")) {
      int p = 1;
      insert.setString(p++, tenantId);
      insert.setString(p++, draft.shipmentId());
      insert.setString(p++, order.orderId());
      insert.setString(p++, status.name());
      for (String field : shipToFields(to)) {
        insert.setString(p++, field);
      }
      insert.setString(p++, draft.buyerKey());
      insert.setString(p++, draft.addressKey());
      setDate(insert, p++, order.deliveryDate());
      insert.setString(p++, slotId(draft.timeSlot()));
      insert.setBoolean(p++, order.giftWrap());
      insert.setString(p++, Jdbc.oneLine(order.note(), MAX_NOTE));
      insert.setString(p++, mergedInto);
      insert.setObject(p++, Jdbc.toDb(now));
      insert.setObject(p, Jdbc.toDb(now));
      insert.executeUpdate();
    }
  }

  private void reopenHome(
      Connection connection,
      String tenantId,
      Shipment home,
      ShipmentRules.Draft draft,
      ShipmentStatus status,
      String mergedInto,
      Instant now)
      throws SQLException {
    ShipmentOrder order = draft.order();
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE shipments SET status = ?, wave_id = NULL, carrier = NULL,"
                + " tracking_number = NULL, ship_to_name = ?, ship_to_postal_code = ?,"
                + " ship_to_prefecture = ?, ship_to_city = ?, ship_to_address1 = ?,"
                + " ship_to_address2 = ?, ship_to_phone = ?, buyer_key = ?, address_key = ?,"
                + " delivery_date = ?, time_slot = ?, gift_wrap = ?, note = ?, attention = NULL,"
                + " merged_into = ?, labeled_at = NULL, shipped_at = NULL,"
                + " version = version + 1, updated_at = ?"
                + " WHERE tenant_id = ? AND shipment_id = ? AND version = ?")) {
      int p = 1;
      update.setString(p++, status.name());
      for (String field : shipToFields(draft.shipTo())) {
        update.setString(p++, field);
      }
      update.setString(p++, draft.buyerKey());
      update.setString(p++, draft.addressKey());
      setDate(update, p++, order.deliveryDate());
      update.setString(p++, slotId(draft.timeSlot()));
      update.setBoolean(p++, order.giftWrap());
      update.setString(p++, Jdbc.oneLine(order.note(), MAX_NOTE));
      update.setString(p++, mergedInto);
      update.setObject(p++, Jdbc.toDb(now));
      update.setString(p++, tenantId);
      update.setString(p++, home.shipmentId());
      update.setLong(p, home.version());
      requireOne(update.executeUpdate());
    }
  }

  private void insertOrder(
      Connection connection, String tenantId, String shipmentId, ShipmentOrder order)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO shipment_orders (tenant_id, "
                + ORDER_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      int p = 1;
      insert.setString(p++, tenantId);
      insert.setString(p++, order.orderId());
      insert.setString(p++, shipmentId);
      insert.setString(p++, order.channelId());
      insert.setString(p++, order.channelOrderId());
      insert.setObject(p++, Jdbc.toDb(order.placedAt()));
      insert.setString(p++, linesJson(order.lines()));
      insert.setBoolean(p++, order.giftWrap());
      insert.setString(p++, Jdbc.oneLine(order.note(), 1000));
      setDate(insert, p++, order.deliveryDate());
      insert.setString(p++, order.shipState().name());
      insert.setString(p, order.shipError());
      insert.executeUpdate();
    }
  }

  /**
   * Writes the gift wrap, note and delivery date that follow from {@code orders} into the shipment,
   * at the version it was read.
   */
  private void writeRequests(
      Connection connection,
      String tenantId,
      Shipment shipment,
      List<ShipmentOrder> orders,
      Instant now)
      throws SQLException {
    ShipmentRules.Requests requests = ShipmentRules.requests(orders);
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE shipments SET gift_wrap = ?, note = ?, delivery_date = ?,"
                + " version = version + 1, updated_at = ?"
                + " WHERE tenant_id = ? AND shipment_id = ? AND version = ?")) {
      update.setBoolean(1, requests.giftWrap());
      update.setString(2, Jdbc.oneLine(requests.note(), MAX_NOTE));
      setDate(update, 3, requests.deliveryDate());
      update.setObject(4, Jdbc.toDb(now));
      update.setString(5, tenantId);
      update.setString(6, shipment.shipmentId());
      update.setLong(7, shipment.version());
      requireOne(update.executeUpdate());
    }
  }

  // Reads ---------------------------------------------------------------------------------------

  public Optional<Shipment> get(String tenantId, String shipmentId) {
    return read(
        "read shipment " + shipmentId,
        tenantId,
        connection -> load(connection, tenantId, shipmentId));
  }

  /** The status of each of these shipments that exists, read in a few queries. */
  public Map<String, ShipmentStatus> statuses(String tenantId, List<String> shipmentIds) {
    return read(
        "read shipment statuses",
        tenantId,
        connection -> {
          Map<String, ShipmentStatus> statuses = new LinkedHashMap<>();
          for (int from = 0; from < shipmentIds.size(); from += Jdbc.BATCH_SIZE) {
            List<String> chunk =
                shipmentIds.subList(from, Math.min(shipmentIds.size(), from + Jdbc.BATCH_SIZE));
            String marks = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
            try (PreparedStatement select =
                connection.prepareStatement(
                    "SELECT shipment_id, status FROM shipments WHERE tenant_id = ?"
                        + " AND shipment_id IN ("
                        + marks
                        + ")")) {
              select.setString(1, tenantId);
              for (int i = 0; i < chunk.size(); i++) {
                select.setString(i + 2, chunk.get(i));
              }
              try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                  statuses.put(rows.getString(1), ShipmentStatus.valueOf(rows.getString(2)));
                }
              }
            }
          }
          return statuses;
        });
  }

  /** The shipment an order travels in, if it is in one. */
  public Optional<Shipment> ofOrder(String tenantId, String orderId) {
    return read(
        "find the shipment of order " + orderId,
        tenantId,
        connection -> {
          Optional<String> id = containerOf(connection, tenantId, orderId);
          return id.isEmpty() ? Optional.empty() : load(connection, tenantId, id.get());
        });
  }

  /**
   * Up to {@code limit} shipments matching {@code filter}, oldest first, after {@code cursor} (from
   * the start when null). A cursor is {@code <created, epoch microseconds>:<shipment id>}.
   *
   * @throws IllegalArgumentException for a limit outside 1..{@link #MAX_LIMIT} or a bad cursor
   */
  public Page list(String tenantId, Filter filter, String cursor, int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", was " + limit);
    }
    Filter where = filter == null ? Filter.NONE : filter;
    Instant afterTime = null;
    String afterId = null;
    if (cursor != null) {
      int split = cursor.indexOf(':');
      try {
        long micros = Long.parseLong(cursor.substring(0, Math.max(split, 0)));
        afterTime = Instant.EPOCH.plus(micros, java.time.temporal.ChronoUnit.MICROS);
        afterId = cursor.substring(split + 1);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("Not a shipment page cursor: '" + cursor + "'");
      }
      if (afterId.isEmpty()) {
        throw new IllegalArgumentException("Not a shipment page cursor: '" + cursor + "'");
      }
    }
    StringBuilder sql =
        new StringBuilder("SELECT shipment_id FROM shipments s WHERE s.tenant_id = ?");
    sql.append(where.status() == null ? " AND s.status <> 'MERGED'" : " AND s.status = ?");
    if (where.waveId() != null) {
      sql.append(" AND s.wave_id = ?");
    }
    if (where.channelId() != null) {
      sql.append(
          " AND EXISTS (SELECT 1 FROM shipment_orders o WHERE o.tenant_id = s.tenant_id"
              + " AND o.shipment_id = s.shipment_id AND o.channel_id = ?)");
    }
    if (afterTime != null) {
      sql.append(" AND s.created_at >= ? AND (s.created_at > ? OR s.shipment_id > ?)");
    }
    sql.append(" ORDER BY s.created_at, s.shipment_id LIMIT ?");
    Instant fromTime = afterTime;
    String fromId = afterId;
    return read(
        "list shipments",
        tenantId,
        connection -> {
          List<String> ids = new ArrayList<>();
          try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
            int p = 1;
            select.setString(p++, tenantId);
            if (where.status() != null) {
              select.setString(p++, where.status().name());
            }
            if (where.waveId() != null) {
              select.setString(p++, where.waveId());
            }
            if (where.channelId() != null) {
              select.setString(p++, where.channelId());
            }
            if (fromTime != null) {
              select.setObject(p++, Jdbc.toDb(fromTime));
              select.setObject(p++, Jdbc.toDb(fromTime));
              select.setString(p++, fromId);
            }
            select.setInt(p, limit + 1);
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                ids.add(rows.getString(1));
              }
            }
          }
          List<Shipment> items = new ArrayList<>();
          for (String id : ids.subList(0, Math.min(limit, ids.size()))) {
            load(connection, tenantId, id).ifPresent(items::add);
          }
          String next = null;
          if (ids.size() > limit) {
            Shipment last = items.get(items.size() - 1);
            next = micros(last.createdAt()) + ":" + last.shipmentId();
          }
          return new Page(items, next);
        });
  }

  private static long micros(Instant instant) {
    return java.time.temporal.ChronoUnit.MICROS.between(Instant.EPOCH, instant);
  }

  // Merge, split, edit --------------------------------------------------------------------------

  /**
   * Merges the sources into the target by hand. Sources already merged into the target are skipped,
   * so a retried merge answers the same. Refused (nothing changed) when {@link
   * ShipmentRules#cannotMerge} objects.
   */
  public Shipment merge(String tenantId, String targetId, List<String> sourceIds, boolean force) {
    return decide(
        "merge shipments into " + targetId,
        tenantId,
        connection -> {
          Shipment target = require(connection, tenantId, targetId);
          List<Shipment> sources = new ArrayList<>();
          for (String sourceId : new java.util.LinkedHashSet<>(sourceIds)) {
            Shipment source = require(connection, tenantId, sourceId);
            boolean alreadyIn =
                source.status() == ShipmentStatus.MERGED
                    && containerOf(connection, tenantId, source.homeOrderId())
                        .map(targetId::equals)
                        .orElse(false);
            if (!alreadyIn) {
              sources.add(source);
            }
          }
          if (sources.isEmpty()) {
            return target;
          }
          ShipmentRules.cannotMerge(target, sources, force)
              .ifPresent(
                  reason -> {
                    throw new Refused(reason);
                  });
          Instant now = clock.instant();
          List<ShipmentOrder> orders = new ArrayList<>(target.orders());
          for (Shipment source : sources) {
            try (PreparedStatement move =
                connection.prepareStatement(
                    "UPDATE shipment_orders SET shipment_id = ? WHERE tenant_id = ?"
                        + " AND shipment_id = ?")) {
              move.setString(1, targetId);
              move.setString(2, tenantId);
              move.setString(3, source.shipmentId());
              move.executeUpdate();
            }
            setStatus(connection, tenantId, source, ShipmentStatus.MERGED, targetId, now);
            orders.addAll(source.orders());
          }
          writeRequests(connection, tenantId, target, orders, now);
          return load(connection, tenantId, targetId).orElseThrow();
        });
  }

  /**
   * Sends orders back to their home shipments: those named, or (when {@code orderIds} is null)
   * every order but the shipment's own. A retried split finds them home already and answers the
   * same. Refused while the shipment has a label ({@link ShipmentRules#cannotSplit}).
   *
   * @return the split shipment and the home shipments the orders went back to
   */
  public List<Shipment> split(String tenantId, String shipmentId, Set<String> orderIds) {
    return decide(
        "split shipment " + shipmentId,
        tenantId,
        connection -> {
          Shipment shipment = require(connection, tenantId, shipmentId);
          ShipmentRules.cannotSplit(shipment, Set.of())
              .ifPresent(
                  reason -> {
                    throw new Refused(reason);
                  });
          Set<String> leaving = new java.util.LinkedHashSet<>();
          if (orderIds == null) {
            shipment.orders().stream()
                .map(ShipmentOrder::orderId)
                .filter(id -> !id.equals(shipment.homeOrderId()))
                .forEach(leaving::add);
          } else {
            for (String orderId : orderIds) {
              Optional<String> at = containerOf(connection, tenantId, orderId);
              boolean alreadyHome =
                  at.isPresent()
                      && !at.get().equals(shipmentId)
                      && load(connection, tenantId, at.get())
                          .map(s -> s.homeOrderId().equals(orderId))
                          .orElse(false);
              if (!alreadyHome) {
                leaving.add(orderId);
              }
            }
          }
          List<Shipment> result = new ArrayList<>();
          if (leaving.isEmpty()) {
            result.add(shipment);
            return result;
          }
          ShipmentRules.cannotSplit(shipment, leaving)
              .ifPresent(
                  reason -> {
                    throw new Refused(reason);
                  });
          Instant now = clock.instant();
          List<ShipmentOrder> staying = new ArrayList<>();
          for (ShipmentOrder order : shipment.orders()) {
            if (!leaving.contains(order.orderId())) {
              staying.add(order);
            }
          }
          List<String> homes = new ArrayList<>();
          for (String orderId : leaving) {
            String homeId = io.ecengine.engine.fulfillment.ShipmentIds.home(orderId);
            Shipment home = require(connection, tenantId, homeId);
            try (PreparedStatement move =
                connection.prepareStatement(
                    "UPDATE shipment_orders SET shipment_id = ? WHERE tenant_id = ?"
                        + " AND order_id = ? AND shipment_id = ?")) {
              move.setString(1, homeId);
              move.setString(2, tenantId);
              move.setString(3, orderId);
              move.setString(4, shipmentId);
              requireOne(move.executeUpdate());
            }
            ShipmentOrder order =
                shipment.orders().stream()
                    .filter(o -> o.orderId().equals(orderId))
                    .findFirst()
                    .orElseThrow();
            try (PreparedStatement reopen =
                connection.prepareStatement(
                    "UPDATE shipments SET status = 'PENDING', merged_into = NULL, wave_id = ?,"
                        + " gift_wrap = ?, note = ?, delivery_date = ?, version = version + 1,"
                        + " updated_at = ? WHERE tenant_id = ? AND shipment_id = ?"
                        + " AND version = ?")) {
              reopen.setString(1, shipment.waveId());
              reopen.setBoolean(2, order.giftWrap());
              reopen.setString(3, Jdbc.oneLine(order.note(), MAX_NOTE));
              setDate(reopen, 4, order.deliveryDate());
              reopen.setObject(5, Jdbc.toDb(now));
              reopen.setString(6, tenantId);
              reopen.setString(7, homeId);
              reopen.setLong(8, home.version());
              requireOne(reopen.executeUpdate());
            }
            homes.add(homeId);
          }
          writeRequests(connection, tenantId, shipment, staying, now);
          if (staying.isEmpty()) {
            // Its own order left earlier (cancelled): with the others home, nothing is left.
            Shipment emptied = load(connection, tenantId, shipmentId).orElseThrow();
            setStatus(connection, tenantId, emptied, ShipmentStatus.CANCELLED, null, now);
          }
          result.add(load(connection, tenantId, shipmentId).orElseThrow());
          for (String homeId : homes) {
            result.add(load(connection, tenantId, homeId).orElseThrow());
          }
          return result;
        });
  }

  /** Changes what an operator may change while the shipment is PENDING. */
  public Shipment update(String tenantId, String shipmentId, Changes changes) {
    return decide(
        "update shipment " + shipmentId,
        tenantId,
        connection -> {
          Shipment shipment = require(connection, tenantId, shipmentId);
          if (shipment.status() != ShipmentStatus.PENDING) {
            throw new Refused(
                "Shipment "
                    + shipmentId
                    + " is "
                    + shipment.status()
                    + "; only a PENDING shipment can be changed.");
          }
          OrderDetails.ShipTo to = changes.shipTo() != null ? changes.shipTo() : shipment.shipTo();
          String addressKey =
              changes.shipTo() != null
                  ? io.ecengine.engine.fulfillment.JapaneseAddress.normalize(to).key()
                  : shipment.addressKey();
          LocalDate date =
              changes.clearDeliveryDate()
                  ? null
                  : changes.deliveryDate() != null
                      ? changes.deliveryDate()
                      : shipment.deliveryDate();
          TimeSlot slot =
              changes.clearTimeSlot()
                  ? null
                  : changes.timeSlot() != null ? changes.timeSlot() : shipment.timeSlot();
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE shipments SET parcel_count = ?, delivery_date = ?, time_slot = ?,"
                      + " gift_wrap = ?, note = ?, ship_to_name = ?, ship_to_postal_code = ?,"
                      + " ship_to_prefecture = ?, ship_to_city = ?, ship_to_address1 = ?,"
                      + " ship_to_address2 = ?, ship_to_phone = ?, address_key = ?,"
                      + " version = version + 1, updated_at = ?"
                      + " WHERE tenant_id = ? AND shipment_id = ? AND version = ?")) {
            int p = 1;
            update.setInt(
                p++,
                changes.parcelCount() != null ? changes.parcelCount() : shipment.parcelCount());
            setDate(update, p++, date);
            update.setString(p++, slotId(slot));
            update.setBoolean(
                p++, changes.giftWrap() != null ? changes.giftWrap() : shipment.giftWrap());
            update.setString(
                p++,
                Jdbc.oneLine(changes.note() != null ? changes.note() : shipment.note(), MAX_NOTE));
            for (String field : shipToFields(to)) {
              update.setString(p++, field);
            }
            update.setString(p++, addressKey);
            update.setObject(p++, Jdbc.toDb(clock.instant()));
            update.setString(p++, tenantId);
            update.setString(p++, shipmentId);
            update.setLong(p, shipment.version());
            requireOne(update.executeUpdate());
          }
          return load(connection, tenantId, shipmentId).orElseThrow();
        });
  }

  // Waves and labels ----------------------------------------------------------------------------

  /**
   * Creates a wave of the PENDING shipments named (or, when {@code shipmentIds} is null, the oldest
   * {@code limit} PENDING shipments in no wave, of {@code channelId} when given). The same wave id
   * with the same request hash answers the existing wave; with another it is refused.
   */
  public Wave createWave(
      String tenantId,
      String waveId,
      Carrier carrier,
      List<String> shipmentIds,
      String channelId,
      int limit,
      String requestHash) {
    return decide(
        "create wave " + waveId,
        tenantId,
        connection -> {
          Optional<String> existingHash = waveHash(connection, tenantId, waveId);
          if (existingHash.isPresent()) {
            if (!existingHash.get().equals(requestHash)) {
              throw new Refused("The wave id " + waveId + " was used for another request.");
            }
            return wave(connection, tenantId, waveId).orElseThrow();
          }
          List<Shipment> members = new ArrayList<>();
          if (shipmentIds != null) {
            for (String id : new java.util.LinkedHashSet<>(shipmentIds)) {
              Shipment shipment = require(connection, tenantId, id);
              if (shipment.status() != ShipmentStatus.PENDING || shipment.waveId() != null) {
                throw new Refused(
                    "Shipment "
                        + id
                        + " is "
                        + (shipment.waveId() != null
                            ? "in wave " + shipment.waveId()
                            : shipment.status().name())
                        + "; a wave takes PENDING shipments in no wave.");
              }
              members.add(shipment);
            }
          } else {
            for (String id : unwaved(connection, tenantId, channelId, limit)) {
              load(connection, tenantId, id).ifPresent(members::add);
            }
          }
          if (members.isEmpty()) {
            throw new Refused("No PENDING shipment in no wave matches; the wave would be empty.");
          }
          Instant now = clock.instant();
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO shipment_waves (tenant_id, wave_id, carrier, request_hash,"
                      + " created_at) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, tenantId);
            insert.setString(2, waveId);
            insert.setString(3, carrier.id());
            insert.setString(4, requestHash);
            insert.setObject(5, Jdbc.toDb(now));
            insert.executeUpdate();
          }
          for (Shipment member : members) {
            try (PreparedStatement update =
                connection.prepareStatement(
                    "UPDATE shipments SET wave_id = ?, version = version + 1, updated_at = ?"
                        + " WHERE tenant_id = ? AND shipment_id = ? AND version = ?")) {
              update.setString(1, waveId);
              update.setObject(2, Jdbc.toDb(now));
              update.setString(3, tenantId);
              update.setString(4, member.shipmentId());
              update.setLong(5, member.version());
              requireOne(update.executeUpdate());
            }
          }
          return wave(connection, tenantId, waveId).orElseThrow();
        });
  }

  private List<String> unwaved(Connection connection, String tenantId, String channelId, int limit)
      throws SQLException {
    String sql =
        "SELECT s.shipment_id FROM shipments s WHERE s.tenant_id = ? AND s.status = 'PENDING'"
            + " AND s.wave_id IS NULL"
            + (channelId == null
                ? ""
                : " AND EXISTS (SELECT 1 FROM shipment_orders o WHERE o.tenant_id = s.tenant_id"
                    + " AND o.shipment_id = s.shipment_id AND o.channel_id = ?)")
            + " ORDER BY s.created_at, s.shipment_id LIMIT ?";
    List<String> ids = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      int p = 1;
      select.setString(p++, tenantId);
      if (channelId != null) {
        select.setString(p++, channelId);
      }
      select.setInt(p, limit);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getString(1));
        }
      }
    }
    return ids;
  }

  private static Optional<String> waveHash(Connection connection, String tenantId, String waveId)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT request_hash FROM shipment_waves WHERE tenant_id = ? AND wave_id = ?")) {
      select.setString(1, tenantId);
      select.setString(2, waveId);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
      }
    }
  }

  public Optional<Wave> wave(String tenantId, String waveId) {
    return read("read wave " + waveId, tenantId, connection -> wave(connection, tenantId, waveId));
  }

  private Optional<Wave> wave(Connection connection, String tenantId, String waveId)
      throws SQLException {
    Carrier carrier;
    Instant created;
    Instant labeled;
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT carrier, created_at, labeled_at FROM shipment_waves WHERE tenant_id = ?"
                + " AND wave_id = ?")) {
      select.setString(1, tenantId);
      select.setString(2, waveId);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        carrier = Carrier.fromId(row.getString(1)).orElseThrow();
        created = Jdbc.fromDb(row.getObject(2, OffsetDateTime.class));
        labeled = Jdbc.fromDb(row.getObject(3, OffsetDateTime.class));
      }
    }
    List<String> ids = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT shipment_id FROM shipments WHERE tenant_id = ? AND wave_id = ?"
                + " AND status <> 'MERGED' ORDER BY created_at, shipment_id")) {
      select.setString(1, tenantId);
      select.setString(2, waveId);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getString(1));
        }
      }
    }
    return Optional.of(new Wave(waveId, carrier, created, labeled, ids));
  }

  /** The tenant's waves, newest first. */
  public List<Wave> waves(String tenantId, int limit) {
    return read(
        "list waves",
        tenantId,
        connection -> {
          List<String> ids = new ArrayList<>();
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT wave_id FROM shipment_waves WHERE tenant_id = ?"
                      + " ORDER BY created_at DESC, wave_id LIMIT ?")) {
            select.setString(1, tenantId);
            select.setInt(2, limit);
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                ids.add(rows.getString(1));
              }
            }
          }
          List<Wave> waves = new ArrayList<>();
          for (String id : ids) {
            wave(connection, tenantId, id).ifPresent(waves::add);
          }
          return waves;
        });
  }

  /** The shipments of a wave (MERGED ones left out: their orders travel in others). */
  public List<Shipment> waveShipments(String tenantId, String waveId) {
    return read(
        "read the shipments of wave " + waveId,
        tenantId,
        connection -> {
          Wave wave =
              wave(connection, tenantId, waveId)
                  .orElseThrow(() -> new NotFound("No wave " + waveId + "."));
          List<Shipment> shipments = new ArrayList<>();
          for (String id : wave.shipmentIds()) {
            load(connection, tenantId, id).ifPresent(shipments::add);
          }
          return shipments;
        });
  }

  /**
   * Marks the shipments of a wave's label file labelled with the wave's carrier: each one at the
   * version the caller checked ({@code expected}, shipment id to version) becomes LABELED. Returns
   * false, changing nothing, when any of them changed since or the wave has a PENDING shipment the
   * caller did not check (a split meanwhile): the caller reads and checks again.
   */
  public boolean markLabeled(String tenantId, String waveId, Map<String, Long> expected) {
    try {
      return decide(
          "label wave " + waveId,
          tenantId,
          connection -> {
            Wave wave =
                wave(connection, tenantId, waveId)
                    .orElseThrow(() -> new NotFound("No wave " + waveId + "."));
            Instant now = clock.instant();
            for (String id : wave.shipmentIds()) {
              Optional<Shipment> member = load(connection, tenantId, id);
              if (member.isPresent()
                  && member.get().status() == ShipmentStatus.PENDING
                  && !expected.containsKey(id)) {
                return false;
              }
            }
            for (Map.Entry<String, Long> entry : expected.entrySet()) {
              try (PreparedStatement update =
                  connection.prepareStatement(
                      "UPDATE shipments SET status = CASE WHEN status = 'PENDING' THEN 'LABELED'"
                          + " ELSE status END, carrier = ?, labeled_at = COALESCE(labeled_at, ?),"
                          + " version = version + 1, updated_at = ? WHERE tenant_id = ?"
                          + " AND shipment_id = ? AND version = ?"
                          + " AND status IN ('PENDING', 'LABELED')")) {
                update.setString(1, wave.carrier().id());
                update.setObject(2, Jdbc.toDb(now));
                update.setObject(3, Jdbc.toDb(now));
                update.setString(4, tenantId);
                update.setString(5, entry.getKey());
                update.setLong(6, entry.getValue());
                if (update.executeUpdate() != 1) {
                  throw new Conflict();
                }
              }
            }
            try (PreparedStatement update =
                connection.prepareStatement(
                    "UPDATE shipment_waves SET labeled_at = COALESCE(labeled_at, ?)"
                        + " WHERE tenant_id = ? AND wave_id = ?")) {
              update.setObject(1, Jdbc.toDb(now));
              update.setString(2, tenantId);
              update.setString(3, waveId);
              update.executeUpdate();
            }
            return true;
          },
          1);
    } catch (Contended contended) {
      return false;
    }
  }

  // Tracking and shipping -----------------------------------------------------------------------

  /**
   * Records the parcel's tracking number. The first number recorded stays: the same number again is
   * UNCHANGED, another one is refused, as is a number another shipment already has. With {@code
   * requireLabel}, the shipment must have been labelled with this carrier (a carrier result file
   * only names shipments of its label file); by hand, a PENDING shipment may take one too.
   */
  // Limitation: a shipment has one tracking number; a parcel count above one (個数口) still
  // reports only this number to the marketplace, and a second number for it is refused.
  public TrackingOutcome recordTracking(
      String tenantId,
      String shipmentId,
      Carrier carrier,
      String trackingNumber,
      boolean requireLabel) {
    return decide(
        "record the tracking number of shipment " + shipmentId,
        tenantId,
        connection -> {
          Shipment shipment =
              load(connection, tenantId, shipmentId, false)
                  .orElseThrow(() -> new NotFound("No shipment " + shipmentId + "."));
          if (shipment.trackingNumber() != null) {
            if (shipment.trackingNumber().equals(trackingNumber) && shipment.carrier() == carrier) {
              return TrackingOutcome.UNCHANGED;
            }
            throw new Refused(
                "Shipment "
                    + shipmentId
                    + " already has "
                    + shipment.carrier().id()
                    + " tracking number "
                    + shipment.trackingNumber()
                    + ".");
          }
          if (shipment.status() != ShipmentStatus.PENDING
              && shipment.status() != ShipmentStatus.LABELED) {
            throw new Refused(
                "Shipment " + shipmentId + " is " + shipment.status() + "; it has no parcel.");
          }
          if (requireLabel
              && (shipment.status() != ShipmentStatus.LABELED || shipment.carrier() != carrier)) {
            throw new Refused(
                "Shipment "
                    + shipmentId
                    + " is not in a "
                    + carrier.id()
                    + " label file ("
                    + shipment.status()
                    + (shipment.carrier() == null ? "" : ", " + shipment.carrier().id())
                    + ").");
          }
          if (shipment.status() == ShipmentStatus.LABELED && shipment.carrier() != carrier) {
            throw new Refused(
                "Shipment " + shipmentId + " was labelled for " + shipment.carrier().id() + ".");
          }
          Optional<String> other = withTracking(connection, tenantId, carrier, trackingNumber);
          if (other.isPresent()) {
            throw new Refused(
                "Tracking number "
                    + trackingNumber
                    + " is already recorded for shipment "
                    + other.get()
                    + ".");
          }
          Instant now = clock.instant();
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE shipments SET tracking_number = ?, carrier = ?, status = 'LABELED',"
                      + " labeled_at = COALESCE(labeled_at, ?), version = version + 1,"
                      + " updated_at = ? WHERE tenant_id = ? AND shipment_id = ? AND version = ?")) {
            update.setString(1, trackingNumber);
            update.setString(2, carrier.id());
            update.setObject(3, Jdbc.toDb(now));
            update.setObject(4, Jdbc.toDb(now));
            update.setString(5, tenantId);
            update.setString(6, shipmentId);
            update.setLong(7, shipment.version());
            requireOne(update.executeUpdate());
          }
          return TrackingOutcome.RECORDED;
        });
  }

  private static Optional<String> withTracking(
      Connection connection, String tenantId, Carrier carrier, String trackingNumber)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT shipment_id FROM shipments WHERE tenant_id = ? AND carrier = ?"
                + " AND tracking_number = ?")) {
      select.setString(1, tenantId);
      select.setString(2, carrier.id());
      select.setString(3, trackingNumber);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
      }
    }
  }

  /**
   * Shipments with a tracking number that are not SHIPPED yet: some order has not answered its
   * shipment command, or the last answer was stored without settling the shipment.
   */
  public List<PendingShipment> shipping(int limit) {
    return read(
        "find shipments still shipping",
        "*",
        connection -> {
          List<PendingShipment> pending = new ArrayList<>();
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT s.tenant_id, s.shipment_id FROM shipments s"
                      + " WHERE s.status = 'LABELED' AND s.tracking_number IS NOT NULL"
                      + " ORDER BY s.updated_at LIMIT ?")) {
            select.setInt(1, limit);
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                pending.add(new PendingShipment(rows.getString(1), rows.getString(2)));
              }
            }
          }
          return pending;
        });
  }

  /**
   * Records what an order answered to its shipment command. Once no order of the shipment is OPEN,
   * the shipment is SHIPPED (or CANCELLED when every order refused, with the reasons in its
   * attention note).
   */
  public Shipment orderAnswered(
      String tenantId, String shipmentId, String orderId, OrderShipState state, String error) {
    return decide(
        "record the shipment of order " + orderId,
        tenantId,
        connection -> {
          // Orders of one shipment answer at the same time; the lock makes the last one to
          // commit see every other answer, so exactly one of them settles the shipment.
          lockShipment(connection, tenantId, shipmentId);
          Shipment shipment = require(connection, tenantId, shipmentId);
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE shipment_orders SET ship_state = ?, ship_error = ? WHERE tenant_id = ?"
                      + " AND order_id = ? AND shipment_id = ? AND ship_state = 'OPEN'")) {
            update.setString(1, state.name());
            update.setString(2, Jdbc.oneLine(error, ShipmentWriteBacks.MAX_ERROR_LENGTH));
            update.setString(3, tenantId);
            update.setString(4, orderId);
            update.setString(5, shipmentId);
            update.executeUpdate();
          }
          return settle(connection, tenantId, shipmentId);
        });
  }

  /**
   * Settles a shipment with a tracking number none of whose orders is OPEN any more: SHIPPED (or
   * CANCELLED when every order refused). The background pass calls it too, for a shipment whose
   * last answer was stored but not its settling (a crash in between).
   */
  public Shipment settle(String tenantId, String shipmentId) {
    return decide(
        "settle shipment " + shipmentId,
        tenantId,
        connection -> {
          lockShipment(connection, tenantId, shipmentId);
          return settle(connection, tenantId, shipmentId);
        });
  }

  private static void lockShipment(Connection connection, String tenantId, String shipmentId)
      throws SQLException {
    try (PreparedStatement lock =
        connection.prepareStatement(
            "SELECT version FROM shipments WHERE tenant_id = ? AND shipment_id = ? FOR UPDATE")) {
      lock.setString(1, tenantId);
      lock.setString(2, shipmentId);
      try (ResultSet row = lock.executeQuery()) {
        if (!row.next()) {
          throw new NotFound("No shipment " + shipmentId + ".");
        }
      }
    }
  }

  private Shipment settle(Connection connection, String tenantId, String shipmentId)
      throws SQLException {
    Shipment after = load(connection, tenantId, shipmentId).orElseThrow();
    if (after.trackingNumber() == null
        || (after.status() != ShipmentStatus.LABELED && after.status() != ShipmentStatus.PENDING)) {
      return after;
    }
    boolean open = after.orders().stream().anyMatch(o -> o.shipState() == OrderShipState.OPEN);
    if (!open) {
      boolean anyShipped =
          after.orders().stream().anyMatch(o -> o.shipState() == OrderShipState.SHIPPED);
      List<String> refusals =
          after.orders().stream()
              .filter(o -> o.shipState() == OrderShipState.REFUSED)
              .map(o -> "order " + o.orderId() + " refused: " + o.shipError())
              .toList();
      Instant now = clock.instant();
      try (PreparedStatement update =
          connection.prepareStatement(
              "UPDATE shipments SET status = ?, shipped_at = ?, attention = ?,"
                  + " version = version + 1, updated_at = ? WHERE tenant_id = ?"
                  + " AND shipment_id = ? AND version = ?")) {
        update.setString(
            1, (anyShipped ? ShipmentStatus.SHIPPED : ShipmentStatus.CANCELLED).name());
        update.setObject(2, anyShipped ? Jdbc.toDb(now) : null);
        update.setString(
            3,
            refusals.isEmpty()
                ? after.attention()
                : Jdbc.oneLine(
                    join(after.attention(), String.join("; ", refusals)), MAX_ATTENTION));
        update.setObject(4, Jdbc.toDb(now));
        update.setString(5, tenantId);
        update.setString(6, shipmentId);
        update.setLong(7, after.version());
        requireOne(update.executeUpdate());
      }
      after = load(connection, tenantId, shipmentId).orElseThrow();
    }
    return after;
  }

  // Orders that left their shipment -------------------------------------------------------------

  /**
   * Orders in shipments without a tracking number whose order is cancelled, returned or shipped (by
   * the order API directly) according to the order read side: they must leave the parcel.
   */
  public List<StaleOrder> staleOrders(int limit) {
    return read(
        "find orders that left their shipment",
        "*",
        connection -> {
          List<StaleOrder> stale = new ArrayList<>();
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT o.tenant_id, o.order_id, o.shipment_id, r.status FROM shipment_orders o"
                      + " JOIN shipments s ON s.tenant_id = o.tenant_id"
                      + " AND s.shipment_id = o.shipment_id JOIN orders r"
                      + " ON r.tenant_id = o.tenant_id AND r.order_id = o.order_id"
                      + " WHERE o.ship_state = 'OPEN' AND s.tracking_number IS NULL"
                      + " AND r.status IN ('CANCELLED', 'SHIPPED', 'RETURNED') LIMIT ?")) {
            select.setInt(1, limit);
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                stale.add(
                    new StaleOrder(
                        rows.getString(1),
                        rows.getString(2),
                        rows.getString(3),
                        rows.getString(4)));
              }
            }
          }
          return stale;
        });
  }

  /**
   * Takes an order out of its shipment (it was cancelled or shipped elsewhere). A shipment left
   * without orders is CANCELLED; a labelled one keeps going with a note for the operator, who must
   * take the order's goods out of the parcel.
   */
  public void detach(String tenantId, String orderId, String reason) {
    decide(
        "take order " + orderId + " out of its shipment",
        tenantId,
        connection -> {
          Optional<String> at = containerOf(connection, tenantId, orderId);
          if (at.isEmpty()) {
            return null;
          }
          Shipment shipment = load(connection, tenantId, at.get()).orElseThrow();
          if (shipment.trackingNumber() != null) {
            return null;
          }
          try (PreparedStatement delete =
              connection.prepareStatement(
                  "DELETE FROM shipment_orders WHERE tenant_id = ? AND order_id = ?"
                      + " AND ship_state = 'OPEN'")) {
            delete.setString(1, tenantId);
            delete.setString(2, orderId);
            if (delete.executeUpdate() == 0) {
              return null;
            }
          }
          Instant now = clock.instant();
          List<ShipmentOrder> rest =
              shipment.orders().stream().filter(o -> !o.orderId().equals(orderId)).toList();
          ShipmentRules.Requests requests = ShipmentRules.requests(rest);
          String attention =
              shipment.status() == ShipmentStatus.LABELED
                  ? join(
                      shipment.attention(),
                      "order "
                          + orderId
                          + " "
                          + reason
                          + " after its label was issued: take its items out of the parcel")
                  : shipment.attention();
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE shipments SET status = ?, gift_wrap = ?, note = ?, delivery_date = ?,"
                      + " attention = ?, version = version + 1, updated_at = ?"
                      + " WHERE tenant_id = ? AND shipment_id = ? AND version = ?")) {
            update.setString(
                1, rest.isEmpty() ? ShipmentStatus.CANCELLED.name() : shipment.status().name());
            update.setBoolean(2, requests.giftWrap());
            update.setString(3, Jdbc.oneLine(requests.note(), MAX_NOTE));
            setDate(update, 4, rest.isEmpty() ? shipment.deliveryDate() : requests.deliveryDate());
            update.setString(5, Jdbc.oneLine(attention, MAX_ATTENTION));
            update.setObject(6, Jdbc.toDb(now));
            update.setString(7, tenantId);
            update.setString(8, shipment.shipmentId());
            update.setLong(9, shipment.version());
            requireOne(update.executeUpdate());
          }
          String homeId = io.ecengine.engine.fulfillment.ShipmentIds.home(orderId);
          if (!homeId.equals(shipment.shipmentId())) {
            try (PreparedStatement update =
                connection.prepareStatement(
                    "UPDATE shipments SET status = 'CANCELLED', merged_into = NULL,"
                        + " version = version + 1, updated_at = ? WHERE tenant_id = ?"
                        + " AND shipment_id = ? AND status = 'MERGED'")) {
              update.setObject(1, Jdbc.toDb(now));
              update.setString(2, tenantId);
              update.setString(3, homeId);
              update.executeUpdate();
            }
          }
          return null;
        });
  }

  /**
   * Allocated orders (by the order read side) that are in no shipment, oldest first, of tenants
   * that did not switch automatic shipments off.
   */
  public List<Map.Entry<String, String>> allocatedWithoutShipment(int limit) {
    return read(
        "find allocated orders without a shipment",
        "*",
        connection -> {
          List<Map.Entry<String, String>> orders = new ArrayList<>();
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT r.tenant_id, r.order_id FROM orders r WHERE r.status = 'ALLOCATED'"
                      + " AND NOT EXISTS (SELECT 1 FROM shipment_orders o"
                      + " WHERE o.tenant_id = r.tenant_id AND o.order_id = r.order_id)"
                      + " AND NOT EXISTS (SELECT 1 FROM fulfillment_settings f"
                      + " WHERE f.tenant_id = r.tenant_id AND f.auto_create = FALSE)"
                      + " ORDER BY r.placed_at, r.order_id LIMIT ?")) {
            select.setInt(1, limit);
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                orders.add(Map.entry(rows.getString(1), rows.getString(2)));
              }
            }
          }
          return orders;
        });
  }

  // Plumbing ------------------------------------------------------------------------------------

  private static String join(String first, String second) {
    if (first == null || first.isBlank()) {
      return second;
    }
    return first + "; " + second;
  }

  private static void setStatus(
      Connection connection,
      String tenantId,
      Shipment shipment,
      ShipmentStatus status,
      String mergedInto,
      Instant now)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE shipments SET status = ?, merged_into = ?, version = version + 1,"
                + " updated_at = ? WHERE tenant_id = ? AND shipment_id = ? AND version = ?")) {
      update.setString(1, status.name());
      update.setString(2, mergedInto);
      update.setObject(3, Jdbc.toDb(now));
      update.setString(4, tenantId);
      update.setString(5, shipment.shipmentId());
      update.setLong(6, shipment.version());
      requireOne(update.executeUpdate());
    }
  }

  private static void requireOne(int updated) {
    if (updated != 1) {
      throw new Conflict();
    }
  }

  private static Shipment require(Connection connection, String tenantId, String shipmentId)
      throws SQLException {
    return load(connection, tenantId, shipmentId)
        .orElseThrow(() -> new NotFound("No shipment " + shipmentId + "."));
  }

  private static Optional<String> containerOf(
      Connection connection, String tenantId, String orderId) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT shipment_id FROM shipment_orders WHERE tenant_id = ? AND order_id = ?")) {
      select.setString(1, tenantId);
      select.setString(2, orderId);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
      }
    }
  }

  static Optional<Shipment> load(Connection connection, String tenantId, String shipmentId)
      throws SQLException {
    return load(connection, tenantId, shipmentId, true);
  }

  /** The shipment; with {@code withOrders} false its orders are left out (one query less). */
  private static Optional<Shipment> load(
      Connection connection, String tenantId, String shipmentId, boolean withOrders)
      throws SQLException {
    List<ShipmentOrder> orders = new ArrayList<>();
    if (withOrders) {
      readOrders(connection, tenantId, shipmentId, orders);
    }
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT "
                + SHIPMENT_COLUMNS
                + " FROM shipments WHERE tenant_id = ? AND shipment_id = ?")) {
      select.setString(1, tenantId);
      select.setString(2, shipmentId);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        OrderDetails.ShipTo shipTo =
            new OrderDetails.ShipTo(
                row.getString("ship_to_name"),
                row.getString("ship_to_postal_code"),
                row.getString("ship_to_prefecture"),
                row.getString("ship_to_city"),
                row.getString("ship_to_address1"),
                row.getString("ship_to_address2"),
                row.getString("ship_to_phone"));
        String carrier = row.getString("carrier");
        String slot = row.getString("time_slot");
        return Optional.of(
            new Shipment(
                row.getString("shipment_id"),
                row.getString("home_order_id"),
                ShipmentStatus.valueOf(row.getString("status")),
                row.getString("wave_id"),
                carrier == null ? null : Carrier.fromId(carrier).orElseThrow(),
                row.getString("tracking_number"),
                shipTo,
                row.getString("buyer_key"),
                row.getString("address_key"),
                row.getInt("parcel_count"),
                date(row, "delivery_date"),
                slot == null ? null : TimeSlot.fromId(slot).orElseThrow(),
                row.getBoolean("gift_wrap"),
                row.getString("note"),
                row.getString("attention"),
                row.getString("merged_into"),
                row.getLong("version"),
                Jdbc.fromDb(row.getObject("created_at", OffsetDateTime.class)),
                Jdbc.fromDb(row.getObject("updated_at", OffsetDateTime.class)),
                Jdbc.fromDb(row.getObject("labeled_at", OffsetDateTime.class)),
                Jdbc.fromDb(row.getObject("shipped_at", OffsetDateTime.class)),
                orders));
      }
    }
  }

  private static void readOrders(
      Connection connection, String tenantId, String shipmentId, List<ShipmentOrder> orders)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT "
                + ORDER_COLUMNS
                + " FROM shipment_orders WHERE tenant_id = ? AND shipment_id = ?"
                + " ORDER BY placed_at, order_id")) {
      select.setString(1, tenantId);
      select.setString(2, shipmentId);
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          orders.add(
              new ShipmentOrder(
                  row.getString("order_id"),
                  row.getString("channel_id"),
                  row.getString("channel_order_id"),
                  Jdbc.fromDb(row.getObject("placed_at", OffsetDateTime.class)),
                  lines(row.getString("lines_json")),
                  row.getBoolean("gift_wrap"),
                  row.getString("note"),
                  date(row, "delivery_date"),
                  OrderShipState.valueOf(row.getString("ship_state")),
                  row.getString("ship_error")));
        }
      }
    }
  }

  private static List<String> shipToFields(OrderDetails.ShipTo to) {
    if (to == null) {
      return java.util.Arrays.asList(null, null, null, null, null, null, null);
    }
    return java.util.Arrays.asList(
        to.name(),
        to.postalCode(),
        to.prefecture(),
        to.city(),
        to.address1(),
        to.address2(),
        to.phone());
  }

  private static void setDate(PreparedStatement statement, int index, LocalDate date)
      throws SQLException {
    if (date == null) {
      statement.setNull(index, Types.DATE);
    } else {
      statement.setDate(index, Date.valueOf(date));
    }
  }

  private static String slotId(TimeSlot slot) {
    return slot == null ? null : slot.id();
  }

  private static LocalDate date(ResultSet row, String column) throws SQLException {
    Date date = row.getDate(column);
    return date == null ? null : date.toLocalDate();
  }

  static String linesJson(List<Shipment.Line> lines) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Shipment.Line line : lines) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("sku", line.sku());
      m.put("quantity", line.quantity());
      m.put("components", line.components());
      out.add(m);
    }
    try {
      return JSON.writeValueAsString(out);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Shipment lines are plain data", e);
    }
  }

  static List<Shipment.Line> lines(String json) {
    try {
      List<Shipment.Line> lines = new ArrayList<>();
      for (Map<String, Object> m : JSON.readValue(json, LINES)) {
        Map<String, Long> components = new LinkedHashMap<>();
        Object raw = m.get("components");
        if (raw instanceof Map<?, ?> parts) {
          parts.forEach((k, v) -> components.put((String) k, ((Number) v).longValue()));
        }
        lines.add(
            new Shipment.Line(
                (String) m.get("sku"), ((Number) m.get("quantity")).longValue(), components));
      }
      return lines;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Stored shipment lines are not valid JSON", e);
    }
  }

  /** Work in a transaction that may lose a race and be decided again. */
  @FunctionalInterface
  private interface Decision<R> {
    R run(Connection connection) throws SQLException;
  }

  private <R> R decide(String action, String tenantId, Decision<R> decision) {
    return decide(action, tenantId, decision, CONFLICT_ATTEMPTS);
  }

  private <R> R decide(String action, String tenantId, Decision<R> decision, int attempts) {
    for (int attempt = 1; ; attempt++) {
      try {
        return Jdbc.inTransaction(dataSource, decision::run);
      } catch (Conflict conflict) {
        if (attempt >= attempts) {
          throw new Contended();
        }
      } catch (SQLException e) {
        throw new IllegalStateException(
            "Could not " + action + " (tenant " + tenantId + "): " + e.getMessage(), e);
      }
    }
  }

  private <R> R read(String action, String tenantId, Decision<R> decision) {
    try (Connection connection = dataSource.getConnection()) {
      return decision.run(connection);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Could not " + action + " (tenant " + tenantId + "): " + e.getMessage(), e);
    }
  }
}
