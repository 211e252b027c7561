package io.sfpulse.streams.state;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import com.fasterxml.jackson.dataformat.smile.SmileGenerator;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Serde of internal state - detector state and the page's read models, in stores and their
 * changelogs only, never on shared topics: the state classes' fields in Smile, Jackson's binary
 * JSON (numbers as binary varints, repeated field names and short strings back-referenced), so a
 * state is compact and cheap to encode while its classes stay plain fields that can gain or lose a
 * field across versions (unknown ones are ignored).
 */
public final class StateSerde {

    private static final ObjectMapper SMILE =
            new ObjectMapper(
                            SmileFactory.builder()
                                    .enable(SmileGenerator.Feature.CHECK_SHARED_NAMES)
                                    .enable(SmileGenerator.Feature.CHECK_SHARED_STRING_VALUES)
                                    .build())
                    .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private StateSerde() {}

    public static <T> Serde<T> of(final Class<T> type) {
        return Serdes.serdeFrom(
                (topic, data) -> {
                    try {
                        return data == null ? null : SMILE.writeValueAsBytes(data);
                    } catch (IOException e) {
                        throw new SerializationException("Cannot write " + type.getSimpleName(), e);
                    }
                },
                (topic, bytes) -> {
                    try {
                        return bytes == null ? null : SMILE.readValue(bytes, type);
                    } catch (IOException e) {
                        throw new SerializationException("Cannot read " + type.getSimpleName(), e);
                    }
                });
    }
}
