package io.sfpulse.schemas.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** A specific-record serde in the Confluent wire format. */
public final class AvroWireSerde<T extends SpecificRecord> implements Serde<T> {

    private final AvroWireSerializer<T> serializer = new AvroWireSerializer<>();
    private final AvroWireDeserializer<T> deserializer;

    public AvroWireSerde(final Class<T> type) {
        this.deserializer = new AvroWireDeserializer<>(type);
    }

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
