package io.ecengine.engine.order;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Turning order lines into what each SKU must hold. */
public final class Demand {

  private Demand() {}

  /** Units per line SKU; two lines of the same SKU are one demand. */
  public static Map<String, Long> perSku(List<OrderLine> lines) {
    Map<String, Long> out = new TreeMap<>();
    lines.forEach(l -> out.merge(l.sku(), l.quantity(), Long::sum));
    return out;
  }

  /**
   * Units per component SKU: bundles are expanded into their components (a SKU that is not a bundle
   * is its own single component) and the units are summed, so two bundles sharing a component, or a
   * bundle and a line of one of its components, make one demand on that SKU.
   *
   * @param components per line SKU, the units of each component SKU that one unit takes
   */
  public static Map<String, Long> perComponent(
      List<OrderLine> lines, Map<String, Map<String, Long>> components) {
    Map<String, Long> out = new TreeMap<>();
    perSku(lines)
        .forEach(
            (sku, units) ->
                components
                    .getOrDefault(sku, Map.of(sku, 1L))
                    .forEach((component, per) -> out.merge(component, per * units, Long::sum)));
    return new LinkedHashMap<>(out);
  }
}
