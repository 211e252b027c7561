package io.sfpulse.streams.dedupe;

import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.streams.state.BinaryKeys;
import io.sfpulse.streams.state.StateStores;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops redeliveries of a Salesforce event before any signal is derived from it. At-least-once
 * ingest redelivers events after reconnects and restarts (replay from the last committed replay
 * id); each event is identified by its EventUuid, else by channel + replay id, and remembered in a
 * changelogged, cached key-value store under {@code event time | id}: a redelivery carries the
 * same event time, so the lookup is one point read. Ids older than the dedupe window (in stream
 * time) are deleted by a punctuation, scanning only the span that expired since the last one. The
 * store keeps which input record (topic, partition, offset) first carried the event: the same
 * record processed again after a crash (at-least-once) is forwarded again - duplicated downstream
 * at worst, never lost - while a second record carrying the event is dropped. Dropped duplicates
 * are counted ({@code dedupe-events}/{@code duplicates-dropped} in the stream metrics).
 */
public final class EventDeduplicator
        extends ContextualProcessor<String, SalesforceEvent, String, SalesforceEvent> {

    public static final String NAME = "dedupe-events";
    public static final String STORE = "dedupe-event-ids-store";
    private static final Logger LOG = LoggerFactory.getLogger(EventDeduplicator.class);

    private final long windowMs;
    private KeyValueStore<Bytes, String> seen;
    private Sensor duplicates;

    /** Every id at or before this event time has been purged; {@code Long.MIN_VALUE}: not known (scan from the start once). */
    private long purgedThrough = Long.MIN_VALUE;

    private EventDeduplicator(final Duration window) {
        this.windowMs = window.toMillis();
    }

    /** The processor with its store of event ids, kept for {@code window} of stream time. */
    public static ProcessorSupplier<String, SalesforceEvent, String, SalesforceEvent> supplier(
            final Duration window, final StateStores state) {
        return new ProcessorSupplier<>() {
            @Override
            public EventDeduplicator get() {
                return new EventDeduplicator(window);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        state.keyValue(STORE, Serdes.Bytes(), Serdes.String())
                                .withCachingEnabled());
            }
        };
    }

    /** The identity of one Salesforce event across redeliveries, or null when it has none. */
    public static String eventId(final String org, final SalesforceEvent e) {
        if (e.getEventUuid() != null && !e.getEventUuid().isBlank()) {
            return org + "|" + e.getEventUuid();
        }
        if (e.getReplayId() != null) {
            return org + "|" + e.getChannel() + "|" + e.getReplayId();
        }
        return null;
    }

    /** {@code event time (8 bytes, big-endian: keys sort by time) | id}. */
    static Bytes key(final long eventTime, final String id) {
        final byte[] b = id.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(8 + b.length).putLong(eventTime).put(b).array());
    }

    private static Bytes timeKey(final long eventTime) {
        return Bytes.wrap(ByteBuffer.allocate(8).putLong(eventTime).array());
    }

    @Override
    public void init(final ProcessorContext<String, SalesforceEvent> context) {
        super.init(context);
        seen = context.getStateStore(STORE);
        duplicates =
                context.metrics()
                        .addRateTotalSensor(
                                "dedupe", NAME, "duplicates-dropped", Sensor.RecordingLevel.INFO);
        context.schedule(Duration.ofMinutes(1), PunctuationType.STREAM_TIME, this::purge);
    }

    @Override
    public void process(final Record<String, SalesforceEvent> record) {
        final SalesforceEvent e = record.value();
        final String id = e == null || record.key() == null ? null : eventId(record.key(), e);
        if (id == null) {
            context().forward(record);
            return;
        }
        final Bytes key = key(record.timestamp(), id);
        final String input =
                context()
                        .recordMetadata()
                        .map(m -> m.topic() + "/" + m.partition() + "@" + m.offset())
                        .orElse("");
        final String first = seen.get(key);
        if (first != null) {
            if (!first.equals(input) || input.isEmpty()) {
                duplicates.record();
                LOG.atDebug()
                        .addKeyValue("org", record.key())
                        .addKeyValue("channel", e.getChannel())
                        .log(
                                "Duplicate delivery of event {} dropped (first carried by {})",
                                id,
                                first);
                return;
            }
            context().forward(record); // the same input record again (reprocessed after a crash)
            return;
        }
        seen.put(key, input);
        context().forward(record);
    }

    /** Deletes the ids whose event time left the window, scanning from the last purge on (RocksDB keeps tombstones until compaction). */
    private void purge(final long streamTime) {
        final long horizon = streamTime - windowMs;
        if (horizon <= purgedThrough) {
            return;
        }
        // Upper bound: the bare 8-byte time of the horizon sorts before every key of an id at the
        // horizon, after all earlier ones.
        BinaryKeys.deleteRange(
                seen,
                purgedThrough == Long.MIN_VALUE ? null : timeKey(purgedThrough + 1),
                timeKey(horizon));
        purgedThrough = horizon - 1;
    }
}
