package io.ecengine.engine.sku;

/**
 * When a SKU saves a snapshot of its ledger.
 *
 * <p>A snapshot holds every active hold and every id the ledger remembers, so its cost grows with
 * the SKU; a hot SKU can hold tens of thousands. Saving one every fixed number of writes would make
 * the busiest SKU pay the most, and it stands still while it saves. So a snapshot is due once the
 * records written since the last one (reservations, adjustments, releases) reach the size of the
 * snapshot itself, or the configured minimum when that is larger. Saving snapshots then costs at
 * most as much as writing the events did, and a recovery reads one snapshot plus at most as many
 * records again.
 *
 * <p>Records replayed during a recovery count as well, so that a SKU that is often stopped and
 * recovered still reaches its next snapshot.
 */
public final class SnapshotPacing {

  private final int minimumRecords;
  private long recordsSinceSnapshot;

  public SnapshotPacing(int minimumRecords) {
    if (minimumRecords < 1) {
      throw new IllegalArgumentException("minimumRecords must be at least 1");
    }
    this.minimumRecords = minimumRecords;
  }

  /** Counts an event written or replayed after the last snapshot. */
  public void recorded(SkuEvent event) {
    recordsSinceSnapshot += event.records();
  }

  /**
   * Whether a snapshot of a ledger of {@code snapshotRecords} records is due now; when it is, the
   * count starts again.
   */
  public boolean due(long snapshotRecords) {
    if (recordsSinceSnapshot < Math.max(minimumRecords, snapshotRecords)) {
      return false;
    }
    recordsSinceSnapshot = 0;
    return true;
  }

  /** Records written or replayed since the last snapshot. */
  public long recordsSinceSnapshot() {
    return recordsSinceSnapshot;
  }
}
