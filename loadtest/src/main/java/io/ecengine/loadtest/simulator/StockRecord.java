package io.ecengine.loadtest.simulator;

import java.time.Instant;

/** One stock value a marketplace was sent for a listing, and when it arrived. */
public record StockRecord(Instant at, long quantity) {}
