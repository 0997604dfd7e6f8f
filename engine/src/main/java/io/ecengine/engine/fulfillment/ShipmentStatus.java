package io.ecengine.engine.fulfillment;

/**
 * Where a shipment stands. The life of a parcel is PENDING → LABELED → SHIPPED; MERGED and
 * CANCELLED are the two ways a shipment ends without a parcel of its own.
 */
public enum ShipmentStatus {
  /** Waiting to be picked and labelled; orders may still be merged in or split out. */
  PENDING,
  /** Its label was issued (it is in a carrier file); its contents are fixed. */
  LABELED,
  /** A tracking number was recorded and every order in it has shipped. */
  SHIPPED,
  /** Its orders travel in another shipment; a split brings them back. */
  MERGED,
  /** Every order in it was cancelled or shipped elsewhere before it left. */
  CANCELLED
}
