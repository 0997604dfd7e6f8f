package io.ecengine.engine.fulfillment;

/**
 * A tenant's fulfilment settings: whether allocated orders get shipments by themselves, how orders
 * are merged into one parcel, and what label files need about the tenant.
 */
public record FulfillmentSettings(boolean autoCreate, MergeRule mergeRule, LabelAccount account) {

  /** Before a tenant sets anything: shipments are created, nothing is merged. */
  public static final FulfillmentSettings DEFAULT =
      new FulfillmentSettings(true, MergeRule.DEFAULT, LabelAccount.NONE);
}
