package io.sfpulse.ingest.record;

import io.sfpulse.ingest.SalesforceSourceConfig.Transport;
import io.sfpulse.ingest.stream.ReplayId;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.event.DeadLetter;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.topic.TopicNames;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The one place the task's {@link SourceRecord}s are built: streamed events, dead letters, deployment
 * markers and EventLogFile rows, each keyed by the org, timestamped with the event's time, and
 * carrying the partition and offset Connect commits once Kafka acknowledged it.
 */
public final class SourceRecords {

    /** Longest raw text kept in a dead letter. */
    static final int MAX_RAW = 256 * 1024;

    private final String orgId;
    private final Transport transport;

    public SourceRecords(final String orgId, final Transport transport) {
        this.orgId = orgId;
        this.transport = transport;
    }

    public SourceRecord event(
            final String channel, final ReplayId replayId, final SalesforceEvent event) {
        return new SourceRecord(
                SourceOffsets.channelPartition(orgId, channel),
                SourceOffsets.replayOffset(transport, replayId),
                TopicNames.forChannel(channel),
                null,
                Schema.STRING_SCHEMA,
                orgId,
                null,
                event,
                event.getEventTime().toEpochMilli());
    }

    /** A streamed event that could not be mapped: to the dead-letter topic, advancing the channel's position like any event. */
    public SourceRecord deadLetter(
            final String channel,
            final ReplayId replayId,
            final String error,
            final String raw,
            final Instant now) {
        final DeadLetter letter =
                DeadLetter.newBuilder()
                        .setStage("ingest")
                        .setOrgId(orgId)
                        .setChannel(channel)
                        .setError(error)
                        .setRaw(raw.length() > MAX_RAW ? raw.substring(0, MAX_RAW) : raw)
                        .setTime(now)
                        .build();
        return new SourceRecord(
                SourceOffsets.channelPartition(orgId, channel),
                SourceOffsets.replayOffset(transport, replayId),
                TopicNames.INGEST_DLQ,
                null,
                Schema.STRING_SCHEMA,
                orgId,
                null,
                letter,
                now.toEpochMilli());
    }

    public SourceRecord marker(
            final String source, final Map<String, ?> cursorAfter, final DeploymentMarker marker) {
        return new SourceRecord(
                SourceOffsets.pollerPartition(orgId, source),
                cursorAfter,
                TopicNames.DEPLOYMENT_MARKERS,
                null,
                Schema.STRING_SCHEMA,
                orgId,
                null,
                marker,
                marker.getCompletedTime().toEpochMilli());
    }

    /** A snapshot a REST poller read (org limits): to its channel's topic, its poll time as offset. */
    public SourceRecord polledSnapshot(final String source, final SalesforceEvent snapshot) {
        return eventLogRow(
                source, Map.of("polledAt", snapshot.getEventTime().toEpochMilli()), snapshot);
    }

    public SourceRecord eventLogRow(
            final String source, final Map<String, ?> offset, final SalesforceEvent row) {
        return new SourceRecord(
                SourceOffsets.pollerPartition(orgId, source),
                offset,
                TopicNames.forChannel(row.getChannel()),
                null,
                Schema.STRING_SCHEMA,
                orgId,
                null,
                row,
                row.getEventTime().toEpochMilli());
    }
}
