package io.ecengine.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecengine.persistence.ListingStore.ImportResult;
import io.ecengine.persistence.ListingStore.Listing;
import io.ecengine.persistence.ListingStore.ListingReport;
import io.ecengine.persistence.ListingStore.RowError;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ListingStoreTest {

  private static final Set<String> PRODUCT_ID = Set.of("product_id");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T09:00:00.123456Z"));

  private ListingStore store(TestDatabase db) {
    return new ListingStore(db.dataSource(), clock);
  }

  private static ImportResult importCsv(
      ListingStore store, String channelId, String csv, Set<String> required) {
    return store.importCsv("acme", channelId, new StringReader(csv), required);
  }

  /** Every listing of the channel, read a page of 1,000 at a time. */
  private static List<Listing> all(ListingStore store, String channelId) {
    List<Listing> listings = new ArrayList<>();
    String after = null;
    while (true) {
      List<Listing> page = store.forChannel("acme", channelId, after, ListingStore.MAX_LIMIT);
      listings.addAll(page);
      if (page.size() < ListingStore.MAX_LIMIT) {
        return listings;
      }
      after = page.get(page.size() - 1).sku();
    }
  }

  private static String reasonOf(ImportResult result, int row) {
    return result.errors().stream()
        .filter(error -> error.row() == row)
        .map(RowError::reason)
        .findFirst()
        .orElseThrow(() -> new AssertionError("No error for row " + row + ": " + result));
  }

  private static void insertSku(TestDatabase db, String tenantId, String sku) throws SQLException {
    try (Connection connection = db.dataSource().getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO sku_summary (tenant_id, sku, name, on_hand, reserved, safety_stock,"
                    + " available, updated_at) VALUES (?, ?, ?, 1, 0, 0, 1, ?)")) {
      insert.setString(1, tenantId);
      insert.setString(2, sku);
      insert.setString(3, "Name of " + sku);
      insert.setObject(4, OffsetDateTime.now(ZoneOffset.UTC));
      insert.executeUpdate();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void putsReplacesAndDeletesAListing(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ListingStore store = store(db);

      boolean created =
          store.put("acme", "tiktok-1", "MUG", Map.of("product_id", "17", "sku_id", "9"));
      boolean createdAgain = store.put("acme", "tiktok-1", "MUG", Map.of("product_id", "18"));

      assertThat(created).isTrue();
      assertThat(createdAgain).isFalse();
      assertThat(store.get("acme", "tiktok-1", "MUG")).contains(Map.of("product_id", "18"));
      assertThat(store.get("acme", "tiktok-2", "MUG")).isEmpty();
      assertThat(store.get("globex", "tiktok-1", "MUG")).isEmpty();
      assertThat(store.delete("acme", "tiktok-1", "MUG")).isTrue();
      assertThat(store.delete("acme", "tiktok-1", "MUG")).isFalse();
      assertThat(store.get("acme", "tiktok-1", "MUG")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void pagesThroughAChannelsListingsInSkuOrder(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ListingStore store = store(db);
      for (String sku : List.of("b-2", "A-1", "a-1", "c-3", "B-2")) {
        store.put("acme", "shop", sku, Map.of("item_code", sku.toLowerCase()));
      }
      store.put("acme", "other-shop", "a-0", Map.of());

      List<Listing> first = store.forChannel("acme", "shop", null, 2);
      List<Listing> second = store.forChannel("acme", "shop", "B-2", 2);
      List<Listing> last = store.forChannel("acme", "shop", "b-2", 2);

      assertThat(first)
          .containsExactly(
              new Listing("A-1", Map.of("item_code", "a-1"), clock.instant()),
              new Listing("B-2", Map.of("item_code", "b-2"), clock.instant()));
      assertThat(second).extracting(Listing::sku).containsExactly("a-1", "b-2");
      assertThat(last).extracting(Listing::sku).containsExactly("c-3");
      assertThatThrownBy(() -> store.forChannel("acme", "shop", null, 0))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void namesTheChannelsThatListASku(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ListingStore store = store(db);
      store.put("acme", "tiktok-1", "MUG", Map.of());
      store.put("acme", "rakuten-1", "MUG", Map.of());
      store.put("acme", "rakuten-1", "CUP", Map.of());
      store.put("globex", "amazon-1", "MUG", Map.of());

      assertThat(store.channelsListing("acme", "MUG")).containsExactly("rakuten-1", "tiktok-1");
      assertThat(store.channelsListing("acme", "CUP")).containsExactly("rakuten-1");
      assertThat(store.channelsListing("acme", "PLATE")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void refusesListingsThatCouldNeverMatchOrFit(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ListingStore store = store(db);
      Map<String, String> tooMany = new TreeMap<>();
      for (int i = 0; i < 20; i++) {
        tooMany.put("key_" + i, "v".repeat(100));
      }

      assertThatThrownBy(() -> store.put("acme", "shop", "x".repeat(129), Map.of()))
          .hasMessageContaining("longer than 128");
      assertThatThrownBy(() -> store.put("acme", "shop", "A B", Map.of()))
          .hasMessageContaining("white space");
      assertThatThrownBy(() -> store.put("acme", "shop", "MUG", Map.of("id", "1\n2")))
          .hasMessageContaining("control character");
      assertThatThrownBy(() -> store.put("acme", "shop", "MUG", tooMany))
          .hasMessageContaining("more than 2000 characters");
      assertThat(store.forChannel("acme", "shop", null, 10)).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void importsFiveThousandRows(Vendor vendor) {
    int rows = 5_000;
    StringBuilder csv = new StringBuilder("sku,product_id,variant_id\r\n");
    for (int i = 0; i < rows; i++) {
      csv.append(String.format("SKU-%05d,P%d,V%d\r\n", i, i / 3, i));
    }
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ListingStore store = store(db);
      store.put("acme", "shop", "SKU-00042", Map.of("product_id", "old"));
      store.put("acme", "shop", "ZZ-NOT-IN-FILE", Map.of("product_id", "kept"));

      ImportResult result = importCsv(store, "shop", csv.toString(), PRODUCT_ID);

      assertThat(result.errors()).isEmpty();
      assertThat(result.imported()).isEqualTo(rows);
      List<Listing> listings = all(store, "shop");
      assertThat(listings).hasSize(rows + 1);
      assertThat(store.get("acme", "shop", "SKU-00042"))
          .contains(Map.of("product_id", "P14", "variant_id", "V42"));
      assertThat(store.get("acme", "shop", "SKU-04999"))
          .contains(Map.of("product_id", "P1666", "variant_id", "V4999"));
      assertThat(store.get("acme", "shop", "ZZ-NOT-IN-FILE"))
          .contains(Map.of("product_id", "kept"));

      clock.advance(Duration.ofMinutes(1));
      ImportResult again = importCsv(store, "shop", csv.toString(), PRODUCT_ID);

      assertThat(again.imported()).isEqualTo(rows);
      assertThat(all(store, "shop")).hasSize(rows + 1);
      assertThat(store.forChannel("acme", "shop", null, 1).get(0).updatedAt())
          .isEqualTo(clock.instant());
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void reportsBadRowsAndWritesNoneOfThem(Vendor vendor) {
    String csv =
        String.join(
            "\n",
            "sku,product_id,variant_id",
            "GOOD-1,p1,v1",
            ",p2,v2",
            "GOOD-2,,v3",
            "X".repeat(129) + ",p4,",
            "LONG-ID," + "9".repeat(256) + ",v6",
            "TAB,\"p\t7\",v7",
            "DUP,p8,v8",
            "GOOD-3,p9",
            "DUP,p10,v10",
            "QUOTE,\"p\"11,v",
            "GOOD-4,p12,",
            "\"NL\",\"p",
            "13\",v13",
            "GOOD-5,\"p,14\",\"say \"\"hi\"\"\"",
            "WITH SPACE,p15,v15",
            "GOOD-6,p16,v16,extra",
            "");
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ListingStore store = store(db);

      ImportResult result = importCsv(store, "shop", csv, PRODUCT_ID);

      assertThat(result.imported()).isEqualTo(3);
      assertThat(result.errors())
          .extracting(RowError::row)
          .containsExactly(3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 16);
      assertThat(reasonOf(result, 3)).isEqualTo("missing sku");
      assertThat(reasonOf(result, 4)).isEqualTo("missing product_id");
      assertThat(reasonOf(result, 5)).contains("longer than 128");
      assertThat(reasonOf(result, 6)).contains("product_id is longer than 255");
      assertThat(reasonOf(result, 7)).contains("product_id contains a control character");
      assertThat(reasonOf(result, 8)).contains("more than once").contains("rows 8, 10");
      assertThat(reasonOf(result, 9)).contains("2 values");
      assertThat(reasonOf(result, 10)).contains("more than once");
      assertThat(reasonOf(result, 11)).contains("closing quote");
      assertThat(reasonOf(result, 13)).contains("control character");
      assertThat(reasonOf(result, 15)).contains("white space");
      assertThat(reasonOf(result, 16)).contains("4 values");
      assertThat(result.errors().get(0).sku()).isNull();
      assertThat(result.errors().get(1).sku()).isEqualTo("GOOD-2");
      assertThat(result.errors().get(2).sku()).isNull();

      assertThat(all(store, "shop"))
          .extracting(Listing::sku)
          .containsExactly("GOOD-1", "GOOD-4", "GOOD-5");
      assertThat(store.get("acme", "shop", "GOOD-4")).contains(Map.of("product_id", "p12"));
      assertThat(store.get("acme", "shop", "GOOD-5"))
          .contains(Map.of("product_id", "p,14", "variant_id", "say \"hi\""));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void readsAByteOrderMarkCrlfAndBlankLines(Vendor vendor) {
    String csv = "\uFEFFSKU , item_code\r\n\r\nMUG,m-1\r\nCUP,c-1";
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ListingStore store = store(db);

      ImportResult result = importCsv(store, "yahoo-1", csv, Set.of("item_code"));

      assertThat(result).isEqualTo(new ImportResult(2, List.of()));
      assertThat(store.get("acme", "yahoo-1", "MUG")).contains(Map.of("item_code", "m-1"));
      assertThat(store.get("acme", "yahoo-1", "CUP")).contains(Map.of("item_code", "c-1"));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void refusesTheWholeFileWhenItsHeaderIsWrong(Vendor vendor) {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ListingStore store = store(db);

      ImportResult noSku = importCsv(store, "shop", "product_id,sku\n1,MUG\n", Set.of());
      ImportResult repeated = importCsv(store, "shop", "sku,id,id\nMUG,1,2\n", Set.of());
      ImportResult lacksRequired =
          importCsv(store, "shop", "sku,variant_id\nMUG,1\n", Set.of("product_id", "shop_id"));
      ImportResult empty = importCsv(store, "shop", "", Set.of());

      assertThat(reasonOf(noSku, 1)).contains("first column must be 'sku'");
      assertThat(reasonOf(repeated, 1)).contains("'id' appears more than once");
      assertThat(reasonOf(lacksRequired, 1)).contains("required column(s) product_id, shop_id");
      assertThat(reasonOf(empty, 1)).contains("empty");
      for (ImportResult result : List.of(noSku, repeated, lacksRequired, empty)) {
        assertThat(result.imported()).isZero();
        assertThat(result.errors()).hasSize(1);
      }
      assertThat(store.forChannel("acme", "shop", null, 10)).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aQuoteLeftOpenCostsTheRestOfTheFileOnly(Vendor vendor) {
    String csv = "sku,product_id\nMUG,1\nCUP,\"2\nPLATE,3\n";
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ListingStore store = store(db);

      ImportResult result = importCsv(store, "shop", csv, PRODUCT_ID);

      assertThat(result.imported()).isEqualTo(1);
      assertThat(result.errors()).extracting(RowError::row).containsExactly(3);
      assertThat(reasonOf(result, 3)).contains("not closed");
      assertThat(all(store, "shop")).extracting(Listing::sku).containsExactly("MUG");
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void concurrentImportsOfTheSameListingsBothSucceed(Vendor vendor) throws Exception {
    StringBuilder csv = new StringBuilder("sku,product_id\n");
    for (int i = 0; i < 300; i++) {
      csv.append("SKU-").append(i).append(",P").append(i).append('\n');
    }
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ListingStore store = store(db);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<ImportResult>> imports = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          imports.add(
              pool.submit(
                  () -> {
                    start.await();
                    return importCsv(store, "shop", csv.toString(), PRODUCT_ID);
                  }));
        }
        start.countDown();
        for (Future<ImportResult> result : imports) {
          assertThat(result.get(60, TimeUnit.SECONDS).imported()).isEqualTo(300);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(all(store, "shop")).hasSize(300);
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void reportsSkusNotListedAndListingsOfUnknownSkus(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      ListingStore store = store(db);
      for (String sku : List.of("CUP", "MUG", "PLATE", "BOWL")) {
        insertSku(db, "acme", sku);
      }
      insertSku(db, "globex", "GHOST");
      store.put("acme", "shop", "MUG", Map.of());
      store.put("acme", "shop", "PLATE", Map.of());
      store.put("acme", "shop", "GHOST", Map.of());
      store.put("acme", "shop", "RETIRED", Map.of());
      store.put("acme", "other-shop", "CUP", Map.of());

      ListingReport report = store.report("acme", "shop", 10);
      ListingReport cut = store.report("acme", "shop", 1);

      assertThat(report.skusNotListed()).containsExactly("BOWL", "CUP");
      assertThat(report.listingsWithUnknownSku()).containsExactly("GHOST", "RETIRED");
      assertThat(cut).isEqualTo(new ListingReport(List.of("BOWL"), List.of("GHOST")));
      assertThat(store.report("acme", "empty-shop", 10).skusNotListed())
          .containsExactly("BOWL", "CUP", "MUG", "PLATE");
    }
  }
}
