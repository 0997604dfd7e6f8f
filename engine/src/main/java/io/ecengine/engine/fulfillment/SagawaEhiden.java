package io.ecengine.engine.fulfillment;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Sagawa Express e飛伝: the 42-column shipping data CSV of e飛伝Ⅱ (便種対応版, 取込みパターン「標準パターン」) as Sagawa
 * publishes it. Only 飛脚宅配便 元払 (prepaid, no cool box, packed as 箱類) is written.
 *
 * <p>Limits are the layout's, in CP932 bytes: three address fields of 32 (16 full-width) that the
 * address and building are spread over, two name fields of 32, five item fields of 32, お客様管理ナンバー of
 * 16 (which is why shipment ids are 16 characters).
 *
 * <p>e飛伝Ⅲ's own 74-column layout is not written (see the limitation on {@code HEADER}), and the
 * 指定シール (seal) columns are left empty (see {@code row}).
 *
 * <p>The result file is e飛伝's shipment history export. Its full layout was not available, so it is
 * read by column names: the reference in お客様管理ナンバー (or お客様管理番号) and the tracking number in
 * お問い合せ送り状No. (or 送り状番号, 問合せ番号); a file without those names is refused as a whole.
 */
public final class SagawaEhiden extends CarrierLayout {

  static final SagawaEhiden INSTANCE = new SagawaEhiden();

  // Limitation: e飛伝Ⅲ's own 74-column layout is not written; e飛伝Ⅲ is told to read this file with
  // an e飛伝Ⅱ-compatible import pattern, which every e飛伝Ⅲ account is not verified to offer.

  private static final List<String> HEADER =
      List.of(
          "住所録コード",
          "お届け先電話番号",
          "お届け先郵便番号",
          "お届け先住所１",
          "お届け先住所２",
          "お届け先住所３",
          "お届け先名称１",
          "お届け先名称２",
          "お客様管理ナンバー",
          "お客様コード",
          "部署・担当者",
          "荷送人電話番号",
          "ご依頼主電話番号",
          "ご依頼主郵便番号",
          "ご依頼主住所１",
          "ご依頼主住所２",
          "ご依頼主名称１",
          "ご依頼主名称２",
          "荷姿コード",
          "品名１",
          "品名２",
          "品名３",
          "品名４",
          "品名５",
          "出荷個数",
          "便種（スピードで選択）",
          "便種（商品）",
          "配達日",
          "配達指定時間帯",
          "配達指定時間（時分）",
          "代引金額",
          "消費税",
          "決済種別",
          "保険金額",
          "保険金額印字",
          "指定シール①",
          "指定シール②",
          "指定シール③",
          "営業店止め",
          "ＳＲＣ区分",
          "営業店コード",
          "元着区分");

  private static final int FIELD_BYTES = 32;
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd");
  private static final Set<String> REFERENCE_NAMES = headerKeys("お客様管理ナンバー", "お客様管理番号");
  private static final Set<String> TRACKING_NAMES =
      headerKeys(
          "お問い合せ送り状No",
          "お問合せ送り状No",
          "お問い合わせ送り状No",
          "送り状番号",
          "送り状No",
          "問合せ番号",
          "お問い合せ番号",
          "お問合せ番号",
          "伝票番号");

  private SagawaEhiden() {}

  @Override
  public Carrier carrier() {
    return Carrier.SAGAWA;
  }

  @Override
  public List<String> header() {
    return HEADER;
  }

  @Override
  public String fileName(String waveId) {
    return "ehiden-" + waveId + ".csv";
  }

  private static Optional<List<String>> address(LabelShipment shipment) {
    return spread(
        List.of(mainLine(shipment.shipTo()), clean(shipment.shipTo().address2())), 3, FIELD_BYTES);
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
    } else if (spread(List.of(clean(shipper.address1()), clean(shipper.address2())), 2, FIELD_BYTES)
        .isEmpty()) {
      problems.add("The shipper's address does not fit e飛伝's two fields of 16 full-width.");
    }
    if (account.sagawaCustomerCode() != null
        && !account.sagawaCustomerCode().isEmpty()
        && !account.sagawaCustomerCode().matches("[0-9]{1,12}")) {
      problems.add("The Sagawa customer code (お客様コード) is not up to 12 digits.");
    }
    if (shipment.shipTo() == null) {
      problems.add("The shipment has no ship-to address.");
      return problems;
    }
    if (postalCode(shipment.shipTo().postalCode()).isEmpty()) {
      problems.add("The ship-to postal code is not seven digits.");
    }
    String phone = phone(shipment.shipTo().phone());
    if (phone.replace("-", "").length() < 10 || phone.length() > 14) {
      problems.add("The ship-to phone number is missing or not 10 to 14 characters.");
    }
    if (mainLine(shipment.shipTo()).isEmpty() || address(shipment).isEmpty()) {
      problems.add(
          "The address is empty or longer than e飛伝's three fields of 16 full-width characters.");
    }
    if (spread(List.of(clean(shipment.shipTo().name())), 2, FIELD_BYTES)
        .map(n -> n.get(0).isEmpty())
        .orElse(true)) {
      problems.add("The recipient name is empty or longer than 32 full-width characters.");
    }
    if (shipment.timeSlot() != null && shipment.timeSlot().code(Carrier.SAGAWA).isEmpty()) {
      problems.add(
          "Sagawa offers no " + shipment.timeSlot().id() + " time slot; choose another one.");
    }
    if (shipment.deliveryDate() != null && shipment.deliveryDate().isBefore(shipDate)) {
      problems.add("The requested delivery date is before the ship date.");
    }
    if (shipment.parcelCount() < 1 || shipment.parcelCount() > 999) {
      problems.add("e飛伝 takes 1 to 999 parcels per shipment.");
    }
    if (shipment.shipmentId().length() > 16) {
      problems.add("The shipment id is longer than e飛伝's 16-character お客様管理ナンバー.");
    }
    return problems;
  }

  @Override
  public List<String> row(LabelShipment shipment, LabelAccount account, LocalDate shipDate) {
    String[] row = new String[HEADER.size()];
    Arrays.fill(row, "");
    LabelAccount.Shipper shipper = account.shipper();
    List<String> address = address(shipment).orElseThrow();
    List<String> name =
        spread(List.of(clean(shipment.shipTo().name())), 2, FIELD_BYTES).orElseThrow();
    List<String> shipperAddress =
        spread(List.of(clean(shipper.address1()), clean(shipper.address2())), 2, FIELD_BYTES)
            .orElseThrow();
    set(row, 2, phone(shipment.shipTo().phone()));
    set(row, 3, postalCode(shipment.shipTo().postalCode()));
    set(row, 4, address.get(0));
    set(row, 5, address.get(1));
    set(row, 6, address.get(2));
    set(row, 7, name.get(0));
    set(row, 8, name.get(1));
    set(row, 9, shipment.shipmentId());
    set(row, 10, account.sagawaCustomerCode());
    set(row, 12, phone(shipper.phone()));
    set(row, 13, phone(shipper.phone()));
    set(row, 14, postalCode(shipper.postalCode()));
    set(row, 15, shipperAddress.get(0));
    set(row, 16, shipperAddress.get(1));
    set(row, 17, fit(clean(shipper.name()), FIELD_BYTES));
    set(row, 19, "001"); // 箱類
    for (int i = 0; i < 4; i++) {
      set(row, 20 + i, fit(items(shipment, account, i), FIELD_BYTES));
    }
    set(row, 24, shipment.giftWrap() ? "ギフト包装" : fit(items(shipment, account, 4), FIELD_BYTES));
    set(row, 25, Integer.toString(shipment.parcelCount()));
    set(row, 26, "000"); // 飛脚宅配便
    set(row, 27, "001"); // no cool box
    set(row, 28, shipment.deliveryDate() == null ? "" : DATE.format(shipment.deliveryDate()));
    set(
        row,
        29,
        shipment.timeSlot() == null ? "" : shipment.timeSlot().code(Carrier.SAGAWA).orElse(""));
    // Limitation: the 指定シール columns (36 to 38) stay empty; the date and time slot requests go
    // only into 配達日 and 配達指定時間帯. Contracts that expect the seal codes (005 for a delivery
    // date, 007, 016 or 019 for a time slot) must add them in e飛伝 before printing.
    set(row, 39, "0"); // normal delivery, not held at a sales office
    set(row, 42, "1"); // 元払 (prepaid)
    return List.of(row);
  }

  private static void set(String[] row, int column, String value) {
    row[column - 1] = value == null ? "" : value;
  }

  // Limitation: e飛伝's shipment history layout was not available, so the columns are found by
  // their names; a history exported without a header line, or with other names, is refused.
  @Override
  public List<CarrierResult> readResults(String text) {
    List<Csv.Record> records = Csv.parse(text);
    if (records.isEmpty()) {
      return List.of();
    }
    Csv.Record first = records.get(0);
    int reference = column(first.values(), REFERENCE_NAMES);
    int tracking = column(first.values(), TRACKING_NAMES);
    if (reference < 0 || tracking < 0) {
      return List.of(
          CarrierResult.unreadable(
              first.row(),
              "The first line must name the columns お客様管理ナンバー and お問い合せ送り状No. (or" + " 送り状番号)."));
    }
    return results(records.subList(1, records.size()), reference, tracking);
  }
}
