package io.sfpulse.schemas.serde;

import io.sfpulse.schemas.registry.SchemaRegistryClient;
import io.sfpulse.schemas.registry.SchemaRegistryClients;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serializes Avro records (specific or generic) in the Confluent wire format, registering or
 * looking up the writer schema under the subject {@code <topic>-key|value} (TopicNameStrategy).
 */
public final class AvroWireSerializer<T extends GenericContainer> implements Serializer<T> {

    private SchemaRegistryClient registry;
    private boolean autoRegister;
    private boolean isKey;
    private final Map<String, Integer> ids = new ConcurrentHashMap<>();

    public AvroWireSerializer() {}

    /** For use without {@link #configure}: an explicit registry client. */
    public AvroWireSerializer(
            final SchemaRegistryClient registry, final boolean autoRegister, final boolean isKey) {
        this.registry = registry;
        this.autoRegister = autoRegister;
        this.isKey = isKey;
    }

    @Override
    public void configure(final Map<String, ?> configs, final boolean key) {
        final AvroSerdeConfig config = new AvroSerdeConfig(configs);
        this.registry = SchemaRegistryClients.forUrls(config.registryUrl(), config.userInfo());
        this.autoRegister = config.autoRegister();
        this.isKey = key;
    }

    @Override
    public byte[] serialize(final String topic, final T data) {
        if (data == null) {
            return null;
        }
        final Schema schema = data.getSchema();
        final String subject = topic + (isKey ? "-key" : "-value");
        final int id =
                ids.computeIfAbsent(
                        subject + "|" + schema.getFullName() + "|" + schema.hashCode(),
                        k ->
                                autoRegister
                                        ? registry.register(subject, schema)
                                        : registry.lookup(subject, schema));
        return WireFormat.encode(id, schema, data);
    }
}
