package io.ecengine.engine.sku;

import io.ecengine.engine.serialization.CborSerializable;

/** The stock figures of one SKU at one moment. */
public record Levels(String name, long onHand, long reserved, long safetyStock, long available)
    implements CborSerializable {}
