package io.sfpulse.streams.dedupe;

import io.sfpulse.schemas.event.SalesforceEvent;
import java.time.Duration;
import java.util.Set;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops redeliveries of a Salesforce event before any signal is derived from it. At-least-once
 * ingest redelivers events after reconnects and restarts (replay from the last committed replay
 * id); each event is identified by its EventUuid, else by channel + replay id, and remembered at its
 * event time in a changelogged window store whose retention bounds the memory (the dedupe window, in
 * stream time). A redelivery carries the same event time, so the lookup is exact. The store keeps
 * which input record (topic, partition, offset) first carried the event: the same record processed
 * again after a crash (at-least-once) is forwarded again - duplicated downstream at worst, never
 * lost - while a second record carrying the event is dropped. Dropped duplicates are counted
 * ({@code dedupe-events}/{@code duplicates-dropped} in the stream metrics).
 */
public final class EventDeduplicator extends ContextualProcessor<String, SalesforceEvent, String, SalesforceEvent> {

    public static final String NAME = "dedupe-events";
    public static final String STORE = "dedupe-event-ids-store";
    private static final Logger LOG = LoggerFactory.getLogger(EventDeduplicator.class);

    private WindowStore<String, String> seen;
    private Sensor duplicates;

    /** The processor with its window store of event ids, retained for {@code window} of stream time. */
    public static ProcessorSupplier<String, SalesforceEvent, String, SalesforceEvent> supplier(final Duration window) {
        return new ProcessorSupplier<>() {
            @Override
            public EventDeduplicator get() {
                return new EventDeduplicator();
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                // Point records (window = 1 ms at the event's time), looked up by exact time; cached, so the common case (a new
                // event) costs a cache miss and a RocksDB point read, and writes reach RocksDB and the changelog on commit.
                return Set.of(Stores.windowStoreBuilder(Stores.persistentWindowStore(STORE, window, Duration.ofMillis(1), false),
                    Serdes.String(), Serdes.String()).withCachingEnabled());
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

    @Override
    public void init(final ProcessorContext<String, SalesforceEvent> context) {
        super.init(context);
        seen = context.getStateStore(STORE);
        duplicates = context.metrics().addRateTotalSensor("dedupe", NAME, "duplicates-dropped", Sensor.RecordingLevel.INFO);
    }

    @Override
    public void process(final Record<String, SalesforceEvent> record) {
        final SalesforceEvent e = record.value();
        final String id = e == null || record.key() == null ? null : eventId(record.key(), e);
        if (id == null) {
            context().forward(record);
            return;
        }
        final long t = record.timestamp();
        final String input = context().recordMetadata().map(m -> m.topic() + "/" + m.partition() + "@" + m.offset()).orElse("");
        final String first = seen.fetch(id, t);
        if (first != null) {
            if (!first.equals(input) || input.isEmpty()) {
                duplicates.record();
                LOG.atDebug().addKeyValue("org", record.key()).addKeyValue("channel", e.getChannel())
                    .log("Duplicate delivery of event {} dropped (first carried by {})", id, first);
                return;
            }
            context().forward(record); // the same input record again (reprocessed after a crash)
            return;
        }
        seen.put(id, input, t);
        context().forward(record);
    }
}
