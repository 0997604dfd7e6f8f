package io.ecengine.engine.fulfillment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Every order has one home shipment whose id is derived from the order id, so creating the shipment
 * of an order twice (a retry, two nodes at once) finds the same row, and a split returns each order
 * to the shipment it started in.
 *
 * <p>Ids are sixteen characters, "S" and fifteen upper-case hex digits, because that is what both
 * carriers' reference columns hold (Sagawa's お客様管理ナンバー takes 16 half-width characters). Sixty bits
 * make a clash between two orders of one tenant vanishingly unlikely; the store still refuses a
 * clash rather than mix two orders up.
 */
public final class ShipmentIds {

  private ShipmentIds() {}

  public static String home(String orderId) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] digest = sha.digest(orderId.getBytes(StandardCharsets.UTF_8));
      return "S" + HexFormat.of().formatHex(digest).substring(0, 15).toUpperCase(Locale.ROOT);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  public static boolean looksValid(String shipmentId) {
    return shipmentId != null && shipmentId.matches("S[0-9A-F]{15}");
  }
}
