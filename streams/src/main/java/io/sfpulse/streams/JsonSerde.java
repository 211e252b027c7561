package io.sfpulse.streams;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** JSON serde for internal state (stores and changelogs only; never for shared topics). */
public final class JsonSerde {

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private JsonSerde() {
    }

    public static <T> Serde<T> of(final Class<T> type) {
        return Serdes.serdeFrom((topic, data) -> {
            try {
                return data == null ? null : JSON.writeValueAsBytes(data);
            } catch (IOException e) {
                throw new SerializationException("Cannot write " + type.getSimpleName(), e);
            }
        }, (topic, bytes) -> {
            try {
                return bytes == null ? null : JSON.readValue(bytes, type);
            } catch (IOException e) {
                throw new SerializationException("Cannot read " + type.getSimpleName(), e);
            }
        });
    }
}
