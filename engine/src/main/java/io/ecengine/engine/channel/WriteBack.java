package io.ecengine.engine.channel;

/**
 * A shipment to report to the marketplace its order came from: the carrier and tracking number of
 * one parcel of our order {@code orderId}, which the marketplace knows as {@code channelOrderId}.
 * {@code attempts} counts the times the marketplace refused it.
 */
public record WriteBack(
    String orderId,
    String shipmentId,
    String channelOrderId,
    String carrier,
    String trackingNumber,
    int attempts) {}
