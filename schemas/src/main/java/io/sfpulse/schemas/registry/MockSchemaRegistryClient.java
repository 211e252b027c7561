package io.sfpulse.schemas.registry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * In-memory registry for tests, selected with {@code schema.registry.url=mock://<scope>} exactly
 * like Confluent's serdes. Scopes are isolated; drop them in test teardown with {@link #dropScope}.
 */
public final class MockSchemaRegistryClient implements SchemaRegistryClient {

    private static final Map<String, MockSchemaRegistryClient> SCOPES = new ConcurrentHashMap<>();
    private final InMemorySchemaStore store = new InMemorySchemaStore();

    public static MockSchemaRegistryClient forScope(final String scope) {
        return SCOPES.computeIfAbsent(scope, s -> new MockSchemaRegistryClient());
    }

    public static void dropScope(final String scope) {
        SCOPES.remove(scope);
    }

    @Override
    public synchronized int register(final String subject, final Schema schema) {
        final InMemorySchemaStore.Entry entry = store.prepare(subject, schema.toString());
        store.apply(entry);
        return entry.id();
    }

    @Override
    public int lookup(final String subject, final Schema schema) {
        return store.find(subject, schema.toString())
                .orElseThrow(
                        () ->
                                new SchemaRegistryException(
                                        "Schema not found under subject '" + subject + "'",
                                        404,
                                        40403))
                .id();
    }

    @Override
    public Schema getById(final int id) {
        return new Schema.Parser()
                .parse(
                        store.schemaById(id)
                                .orElseThrow(
                                        () ->
                                                new SchemaRegistryException(
                                                        "Schema " + id + " not found",
                                                        404,
                                                        40403)));
    }
}
