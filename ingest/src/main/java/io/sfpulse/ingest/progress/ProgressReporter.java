package io.sfpulse.ingest.progress;

import io.sfpulse.ingest.record.SourceOffsets;
import io.sfpulse.schemas.progress.ProgressTransport;
import io.sfpulse.schemas.progress.SourceProgress;
import io.sfpulse.schemas.topic.TopicNames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Builds the progress records of one org's sources: "source S has delivered everything up to the
 * org's time T". A record is only built when T moved forward and the source has not reported for
 * {@code minInterval} of wall time (a busy channel returns from /meta/connect many times a
 * second); each source has its own Connect partition, so committing a progress record never
 * touches a replay id or a poll cursor. Thread-safe (CometD and poller threads report).
 */
public final class ProgressReporter {

    /** Connect source-partition key naming the source a progress offset belongs to. */
    public static final String PROGRESS_KEY = "progress";

    public static final String DELIVERED_THROUGH_KEY = "deliveredThrough";

    private record Last(long deliveredThroughMs, long wallMs) {}

    private final String orgId;
    private final Duration minInterval;
    private final Clock wall;
    private final Map<String, Last> last = new ConcurrentHashMap<>();

    public ProgressReporter(final String orgId, final Duration minInterval, final Clock wall) {
        this.orgId = orgId;
        this.minInterval = minInterval;
        this.wall = wall;
    }

    /** The progress record to write for {@code source}, or null when it is not due (time did not move, or reported too recently). */
    public SourceRecord record(
            final String source,
            final ProgressTransport transport,
            final Instant deliveredThrough) {
        final long now = wall.millis();
        final long through = deliveredThrough.toEpochMilli();
        final boolean[] due = {false};
        last.compute(
                source,
                (s, previous) -> {
                    if (previous == null
                            || through > previous.deliveredThroughMs()
                                    && now - previous.wallMs() >= minInterval.toMillis()) {
                        due[0] = true;
                        return new Last(through, now);
                    }
                    return previous;
                });
        if (!due[0]) {
            return null;
        }
        final SourceProgress value =
                SourceProgress.newBuilder()
                        .setOrgId(orgId)
                        .setSource(source)
                        .setTransport(transport)
                        .setDeliveredThrough(deliveredThrough)
                        .setEmittedTime(Instant.ofEpochMilli(now))
                        .build();
        return new SourceRecord(
                SourceOffsets.partition("org", orgId, PROGRESS_KEY, source),
                Map.of(DELIVERED_THROUGH_KEY, through),
                TopicNames.SOURCE_PROGRESS,
                null,
                Schema.STRING_SCHEMA,
                orgId,
                null,
                value,
                through);
    }
}
