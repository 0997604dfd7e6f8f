package io.ecengine.engine.sku;

import io.ecengine.engine.serialization.CborSerializable;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A request to change one SKU, as the domain sees it. Every request that can be retried carries its
 * own id, so a retry is answered with the first outcome instead of being applied twice.
 */
public sealed interface SkuRequest extends CborSerializable {

  /**
   * Create the SKU, or rename it and change its components when it exists. A SKU with components is
   * a bundle: it holds no stock of its own and is sold from its components' stock.
   */
  record Define(String name, List<Component> components) implements SkuRequest {
    public Define {
      // A Define sent before bundles existed has no component list.
      components = components == null ? List.of() : List.copyOf(components);
      Set<String> seen = new HashSet<>();
      for (Component component : components) {
        require(seen.add(component.sku()), "component " + component.sku() + " is listed twice");
      }
    }

    /** An ordinary SKU, which holds its own stock. */
    public Define(String name) {
      this(name, List.of());
    }
  }

  /** Move on hand by a signed delta. */
  record Adjust(String adjustmentId, long delta, AdjustmentReason reason) implements SkuRequest {
    public Adjust {
      require(delta != 0, "delta must not be 0");
    }
  }

  /** Hold back this many units from every channel. */
  record SetSafetyStock(long quantity) implements SkuRequest {
    public SetSafetyStock {
      require(quantity >= 0, "safety stock must not be negative");
    }
  }

  /**
   * Hold units for an order or a cart; an optional expiry releases the hold by itself. {@code
   * listedUnits} is how many of the units the channel's marketplace sold as this SKU's own listing
   * (not as part of a bundle), and {@code soldAt} when, by the marketplace's clock: the marketplace
   * took them off what it shows at that moment, so a stock push made before then need not tell it
   * again. Only orders imported from a marketplace set them.
   */
  record Reserve(
      String reservationId,
      long quantity,
      String channelId,
      Long expiresInSeconds,
      long listedUnits,
      Instant soldAt)
      implements SkuRequest {
    public Reserve {
      require(quantity > 0, "quantity must be positive");
      require(expiresInSeconds == null || expiresInSeconds > 0, "expiry must be positive");
      require(listedUnits >= 0 && listedUnits <= quantity, "listed units must be within quantity");
      require(listedUnits == 0 || channelId != null, "listed units need a channel");
    }

    /** A hold that no marketplace listing has counted down. */
    public Reserve(String reservationId, long quantity, String channelId, Long expiresInSeconds) {
      this(reservationId, quantity, channelId, expiresInSeconds, 0, null);
    }
  }

  /** Cancel a hold. */
  record Release(String reservationId) implements SkuRequest {}

  /**
   * Ship units of a hold: they leave the warehouse. {@code quantity} null ships all the hold still
   * has and closes it; a smaller quantity leaves the rest held. A partial commit must carry a
   * {@code commitId}, because without one a retry could not be told from a second shipment.
   */
  record Commit(String reservationId, Long quantity, String commitId) implements SkuRequest {
    public Commit {
      require(quantity == null || quantity > 0, "quantity must be positive");
      require(quantity == null || commitId != null, "a partial commit needs a commitId");
    }

    /** Ship everything the hold still has. */
    public Commit(String reservationId) {
      this(reservationId, null, null);
    }
  }

  /**
   * Decide what a reservation beyond available does; {@code backorderLimit} is how many units may
   * be owed on backorder at once and only counts under {@link StockPolicy#BACKORDER}.
   */
  record SetPolicy(StockPolicy policy, long backorderLimit) implements SkuRequest {
    public SetPolicy {
      require(policy != null, "policy must be set");
      require(backorderLimit >= 0, "backorder limit must not be negative");
    }
  }

  /** Announce a delivery that has not arrived; {@code expectedAt} may be unknown (null). */
  record AddIncoming(String incomingId, long quantity, Instant expectedAt) implements SkuRequest {
    public AddIncoming {
      require(quantity > 0, "quantity must be positive");
    }
  }

  /** An announced delivery arrived: its units move from incoming to on hand. */
  record ReceiveIncoming(String incomingId) implements SkuRequest {}

  /**
   * Set aside units of the last ones for one channel's marketplace, which then counts them down on
   * its own as if they were a dedicated quota, so that no unit is on show at two marketplaces at
   * once (the channel's share). It replaces what was set aside for the channel before.
   *
   * <p>{@code unplaced} is how many units the marketplace has sold that no hold counts yet: its
   * orders will come, and their units are set aside with the share. {@code show} is how many units
   * the channel wants to put on show now. {@code keepBack} is what the channel's allocation rules
   * keep from every share (other channels' dedicated quotas, the tenant's safety stock). {@code
   * perSecond} is how fast the channel sells the SKU; while others wait for units too, a channel
   * gets at most its part of what is left by that rate. The SKU answers {@link SkuOutcome.Shared}
   * with how many units the channel may show.
   *
   * <p>Orders of the channel that were sold as the SKU's own listing take their units from the
   * share first. {@code show} 0 with {@code unplaced} 0 gives the share up.
   */
  record ClaimShare(String channelId, long unplaced, long show, long keepBack, double perSecond)
      implements SkuRequest {
    public ClaimShare {
      require(channelId != null && !channelId.isBlank(), "a share needs a channel");
      require(unplaced >= 0 && show >= 0 && keepBack >= 0, "share figures must not be negative");
      require(perSecond >= 0 && Double.isFinite(perSecond), "a sales rate must be finite, >= 0");
    }
  }

  /** Release every hold whose expiry has passed. Sent by the SKU's own timer. */
  enum ExpireDue implements SkuRequest {
    INSTANCE
  }

  /**
   * Requests that could corrupt the ledger (negative quantities) are refused at construction; the
   * API validates its input first, so this only guards against programming errors.
   */
  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
