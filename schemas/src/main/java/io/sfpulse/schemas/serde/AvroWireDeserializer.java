package io.sfpulse.schemas.serde;

import io.sfpulse.schemas.registry.SchemaRegistryClient;
import io.sfpulse.schemas.registry.SchemaRegistryClients;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Deserializes Confluent wire-format Avro. With a target class it resolves the writer schema
 * (fetched by id) against the class's schema, so older and newer compatible writers both read;
 * without one it returns {@code GenericRecord}s.
 */
public final class AvroWireDeserializer<T> implements Deserializer<T> {

    private final Schema readerSchema;
    private SchemaRegistryClient registry;
    private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();

    /** Generic reader, configured later through {@link #configure}. */
    public AvroWireDeserializer() {
        this((Schema) null);
    }

    /** Specific reader for {@code type}, configured later through {@link #configure}. */
    public AvroWireDeserializer(final Class<T> type) {
        this(SpecificData.get().getSchema(type));
    }

    private AvroWireDeserializer(final Schema readerSchema) {
        this.readerSchema = readerSchema;
    }

    /** Specific reader with an explicit registry client. */
    public AvroWireDeserializer(final Class<T> type, final SchemaRegistryClient registry) {
        this(type);
        this.registry = registry;
    }

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        final AvroSerdeConfig config = new AvroSerdeConfig(configs);
        this.registry = SchemaRegistryClients.forUrls(config.registryUrl(), config.userInfo());
    }

    @Override
    public T deserialize(final String topic, final byte[] data) {
        if (data == null) {
            return null;
        }
        final int id = WireFormat.schemaId(data);
        return WireFormat.decode(data, readers.computeIfAbsent(id, this::readerFor));
    }

    private DatumReader<T> readerFor(final int id) {
        final Schema writer = registry.getById(id);
        if (readerSchema == null) {
            return new GenericDatumReader<>(writer);
        }
        return new SpecificDatumReader<>(
                writer, readerSchema, SpecificData.getForSchema(readerSchema));
    }
}
