package io.ecengine.engine.sku;

import io.ecengine.engine.serialization.CborSerializable;

/**
 * A request to change one SKU, as the domain sees it. Every request that can be retried carries its
 * own id, so a retry is answered with the first outcome instead of being applied twice.
 */
public sealed interface SkuRequest extends CborSerializable {

  /** Create the SKU, or rename it when it exists. */
  record Define(String name) implements SkuRequest {}

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

  /** Hold units for an order or a cart; an optional expiry releases the hold by itself. */
  record Reserve(String reservationId, long quantity, String channelId, Long expiresInSeconds)
      implements SkuRequest {
    public Reserve {
      require(quantity > 0, "quantity must be positive");
      require(expiresInSeconds == null || expiresInSeconds > 0, "expiry must be positive");
    }
  }

  /** Cancel a hold. */
  record Release(String reservationId) implements SkuRequest {}

  /** Ship a hold: the units leave the warehouse. */
  record Commit(String reservationId) implements SkuRequest {}

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
