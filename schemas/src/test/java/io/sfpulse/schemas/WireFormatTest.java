package io.sfpulse.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.registry.MockSchemaRegistryClient;
import io.sfpulse.schemas.serde.AvroWireDeserializer;
import io.sfpulse.schemas.serde.AvroWireSerializer;
import io.sfpulse.schemas.serde.WireFormat;
import io.sfpulse.schemas.topic.TopicNames;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    private static final String SCOPE = WireFormatTest.class.getName();
    private static final Schema POINT =
            new Schema.Parser()
                    .parse(
                            "{\"type\":\"record\",\"name\":\"Point\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"},{\"name\":\"label\",\"type\":\"string\"}]}");

    @AfterEach
    void drop() {
        MockSchemaRegistryClient.dropScope(SCOPE);
    }

    @Test
    void encodesMagicByteBigEndianSchemaIdAndAvroBinary() {
        final GenericRecord point = new GenericData.Record(POINT);
        point.put("x", 1);
        point.put("label", "ab");
        // 00 | 00 00 01 2c (id 300) | zigzag varint 1 = 02 | string length 2 = 04, 'a' 'b'
        assertThat(HexFormat.of().formatHex(WireFormat.encode(300, POINT, point)))
                .isEqualTo("000000012c02046162");
    }

    @Test
    void readsSchemaIdAndRejectsOtherMagicBytes() {
        assertThat(WireFormat.schemaId(HexFormat.of().parseHex("00000000070200"))).isEqualTo(7);
        assertThatThrownBy(() -> WireFormat.schemaId(HexFormat.of().parseHex("01000000070200")))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("magic byte 1");
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {0, 0}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("2 bytes");
    }

    @Test
    void serializerRegistersUnderTopicNameStrategySubjectAndRoundTrips() {
        final Map<String, Object> config = Map.of("schema.registry.url", "mock://" + SCOPE);
        final AvroWireSerializer<Alert> serializer = new AvroWireSerializer<>();
        serializer.configure(config, false);
        final AvroWireDeserializer<Alert> deserializer = new AvroWireDeserializer<>(Alert.class);
        deserializer.configure(config, false);
        final Alert alert =
                Alert.newBuilder()
                        .setAlertId("a#0")
                        .setDedupKey("a")
                        .setStatus(AlertStatus.TRIGGERED)
                        .setSeverity(Severity.ERROR)
                        .setOrgId("00D")
                        .setDetector("d")
                        .setSubject("s")
                        .setSummary("sum")
                        .setWindowStart(Instant.ofEpochMilli(1))
                        .setWindowEnd(Instant.ofEpochMilli(2))
                        .setEventTime(Instant.ofEpochMilli(3))
                        .build();
        final byte[] bytes = serializer.serialize(TopicNames.ALERTS, alert);
        final int id = WireFormat.schemaId(bytes);
        assertThat(
                        MockSchemaRegistryClient.forScope(SCOPE)
                                .lookup(TopicNames.ALERTS + "-value", Alert.getClassSchema()))
                .isEqualTo(id);
        assertThat(deserializer.deserialize(TopicNames.ALERTS, bytes)).isEqualTo(alert);
    }

    @Test
    void refusesUnregisteredSchemaWhenAutoRegisterIsOff() {
        final AvroWireSerializer<GenericRecord> serializer = new AvroWireSerializer<>();
        serializer.configure(
                Map.of("schema.registry.url", "mock://" + SCOPE, "auto.register.schemas", false),
                false);
        final GenericRecord point = new GenericData.Record(POINT);
        point.put("x", 1);
        point.put("label", "ab");
        assertThatThrownBy(() -> serializer.serialize("t", point))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("40403");
    }

    @Test
    void readerResolvesOlderWriterSchemaWithDefaults() {
        // A writer that predates the "sequence" field (default 0) still reads into today's Alert.
        final Schema older =
                new Schema.Parser()
                        .parse(
                                Alert.getClassSchema()
                                        .toString()
                                        .replace(
                                                "{\"name\":\"sequence\",\"type\":\"int\",\"doc\":\"0 for TRIGGERED, increasing with each UPDATED/RESOLVED.\",\"default\":0},",
                                                ""));
        assertThat(older.getField("sequence")).isNull();
        final GenericRecord r = new GenericData.Record(older);
        r.put("alertId", "a#0");
        r.put("dedupKey", "a");
        r.put("status", new GenericData.EnumSymbol(older.getField("status").schema(), "RESOLVED"));
        r.put("severity", new GenericData.EnumSymbol(older.getField("severity").schema(), "INFO"));
        r.put("orgId", "00D");
        r.put("detector", "d");
        r.put("subject", "s");
        r.put("summary", "sum");
        r.put("evidence", Map.of());
        r.put("windowStart", 1L);
        r.put("windowEnd", 2L);
        r.put("eventTime", 3L);
        final AvroWireSerializer<GenericRecord> writer = new AvroWireSerializer<>();
        writer.configure(Map.of("schema.registry.url", "mock://" + SCOPE), false);
        final AvroWireDeserializer<Alert> reader = new AvroWireDeserializer<>(Alert.class);
        reader.configure(Map.of("schema.registry.url", "mock://" + SCOPE), false);
        final Alert read = reader.deserialize("old-topic", writer.serialize("old-topic", r));
        assertThat(read.getSequence()).isZero();
        assertThat(read.getStatus()).isEqualTo(AlertStatus.RESOLVED);
    }

    @Test
    void channelTopicNamesAreSlugsWithoutUnderscores() {
        assertThat(TopicNames.forChannel("/event/LogEntryEvent__e"))
                .isEqualTo("sfpulse.ingest.event-logentryevent-e.v1");
        assertThat(TopicNames.forChannel("/data/AccountChangeEvent"))
                .isEqualTo("sfpulse.ingest.data-accountchangeevent.v1");
    }
}
