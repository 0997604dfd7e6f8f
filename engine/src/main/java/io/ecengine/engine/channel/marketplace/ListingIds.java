package io.ecengine.engine.channel.marketplace;

import java.util.Map;
import java.util.Optional;

/**
 * How one marketplace names one of our SKUs: the keys each adapter lists in {@link
 * MarketplaceAdapter#requiredListingKeys()} (for example a TikTok product_id and sku_id). Order
 * lines read from a marketplace carry the same keys plus any the marketplace needs to ship them,
 * such as Amazon's order_item_id.
 */
public record ListingIds(Map<String, String> ids) {

  public ListingIds {
    ids = Map.copyOf(ids);
  }

  public static ListingIds of(String key, String value) {
    return new ListingIds(Map.of(key, value));
  }

  public static ListingIds of(String key1, String value1, String key2, String value2) {
    return new ListingIds(Map.of(key1, value1, key2, value2));
  }

  public String require(String key) {
    String value = ids.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("Missing listing id: " + key + " in " + ids);
    }
    return value;
  }

  public Optional<String> optional(String key) {
    return Optional.ofNullable(ids.get(key)).filter(value -> !value.isBlank());
  }
}
