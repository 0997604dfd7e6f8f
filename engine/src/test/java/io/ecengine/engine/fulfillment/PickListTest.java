package io.ecengine.engine.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PickListTest {

  @Test
  void totalsCountComponentsAndLinesKeepTheOrderedSku() {
    PickList.Shipment first =
        new PickList.Shipment(
            "S1",
            true,
            "のし希望",
            List.of(
                new PickList.Item("ord_a", "R-1", "GIFT-SET", 2, Map.of("TSHIRT-M", 2L, "MUG", 1L)),
                new PickList.Item("ord_a", "R-1", "TSHIRT-M", 1, Map.of())));
    PickList.Shipment second =
        new PickList.Shipment(
            "S2", false, null, List.of(new PickList.Item("ord_b", "Y-9", "MUG", 3, null)));

    PickList list = PickList.of("wave-1", List.of(first, second));

    assertThat(list.totals())
        .containsExactly(new PickList.Total("MUG", 5, 2), new PickList.Total("TSHIRT-M", 5, 1));
    assertThat(list.lines())
        .extracting(
            PickList.Line::shipmentId,
            PickList.Line::orderedSku,
            PickList.Line::sku,
            PickList.Line::quantity)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("S1", "GIFT-SET", "MUG", 2L),
            org.assertj.core.groups.Tuple.tuple("S1", "GIFT-SET", "TSHIRT-M", 4L),
            org.assertj.core.groups.Tuple.tuple("S1", "TSHIRT-M", "TSHIRT-M", 1L),
            org.assertj.core.groups.Tuple.tuple("S2", "MUG", "MUG", 3L));

    String totals = new String(list.totalsCsv(), StandardCharsets.UTF_8);
    assertThat(totals).isEqualTo("\uFEFFsku,quantity,shipments\r\nMUG,5,2\r\nTSHIRT-M,5,1\r\n");
    String lines = new String(list.linesCsv(), StandardCharsets.UTF_8);
    assertThat(lines)
        .startsWith(
            "\uFEFFshipment_id,order_id,channel_order_id,ordered_sku,sku,quantity,gift_wrap,note\r\n")
        .contains("S1,ord_a,R-1,GIFT-SET,MUG,2,yes,のし希望\r\n")
        .endsWith("S2,ord_b,Y-9,MUG,MUG,3,,\r\n");
  }

  @Test
  void csvValuesWithCommasAndQuotesAreQuoted() {
    assertThat(Csv.line(List.of("a,b", "say \"hi\"", "plain")))
        .isEqualTo("\"a,b\",\"say \"\"hi\"\"\",plain\r\n");
    assertThat(Csv.parse("\"a,b\",\"say \"\"hi\"\"\",plain\r\n\"open"))
        .satisfiesExactly(
            r -> assertThat(r.values()).containsExactly("a,b", "say \"hi\"", "plain"),
            r -> assertThat(r.error()).contains("not closed"));
  }
}
