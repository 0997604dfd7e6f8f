package io.ecengine.engine.serialization;

/**
 * Marker for every message, event and snapshot that crosses a node boundary or reaches the journal.
 * The binding to Pekko's Jackson CBOR serializer lives in {@code serialization.conf}.
 */
public interface CborSerializable {}
