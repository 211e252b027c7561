package io.sfpulse.ingest.pubsub;

import com.salesforce.eventbus.protobuf.ConsumerEvent;
import io.sfpulse.ingest.stream.ReplayId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;

/**
 * Turns a Pub/Sub {@link ConsumerEvent} into the Bayeux-shaped {@code data} object the CometD path
 * delivers ({@code schema}, {@code event.replayId}, {@code event.EventUuid}, {@code payload}), so the
 * mapping and detection downstream do not know the transport: the Avro binary payload is read with
 * its writer schema (fetched once per schema id with {@code GetSchema}, then cached); {@code long}
 * fields documented as {@code :DateTime} become ISO-8601 instants as CometD sends them; a change
 * event's bitmaps are expanded to field names and the body keeps only the fields the change carries
 * (Pub/Sub sends every field, unchanged ones null; CometD sends changed and nulled ones). A payload
 * that cannot be decoded yields a {@code data} with an {@code error} and no payload (dead-lettered).
 */
public final class PubSubEventDecoder {

    private static final DateTimeFormatter SALESFORCE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Function<String, String> schemaLoader;

    /** Per schema id: the schema and a reader for it (resolving a writer schema is the costly part; done once per id). */
    private record Reader(Schema schema, GenericDatumReader<GenericRecord> reader) {}

    private final Map<String, Reader> schemas = new ConcurrentHashMap<>();

    /** @param schemaLoader schema id to its Avro schema JSON (a GetSchema call) */
    public PubSubEventDecoder(final Function<String, String> schemaLoader) {
        this.schemaLoader = schemaLoader;
    }

    /** Schemas fetched so far. */
    public int cachedSchemas() {
        return schemas.size();
    }

    public Map<String, Object> decode(final ConsumerEvent consumed) {
        final ReplayId replayId = ReplayId.ofBytes(consumed.getReplayId().toByteArray());
        final Map<String, Object> event = new LinkedHashMap<>();
        if (replayId.isLong()) {
            event.put("replayId", replayId.asLong());
        }
        event.put("EventUuid", consumed.getEvent().getId());
        final Map<String, Object> data = new LinkedHashMap<>();
        final String schemaId = consumed.getEvent().getSchemaId();
        data.put("schema", schemaId);
        data.put("event", event);
        try {
            final Reader reader =
                    schemas.computeIfAbsent(
                            schemaId,
                            id -> {
                                final Schema schema =
                                        new Schema.Parser().parse(schemaLoader.apply(id));
                                return new Reader(schema, new GenericDatumReader<>(schema));
                            });
            final GenericRecord record;
            synchronized (
                    reader) { // one reader per schema id, shared by the streams of the channels
                // using it
                record =
                        reader.reader()
                                .read(
                                        null,
                                        DecoderFactory.get()
                                                .binaryDecoder(
                                                        consumed.getEvent()
                                                                .getPayload()
                                                                .toByteArray(),
                                                        null));
            }
            data.put("payload", payload(reader.schema(), record));
        } catch (IOException | AvroRuntimeException | IllegalArgumentException e) {
            data.put(
                    "error",
                    "Pub/Sub payload of schema " + schemaId + " could not be decoded: " + e);
            data.put(
                    "payloadBase64",
                    Base64.getEncoder()
                            .encodeToString(consumed.getEvent().getPayload().toByteArray()));
        }
        return data;
    }

    private static Map<String, Object> payload(final Schema schema, final GenericRecord record) {
        final Map<String, Object> out = record(record);
        if (out.get("ChangeEventHeader") instanceof Map<?, ?> h) {
            @SuppressWarnings("unchecked")
            final Map<String, Object> header = (Map<String, Object>) h;
            final List<String> nulled =
                    ChangeEventBitmaps.names(schema, strings(header.get("nulledFields")));
            header.put(
                    "changedFields",
                    ChangeEventBitmaps.names(schema, strings(header.get("changedFields"))));
            header.put("nulledFields", nulled);
            header.put(
                    "diffFields",
                    ChangeEventBitmaps.names(schema, strings(header.get("diffFields"))));
            out.entrySet().removeIf(e -> e.getValue() == null && !nulled.contains(e.getKey()));
        }
        return out;
    }

    private static Map<String, Object> record(final GenericRecord record) {
        final Map<String, Object> out = new LinkedHashMap<>();
        for (final Schema.Field f : record.getSchema().getFields()) {
            out.put(f.name(), value(f, record.get(f.pos())));
        }
        return out;
    }

    private static Object value(final Schema.Field field, final Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof GenericRecord r) {
            return record(r);
        }
        if (value instanceof Long l && field.doc() != null && field.doc().endsWith(":DateTime")) {
            return SALESFORCE_TIME.format(Instant.ofEpochMilli(l));
        }
        if (value instanceof CharSequence || value instanceof GenericData.EnumSymbol) {
            return value.toString();
        }
        if (value instanceof ByteBuffer b) {
            final byte[] bytes = new byte[b.remaining()];
            b.duplicate().get(bytes);
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (value instanceof List<?> list) {
            final List<Object> items = new ArrayList<>(list.size());
            list.forEach(
                    item ->
                            items.add(
                                    item instanceof CharSequence c
                                            ? c.toString()
                                            : item instanceof GenericRecord r ? record(r) : item));
            return items;
        }
        if (value instanceof Map<?, ?> map) {
            final Map<String, Object> out = new LinkedHashMap<>();
            map.forEach(
                    (k, v) ->
                            out.put(
                                    String.valueOf(k),
                                    v instanceof CharSequence c ? c.toString() : v));
            return out;
        }
        return value;
    }

    private static List<String> strings(final Object value) {
        return value instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }
}
