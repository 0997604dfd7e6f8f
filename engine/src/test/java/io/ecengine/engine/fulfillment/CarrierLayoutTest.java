package io.ecengine.engine.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecengine.engine.order.OrderDetails;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class CarrierLayoutTest {

  private static final LocalDate SHIP_DATE = LocalDate.of(2026, 3, 2);
  private static final LabelAccount ACCOUNT =
      new LabelAccount(
          new LabelAccount.Shipper(
              "株式会社エコ商店", "03-1234-5678", "1000005", "東京都千代田区丸の内1-1-1", "丸の内ビル5階"),
          "012345678901",
          null,
          "01",
          "123456789012",
          null);

  private static LabelShipment shipment(String id, OrderDetails.ShipTo shipTo) {
    return new LabelShipment(
        id,
        shipTo,
        1,
        LocalDate.of(2026, 3, 5),
        TimeSlot.MORNING,
        true,
        List.of("TSHIRT-M x2", "MUG x1"));
  }

  private static final OrderDetails.ShipTo SHIP_TO =
      new OrderDetails.ShipTo(
          "山田 太郎", "150-0001", "東京都", "渋谷区", "神南1-2-3", "メゾン青山101", "090-1234-5678");

  private static List<List<String>> read(byte[] file) {
    String text = new String(file, ShiftJis.CHARSET);
    return Csv.parse(text).stream().map(Csv.Record::values).toList();
  }

  @Test
  void b2CloudFileHasTheNinetyFiveColumnsInShiftJisWithCrlf() {
    byte[] file =
        YamatoB2.INSTANCE.file(List.of(shipment("S0000000000000AA", SHIP_TO)), ACCOUNT, SHIP_DATE);

    assertThat(YamatoB2.INSTANCE.header()).hasSize(95);
    List<List<String>> rows = read(file);
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0)).isEqualTo(YamatoB2.INSTANCE.header());
    assertThat(rows.get(1)).hasSize(95);
    // お客様管理番号 in CP932 is 82A8 8B71 976C 8AC7 979D 94D4 8D86.
    assertThat(HexFormat.of().formatHex(Arrays.copyOf(file, 14)))
        .isEqualToIgnoringCase("82a88b71976c8ac7979d94d48d86");
    String text = new String(file, ShiftJis.CHARSET);
    assertThat(text).endsWith("\r\n");
    assertThat(text.replace("\r\n", "")).doesNotContain("\n", "\r");
    // Not UTF-8: the bytes of a kanji differ.
    assertThat(new String(file, StandardCharsets.UTF_8)).doesNotContain("お客様管理番号");

    List<String> row = rows.get(1);
    assertThat(row.get(0)).isEqualTo("S0000000000000AA");
    assertThat(row.get(1)).isEqualTo("0");
    assertThat(row.get(3)).isEmpty();
    assertThat(row.get(4)).isEqualTo("2026/03/02");
    assertThat(row.get(5)).isEqualTo("2026/03/05");
    assertThat(row.get(6)).isEqualTo("0812");
    assertThat(row.get(8)).isEqualTo("090-1234-5678");
    assertThat(row.get(10)).isEqualTo("150-0001");
    assertThat(row.get(11)).isEqualTo("東京都渋谷区神南1-2-3");
    assertThat(row.get(12)).isEqualTo("メゾン青山101");
    assertThat(row.get(15)).isEqualTo("山田 太郎");
    assertThat(row.get(19)).isEqualTo("03-1234-5678");
    assertThat(row.get(21)).isEqualTo("100-0005");
    assertThat(row.get(24)).isEqualTo("株式会社エコ商店");
    assertThat(row.get(27)).isEqualTo("TSHIRT-M x2");
    assertThat(row.get(29)).isEqualTo("MUG x1");
    assertThat(row.get(32)).isEqualTo("ギフト包装");
    assertThat(row.get(37)).isEqualTo("1");
    assertThat(row.get(39)).isEqualTo("012345678901");
    assertThat(row.get(41)).isEqualTo("01");
  }

  @Test
  void ehidenFileHasTheFortyTwoColumnsInShiftJis() {
    byte[] file =
        SagawaEhiden.INSTANCE.file(
            List.of(shipment("S0000000000000AB", SHIP_TO)), ACCOUNT, SHIP_DATE);

    assertThat(SagawaEhiden.INSTANCE.header()).hasSize(42);
    List<List<String>> rows = read(file);
    assertThat(rows.get(0)).isEqualTo(SagawaEhiden.INSTANCE.header());
    List<String> row = rows.get(1);
    assertThat(row).hasSize(42);
    assertThat(row.get(1)).isEqualTo("090-1234-5678");
    assertThat(row.get(2)).isEqualTo("150-0001");
    assertThat(row.get(3)).isEqualTo("東京都渋谷区神南1-2-3");
    assertThat(row.get(4)).isEqualTo("メゾン青山101");
    assertThat(row.get(6)).isEqualTo("山田 太郎");
    assertThat(row.get(8)).isEqualTo("S0000000000000AB");
    assertThat(row.get(9)).isEqualTo("123456789012");
    assertThat(row.get(14)).isEqualTo("東京都千代田区丸の内1-1-1");
    assertThat(row.get(15)).isEqualTo("丸の内ビル5階");
    assertThat(row.get(18)).isEqualTo("001");
    assertThat(row.get(19)).isEqualTo("TSHIRT-M x2");
    assertThat(row.get(23)).isEqualTo("ギフト包装");
    assertThat(row.get(24)).isEqualTo("1");
    assertThat(row.get(25)).isEqualTo("000");
    assertThat(row.get(27)).isEqualTo("20260305");
    assertThat(row.get(28)).isEqualTo("01");
    assertThat(row.get(41)).isEqualTo("1");
    assertThat(new String(file, ShiftJis.CHARSET)).endsWith("\r\n");
  }

  @Test
  void longAddressesAreSpreadOverEhidensThreeFields() {
    OrderDetails.ShipTo longAddress =
        new OrderDetails.ShipTo(
            "山田 太郎",
            "150-0001",
            "東京都",
            "渋谷区",
            "神南一丁目二番三号神南第二分譲地区",
            "グランドメゾン青山ウエストタワー1203号室",
            "0312345678");
    LabelShipment s = shipment("S0000000000000AC", longAddress);
    assertThat(SagawaEhiden.INSTANCE.problems(s, ACCOUNT, SHIP_DATE)).isEmpty();
    List<String> row = SagawaEhiden.INSTANCE.row(s, ACCOUNT, SHIP_DATE);
    assertThat(row.subList(3, 6))
        .allSatisfy(f -> assertThat(ShiftJis.byteLength(f)).isLessThanOrEqualTo(32));
    assertThat(String.join("", row.subList(3, 6)))
        .isEqualTo("東京都渋谷区神南一丁目二番三号神南第二分譲地区グランドメゾン青山ウエストタワー1203号室");
    // B2 Cloud's address field holds 32 full-width characters; this one does not fit.
    assertThat(YamatoB2.INSTANCE.problems(s, ACCOUNT, SHIP_DATE))
        .anyMatch(p -> p.contains("building and room"));
  }

  @Test
  void shipmentsCarriersCannotTakeAreReportedBeforeAnyFileIsWritten() {
    OrderDetails.ShipTo noPhone =
        new OrderDetails.ShipTo("山田 太郎", "150-0001", "東京都", "渋谷区", "神南1-2-3", null, null);
    LabelShipment afternoon =
        new LabelShipment(
            "S0000000000000AD", SHIP_TO, 1, null, TimeSlot.H12_14, false, List.of("A"));
    assertThat(YamatoB2.INSTANCE.problems(shipment("S1", noPhone), ACCOUNT, SHIP_DATE))
        .anyMatch(p -> p.contains("phone"));
    assertThat(YamatoB2.INSTANCE.problems(afternoon, ACCOUNT, SHIP_DATE))
        .anyMatch(p -> p.contains("12-14"));
    assertThat(SagawaEhiden.INSTANCE.problems(afternoon, ACCOUNT, SHIP_DATE)).isEmpty();
    assertThat(YamatoB2.INSTANCE.problems(afternoon, LabelAccount.NONE, SHIP_DATE))
        .anyMatch(p -> p.contains("shipper"))
        .anyMatch(p -> p.contains("billing customer code"));
    LabelShipment late =
        new LabelShipment("S1", SHIP_TO, 1, SHIP_DATE.minusDays(1), null, false, List.of("A"));
    assertThat(SagawaEhiden.INSTANCE.problems(late, ACCOUNT, SHIP_DATE))
        .anyMatch(p -> p.contains("delivery date"));
  }

  @Test
  void valuesCannotBreakTheCsvAndCharactersBeyondCp932AreMarked() {
    OrderDetails.ShipTo tricky =
        new OrderDetails.ShipTo(
            "𠮷田, \"花子\"", "150-0001", "東京都", "渋谷区", "神南1〜2〜3", "ビル\r\n2F", "090-1234-5678");
    byte[] file = YamatoB2.INSTANCE.file(List.of(shipment("S1", tricky)), ACCOUNT, SHIP_DATE);
    List<String> row = read(file).get(1);
    assertThat(row).hasSize(95);
    assertThat(row.get(15)).isEqualTo("〓田， ”花子”");
    // The wave dash 〜 (U+301C) is written as CP932's ～ (U+FF5E), as Windows does.
    assertThat(row.get(11)).isEqualTo("東京都渋谷区神南1～2～3");
    assertThat(row.get(12)).isEqualTo("ビル 2F");
  }

  @Test
  void b2ResultsAreReadByHeaderOrByPosition() {
    byte[] exported =
        YamatoB2.INSTANCE.file(
            List.of(shipment("S00000000000000A", SHIP_TO), shipment("S00000000000000B", SHIP_TO)),
            ACCOUNT,
            SHIP_DATE);
    // B2 Cloud's 発行済データ export: the same layout with 伝票番号 filled in.
    List<List<String>> rows = new ArrayList<>(read(exported));
    StringBuilder result = new StringBuilder(Csv.line(rows.get(0)));
    String[] tracking = {"4444-1375-8703", "512547514334"};
    for (int i = 1; i < rows.size(); i++) {
      List<String> row = new ArrayList<>(rows.get(i));
      row.set(3, tracking[i - 1]);
      result.append(Csv.line(row));
    }
    List<CarrierResult> withHeader =
        YamatoB2.INSTANCE.readResults(
            new String(ShiftJis.encode(result.toString()), ShiftJis.CHARSET));
    assertThat(withHeader)
        .extracting(CarrierResult::row, CarrierResult::shipmentId, CarrierResult::trackingNumber)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(2, "S00000000000000A", "4444-1375-8703"),
            org.assertj.core.groups.Tuple.tuple(3, "S00000000000000B", "512547514334"));

    String headless = "s00000000000000a,0,0,444413758703\r\n\r\n,,,\r\n";
    assertThat(YamatoB2.INSTANCE.readResults(headless))
        .extracting(CarrierResult::shipmentId, CarrierResult::trackingNumber)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("S00000000000000A", "444413758703"));
  }

  @Test
  void ehidenResultsNeedTheirColumnNames() {
    String history =
        "出荷日,お問い合せ送り状No.,お客様管理ナンバー,お届け先名称１\r\n"
            + "20260302,5125-4751-4334,S00000000000000A,山田 太郎\r\n"
            + "20260302,,S00000000000000B,\"未発行, 保留\"\r\n";
    assertThat(SagawaEhiden.INSTANCE.readResults(history))
        .extracting(CarrierResult::row, CarrierResult::shipmentId, CarrierResult::trackingNumber)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(2, "S00000000000000A", "5125-4751-4334"),
            org.assertj.core.groups.Tuple.tuple(3, "S00000000000000B", null));
    assertThat(SagawaEhiden.INSTANCE.readResults("a,b,c\r\n1,2,3\r\n"))
        .singleElement()
        .satisfies(r -> assertThat(r.error()).contains("お客様管理ナンバー"));
  }

  @Test
  void japanPostHasNoLabelFile() {
    assertThatThrownBy(() -> CarrierLayout.of(Carrier.JAPAN_POST))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(CarrierLayout.of(Carrier.YAMATO).carrier()).isEqualTo(Carrier.YAMATO);
  }

  @Test
  void uploadsAreReadAsUtf8OrShiftJis() {
    String text = "お客様管理番号,伝票番号\r\nS1,444413758703\r\n";
    assertThat(ShiftJis.decode(text.getBytes(ShiftJis.CHARSET))).isEqualTo(text);
    assertThat(ShiftJis.decode(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(text);
    byte[] bom = ("\uFEFF" + text).getBytes(StandardCharsets.UTF_8);
    assertThat(ShiftJis.decode(bom)).isEqualTo(text);
  }
}
