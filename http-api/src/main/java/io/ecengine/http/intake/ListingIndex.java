package io.ecengine.http.intake;

import io.ecengine.engine.channel.marketplace.ListingIds;
import io.ecengine.persistence.ListingStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds which of our SKUs a marketplace order line is, from the marketplace's ids on the line.
 *
 * <p>Lines do not always carry the ids a stock push uses (a Shopify webhook names the variant, not
 * the inventory item), so a line matches the listing that shares the most id values with it, and a
 * listing whose ids contradict the line (same key, another value) never matches. When no listing
 * shares an id, a line whose {@code sku} or {@code seller_sku} is one of the channel's listed SKU
 * codes is that SKU: merchants often use their own code as the marketplace's SKU.
 *
 * <p>Ids are compared in canonical form: a Shopify GraphQL id ({@code gid://shopify/Variant/42})
 * equals its number ({@code 42}), since listings may be entered either way and pulled orders carry
 * GraphQL ids while webhooks carry numbers.
 *
 * <p>Each channel's listings are read once and kept for {@code maxAgeNanos}; a listing change on
 * this node forgets them at once.
 */
public final class ListingIndex {

  private static final Set<String> OWN_CODE_KEYS = Set.of("sku", "seller_sku");

  /** The listings' ids by SKU, and the SKUs having each key=value pair, to find candidates. */
  private record Index(
      Map<String, Map<String, String>> idsBySku,
      Map<String, List<String>> skusByPair,
      long loadedAt) {}

  private final ListingStore listings;
  private final long maxAgeNanos;
  private final Map<String, Index> byChannel = new ConcurrentHashMap<>();

  public ListingIndex(ListingStore listings, java.time.Duration maxAge) {
    this.listings = listings;
    this.maxAgeNanos = maxAge.toNanos();
  }

  /** Forgets what was read of the channel's listings. */
  public void invalidate(String tenantId, String channelId) {
    byChannel.remove(tenantId + "|" + channelId);
  }

  /** Our SKU for the line's ids, if a listing of the channel matches; blocks on a cold cache. */
  public Optional<String> skuFor(String tenantId, String channelId, ListingIds line) {
    Index index = index(tenantId, channelId);
    Map<String, Map<String, String>> idsBySku = index.idsBySku();
    Set<String> candidates = new HashSet<>();
    line.ids()
        .forEach(
            (key, value) ->
                candidates.addAll(
                    index.skusByPair().getOrDefault(key + "=" + canonical(value), List.of())));
    String best = null;
    int bestShared = 0;
    for (String candidate : candidates) {
      Map<String, String> listing = idsBySku.get(candidate);
      int shared = 0;
      boolean contradicts = false;
      for (Map.Entry<String, String> id : listing.entrySet()) {
        String value = line.ids().get(id.getKey());
        if (value == null) {
          continue;
        }
        if (canonical(value).equals(id.getValue())) {
          shared++;
        } else {
          contradicts = true;
          break;
        }
      }
      if (!contradicts
          && (shared > bestShared
              || (shared == bestShared && best != null && candidate.compareTo(best) < 0))) {
        best = candidate;
        bestShared = shared;
      }
    }
    if (best != null) {
      return Optional.of(best);
    }
    for (String key : OWN_CODE_KEYS) {
      String code = line.ids().get(key);
      if (code != null && idsBySku.containsKey(code)) {
        return Optional.of(code);
      }
    }
    return Optional.empty();
  }

  /** The number of a Shopify GraphQL id, any other id as it is. */
  static String canonical(String value) {
    return value.startsWith("gid://") ? value.substring(value.lastIndexOf('/') + 1) : value;
  }

  private Index index(String tenantId, String channelId) {
    String key = tenantId + "|" + channelId;
    Index cached = byChannel.get(key);
    if (cached != null && System.nanoTime() - cached.loadedAt() <= maxAgeNanos) {
      return cached;
    }
    Map<String, Map<String, String>> idsBySku = new HashMap<>();
    String after = null;
    while (true) {
      List<ListingStore.Listing> page =
          listings.forChannel(tenantId, channelId, after, ListingStore.MAX_LIMIT);
      for (ListingStore.Listing listing : page) {
        Map<String, String> canonicalIds = new HashMap<>();
        listing.marketplaceIds().forEach((k, v) -> canonicalIds.put(k, canonical(v)));
        idsBySku.put(listing.sku(), Map.copyOf(canonicalIds));
      }
      if (page.size() < ListingStore.MAX_LIMIT) {
        break;
      }
      after = page.get(page.size() - 1).sku();
    }
    Map<String, List<String>> skusByPair = new HashMap<>();
    idsBySku.forEach(
        (sku, ids) ->
            ids.forEach(
                (k, v) ->
                    skusByPair.computeIfAbsent(k + "=" + v, p -> new ArrayList<>()).add(sku)));
    Index fresh = new Index(Map.copyOf(idsBySku), skusByPair, System.nanoTime());
    byChannel.put(key, fresh);
    return fresh;
  }
}
