package io.sfpulse.streams;

import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.deploy.MarkerSource;
import io.sfpulse.schemas.event.EventSource;
import io.sfpulse.schemas.event.SalesforceEvent;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Builders for test events, so tests never assemble Avro objects field by field. */
final class Fixtures {

    static final String ORG = "00D000000000001EAA";
    static final String LOG_CHANNEL = "/event/LogEntryEvent__e";

    private Fixtures() {}

    static SalesforceEvent logEntry(
            final Instant at,
            final String level,
            final String exceptionType,
            final String message,
            final String trace) {
        final String payload =
                String.format(
                        "{\"LoggingLevel__c\":\"%s\",\"ExceptionType__c\":\"%s\",\"ExceptionMessage__c\":\"%s\",\"ExceptionStackTrace__c\":\"%s\","
                                + "\"CreatedDate\":\"%s\"}",
                        level, exceptionType, message, trace, at);
        return SalesforceEvent.newBuilder()
                .setOrgId(ORG)
                .setChannel(LOG_CHANNEL)
                .setSource(EventSource.COMETD)
                .setReplayId(1L)
                .setEventUuid(UUID.randomUUID().toString())
                .setEventTime(at)
                .setReceivedTime(at)
                .setPayload(payload)
                .build();
    }

    /** A Nebula Logger INFO entry logged from {@code originType} {@code location} (what a flow's or a class's logging leaves). */
    static SalesforceEvent loggedFrom(
            final Instant at, final String originType, final String location) {
        final String payload =
                String.format(
                        "{\"LoggingLevel__c\":\"INFO\",\"Message__c\":\"done\",\"OriginType__c\":\"%s\","
                                + "\"OriginLocation__c\":\"%s\",\"CreatedDate\":\"%s\"}",
                        originType, location, at);
        return SalesforceEvent.newBuilder()
                .setOrgId(ORG)
                .setChannel(LOG_CHANNEL)
                .setSource(EventSource.COMETD)
                .setReplayId(1L)
                .setEventUuid(UUID.randomUUID().toString())
                .setEventTime(at)
                .setReceivedTime(at)
                .setPayload(payload)
                .build();
    }

    static final String API_CHANNEL = "/event/ApiEventStream";

    /** A Real-Time Event Monitoring ApiEventStream event of a SOQL query on Account taking {@code millis}. */
    static SalesforceEvent apiQuery(final Instant at, final double millis) {
        final String payload =
                String.format(
                        java.util.Locale.ROOT,
                        "{\"Operation\":\"Query\",\"QueriedEntities\":\"Account\",\"ElapsedTime\":%.0f,\"EventDate\":\"%s\"}",
                        millis,
                        at);
        return SalesforceEvent.newBuilder()
                .setOrgId(ORG)
                .setChannel(API_CHANNEL)
                .setSource(EventSource.COMETD)
                .setReplayId(1L)
                .setEventUuid(UUID.randomUUID().toString())
                .setEventTime(at)
                .setReceivedTime(at)
                .setPayload(payload)
                .build();
    }

    static final String CDC_CHANNEL = "/data/ChangeEvents";

    /** A CometD change event on Account by {@code user}; {@code nulled} fields are sent as null. */
    static SalesforceEvent accountChange(
            final Instant at, final String type, final String user, final String... nulled) {
        final StringBuilder body = new StringBuilder();
        for (final String f : nulled) {
            body.append(",\"").append(f).append("\":null");
        }
        final String payload =
                String.format(
                        "{\"ChangeEventHeader\":{\"entityName\":\"Account\",\"recordIds\":[\"001000000000001AAA\"],"
                                + "\"changeType\":\"%s\",\"commitUser\":\"%s\",\"commitTimestamp\":%d,\"transactionKey\":\"%s\",\"sequenceNumber\":1}%s}",
                        type, user, at.toEpochMilli(), UUID.randomUUID(), body);
        return SalesforceEvent.newBuilder()
                .setOrgId(ORG)
                .setChannel(CDC_CHANNEL)
                .setSource(EventSource.COMETD)
                .setReplayId(1L)
                .setEventUuid(UUID.randomUUID().toString())
                .setEventTime(at)
                .setReceivedTime(at)
                .setPayload(payload)
                .build();
    }

    /**
     * A CometD change event as Salesforce (and the emulator) sends it: the full header (one change per
     * transaction, commit time {@code at}) and {@code body}, the body fields as JSON members each
     * preceded by a comma (empty for none).
     */
    static SalesforceEvent changeEvent(
            final Instant at,
            final String entity,
            final String type,
            final List<String> recordIds,
            final String body) {
        final String ids =
                recordIds.stream()
                        .map(id -> "\"" + id + "\"")
                        .collect(java.util.stream.Collectors.joining(","));
        final String payload =
                String.format(
                        "{\"ChangeEventHeader\":{\"entityName\":\"%s\",\"recordIds\":[%s],\"changeType\":\"%s\","
                                + "\"changeOrigin\":\"\",\"transactionKey\":\"%s\",\"sequenceNumber\":1,\"isTransactionEnd\":true,\"commitTimestamp\":%d,"
                                + "\"commitNumber\":92847272780,\"commitUser\":\"005000000000001AAA\",\"changedFields\":[]}%s}",
                        entity, ids, type, UUID.randomUUID(), at.toEpochMilli(), body);
        return SalesforceEvent.newBuilder()
                .setOrgId(ORG)
                .setChannel(CDC_CHANNEL)
                .setSource(EventSource.COMETD)
                .setReplayId(1L)
                .setEventUuid(UUID.randomUUID().toString())
                .setEventTime(at)
                .setReceivedTime(at)
                .setPayload(payload)
                .build();
    }

    static SalesforceEvent error(final Instant at) {
        return logEntry(
                at,
                "ERROR",
                "System.NullPointerException",
                "Attempt to de-reference a null object on 001000000000123AAA",
                "Class.InvoiceService.calculate: line 42, column 1");
    }

    static SalesforceEvent info(final Instant at) {
        return logEntry(at, "INFO", "", "heartbeat", "");
    }

    static DeploymentMarker deploy(
            final String id, final Instant completed, final String... components) {
        return DeploymentMarker.newBuilder()
                .setOrgId(ORG)
                .setDeployId(id)
                .setSource(MarkerSource.DEPLOY_REQUEST)
                .setStatus("Succeeded")
                .setCompletedTime(completed)
                .setCreatedBy("Release Bot")
                .setComponents(List.of(components))
                .setComponentCount(components.length)
                .setCheckOnly(false)
                .build();
    }
}
