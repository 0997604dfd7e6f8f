package io.ecengine.engine.sku;

import io.ecengine.engine.serialization.CborSerializable;
import java.util.List;
import java.util.Map;

/**
 * The stock figures of one SKU at one moment.
 *
 * <p>{@code reserved} counts only holds on stock; {@code backordered} and {@code preordered} are
 * owed holds, which take no units from on hand but are served first, so they lower {@code
 * available}. {@code incoming} is the sum of announced deliveries not yet received. {@code shared}
 * is what is set aside in channels' shares of the last units (see {@link SkuRequest.ClaimShare}):
 * on show at one marketplace each, or sold there and not placed here yet, and so not available
 * either. A bundle has none of these figures itself: its {@code components} are set, and its
 * sellable quantity follows from theirs through {@link #bundleAvailable}.
 */
public record Levels(
    String name,
    long onHand,
    long reserved,
    long safetyStock,
    long available,
    long backordered,
    long preordered,
    long incoming,
    List<Component> components,
    long shared)
    implements CborSerializable {

  public Levels {
    // Levels stored before bundles existed have no component list.
    components = components == null ? List.of() : List.copyOf(components);
  }

  /** The figures of a SKU with nothing set aside in shares. */
  public Levels(
      String name,
      long onHand,
      long reserved,
      long safetyStock,
      long available,
      long backordered,
      long preordered,
      long incoming,
      List<Component> components) {
    this(
        name,
        onHand,
        reserved,
        safetyStock,
        available,
        backordered,
        preordered,
        incoming,
        components,
        0);
  }

  /** The figures of an ordinary SKU with nothing owed and nothing incoming. */
  public Levels(String name, long onHand, long reserved, long safetyStock, long available) {
    this(name, onHand, reserved, safetyStock, available, 0, 0, 0, List.of());
  }

  /**
   * How many units of a bundle can be sold: the fewest complete sets its components allow. A
   * component missing from {@code componentAvailable} counts as 0, so an unknown component can
   * never lead to an oversell.
   *
   * @throws IllegalArgumentException when {@code components} is empty, which is an ordinary SKU
   */
  public static long bundleAvailable(
      List<Component> components, Map<String, Long> componentAvailable) {
    if (components.isEmpty()) {
      throw new IllegalArgumentException("An ordinary SKU has no components");
    }
    long sets = Long.MAX_VALUE;
    for (Component component : components) {
      long available = Math.max(0, componentAvailable.getOrDefault(component.sku(), 0L));
      sets = Math.min(sets, available / component.quantity());
    }
    return sets;
  }
}
