package io.ecengine.engine.sku;

/**
 * Identity of one SKU entity: the tenant that owns it and the merchant's SKU code. Tenant ids never
 * contain {@code |}, so the first separator splits the two unambiguously.
 */
public record SkuId(String tenantId, String sku) {

  private static final String SEPARATOR = "|";

  public SkuId {
    if (tenantId.contains(SEPARATOR)) {
      throw new IllegalArgumentException("tenantId must not contain " + SEPARATOR);
    }
  }

  public String entityId() {
    return tenantId + SEPARATOR + sku;
  }

  public static SkuId fromEntityId(String entityId) {
    int at = entityId.indexOf(SEPARATOR);
    if (at < 0) {
      throw new IllegalArgumentException("Not a SKU entity id: " + entityId);
    }
    return new SkuId(entityId.substring(0, at), entityId.substring(at + 1));
  }
}
