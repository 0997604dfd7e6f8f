package io.ecengine.engine.order;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Order ids are derived from the channel and the channel's own order number, so the same
 * marketplace order imported twice (webhook and poll, or a retry) is always the same order.
 */
public final class OrderIds {

  public static final String PREFIX = "ord_";

  private OrderIds() {}

  public static String of(String channelId, String channelOrderId) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(channelId.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(channelOrderId.getBytes(StandardCharsets.UTF_8));
      return PREFIX + HexFormat.of().formatHex(sha.digest()).substring(0, 24);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  public static boolean looksValid(String orderId) {
    return orderId.matches(PREFIX + "[0-9a-f]{24}");
  }
}
