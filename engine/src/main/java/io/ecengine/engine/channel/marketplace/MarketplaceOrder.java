package io.ecengine.engine.channel.marketplace;

import java.time.Instant;
import java.util.List;

/**
 * An order as a marketplace reported it, before it is mapped onto our SKUs. Fields the marketplace
 * did not send (or hid, as TikTok and Amazon do with buyers' contact details) are null.
 */
public record MarketplaceOrder(
    String channelOrderId,
    List<Line> lines,
    String buyerName,
    String buyerEmail,
    String postalCode,
    String prefecture,
    String city,
    String address1,
    String address2,
    String phone,
    Instant placedAt) {

  public MarketplaceOrder {
    lines = List.copyOf(lines);
  }

  /** One line as the marketplace names the item, and how many units were bought. */
  public record Line(ListingIds ids, long quantity) {}

  /** An order known only by its id, whose details need another call. */
  public static MarketplaceOrder idOnly(String channelOrderId) {
    return new MarketplaceOrder(
        channelOrderId, List.of(), null, null, null, null, null, null, null, null, null);
  }

  /** This order with the lines a separate detail call returned (Amazon sends them apart). */
  public MarketplaceOrder withLines(List<Line> newLines) {
    return new MarketplaceOrder(
        channelOrderId,
        newLines,
        buyerName,
        buyerEmail,
        postalCode,
        prefecture,
        city,
        address1,
        address2,
        phone,
        placedAt);
  }

  @Override
  public String toString() {
    // Buyers' names and addresses are personal data and stay out of logs.
    return "MarketplaceOrder[" + channelOrderId + ", " + lines.size() + " lines]";
  }
}
