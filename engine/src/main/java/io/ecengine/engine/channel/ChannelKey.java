package io.ecengine.engine.channel;

/**
 * Identity of one channel entity: the tenant and the tenant's channel id. Tenant ids never contain
 * {@code |}, so the first separator splits the two unambiguously.
 */
public record ChannelKey(String tenantId, String channelId) {

  private static final String SEPARATOR = "|";

  public ChannelKey {
    if (tenantId.contains(SEPARATOR)) {
      throw new IllegalArgumentException("tenantId must not contain " + SEPARATOR);
    }
  }

  public String entityId() {
    return tenantId + SEPARATOR + channelId;
  }

  public static ChannelKey fromEntityId(String entityId) {
    int at = entityId.indexOf(SEPARATOR);
    if (at < 0) {
      throw new IllegalArgumentException("Not a channel entity id: " + entityId);
    }
    return new ChannelKey(entityId.substring(0, at), entityId.substring(at + 1));
  }
}
