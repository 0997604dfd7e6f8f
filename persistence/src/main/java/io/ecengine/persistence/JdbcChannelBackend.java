package io.ecengine.persistence;

import io.ecengine.engine.channel.AllocationRule;
import io.ecengine.engine.channel.ChannelBackend;
import io.ecengine.engine.channel.ChannelKey;
import io.ecengine.engine.channel.ChannelRules;
import io.ecengine.engine.channel.ChannelSetup;
import io.ecengine.engine.channel.WriteBack;
import io.ecengine.engine.channel.marketplace.Credentials;
import io.ecengine.engine.channel.marketplace.ListingIds;
import io.ecengine.engine.channel.marketplace.Marketplace;
import io.ecengine.engine.channel.marketplace.MarketplaceOrder;
import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads a channel's setup from the channel, listing, rule and push-log tables. */
public final class JdbcChannelBackend implements ChannelBackend {

  private static final Logger log = LoggerFactory.getLogger(JdbcChannelBackend.class);

  private final ChannelStore channels;
  private final ListingStore listings;
  private final AllocationRuleStore rules;
  private final PushLog pushLog;
  private final ShipmentWriteBacks writeBacks;
  private final MarketplaceOrderStore marketplaceOrders;

  public JdbcChannelBackend(
      ChannelStore channels,
      ListingStore listings,
      AllocationRuleStore rules,
      PushLog pushLog,
      ShipmentWriteBacks writeBacks,
      MarketplaceOrderStore marketplaceOrders) {
    this.marketplaceOrders = marketplaceOrders;
    this.channels = channels;
    this.listings = listings;
    this.rules = rules;
    this.pushLog = pushLog;
    this.writeBacks = writeBacks;
  }

  @Override
  public Optional<ChannelSetup> load(String tenantId, String channelId) {
    Optional<ChannelStore.ChannelRecord> found = channels.get(tenantId, channelId);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    ChannelStore.ChannelRecord channel = found.get();
    Marketplace marketplace = Marketplace.fromId(channel.marketplace());
    Map<String, ListingIds> listed = new HashMap<>();
    String after = null;
    while (true) {
      List<ListingStore.Listing> page =
          listings.forChannel(tenantId, channelId, after, ListingStore.MAX_LIMIT);
      page.forEach(l -> listed.put(l.sku(), new ListingIds(l.marketplaceIds())));
      if (page.size() < ListingStore.MAX_LIMIT) {
        break;
      }
      after = page.get(page.size() - 1).sku();
    }
    Map<String, Map<String, AllocationRule>> perSku = new HashMap<>();
    Map<String, AllocationRule> defaults = new HashMap<>();
    long tenantSafetyStock = 0;
    for (AllocationRuleStore.RuleRow row : rules.all(tenantId)) {
      if (row.channelId().equals(AllocationRuleStore.EVERY_CHANNEL)
          && row.rule().equals(AllocationRuleStore.SAFETY_STOCK)) {
        tenantSafetyStock = row.amount();
        continue;
      }
      AllocationRule rule;
      try {
        rule = AllocationRule.named(row.rule(), row.amount());
      } catch (IllegalArgumentException e) {
        // Rows are checked on the way in; one that is not understood is left out, loudly.
        log.warn("Ignoring allocation rule {} of tenant {}: {}", row, tenantId, e.getMessage());
        continue;
      }
      if (row.sku().equals(AllocationRuleStore.TENANT_DEFAULT)) {
        defaults.put(row.channelId(), rule);
      } else {
        perSku.computeIfAbsent(row.sku(), s -> new HashMap<>()).put(row.channelId(), rule);
      }
    }
    Map<String, ChannelRules> skuRules = new HashMap<>();
    perSku.forEach((sku, byChannel) -> skuRules.put(sku, new ChannelRules(byChannel, null)));
    return Optional.of(
        new ChannelSetup(
            marketplace,
            URI.create(channel.baseUrl()),
            Credentials.of(channels.credentials(tenantId, channelId)),
            channel.rateLimit() != null
                ? channel.rateLimit()
                : marketplace.defaultRequestsPerSecond(),
            channel.burst() != null ? channel.burst() : marketplace.defaultBurst(),
            channel.batchSize() != null
                ? Math.min(channel.batchSize(), marketplace.defaultBatchSize())
                : marketplace.defaultBatchSize(),
            channel.paused(),
            channel.pauseReason(),
            channel.credentialsExpireAt(),
            listed,
            pushLog.lastSent(tenantId, channelId),
            skuRules,
            new ChannelRules(defaults, null, tenantSafetyStock)));
  }

  @Override
  public List<String> channelIds(String tenantId) {
    return channels.list(tenantId).stream().map(ChannelStore.ChannelRecord::channelId).toList();
  }

  @Override
  public List<ChannelKey> allChannels() {
    return channels.listAll().stream()
        .map(c -> new ChannelKey(c.tenantId(), c.channelId()))
        .toList();
  }

  @Override
  public void recordSent(
      String tenantId, String channelId, Map<String, Long> quantities, Instant at) {
    pushLog.recordSent(tenantId, channelId, quantities, at);
  }

  @Override
  public void recordErrors(
      String tenantId, String channelId, Map<String, String> errors, Instant at) {
    pushLog.recordErrors(tenantId, channelId, errors, at);
  }

  @Override
  public List<WriteBack> pendingWriteBacks(
      String tenantId, String channelId, int maxAttempts, int limit) {
    return writeBacks.pending(tenantId, channelId, maxAttempts, limit);
  }

  @Override
  public List<MarketplaceOrder.Line> marketplaceLines(
      String tenantId, String channelId, String channelOrderId) {
    return marketplaceOrders.lines(tenantId, channelId, channelOrderId);
  }

  @Override
  public Optional<Instant> pulledSince(String tenantId, String channelId) {
    return marketplaceOrders.pulledSince(tenantId, channelId);
  }

  @Override
  public void markPulled(String tenantId, String channelId, Instant since) {
    marketplaceOrders.markPulled(tenantId, channelId, since);
  }

  @Override
  public void writeBackSent(String tenantId, WriteBack writeBack, Instant at) {
    writeBacks.markSent(tenantId, writeBack, at);
  }

  @Override
  public void writeBackFailed(String tenantId, WriteBack writeBack, String error, Instant at) {
    writeBacks.markFailed(tenantId, writeBack, error, at);
  }
}
