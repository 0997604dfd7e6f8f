package io.ecengine.engine.order;

import io.ecengine.engine.serialization.CborSerializable;

/** One line of an order: a SKU (possibly a bundle) and how many units were bought. */
public record OrderLine(String sku, long quantity) implements CborSerializable {}
