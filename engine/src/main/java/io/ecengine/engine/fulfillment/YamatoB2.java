package io.ecengine.engine.fulfillment;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Yamato Transport's 送り状発行システムB2クラウド: the CSV its 外部データ取込 (external data import) reads, in the
 * "B2クラウド 送り状発行データレイアウト（入出力用）" layout of 95 columns as Yamato publishes it since the 2017 revision
 * of the time slots. Only 宅急便 発払い (送り状種類 0, prepaid, no cool box) is written; the other columns
 * (collect on delivery, e-mail notices, search keys) stay empty.
 *
 * <p>Set B2 Cloud's import to "CSV, start at line 2": the first line holds the column names. Limits
 * are those of the layout in CP932 bytes: 住所 64 (32 full-width), アパートマンション名 32, お届け先名 32, 品名 50; a
 * shipment that exceeds one is refused before the file is written.
 *
 * <p>The result file is B2 Cloud's 発行済データ export in the same layout, with 伝票番号 (the tracking
 * number) filled in: its お客様管理番号 column carries our shipment id back. Files with the header line
 * are read by column name, files without it by position (columns 1 and 4).
 */
public final class YamatoB2 extends CarrierLayout {

  static final YamatoB2 INSTANCE = new YamatoB2();

  private static final List<String> HEADER =
      List.of(
          "お客様管理番号",
          "送り状種類",
          "クール区分",
          "伝票番号",
          "出荷予定日",
          "お届け予定（指定）日",
          "配達時間帯",
          "お届け先コード",
          "お届け先電話番号",
          "お届け先電話番号枝番",
          "お届け先郵便番号",
          "お届け先住所",
          "お届け先住所（アパートマンション名）",
          "お届け先会社・部門名１",
          "お届け先会社・部門名２",
          "お届け先名",
          "お届け先名略称カナ",
          "敬称",
          "ご依頼主コード",
          "ご依頼主電話番号",
          "ご依頼主電話番号枝番",
          "ご依頼主郵便番号",
          "ご依頼主住所",
          "ご依頼主住所（アパートマンション名）",
          "ご依頼主名",
          "ご依頼主略称カナ",
          "品名コード１",
          "品名１",
          "品名コード２",
          "品名２",
          "荷扱い１",
          "荷扱い２",
          "記事",
          "コレクト代金引換額（税込）",
          "コレクト内消費税額等",
          "営業所止置き",
          "営業所コード",
          "発行枚数",
          "個数口枠の印字",
          "ご請求先顧客コード",
          "ご請求先分類コード",
          "運賃管理番号",
          "クロネコwebコレクトデータ登録",
          "クロネコwebコレクト加盟店番号",
          "クロネコwebコレクト申込受付番号１",
          "クロネコwebコレクト申込受付番号２",
          "クロネコwebコレクト申込受付番号３",
          "お届け予定ｅメール利用区分",
          "お届け予定ｅメールe-mailアドレス",
          "入力機種",
          "お届け予定ｅメールメッセージ",
          "お届け完了ｅメール利用区分",
          "お届け完了ｅメールe-mailアドレス",
          "お届け完了ｅメールメッセージ",
          "クロネコ収納代行利用区分",
          "予備",
          "収納代行請求金額（税込）",
          "収納代行内消費税額等",
          "収納代行請求先郵便番号",
          "収納代行請求先住所",
          "収納代行請求先住所（アパートマンション名）",
          "収納代行請求先会社・部門名１",
          "収納代行請求先会社・部門名２",
          "収納代行請求先名（漢字）",
          "収納代行請求先名（カナ）",
          "収納代行問合せ先名（漢字）",
          "収納代行問合せ先郵便番号",
          "収納代行問合せ先住所",
          "収納代行問合せ先住所（アパートマンション名）",
          "収納代行問合せ先電話番号",
          "収納代行管理番号",
          "収納代行品名",
          "収納代行備考",
          "複数口くくりキー",
          "検索キータイトル1",
          "検索キー1",
          "検索キータイトル2",
          "検索キー2",
          "検索キータイトル3",
          "検索キー3",
          "検索キータイトル4",
          "検索キー4",
          "検索キータイトル5",
          "検索キー5",
          "予備",
          "予備",
          "投函予定メール利用区分",
          "投函予定メールe-mailアドレス",
          "投函予定メールメッセージ",
          "投函完了メール（お届け先宛）利用区分",
          "投函完了メール（お届け先宛）e-mailアドレス",
          "投函完了メール（お届け先宛）メールメッセージ",
          "投函完了メール（ご依頼主宛）利用区分",
          "投函完了メール（ご依頼主宛）e-mailアドレス",
          "投函完了メール（ご依頼主宛）メールメッセージ");

  /** 1-based column numbers of the layout, as Yamato's document numbers them. */
  static final int REFERENCE = 1;

  static final int TRACKING = 4;
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy/MM/dd");
  private static final Set<String> REFERENCE_NAMES = headerKeys("お客様管理番号");
  private static final Set<String> TRACKING_NAMES =
      headerKeys("伝票番号", "送り状番号", "お問合せ伝票番号", "問合せ番号");

  private YamatoB2() {}

  @Override
  public Carrier carrier() {
    return Carrier.YAMATO;
  }

  @Override
  public List<String> header() {
    return HEADER;
  }

  @Override
  public String fileName(String waveId) {
    return "b2-" + waveId + ".csv";
  }

  @Override
  public List<String> problems(LabelShipment shipment, LabelAccount account, LocalDate shipDate) {
    List<String> problems = new ArrayList<>();
    LabelAccount.Shipper shipper = account.shipper();
    if (shipper == null
        || postalCode(shipper.postalCode()).isEmpty()
        || phone(shipper.phone()).isEmpty()
        || clean(shipper.name()).isEmpty()
        || clean(shipper.address1()).isEmpty()) {
      problems.add("The shipper (name, phone, postal code, address) is not set.");
    } else if (bytes(clean(shipper.address1())) > 64 || bytes(clean(shipper.address2())) > 32) {
      problems.add("The shipper's address is longer than B2 Cloud's fields (64 and 32 bytes).");
    }
    if (account.yamatoBillingCustomerCode() == null
        || !account.yamatoBillingCustomerCode().matches("[0-9]{10,12}")) {
      problems.add("The Yamato billing customer code (ご請求先顧客コード) is not set.");
    }
    if (shipment.shipTo() == null) {
      problems.add("The shipment has no ship-to address.");
      return problems;
    }
    if (postalCode(shipment.shipTo().postalCode()).isEmpty()) {
      problems.add("The ship-to postal code is not seven digits.");
    }
    String phone = phone(shipment.shipTo().phone());
    if (phone.replace("-", "").length() < 10 || phone.length() > 15) {
      problems.add("The ship-to phone number is missing or not 10 to 15 characters.");
    }
    String line = mainLine(shipment.shipTo());
    if (line.isEmpty() || bytes(line) > 64) {
      problems.add(
          "The address (prefecture to block) is empty or longer than B2 Cloud's 32 full-width"
              + " characters.");
    }
    if (bytes(clean(shipment.shipTo().address2())) > 32) {
      problems.add("The building and room line is longer than 16 full-width characters.");
    }
    String name = clean(shipment.shipTo().name());
    if (name.isEmpty() || bytes(name) > 32) {
      problems.add("The recipient name is empty or longer than 16 full-width characters.");
    }
    if (shipment.timeSlot() != null && shipment.timeSlot().code(Carrier.YAMATO).isEmpty()) {
      problems.add(
          "Yamato offers no " + shipment.timeSlot().id() + " time slot; choose another one.");
    }
    if (shipment.deliveryDate() != null && shipment.deliveryDate().isBefore(shipDate)) {
      problems.add("The requested delivery date is before the ship date.");
    }
    if (shipment.parcelCount() < 1 || shipment.parcelCount() > 99) {
      problems.add("B2 Cloud prints 1 to 99 labels per shipment.");
    }
    return problems;
  }

  @Override
  public List<String> row(LabelShipment shipment, LabelAccount account, LocalDate shipDate) {
    String[] row = new String[HEADER.size()];
    Arrays.fill(row, "");
    LabelAccount.Shipper shipper = account.shipper();
    set(row, REFERENCE, shipment.shipmentId());
    set(row, 2, "0"); // 発払い
    set(row, 3, "0"); // 通常 (no cool box)
    set(row, 5, DATE.format(shipDate));
    set(row, 6, shipment.deliveryDate() == null ? "" : DATE.format(shipment.deliveryDate()));
    set(
        row,
        7,
        shipment.timeSlot() == null ? "" : shipment.timeSlot().code(Carrier.YAMATO).orElse(""));
    set(row, 9, phone(shipment.shipTo().phone()));
    set(row, 11, postalCode(shipment.shipTo().postalCode()));
    set(row, 12, mainLine(shipment.shipTo()));
    set(row, 13, clean(shipment.shipTo().address2()));
    set(row, 16, clean(shipment.shipTo().name()));
    set(row, 20, phone(shipper.phone()));
    set(row, 22, postalCode(shipper.postalCode()));
    set(row, 23, clean(shipper.address1()));
    set(row, 24, clean(shipper.address2()));
    set(row, 25, fit(clean(shipper.name()), 32));
    set(row, 28, fit(items(shipment, account, 0), 50));
    set(row, 30, fit(items(shipment, account, 1), 50));
    set(row, 33, shipment.giftWrap() ? "ギフト包装" : "");
    set(row, 36, "0"); // not held at a sales office
    set(row, 38, Integer.toString(shipment.parcelCount()));
    // Limitation: several parcels are printed as 発行枚数 labels with the 個数口 frame (3); whether
    // B2 Cloud then gives each label its own 伝票番号 in the result file could not be verified.
    set(row, 39, shipment.parcelCount() > 1 ? "3" : "");
    set(row, 40, account.yamatoBillingCustomerCode());
    set(row, 41, account.yamatoBillingClassCode() == null ? "" : account.yamatoBillingClassCode());
    set(row, 42, account.yamatoFreightNumber() == null ? "01" : account.yamatoFreightNumber());
    return List.of(row);
  }

  private static void set(String[] row, int column, String value) {
    row[column - 1] = value == null ? "" : value;
  }

  // Limitation: B2 Cloud's 発行済データ export is assumed to have the import layout's first and
  // fourth columns (お客様管理番号, 伝票番号) when it has no header line; with one, names decide.
  @Override
  public List<CarrierResult> readResults(String text) {
    List<Csv.Record> records = Csv.parse(text);
    if (records.isEmpty()) {
      return List.of();
    }
    Csv.Record first = records.get(0);
    int reference = column(first.values(), REFERENCE_NAMES);
    int tracking = column(first.values(), TRACKING_NAMES);
    if (reference >= 0 && tracking >= 0) {
      return results(records.subList(1, records.size()), reference, tracking);
    }
    if (reference >= 0 || tracking >= 0) {
      return List.of(
          CarrierResult.unreadable(
              first.row(), "The header names お客様管理番号 and 伝票番号 are both needed."));
    }
    return results(records, REFERENCE - 1, TRACKING - 1);
  }
}
