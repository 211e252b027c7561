package io.sfpulse.ingest.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.schemas.event.EventSource;
import io.sfpulse.schemas.event.SalesforceEvent;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Turns a Bayeux {@code data} object (platform event, change event, monitoring event) into a
 * {@link SalesforceEvent}: replay id and EventUuid from {@code data.event}, event time from
 * CreatedDate / EventDate / ChangeEventHeader.commitTimestamp, payload kept verbatim as JSON.
 * A synthetic dedupe id is used where Salesforce sends no EventUuid (CDC over CometD).
 */
public final class SalesforceEventMapper {

    private static final ObjectMapper JSON = new ObjectMapper();

    public SalesforceEvent map(final String orgId, final String channel, final Map<String, Object> data, final Instant receivedAt) {
        if (data == null) {
            throw new MappingException("Event on '" + channel + "' has no data");
        }
        final Map<?, ?> event = asMap(data.get("event"), channel, "event");
        final Map<?, ?> payload = asMap(data.get("payload"), channel, "payload");
        if (!(event.get("replayId") instanceof Number replayId)) {
            throw new MappingException("Event on '" + channel + "' has no numeric data.event.replayId");
        }
        final Object uuid = event.get("EventUuid");
        final Instant eventTime = eventTime(payload, channel, replayId.longValue(), receivedAt);
        final String payloadJson;
        try {
            payloadJson = JSON.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new MappingException("Payload on '" + channel + "' replayId " + replayId + " is not serializable", e);
        }
        return SalesforceEvent.newBuilder()
            .setOrgId(orgId)
            .setChannel(channel)
            .setSource(EventSource.COMETD)
            .setReplayId(replayId.longValue())
            .setEventUuid(uuid != null ? uuid.toString() : syntheticId(channel, payload, replayId.longValue()))
            .setSchemaId(data.get("schema") == null ? null : data.get("schema").toString())
            .setEventTime(eventTime)
            .setReceivedTime(receivedAt)
            .setPayload(payloadJson)
            .build();
    }

    private static Instant eventTime(final Map<?, ?> payload, final String channel, final long replayId, final Instant fallback) {
        if (payload.get("ChangeEventHeader") instanceof Map<?, ?> header && header.get("commitTimestamp") instanceof Number ts) {
            return Instant.ofEpochMilli(ts.longValue());
        }
        for (final String field : new String[] {"CreatedDate", "EventDate", "Timestamp__c"}) {
            final Object value = payload.get(field);
            if (value instanceof String s && !s.isBlank()) {
                try {
                    return Instant.parse(s.length() > 5 && s.matches(".*[+-]\\d{4}$") ? s.substring(0, s.length() - 5) + "Z" : s);
                } catch (DateTimeParseException e) {
                    throw new MappingException("Event on '" + channel + "' replayId " + replayId + " has unparseable " + field + " '" + s + "'", e);
                }
            }
        }
        return fallback;
    }

    private static String syntheticId(final String channel, final Map<?, ?> payload, final long replayId) {
        if (payload.get("ChangeEventHeader") instanceof Map<?, ?> header && header.get("transactionKey") != null) {
            return "cdc:" + header.get("transactionKey") + ":" + header.get("sequenceNumber") + ":" + header.get("recordIds");
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
