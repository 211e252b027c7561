package io.sfpulse.schemas.registry;

import org.apache.avro.Schema;

/**
 * The subset of the Confluent Schema Registry API the wire-format serdes need.
 * Implementations are thread-safe.
 */
public interface SchemaRegistryClient {

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
    int register(String subject, Schema schema);

    /** Looks up the id of {@code schema} already registered under {@code subject}; fails if absent. */
    int lookup(String subject, Schema schema);

    /** Fetches the schema with the given global id. */
    Schema getById(int id);
}
