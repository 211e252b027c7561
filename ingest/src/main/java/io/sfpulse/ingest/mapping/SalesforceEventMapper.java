package io.sfpulse.ingest.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.schemas.event.ChangeHeader;
import io.sfpulse.schemas.event.EventSource;
import io.sfpulse.schemas.event.SalesforceEvent;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Turns a Bayeux {@code data} object (platform event, change event, monitoring event) into a
 * {@link SalesforceEvent}: replay id and EventUuid from {@code data.event}, event time from
 * ChangeEventHeader.commitTimestamp / EventDate / Timestamp__c / CreatedDate, payload kept verbatim as JSON.
 * A synthetic dedupe id is used where Salesforce sends no EventUuid (CDC over CometD).
 */
public final class SalesforceEventMapper {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Largest payload (JSON characters) mapped to a record; Salesforce caps events at 1 MB, Kafka records default to 1 MiB. */
    public static final int MAX_PAYLOAD_CHARS = 900_000;

    /** A CometD event. */
    public SalesforceEvent map(
            final String orgId,
            final String channel,
            final Map<String, Object> data,
            final Instant receivedAt) {
        return map(orgId, channel, EventSource.COMETD, data, receivedAt);
    }

    /**
     * An event in the Bayeux {@code data} shape, from either transport (Pub/Sub events are decoded into
     * it; their replay id is absent when it is not an 8-byte value, and {@code error} says why a
     * payload could not be decoded).
     */
    public SalesforceEvent map(
            final String orgId,
            final String channel,
            final EventSource source,
            final Map<String, Object> data,
            final Instant receivedAt) {
        if (data == null) {
            throw new MappingException("Event on '" + channel + "' has no data");
        }
        if (data.get("error") != null) {
            throw new MappingException("Event on '" + channel + "': " + data.get("error"));
        }
        final Map<?, ?> event = asMap(data.get("event"), channel, "event");
        final Map<?, ?> payload = asMap(data.get("payload"), channel, "payload");
        final Number replayId = event.get("replayId") instanceof Number n ? n : null;
        if (replayId == null && (source != EventSource.PUBSUB || event.get("EventUuid") == null)) {
            throw new MappingException(
                    "Event on '" + channel + "' has no numeric data.event.replayId");
        }
        final Object uuid = event.get("EventUuid");
        final long replay = replayId == null ? -1 : replayId.longValue();
        final Instant eventTime = eventTime(payload, channel, replay, receivedAt);
        final String payloadJson;
        try {
            payloadJson = JSON.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new MappingException(
                    "Payload on '" + channel + "' replayId " + replay + " is not serializable", e);
        }
        if (payloadJson.length() > MAX_PAYLOAD_CHARS) {
            // Kafka's default record limit is 1 MiB: a larger record would fail the producer and
            // stop the task.
            throw new MappingException(
                    "Payload on '"
                            + channel
                            + "' replayId "
                            + replay
                            + " has "
                            + payloadJson.length()
                            + " characters, above the "
                            + MAX_PAYLOAD_CHARS
                            + " a record may carry; dead-lettered (truncated)");
        }
        return SalesforceEvent.newBuilder()
                .setOrgId(orgId)
                .setChannel(channel)
                .setSource(source)
                .setReplayId(replayId == null ? null : replayId.longValue())
                .setEventUuid(
                        uuid != null ? uuid.toString() : syntheticId(channel, payload, replay))
                .setSchemaId(data.get("schema") == null ? null : data.get("schema").toString())
                .setEventTime(eventTime)
                .setReceivedTime(receivedAt)
                .setPayload(payloadJson)
                .setChange(changeHeader(payload))
                .build();
    }

    /** The typed ChangeEventHeader of a CDC event, or null. Nulled fields are the body fields sent as null. */
    private static ChangeHeader changeHeader(final Map<?, ?> payload) {
        if (!(payload.get("ChangeEventHeader") instanceof Map<?, ?> h)) {
            return null;
        }
        final java.util.List<String> nulled =
                payload.entrySet().stream()
                        .filter(
                                e ->
                                        e.getValue() == null
                                                && !"ChangeEventHeader".equals(e.getKey()))
                        .map(e -> String.valueOf(e.getKey()))
                        .sorted()
                        .toList();
        return ChangeHeader.newBuilder()
                .setEntityName(String.valueOf(h.get("entityName")))
                .setChangeType(String.valueOf(h.get("changeType")))
                .setRecordIds(strings(h.get("recordIds")))
                .setChangedFields(strings(h.get("changedFields")))
                .setNulledFields(nulled)
                .setCommitTimestamp(
                        Instant.ofEpochMilli(
                                h.get("commitTimestamp") instanceof Number n ? n.longValue() : 0L))
                .setCommitUser(
                        h.get("commitUser") == null ? null : String.valueOf(h.get("commitUser")))
                .setTransactionKey(
                        h.get("transactionKey") == null
                                ? null
                                : String.valueOf(h.get("transactionKey")))
                .setSequenceNumber(h.get("sequenceNumber") instanceof Number n ? n.intValue() : 0)
                .setChangeOrigin(
                        h.get("changeOrigin") == null
                                ? null
                                : String.valueOf(h.get("changeOrigin")))
                .setCommitNumber(h.get("commitNumber") instanceof Number n ? n.longValue() : null)
                .setIsTransactionEnd(h.get("isTransactionEnd") instanceof Boolean b ? b : null)
                .build();
    }

    private static java.util.List<String> strings(final Object value) {
        return value instanceof java.util.List<?> l
                ? l.stream().map(String::valueOf).toList()
                : java.util.List.of();
    }

    private static Instant eventTime(
            final Map<?, ?> payload,
            final String channel,
            final long replayId,
            final Instant fallback) {
        if (payload.get("ChangeEventHeader") instanceof Map<?, ?> header
                && header.get("commitTimestamp") instanceof Number ts) {
            return Instant.ofEpochMilli(ts.longValue());
        }
        // Most specific first: monitoring events' EventDate, Nebula's log Timestamp__c, then the
        // event record's CreatedDate.
        for (final String field :
                new String[] {"EventDate", "Timestamp__c", "Nebula__Timestamp__c", "CreatedDate"}) {
            final Object value = payload.get(field);
            if (value instanceof String s && !s.isBlank()) {
                try {
                    return Instant.parse(
                            s.length() > 5 && s.matches(".*[+-]\\d{4}$")
                                    ? s.substring(0, s.length() - 5) + "Z"
                                    : s);
                } catch (DateTimeParseException e) {
                    throw new MappingException(
                            "Event on '"
                                    + channel
                                    + "' replayId "
                                    + replayId
                                    + " has unparseable "
                                    + field
                                    + " '"
                                    + s
                                    + "'",
                            e);
                }
            }
        }
        return fallback;
    }

    private static String syntheticId(
            final String channel, final Map<?, ?> payload, final long replayId) {
        if (payload.get("ChangeEventHeader") instanceof Map<?, ?> header
                && header.get("transactionKey") != null) {
            return "cdc:"
                    + header.get("transactionKey")
                    + ":"
                    + header.get("sequenceNumber")
                    + ":"
                    + header.get("recordIds");
        }
        return "replay:" + channel + ":" + replayId;
    }

    private static Map<?, ?> asMap(final Object value, final String channel, final String field) {
        if (value instanceof Map<?, ?> map) {
            return map;
        }
        throw new MappingException("Event on '" + channel + "' has no object data." + field);
    }
}
