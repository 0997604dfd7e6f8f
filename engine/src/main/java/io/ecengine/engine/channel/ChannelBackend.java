package io.ecengine.engine.channel;

import io.ecengine.engine.channel.marketplace.MarketplaceOrder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a channel reads from and writes to the database, so that the channel actor stays free of
 * SQL. Every method blocks: the actor calls them on a dispatcher meant for blocking work.
 */
public interface ChannelBackend {

  /** The channel's setup, or empty when the channel does not exist (or no longer does). */
  Optional<ChannelSetup> load(String tenantId, String channelId);

  /** The channel ids of a tenant: where a change of its stock may have to be pushed. */
  List<String> channelIds(String tenantId);

  /** Every channel of every tenant, to start their actors when a node starts. */
  List<ChannelKey> allChannels();

  /** The marketplace accepted these quantities. */
  void recordSent(String tenantId, String channelId, Map<String, Long> quantities, Instant at);

  /** The marketplace refused these SKUs, with the reason it gave. */
  void recordErrors(String tenantId, String channelId, Map<String, String> errors, Instant at);

  /** Shipments not reported yet and refused fewer than {@code maxAttempts} times, oldest first. */
  List<WriteBack> pendingWriteBacks(String tenantId, String channelId, int maxAttempts, int limit);

  /**
   * The order's lines as the marketplace named them when the order was imported (they carry the
   * item ids some marketplaces need to confirm a shipment), or empty when unknown.
   */
  List<MarketplaceOrder.Line> marketplaceLines(
      String tenantId, String channelId, String channelOrderId);

  void writeBackSent(String tenantId, WriteBack writeBack, Instant at);

  void writeBackFailed(String tenantId, WriteBack writeBack, String error, Instant at);

  /** Where the channel's next order pull starts, or empty before its first pull. */
  Optional<Instant> pulledSince(String tenantId, String channelId);

  /** Every order placed before {@code since} has been pulled and imported. */
  void markPulled(String tenantId, String channelId, Instant since);
}
