package io.sfpulse.streams.attribution;

import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.streams.normalize.ProgressSignals;
import io.sfpulse.streams.state.StateStores;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attributes each signal to the release live in its org at the signal's event time, after a grace
 * period: signals wait in a changelogged buffer until stream time has passed their timestamp by the
 * grace, so a deployment marker that arrives a little late still claims the signals it covers;
 * then the versioned markers store is read as of the signal's timestamp.
 *
 * <p>This replaces the DSL's stream-table join with grace period, whose buffer (Kafka Streams 4.3)
 * loses the records it holds when it is restored from its changelog. Here the buffer is a plain
 * key-value store ordered by timestamp, so a restore is an ordinary changelog replay. Buffer keys
 * are derived from the input record's topic, partition and offset, so records reprocessed after a
 * crash overwrite their own entry instead of being buffered twice.
 *
 * <p>Progress signals ({@link ProgressSignals}: a source of the org delivered everything up to t)
 * move stream time like any record, so the buffer also empties when the org is quiet; each is
 * recorded per org and source in the progress store (for the page) and is buffered and released
 * like a signal, so that downstream it arrives after every signal of its time: a detector that
 * judges silence ({@link io.sfpulse.streams.detector.Detector#readsProgress()}) may then trust it.
 * The topology keeps progress signals out of the enriched topic and away from other detectors.
 */
public final class ReleaseAttributionProcessor
        extends ContextualProcessor<String, Signal, String, Signal> {

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseAttributionProcessor.class);

    private final String markersStoreName;
    private final String bufferStoreName;
    private final String progressStoreName;
    private final long graceMs;
    private VersionedKeyValueStore<String, DeploymentMarker> markers;
    private KeyValueStore<Bytes, Signal> buffer;
    private KeyValueStore<String, Long> progress;

    /**
     * Every buffered signal is later than this (the last eviction deadline); {@code Long.MIN_VALUE}
     * = not known yet (after init or restore: the first eviction scans from the start).
     */
    private long evictedThrough = Long.MIN_VALUE;

    public ReleaseAttributionProcessor(
            final String markersStoreName,
            final String bufferStoreName,
            final String progressStoreName,
            final Duration grace) {
        this.markersStoreName = markersStoreName;
        this.bufferStoreName = bufferStoreName;
        this.progressStoreName = progressStoreName;
        this.graceMs = grace.toMillis();
    }

    /**
     * The processor plus its buffer store and its progress store ({@code org|source} -> delivered
     * through, epoch ms); the markers store belongs to the release recorder and is connected by name.
     */
    public static ProcessorSupplier<String, Signal, String, Signal> supplier(
            final String markersStoreName,
            final String bufferStoreName,
            final String progressStoreName,
            final Duration grace,
            final Serde<Signal> signalSerde,
            final StateStores state) {
        return new ProcessorSupplier<>() {
            @Override
            public ReleaseAttributionProcessor get() {
                return new ReleaseAttributionProcessor(
                        markersStoreName, bufferStoreName, progressStoreName, grace);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                // Cached: a signal buffered and released within one commit interval never reaches
                // RocksDB or the changelog.
                return Set.of(
                        state.keyValue(bufferStoreName, Serdes.Bytes(), signalSerde)
                                .withCachingEnabled(),
                        state.keyValue(progressStoreName, Serdes.String(), Serdes.Long())
                                .withCachingEnabled());
            }
        };
    }

    /** Key of a source's progress: {@code org|source}. */
    public static String progressKey(final String org, final String source) {
        return org + "|" + source;
    }

    @Override
    public void init(final ProcessorContext<String, Signal> context) {
        super.init(context);
        markers = context.getStateStore(markersStoreName);
        buffer = context.getStateStore(bufferStoreName);
        progress = context.getStateStore(progressStoreName);
    }

    @Override
    public void process(final Record<String, Signal> record) {
        if (record.key() == null || record.value() == null) {
            LOG.warn(
                    "Signal without org key or value skipped: offset={}",
                    context().recordMetadata().map(RecordMetadata::offset).orElse(-1L));
            return;
        }
        final long deadline = context().currentStreamTimeMs() - graceMs;
        if (ProgressSignals.isProgress(record.value())) {
            final String key = progressKey(record.key(), ProgressSignals.sourceOf(record.value()));
            final Long before = progress.get(key);
            if (before == null || before < record.timestamp()) {
                progress.put(key, record.timestamp());
            }
        }
        if (record.timestamp() <= deadline) {
            // Already past its grace (late, or grace zero): no marker can still arrive for it.
            emit(record.key(), record.value(), record.timestamp());
        } else {
            buffer.put(bufferKey(record), record.value());
        }
        evictUpTo(deadline);
    }

    /**
     * Emits and deletes every buffered signal at or before the deadline. The scan is a key range that
     * starts after the previous deadline: deleted entries stay in RocksDB as tombstones until
     * compaction, and a scan from the start of the store would step over all of them on every record.
     */
    private void evictUpTo(final long deadline) {
        if (deadline < 0 || deadline <= evictedThrough) {
            return; // stream time unknown yet, or nothing new has passed its grace
        }
        final Bytes from =
                evictedThrough == Long.MIN_VALUE ? null : timestampKey(evictedThrough + 1);
        final List<Bytes> done = new ArrayList<>();
        // Inclusive upper bound: the bare 8-byte key of deadline + 1 sorts after every key of a
        // signal at or before the deadline.
        try (KeyValueIterator<Bytes, Signal> it = buffer.range(from, timestampKey(deadline + 1))) {
            while (it.hasNext()) {
                final KeyValue<Bytes, Signal> entry = it.next();
                final long timestamp = timestampOf(entry.key);
                if (timestamp > deadline) {
                    break;
                }
                emit(orgOf(entry.key), entry.value, timestamp);
                done.add(entry.key);
            }
        }
        done.forEach(buffer::delete);
        evictedThrough = deadline;
    }

    private static Bytes timestampKey(final long timestamp) {
        return Bytes.wrap(ByteBuffer.allocate(8).putLong(timestamp).array());
    }

    private void emit(final String org, final Signal signal, final long timestamp) {
        final VersionedRecord<DeploymentMarker> live = markers.get(org, timestamp);
        context()
                .forward(
                        new Record<>(
                                org,
                                ReleaseAttribution.attribute(
                                        signal, live == null ? null : live.value()),
                                timestamp));
    }

    /**
     * Timestamp (8 bytes, big-endian, so the store iterates in time order), the org key, then the
     * input record's topic/partition/offset and the signal's hash (one event may yield several signals).
     */
    private Bytes bufferKey(final Record<String, Signal> record) {
        final byte[] org = record.key().getBytes(StandardCharsets.UTF_8);
        final RecordMetadata meta = context().recordMetadata().orElse(null);
        final byte[] topic =
                meta == null ? new byte[0] : meta.topic().getBytes(StandardCharsets.UTF_8);
        final ByteBuffer key = ByteBuffer.allocate(8 + 4 + org.length + topic.length + 4 + 8 + 4);
        key.putLong(record.timestamp())
                .putInt(org.length)
                .put(org)
                .put(topic)
                .putInt(meta == null ? -1 : meta.partition())
                .putLong(meta == null ? -1 : meta.offset())
                .putInt(record.value().hashCode());
        return Bytes.wrap(key.array());
    }

    static long timestampOf(final Bytes key) {
        return ByteBuffer.wrap(key.get()).getLong(0);
    }

    static String orgOf(final Bytes key) {
        final ByteBuffer b = ByteBuffer.wrap(key.get());
        final int length = b.getInt(8);
        return new String(Arrays.copyOfRange(key.get(), 12, 12 + length), StandardCharsets.UTF_8);
    }
}
