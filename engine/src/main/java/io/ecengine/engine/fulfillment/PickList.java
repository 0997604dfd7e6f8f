package io.ecengine.engine.fulfillment;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What to take off the shelves for a wave: the units of every SKU summed over its shipments (one
 * walk through the warehouse), and each shipment's lines (to pack each parcel). A bundle (set
 * product) is picked as its components, so totals count component SKUs; the per-shipment lines show
 * both the ordered SKU and what it is made of.
 *
 * <p>The CSV files are UTF-8 with a byte order mark and CRLF, which spreadsheet programs on Windows
 * open with the Japanese text intact.
 */
public record PickList(String waveId, List<Total> totals, List<Line> lines) {

  /** One shipment of the wave, as picking sees it. */
  public record Shipment(String shipmentId, boolean giftWrap, String note, List<Item> items) {}

  /**
   * One order line inside a shipment. {@code components} is what one unit of {@code sku} is made of
   * (the SKU itself for an ordinary SKU).
   */
  public record Item(
      String orderId,
      String channelOrderId,
      String sku,
      long quantity,
      Map<String, Long> components) {}

  /** Units of one SKU to pick, and how many shipments need it. */
  public record Total(String sku, long quantity, int shipments) {}

  /** One component SKU to put in one shipment. */
  public record Line(
      String shipmentId,
      String orderId,
      String channelOrderId,
      String orderedSku,
      String sku,
      long quantity,
      boolean giftWrap,
      String note) {}

  public PickList {
    totals = List.copyOf(totals);
    lines = List.copyOf(lines);
  }

  /** The pick list of these shipments, totals by SKU code, lines in shipment order. */
  public static PickList of(String waveId, List<Shipment> shipments) {
    Map<String, long[]> totals = new TreeMap<>();
    List<Line> lines = new ArrayList<>();
    for (Shipment shipment : shipments) {
      Map<String, Long> inThisShipment = new TreeMap<>();
      for (Item item : shipment.items()) {
        Map<String, Long> parts =
            item.components() == null || item.components().isEmpty()
                ? Map.of(item.sku(), 1L)
                : item.components();
        for (Map.Entry<String, Long> part : new TreeMap<>(parts).entrySet()) {
          long units = Math.multiplyExact(part.getValue(), item.quantity());
          lines.add(
              new Line(
                  shipment.shipmentId(),
                  item.orderId(),
                  item.channelOrderId(),
                  item.sku(),
                  part.getKey(),
                  units,
                  shipment.giftWrap(),
                  shipment.note()));
          inThisShipment.merge(part.getKey(), units, Long::sum);
        }
      }
      inThisShipment.forEach(
          (sku, units) -> {
            long[] total = totals.computeIfAbsent(sku, s -> new long[2]);
            total[0] += units;
            total[1]++;
          });
    }
    List<Total> out = new ArrayList<>();
    totals.forEach((sku, t) -> out.add(new Total(sku, t[0], (int) t[1])));
    return new PickList(waveId, out, lines);
  }

  /** Totals per SKU: sku, quantity, shipments. */
  public byte[] totalsCsv() {
    StringBuilder csv = new StringBuilder("\uFEFF");
    csv.append(Csv.line(List.of("sku", "quantity", "shipments")));
    for (Total total : totals) {
      csv.append(
          Csv.line(
              List.of(
                  total.sku(),
                  Long.toString(total.quantity()),
                  Integer.toString(total.shipments()))));
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Lines per shipment: what goes into each parcel. */
  public byte[] linesCsv() {
    StringBuilder csv = new StringBuilder("\uFEFF");
    csv.append(
        Csv.line(
            List.of(
                "shipment_id",
                "order_id",
                "channel_order_id",
                "ordered_sku",
                "sku",
                "quantity",
                "gift_wrap",
                "note")));
    for (Line line : lines) {
      csv.append(
          Csv.line(
              List.of(
                  line.shipmentId(),
                  line.orderId(),
                  line.channelOrderId(),
                  line.orderedSku(),
                  line.sku(),
                  Long.toString(line.quantity()),
                  line.giftWrap() ? "yes" : "",
                  line.note() == null ? "" : line.note())));
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }
}
