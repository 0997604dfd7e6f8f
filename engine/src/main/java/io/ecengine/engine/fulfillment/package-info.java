/**
 * Fulfilment: from allocated orders to parcels with tracking numbers, as pure decisions.
 *
 * <p>Shipments ({@link io.ecengine.engine.fulfillment.Shipment}) hold one or more orders going to
 * one address; {@link io.ecengine.engine.fulfillment.JapaneseAddress} and {@link
 * io.ecengine.engine.fulfillment.BuyerIdentity} decide when two orders go to the same person at the
 * same door, and {@link io.ecengine.engine.fulfillment.MergeRule} when they share a parcel (同梱).
 * {@link io.ecengine.engine.fulfillment.PickList} sums a wave for the warehouse, and {@link
 * io.ecengine.engine.fulfillment.CarrierLayout} writes the label files of Yamato B2 Cloud and
 * Sagawa e飛伝 and reads their result files back.
 *
 * <p>Nothing here touches a database, an actor or the network; the persistence and HTTP layers
 * store the outcomes and send the orders their shipment commands.
 */
package io.ecengine.engine.fulfillment;
