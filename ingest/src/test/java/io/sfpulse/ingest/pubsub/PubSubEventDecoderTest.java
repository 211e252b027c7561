package io.sfpulse.ingest.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.salesforce.eventbus.protobuf.ConsumerEvent;
import com.salesforce.eventbus.protobuf.ProducerEvent;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class PubSubEventDecoderTest {

    private static final Schema LOW_INK =
            new Schema.Parser()
                    .parse(
                            """
        {"name":"Low_Ink__e","namespace":"com.sforce.eventbus","type":"record","fields":[
          {"name":"CreatedDate","type":"long","doc":"CreatedDate:DateTime"},
          {"name":"CreatedById","type":"string","doc":"CreatedBy:EntityId"},
          {"name":"Printer_Model__c","type":["null","string"],"default":null},
          {"name":"Ink_Percentage__c","type":["null","double"],"default":null}]}""");

    private static final Schema CHANGE =
            new Schema.Parser()
                    .parse(
                            """
        {"name":"AccountChangeEvent","namespace":"com.sforce.eventbus","type":"record","fields":[
          {"name":"ChangeEventHeader","type":{"type":"record","name":"ChangeEventHeader","fields":[
            {"name":"entityName","type":"string"},
            {"name":"changeType","type":{"type":"enum","name":"ChangeType","symbols":["CREATE","UPDATE"]}},
            {"name":"commitTimestamp","type":"long"},
            {"name":"nulledFields","type":{"type":"array","items":"string"}},
            {"name":"diffFields","type":{"type":"array","items":"string"}},
            {"name":"changedFields","type":{"type":"array","items":"string"}}]}},
          {"name":"Name","type":["null","string"],"default":null},
          {"name":"Industry","type":["null","string"],"default":null},
          {"name":"Fax","type":["null","string"],"default":null}]}""");

    private static ConsumerEvent event(
            final Schema schema, final GenericRecord record, final long replayId, final String id)
            throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return ConsumerEvent.newBuilder()
                .setReplayId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(replayId).array()))
                .setEvent(
                        ProducerEvent.newBuilder()
                                .setId(id)
                                .setSchemaId("schema-" + schema.getName())
                                .setPayload(ByteString.copyFrom(out.toByteArray())))
                .build();
    }

    @Test
    @SuppressWarnings("unchecked")
    void decodesAPlatformEventIntoTheCometdShapeAndFetchesEachSchemaOnce() throws Exception {
        final AtomicInteger fetches = new AtomicInteger();
        final PubSubEventDecoder decoder =
                new PubSubEventDecoder(
                        id -> {
                            fetches.incrementAndGet();
                            return LOW_INK.toString();
                        });
        final GenericRecord r = new GenericData.Record(LOW_INK);
        r.put("CreatedDate", 1_764_581_400_000L);
        r.put("CreatedById", "005000000000001AAA");
        r.put("Printer_Model__c", "XZO-5");
        final Map<String, Object> data = decoder.decode(event(LOW_INK, r, 2_458_760L, "e-1"));
        decoder.decode(event(LOW_INK, r, 2_458_761L, "e-2"));
        assertThat(fetches).hasValue(1);
        assertThat(data).containsEntry("schema", "schema-Low_Ink__e");
        assertThat((Map<String, Object>) data.get("event"))
                .containsEntry("replayId", 2_458_760L)
                .containsEntry("EventUuid", "e-1");
        assertThat((Map<String, Object>) data.get("payload"))
                .containsEntry("CreatedDate", "2025-12-01T09:30:00.000Z")
                .containsEntry("Printer_Model__c", "XZO-5")
                .containsEntry("Ink_Percentage__c", null);
    }

    @Test
    void expandsChangeBitmapsAndKeepsOnlyTheFieldsTheChangeCarries() throws Exception {
        final PubSubEventDecoder decoder = new PubSubEventDecoder(id -> CHANGE.toString());
        final Schema headerSchema = CHANGE.getField("ChangeEventHeader").schema();
        final GenericRecord header = new GenericData.Record(headerSchema);
        header.put("entityName", "Account");
        header.put(
                "changeType",
                new GenericData.EnumSymbol(headerSchema.getField("changeType").schema(), "UPDATE"));
        header.put("commitTimestamp", 1_764_581_400_000L);
        header.put("nulledFields", List.of("0x08")); // Fax (position 3)
        header.put("diffFields", List.of());
        header.put("changedFields", List.of("0x0C")); // Industry (2) and Fax (3)
        final GenericRecord r = new GenericData.Record(CHANGE);
        r.put("ChangeEventHeader", header);
        r.put("Industry", "Biotechnology");
        final Map<?, ?> payload =
                (Map<?, ?>) decoder.decode(event(CHANGE, r, 7, "c-1")).get("payload");
        final Map<?, ?> h = (Map<?, ?>) payload.get("ChangeEventHeader");
        assertThat(h.get("changedFields")).isEqualTo(List.of("Industry", "Fax"));
        assertThat(h.get("nulledFields")).isEqualTo(List.of("Fax"));
        assertThat(h.get("changeType")).isEqualTo("UPDATE");
        // Name is null because unchanged: dropped, as CometD would not send it; Fax is null because
        // nulled: kept.
        assertThat(payload.containsKey("Name")).isFalse();
        assertThat(payload.containsKey("Fax")).isTrue();
        assertThat(payload.get("Industry")).isEqualTo("Biotechnology");
    }

    @Test
    void aPayloadThatDoesNotFitItsSchemaIsReportedNotThrown() {
        final PubSubEventDecoder decoder = new PubSubEventDecoder(id -> LOW_INK.toString());
        final ConsumerEvent garbage =
                ConsumerEvent.newBuilder()
                        .setReplayId(ByteString.copyFrom(new byte[] {0, 0, 0, 0, 0, 0, 0, 9}))
                        .setEvent(
                                ProducerEvent.newBuilder()
                                        .setId("g-1")
                                        .setSchemaId("s")
                                        .setPayload(ByteString.copyFromUtf8("{not avro")))
                        .build();
        final Map<String, Object> data = decoder.decode(garbage);
        assertThat(data).containsKey("error").doesNotContainKey("payload");
        assertThat(String.valueOf(data.get("error"))).contains("could not be decoded");
    }
}
