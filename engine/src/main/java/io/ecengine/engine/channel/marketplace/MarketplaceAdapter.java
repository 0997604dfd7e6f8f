package io.ecengine.engine.channel.marketplace;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Speaks one marketplace's API: builds the calls for stock pushes, stock reads, order pulls and
 * tracking write-backs, and reads their answers. It sends nothing and keeps no state, so the
 * channel actor decides when to call (its throttle) and what to do with each outcome.
 *
 * <p>{@code baseUrl} is the marketplace's API root (the production or sandbox host, or for Shopify
 * the shop's own domain); {@code now} stamps signatures and date windows, so the same inputs always
 * build the same bytes.
 */
public interface MarketplaceAdapter {

  Marketplace marketplace();

  /** The credential keys every call needs; each adapter documents optional ones. */
  List<String> requiredCredentialKeys();

  /** The listing ids every stock push needs. */
  List<String> requiredListingKeys();

  /** Rejects listing ids a stock push could not be built from, naming the missing key. */
  default void validate(ListingIds ids) {
    requiredListingKeys().forEach(ids::require);
  }

  /**
   * Which stock pushes can go in one call: pushes of listings with different keys never share one
   * (TikTok Shop updates the SKUs of one product per call). The same key for every listing where
   * any SKUs of the shop can go together.
   */
  default String callKey(ListingIds ids) {
    return "";
  }

  /**
   * The calls that push these quantities, split the way the marketplace requires and filled up to
   * its batch size, keeping the order of {@code pushes} within each call.
   */
  List<MarketplaceRequest> stockUpdate(
      URI baseUrl, Credentials credentials, List<StockPush> pushes, Instant now);

  PushResult parseStockUpdate(MarketplaceRequest request, MarketplaceResponse response);

  /**
   * The calls that read what these listings show now, split and filled up to the batch size of the
   * marketplace's read API, keeping their order; each request's skus() names the SKUs it asks
   * about.
   */
  List<MarketplaceRequest> stockRead(
      URI baseUrl, Credentials credentials, List<ListingRef> listings, Instant now);

  /**
   * The units each listing of one read call shows now, by SKU; a listing the marketplace did not
   * return is missing from the map.
   *
   * @throws MarketplaceCallException when the marketplace answered with throttling or an error,
   *     classified as for order calls (Throttled with Retry-After when given; Failed retryable or
   *     not)
   */
  Map<String, Long> parseStockRead(MarketplaceRequest request, MarketplaceResponse response);

  /**
   * One page of the orders placed at or after {@code since}; {@code pageToken} is null for the
   * first page and then the {@link OrderPage#nextPageToken()} of the previous one.
   */
  MarketplaceRequest orderPull(
      URI baseUrl, Credentials credentials, Instant since, String pageToken, Instant now);

  /**
   * Reads a page of orders.
   *
   * @throws MarketplaceCallException when the marketplace answered with throttling or an error
   */
  OrderPage parseOrderPull(MarketplaceResponse response);

  /**
   * Reads a page of orders knowing the call that asked for it, which marketplaces that page by
   * offset (Yahoo! Shopping) need to find the next page; channels should prefer this one.
   *
   * @throws MarketplaceCallException when the marketplace answered with throttling or an error
   */
  default OrderPage parseOrderPull(MarketplaceRequest request, MarketplaceResponse response) {
    return parseOrderPull(response);
  }

  /** The calls that read the details of orders a pull or a webhook only named. */
  List<MarketplaceRequest> orderDetails(
      URI baseUrl, Credentials credentials, List<String> channelOrderIds, Instant now);

  /**
   * Reads the orders of one detail call.
   *
   * @throws MarketplaceCallException when the marketplace answered with throttling or an error
   */
  List<MarketplaceOrder> parseOrderDetails(MarketplaceResponse response);

  /**
   * Reports a shipment. {@code carrier} is our carrier code (yamato, sagawa, japan_post, ...) or
   * the marketplace's own code, which is passed through. Marketplaces that confirm shipments per
   * item or per parcel (Rakuten, Amazon, Shopify) need the other overload.
   */
  default MarketplaceRequest trackingWriteBack(
      URI baseUrl,
      Credentials credentials,
      String channelOrderId,
      String carrier,
      String trackingNumber,
      Instant now) {
    return trackingWriteBack(
        baseUrl, credentials, channelOrderId, carrier, trackingNumber, List.of(), now);
  }

  /**
   * Reports a shipment of these order lines, as the order pull returned them: their ids carry what
   * the marketplace needs to name the shipped items (a Rakuten basket_id, an Amazon order_item_id,
   * a Shopify fulfillment_order_id).
   */
  MarketplaceRequest trackingWriteBack(
      URI baseUrl,
      Credentials credentials,
      String channelOrderId,
      String carrier,
      String trackingNumber,
      List<MarketplaceOrder.Line> lines,
      Instant now);

  PushResult parseWriteBack(MarketplaceRequest request, MarketplaceResponse response);
}
