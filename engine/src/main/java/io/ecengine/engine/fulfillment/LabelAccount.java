package io.ecengine.engine.fulfillment;

/**
 * What label files need about the tenant itself: the shipper (ご依頼主) printed on every label, and the
 * carrier account numbers B2 Cloud and e飛伝 ask for. Null fields are unset.
 *
 * @param yamatoBillingCustomerCode B2 Cloud's ご請求先顧客コード: the 10 to 12 digit customer code the
 *     freight is billed to (required for a B2 file)
 * @param yamatoBillingClassCode B2 Cloud's ご請求先分類コード: three digits, optional
 * @param yamatoFreightNumber B2 Cloud's 運賃管理番号: two digits, usually 01
 * @param sagawaCustomerCode e飛伝's お客様コード: the 12 digit Sagawa customer code, optional
 * @param itemName what goes into the item name (品名) fields instead of the SKU list, for shops that
 *     describe every parcel the same way (衣類, 雑貨)
 */
public record LabelAccount(
    Shipper shipper,
    String yamatoBillingCustomerCode,
    String yamatoBillingClassCode,
    String yamatoFreightNumber,
    String sagawaCustomerCode,
    String itemName) {

  public static final LabelAccount NONE = new LabelAccount(null, null, null, null, null, null);

  /** The shipper (ご依頼主) as printed on labels. */
  public record Shipper(
      String name, String phone, String postalCode, String address1, String address2) {}
}
