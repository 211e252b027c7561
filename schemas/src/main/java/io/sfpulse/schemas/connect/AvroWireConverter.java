package io.sfpulse.schemas.connect;

import io.sfpulse.schemas.serde.AvroWireDeserializer;
import io.sfpulse.schemas.serde.AvroWireSerializer;
import java.util.Map;
import org.apache.avro.generic.GenericContainer;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.storage.Converter;

/**
 * Kafka Connect converter writing Avro in the Confluent wire format. sfpulse's source connectors
 * hand it Avro records directly (schemaless Connect records whose value is an Avro
 * {@link GenericContainer}), so the typed Avro schema of each Salesforce source reaches the topic
 * unchanged. Reading returns Avro {@code GenericRecord}s with a null Connect schema.
 * Configured with the Confluent keys ({@code schema.registry.url}, ...).
 */
public final class AvroWireConverter implements Converter {

    private final AvroWireSerializer<GenericContainer> serializer = new AvroWireSerializer<>();
    private final AvroWireDeserializer<Object> deserializer = new AvroWireDeserializer<>();

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public byte[] fromConnectData(final String topic, final Schema schema, final Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof GenericContainer)) {
            throw new DataException(
                    "AvroWireConverter accepts Avro records from sfpulse connectors; got "
                            + value.getClass().getName()
                            + " for topic '"
                            + topic
                            + "'");
        }
        try {
            return serializer.serialize(topic, (GenericContainer) value);
        } catch (SerializationException e) {
            throw new DataException("Cannot serialize record for topic '" + topic + "'", e);
        }
    }

    @Override
    public SchemaAndValue toConnectData(final String topic, final byte[] value) {
        if (value == null) {
            return SchemaAndValue.NULL;
        }
        try {
            return new SchemaAndValue(null, deserializer.deserialize(topic, value));
        } catch (SerializationException e) {
            throw new DataException("Cannot deserialize record from topic '" + topic + "'", e);
        }
    }

    @Override
    public ConfigDef config() {
        return io.sfpulse.schemas.serde.AvroSerdeConfig.configDef();
    }
}
