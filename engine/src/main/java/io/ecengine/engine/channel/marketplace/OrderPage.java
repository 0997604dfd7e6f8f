package io.ecengine.engine.channel.marketplace;

import java.util.List;

/**
 * One page of an order pull. {@code orders} are complete; {@code orderIdsToFetch} are orders the
 * pull only named (Rakuten, Yahoo! Shopping) or returned without their lines (Amazon), to be read
 * with {@link MarketplaceAdapter#orderDetails}. {@code nextPageToken} is null on the last page.
 */
public record OrderPage(
    List<MarketplaceOrder> orders, String nextPageToken, List<String> orderIdsToFetch) {

  public OrderPage {
    orders = List.copyOf(orders);
    orderIdsToFetch = List.copyOf(orderIdsToFetch);
  }

  public OrderPage(List<MarketplaceOrder> orders, String nextPageToken) {
    this(orders, nextPageToken, List.of());
  }
}
