package io.ecengine.engine.order;

import io.ecengine.engine.order.OrderEvent.AllocationFailed;
import io.ecengine.engine.order.OrderEvent.AllocationStarted;
import io.ecengine.engine.order.OrderEvent.AllocationSucceeded;
import io.ecengine.engine.order.OrderEvent.CancellationStarted;
import io.ecengine.engine.order.OrderEvent.HoldsFilled;
import io.ecengine.engine.order.OrderEvent.OrderCancelled;
import io.ecengine.engine.order.OrderEvent.OrderPlaced;
import io.ecengine.engine.order.OrderEvent.ReturnApplied;
import io.ecengine.engine.order.OrderEvent.ReturnLine;
import io.ecengine.engine.order.OrderEvent.ReturnRecorded;
import io.ecengine.engine.order.OrderEvent.ShipmentCommitted;
import io.ecengine.engine.order.OrderEvent.ShipmentRecorded;
import io.ecengine.engine.sku.HoldKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One order and the progress of its saga: pure state and the checks that decide what may happen
 * next, no actors and no I/O.
 *
 * <p>Invariants: units shipped per line never exceed units ordered; units returned never exceed
 * units shipped; an order that shipped anything cannot be cancelled; holds exist only for the
 * current allocation attempt, whose reservation ids are derived from the order id and the attempt
 * number, so a resumed step can never hold twice.
 */
public final class Order {

  /** A status and when the order entered it. */
  public record StatusChange(OrderStatus status, Instant at) {}

  /** A recorded shipment and whether its holds are committed yet. */
  public record Shipment(
      String shipmentId,
      String carrier,
      String trackingNumber,
      Map<String, Long> lines,
      Instant at,
      boolean committed) {}

  /** A recorded return and whether its sellable units are back on hand yet. */
  public record Return(String returnId, List<ReturnLine> lines, Instant at, boolean applied) {}

  private OrderPlaced placed;
  private OrderStatus status;
  private final List<StatusChange> history = new ArrayList<>();
  private int attempt;
  private boolean attemptOpen;
  private Map<String, Long> demand = Map.of();
  private Map<String, Map<String, Long>> components = Map.of();
  private final Map<String, HoldKind> holds = new LinkedHashMap<>();
  private List<String> shortSkus = List.of();
  private boolean cancelling;
  private final Map<String, Shipment> shipments = new LinkedHashMap<>();
  private final Map<String, Return> returns = new LinkedHashMap<>();

  public static Order empty() {
    return new Order();
  }

  public boolean exists() {
    return placed != null;
  }

  public OrderPlaced placed() {
    return placed;
  }

  public OrderStatus status() {
    return status;
  }

  public List<StatusChange> history() {
    return Collections.unmodifiableList(history);
  }

  public int attempt() {
    return attempt;
  }

  /** True between the start of an allocation attempt and its stored outcome. */
  public boolean attemptOpen() {
    return attemptOpen;
  }

  public Map<String, Long> demand() {
    return demand;
  }

  /** Per line SKU, the units of each component SKU that one unit takes. */
  public Map<String, Map<String, Long>> components() {
    return components;
  }

  public Map<String, HoldKind> holds() {
    return Collections.unmodifiableMap(holds);
  }

  public List<String> shortSkus() {
    return shortSkus;
  }

  public boolean cancelling() {
    return cancelling;
  }

  public Map<String, Shipment> shipments() {
    return Collections.unmodifiableMap(shipments);
  }

  public Map<String, Return> returns() {
    return Collections.unmodifiableMap(returns);
  }

  /** Reservation id of this order on every SKU during one allocation attempt. */
  public static String reservationId(String orderId, int attempt) {
    return orderId + "#a" + attempt;
  }

  /** The order id inside a reservation id made by {@link #reservationId}, if it is one. */
  public static Optional<String> orderIdOf(String reservationId) {
    int at = reservationId.lastIndexOf("#a");
    if (at <= 0
        || !reservationId.startsWith(OrderIds.PREFIX)
        || !reservationId.substring(at + 2).matches("[0-9]+")) {
      return Optional.empty();
    }
    return Optional.of(reservationId.substring(0, at));
  }

  public String currentReservationId() {
    return reservationId(placed.orderId(), attempt);
  }

  /** True when the order's lines equal these, in any order and however they are split. */
  public boolean sameLines(List<OrderLine> lines) {
    return Demand.perSku(placed.lines()).equals(Demand.perSku(lines));
  }

  /** Units ordered per line SKU. */
  public Map<String, Long> ordered() {
    return Demand.perSku(placed.lines());
  }

  /** Units shipped per line SKU, counting recorded shipments. */
  public Map<String, Long> shipped() {
    Map<String, Long> shipped = new LinkedHashMap<>();
    shipments
        .values()
        .forEach(s -> s.lines().forEach((sku, q) -> shipped.merge(sku, q, Long::sum)));
    return shipped;
  }

  /** Units returned per line SKU. */
  public Map<String, Long> returned() {
    Map<String, Long> returned = new LinkedHashMap<>();
    returns
        .values()
        .forEach(r -> r.lines().forEach(l -> returned.merge(l.sku(), l.quantity(), Long::sum)));
    return returned;
  }

  /** Units per component SKU for the given units per line SKU. */
  public Map<String, Long> toComponents(Map<String, Long> lineUnits) {
    Map<String, Long> out = new LinkedHashMap<>();
    lineUnits.forEach(
        (sku, units) ->
            components
                .getOrDefault(sku, Map.of(sku, 1L))
                .forEach((component, per) -> out.merge(component, per * units, Long::sum)));
    return out;
  }

  /** Why a request about this order cannot be carried out, or empty when it can. */
  public Optional<String> cannotCancel() {
    if (!shipments.isEmpty()) {
      return Optional.of("The order has shipped units and can no longer be cancelled.");
    }
    return Optional.empty();
  }

  /**
   * Checks a shipment and resolves its lines: {@code requested} null ships everything not yet
   * shipped. Returns the units per line SKU, or an error message.
   */
  public Result<Map<String, Long>> shipmentLines(Map<String, Long> requested) {
    if (status == OrderStatus.CANCELLED) {
      return Result.error("The order is cancelled.");
    }
    if (status != OrderStatus.ALLOCATED
        && status != OrderStatus.SHIPPED
        && status != OrderStatus.RETURNED) {
      return Result.error(
          "Only an order whose units are all held from stock can ship; it is " + status + ".");
    }
    Map<String, Long> remaining = new LinkedHashMap<>(ordered());
    shipped().forEach((sku, q) -> remaining.merge(sku, -q, Long::sum));
    remaining.values().removeIf(q -> q == 0);
    if (requested == null) {
      return remaining.isEmpty()
          ? Result.error("Every unit of the order has already shipped.")
          : Result.ok(remaining);
    }
    for (Map.Entry<String, Long> line : requested.entrySet()) {
      if (line.getValue() == null || line.getValue() < 1) {
        return Result.error("Every shipped line needs a quantity of at least 1.");
      }
      long left = remaining.getOrDefault(line.getKey(), 0L);
      if (line.getValue() > left) {
        return Result.error("Only " + left + " of " + line.getKey() + " remain to ship.");
      }
    }
    return Result.ok(requested);
  }

  /** Checks a return: every line must be within what shipped and was not yet returned. */
  public Optional<String> cannotReturn(List<ReturnLine> lines) {
    Map<String, Long> shipped = shipped();
    Map<String, Long> returned = new LinkedHashMap<>(returned());
    for (ReturnLine line : lines) {
      if (line.quantity() < 1) {
        return Optional.of("Every returned line needs a quantity of at least 1.");
      }
      long open = shipped.getOrDefault(line.sku(), 0L) - returned.getOrDefault(line.sku(), 0L);
      if (line.quantity() > open) {
        return Optional.of(
            "Only " + Math.max(0, open) + " of " + line.sku() + " shipped and are not returned.");
      }
      returned.merge(line.sku(), line.quantity(), Long::sum);
    }
    return Optional.empty();
  }

  /** Applies one persisted event. */
  public void apply(OrderEvent event) {
    if (event instanceof OrderPlaced e) {
      placed = e;
      moveTo(OrderStatus.ALLOCATING, e.at());
    } else if (event instanceof AllocationStarted e) {
      attempt = e.attempt();
      attemptOpen = true;
      demand = Map.copyOf(e.demand());
      components = Map.copyOf(e.components());
      holds.clear();
    } else if (event instanceof AllocationSucceeded e) {
      attemptOpen = false;
      holds.clear();
      holds.putAll(e.holds());
      shortSkus = List.of();
      moveTo(statusOfHolds(), e.at());
    } else if (event instanceof AllocationFailed e) {
      attemptOpen = false;
      holds.clear();
      shortSkus = List.copyOf(e.shortSkus());
      moveTo(OrderStatus.AWAITING_STOCK, e.at());
    } else if (event instanceof HoldsFilled e) {
      e.skus().forEach(sku -> holds.replace(sku, HoldKind.STOCK));
      moveTo(e.statusAfter(), e.at());
    } else if (event instanceof CancellationStarted) {
      cancelling = true;
    } else if (event instanceof OrderCancelled e) {
      cancelling = false;
      holds.clear();
      moveTo(OrderStatus.CANCELLED, e.at());
    } else if (event instanceof ShipmentRecorded e) {
      shipments.put(
          e.shipmentId(),
          new Shipment(e.shipmentId(), e.carrier(), e.trackingNumber(), e.lines(), e.at(), false));
    } else if (event instanceof ShipmentCommitted e) {
      shipments.computeIfPresent(
          e.shipmentId(),
          (id, s) -> new Shipment(id, s.carrier(), s.trackingNumber(), s.lines(), s.at(), true));
      moveTo(e.statusAfter(), e.at());
    } else if (event instanceof ReturnRecorded e) {
      returns.put(e.returnId(), new Return(e.returnId(), e.lines(), e.at(), false));
    } else if (event instanceof ReturnApplied e) {
      returns.computeIfPresent(e.returnId(), (id, r) -> new Return(id, r.lines(), r.at(), true));
      moveTo(OrderStatus.RETURNED, e.at());
    }
  }

  /** The status once the owed holds on these SKUs are filled from stock. */
  public OrderStatus statusIfFilled(List<String> skus) {
    if (status != OrderStatus.BACKORDERED && status != OrderStatus.PREORDERED) {
      return status;
    }
    Map<String, HoldKind> after = new LinkedHashMap<>(holds);
    skus.forEach(sku -> after.replace(sku, HoldKind.STOCK));
    return statusOf(after);
  }

  /** The status once this recorded shipment is committed. */
  public OrderStatus statusIfCommitted(String shipmentId) {
    Map<String, Long> shippedAfter = new LinkedHashMap<>();
    shipments.values().stream()
        .filter(s -> s.committed() || s.shipmentId().equals(shipmentId))
        .forEach(s -> s.lines().forEach((sku, q) -> shippedAfter.merge(sku, q, Long::sum)));
    return shippedAfter.equals(ordered()) ? OrderStatus.SHIPPED : status;
  }

  private OrderStatus statusOfHolds() {
    return statusOf(holds);
  }

  private static OrderStatus statusOf(Map<String, HoldKind> holds) {
    if (holds.containsValue(HoldKind.PREORDER)) {
      return OrderStatus.PREORDERED;
    }
    if (holds.containsValue(HoldKind.BACKORDER)) {
      return OrderStatus.BACKORDERED;
    }
    return OrderStatus.ALLOCATED;
  }

  private void moveTo(OrderStatus next, Instant at) {
    if (next != status) {
      status = next;
      history.add(new StatusChange(next, at));
    }
  }

  /** A value or an error message, for checks that produce something. */
  public record Result<T>(T value, String error) {
    static <T> Result<T> ok(T value) {
      return new Result<>(value, null);
    }

    static <T> Result<T> error(String error) {
      return new Result<>(null, error);
    }

    public boolean isOk() {
      return error == null;
    }
  }
}
