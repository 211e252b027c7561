package io.sfpulse.emulator.pubsub;

import io.sfpulse.emulator.org.EventSchemas;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Writes a stored event's payload the way Pub/Sub delivers it: Avro binary with the schema it was
 * published with, DateTimes as epoch milliseconds, every field of the schema present (the ones the
 * event does not carry are null) and, for change events, {@code changedFields}, {@code nulledFields}
 * and {@code diffFields} as bitmaps over the schema's field positions ({@code 0x...} for top-level
 * fields, {@code <pos>-0x...} for the fields of a compound field).
 */
final class AvroPayloads {

    private AvroPayloads() {}

    static byte[] encode(final Schema schema, final Map<String, Object> payload) {
        final GenericRecord record = record(schema, payload);
        if (payload.get("ChangeEventHeader") instanceof Map<?, ?> header) {
            record.put("ChangeEventHeader", header(schema, header, payload));
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static GenericRecord record(final Schema schema, final Map<?, ?> values) {
        final GenericRecord record = new GenericData.Record(schema);
        for (final Schema.Field f : schema.getFields()) {
            if (!"ChangeEventHeader".equals(f.name())) {
                record.put(f.pos(), value(f.schema(), values.get(f.name())));
            }
        }
        return record;
    }

    private static Object value(final Schema schema, final Object value) {
        if (value == null) {
            return null;
        }
        final Schema type =
                schema.getType() == Schema.Type.UNION ? schema.getTypes().get(1) : schema;
        return switch (type.getType()) {
            case LONG ->
                    value instanceof Number n
                            ? n.longValue()
                            : EventSchemas.parseInstant(String.valueOf(value)).toEpochMilli();
            case DOUBLE ->
                    value instanceof Number n
                            ? n.doubleValue()
                            : Double.valueOf(String.valueOf(value));
            case BOOLEAN -> value instanceof Boolean b ? b : Boolean.valueOf(String.valueOf(value));
            case ARRAY ->
                    value instanceof List<?> l
                            ? l.stream().map(String::valueOf).toList()
                            : List.of(String.valueOf(value));
            case RECORD -> value instanceof Map<?, ?> m ? record(type, m) : null;
            default -> String.valueOf(value);
        };
    }

    private static GenericRecord header(
            final Schema schema, final Map<?, ?> header, final Map<String, Object> payload) {
        final Schema headerSchema = schema.getField("ChangeEventHeader").schema();
        final GenericRecord h = new GenericData.Record(headerSchema);
        h.put("entityName", String.valueOf(header.get("entityName")));
        h.put("recordIds", strings(header.get("recordIds")));
        h.put(
                "changeType",
                new GenericData.EnumSymbol(
                        headerSchema.getField("changeType").schema(),
                        String.valueOf(header.get("changeType"))));
        h.put(
                "changeOrigin",
                String.valueOf(
                        header.get("changeOrigin") == null ? "" : header.get("changeOrigin")));
        h.put("transactionKey", String.valueOf(header.get("transactionKey")));
        h.put(
                "sequenceNumber",
                header.get("sequenceNumber") instanceof Number n ? n.intValue() : 0);
        h.put(
                "commitTimestamp",
                header.get("commitTimestamp") instanceof Number n ? n.longValue() : 0L);
        h.put("commitNumber", header.get("commitNumber") instanceof Number n ? n.longValue() : 0L);
        h.put("commitUser", String.valueOf(header.get("commitUser")));
        final List<String> nulled = new ArrayList<>();
        payload.forEach(
                (k, v) -> {
                    if (v == null) {
                        nulled.add(k);
                    }
                });
        h.put("nulledFields", bitmaps(schema, nulled));
        h.put("diffFields", List.of());
        h.put("changedFields", bitmaps(schema, strings(header.get("changedFields"))));
        return h;
    }

    /** Field names ({@code Name} or {@code Parent.Child}) as Salesforce's bitmap strings. */
    static List<String> bitmaps(final Schema schema, final List<String> names) {
        if (names.isEmpty()) {
            return List.of();
        }
        BigInteger top = BigInteger.ZERO;
        final Map<Integer, BigInteger> nested = new LinkedHashMap<>();
        for (final String name : names) {
            final int dot = name.indexOf('.');
            final Schema.Field field = schema.getField(dot < 0 ? name : name.substring(0, dot));
            if (field == null) {
                continue;
            }
            top = top.setBit(field.pos());
            if (dot > 0) {
                final Schema inner =
                        field.schema().getType() == Schema.Type.UNION
                                ? field.schema().getTypes().get(1)
                                : field.schema();
                final Schema.Field child =
                        inner.getType() == Schema.Type.RECORD
                                ? inner.getField(name.substring(dot + 1))
                                : null;
                if (child != null) {
                    nested.merge(field.pos(), BigInteger.ZERO.setBit(child.pos()), BigInteger::or);
                }
            }
        }
        final List<String> out = new ArrayList<>();
        out.add("0x" + hex(top));
        nested.forEach((pos, bits) -> out.add(pos + "-0x" + hex(bits)));
        return out;
    }

    private static String hex(final BigInteger bits) {
        final String h = bits.toString(16).toUpperCase(java.util.Locale.ROOT);
        return h.length() % 2 == 0 ? h : "0" + h;
    }

    private static List<String> strings(final Object value) {
        return value instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }
}
