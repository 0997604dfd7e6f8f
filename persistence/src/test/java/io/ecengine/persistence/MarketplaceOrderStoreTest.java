package io.ecengine.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecengine.engine.channel.marketplace.ListingIds;
import io.ecengine.engine.channel.marketplace.MarketplaceOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MarketplaceOrderStoreTest {

  private static final String ORDER = "gid://shopify/Order/5001";

  private static MarketplaceOrder order(long quantity, Map<String, String> ids) {
    return MarketplaceOrder.idOnly(ORDER)
        .withLines(List.of(new MarketplaceOrder.Line(new ListingIds(ids), quantity)));
  }

  // A webhook names the line by its variant; the order read later adds its fulfillment orders.
  private static final Map<String, String> FROM_WEBHOOK =
      Map.of("variant_id", "gid://shopify/ProductVariant/1", "line_item_id", "L1");
  private static final Map<String, String> FROM_READ =
      Map.of(
          "variant_id", "gid://shopify/ProductVariant/1",
          "line_item_id", "L1",
          "inventory_item_id", "gid://shopify/InventoryItem/7",
          "fulfillment_order_ids", "gid://shopify/FulfillmentOrder/9");

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void keepsTheFirstLinesOfAnOrderImportedAgain(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      MarketplaceOrderStore store = new MarketplaceOrderStore(db.dataSource());

      assertThat(store.save("acme", "shopify-main", order(2, FROM_READ), 0)).isTrue();
      assertThat(store.save("acme", "shopify-main", order(2, FROM_WEBHOOK), 0)).isFalse();

      assertThat(store.lines("acme", "shopify-main", ORDER))
          .singleElement()
          .satisfies(line -> assertThat(line.ids().ids()).isEqualTo(FROM_READ));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void takesTheSameUnitsNamedWithMoreIds(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      MarketplaceOrderStore store = new MarketplaceOrderStore(db.dataSource());
      store.save("acme", "shopify-main", order(2, FROM_WEBHOOK), 0);

      assertThat(store.save("acme", "shopify-main", order(2, FROM_READ), 0)).isFalse();

      assertThat(store.lines("acme", "shopify-main", ORDER))
          .singleElement()
          .satisfies(line -> assertThat(line.ids().ids()).isEqualTo(FROM_READ));
      // Other units are another version of the order, which the first import stands for.
      store.save(
          "acme",
          "shopify-main",
          order(3, Map.of("a", "1", "b", "2", "c", "3", "d", "4", "e", "5")),
          0);
      assertThat(store.lines("acme", "shopify-main", ORDER).get(0).quantity()).isEqualTo(2);
      assertThat(store.lines("acme", "other-channel", ORDER)).isEmpty();
    }
  }
}
