package io.sfpulse.emulator.org;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;

/**
 * The Avro schema of every event type of the org, as Pub/Sub's {@code GetSchema} serves them and
 * as {@code data.schema} names them on CometD: one schema per event type (a platform event, a
 * monitoring event, one per change-event entity), grown field by field as events with new fields
 * are published, each version with its own id (base64url MD5 of the schema, like Salesforce's
 * fingerprints). Fields are nullable, typed from the first value seen; ISO-8601 instants become
 * {@code long} epoch milliseconds with the {@code "<Name>:DateTime"} doc Salesforce writes. A change
 * event's schema starts with the typed {@code ChangeEventHeader}. New fields are appended, so field
 * positions (the CDC bitmaps' bit numbers) never move. Thread-safe.
 */
public final class EventSchemas {

    /** One version of one event type's schema. */
    public record Version(String id, Schema schema) {}

    private static final String NAMESPACE = "com.sforce.eventbus";
    private static final Schema HEADER = changeEventHeader();

    private final Map<String, List<Schema.Field>> fieldsByType = new HashMap<>();
    private final Map<String, Version> currentByType = new HashMap<>();
    private final Map<String, Version> byId = new HashMap<>();

    /**
     * The schema id to publish {@code payload} of {@code eventType} with: the current version when it
     * has every field of the payload, else a new version with the missing fields appended.
     */
    public synchronized String register(final String eventType, final Map<String, Object> payload) {
        final boolean change = payload.get("ChangeEventHeader") instanceof Map<?, ?>;
        final List<Schema.Field> fields =
                fieldsByType.computeIfAbsent(eventType, t -> new ArrayList<>());
        final Version current = currentByType.get(eventType);
        boolean grown = current == null;
        if (change && fields.isEmpty()) {
            fields.add(new Schema.Field("ChangeEventHeader", HEADER, null, (Object) null));
        }
        for (final Map.Entry<String, Object> e : payload.entrySet()) {
            if (fields.stream().noneMatch(f -> f.name().equals(e.getKey()))) {
                fields.add(field(eventType, e.getKey(), e.getValue()));
                grown = true;
            }
        }
        if (!grown) {
            return current.id();
        }
        final List<Schema.Field> copies =
                fields.stream().map(f -> new Schema.Field(f, f.schema())).toList();
        final Schema schema =
                Schema.createRecord(recordName(eventType), null, NAMESPACE, false, copies);
        final Version version = new Version(fingerprint(schema), schema);
        currentByType.put(eventType, version);
        byId.put(version.id(), version);
        return version.id();
    }

    public synchronized Optional<Version> byId(final String schemaId) {
        return Optional.ofNullable(byId.get(schemaId));
    }

    public synchronized Optional<Version> current(final String eventType) {
        return Optional.ofNullable(currentByType.get(eventType));
    }

    /** Whether a string value is an instant Salesforce would type as a DateTime. */
    public static boolean isDateTime(final Object value) {
        if (!(value instanceof String s)
                || s.length() < 20
                || s.charAt(4) != '-'
                || s.charAt(10) != 'T') {
            return false;
        }
        try {
            parseInstant(s);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /** Parses Salesforce's {@code 2026-11-30T10:00:00.000+0000} as well as ISO-8601 {@code ...Z}. */
    public static Instant parseInstant(final String s) {
        return Instant.parse(s.matches(".*[+-]\\d{4}$") ? s.substring(0, s.length() - 5) + "Z" : s);
    }

    private static Schema.Field field(
            final String eventType, final String name, final Object value) {
        if ("CreatedDate".equals(name) && !isChange(eventType)) {
            return new Schema.Field(
                    name, Schema.create(Schema.Type.LONG), "CreatedDate:DateTime", (Object) null);
        }
        if ("CreatedById".equals(name) && !isChange(eventType)) {
            return new Schema.Field(
                    name, Schema.create(Schema.Type.STRING), "CreatedBy:EntityId", (Object) null);
        }
        final Schema type;
        String doc = null;
        if (isDateTime(value)) {
            type = Schema.create(Schema.Type.LONG);
            doc = name + ":DateTime";
        } else if (value instanceof Boolean) {
            type = Schema.create(Schema.Type.BOOLEAN);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            type = Schema.create(Schema.Type.LONG);
        } else if (value instanceof Number) {
            type = Schema.create(Schema.Type.DOUBLE);
        } else if (value instanceof List<?>) {
            type = Schema.createArray(Schema.create(Schema.Type.STRING));
        } else if (value instanceof Map<?, ?> nested) {
            final List<Schema.Field> inner = new ArrayList<>();
            nested.forEach((k, v) -> inner.add(field(eventType, String.valueOf(k), v)));
            type = Schema.createRecord(name + "Value", null, NAMESPACE, false, inner);
        } else {
            type = Schema.create(Schema.Type.STRING);
        }
        return new Schema.Field(
                name,
                Schema.createUnion(Schema.create(Schema.Type.NULL), type),
                doc,
                Schema.Field.NULL_DEFAULT_VALUE);
    }

    private static boolean isChange(final String eventType) {
        return eventType.endsWith("ChangeEvent");
    }

    private static String recordName(final String eventType) {
        return eventType.replaceAll("[^A-Za-z0-9_]", "_");
    }

    /** The header of a change event, in the field order of Salesforce's message structure. */
    private static Schema changeEventHeader() {
        final Schema strings = SchemaBuilder.array().items().stringType();
        return SchemaBuilder.record("ChangeEventHeader")
                .namespace(NAMESPACE)
                .fields()
                .requiredString("entityName")
                .name("recordIds")
                .type(strings)
                .noDefault()
                .name("changeType")
                .type()
                .enumeration("ChangeType")
                .symbols(
                        "CREATE",
                        "UPDATE",
                        "DELETE",
                        "UNDELETE",
                        "GAP_CREATE",
                        "GAP_UPDATE",
                        "GAP_DELETE",
                        "GAP_UNDELETE",
                        "GAP_OVERFLOW")
                .noDefault()
                .requiredString("changeOrigin")
                .requiredString("transactionKey")
                .requiredInt("sequenceNumber")
                .requiredLong("commitTimestamp")
                .requiredLong("commitNumber")
                .requiredString("commitUser")
                .name("nulledFields")
                .type(strings)
                .noDefault()
                .name("diffFields")
                .type(strings)
                .noDefault()
                .name("changedFields")
                .type(strings)
                .noDefault()
                .endRecord();
    }

    private static String fingerprint(final Schema schema) {
        try {
            final byte[] md5 =
                    MessageDigest.getInstance("MD5")
                            .digest(schema.toString().getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(md5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Field name to position, top level, for the CDC bitmaps. */
    public static Map<String, Integer> positions(final Schema schema) {
        final Map<String, Integer> out = new LinkedHashMap<>();
        schema.getFields().forEach(f -> out.put(f.name(), f.pos()));
        return out;
    }
}
