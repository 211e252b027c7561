package io.sfpulse.streams.detector.failures;

import io.sfpulse.streams.detector.MinuteCounts;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Executions per org and minute - the failure rate's denominator - each under its own key in a
 * binary store ({@code org | minute}, minute big-endian: an org's minutes are a key range in time
 * order), so counting one execution is a point read and write, never the org's JSON state. Minutes
 * older than the detector needs are deleted as time passes. Not thread-safe.
 */
final class ExecutionCounts {

    private final KeyValueStore<Bytes, Long> store;
    /** Per org, minutes before this are known deleted (in memory; after a restart one scan from the start). */
    private final Map<String, Long> purgedBefore = new HashMap<>();

    ExecutionCounts(final KeyValueStore<Bytes, Long> store) {
        this.store = store;
    }

    static Bytes key(final String org, final long minute) {
        final byte[] o = org.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(4 + o.length + 8).putInt(o.length).put(o).putLong(minute).array());
    }

    void count(final String org, final long t) {
        final Bytes key = key(org, Math.floorDiv(t, MinuteCounts.MINUTE_MS));
        final Long before = store.get(key);
        store.put(key, before == null ? 1L : before + 1);
    }

    /** The org's executions per minute in [fromMs, toMs), or null when it reported none there. */
    MinuteCounts between(final String org, final long fromMs, final long toMs) {
        if (toMs <= fromMs) {
            return null;
        }
        final MinuteCounts out = new MinuteCounts();
        try (KeyValueIterator<Bytes, Long> it = store.range(key(org, Math.floorDiv(fromMs, MinuteCounts.MINUTE_MS)),
            key(org, Math.floorDiv(toMs - 1, MinuteCounts.MINUTE_MS)))) {
            while (it.hasNext()) {
                final KeyValue<Bytes, Long> e = it.next();
                out.add(ByteBuffer.wrap(e.key.get()).getLong(e.key.get().length - 8) * MinuteCounts.MINUTE_MS, e.value);
            }
        }
        return out.isEmpty() ? null : out;
    }

    /** Deletes the org's minutes before {@code horizonMs}. */
    void prune(final String org, final long horizonMs) {
        final long horizon = Math.floorDiv(horizonMs, MinuteCounts.MINUTE_MS);
        final long from = purgedBefore.getOrDefault(org, 0L);
        if (horizon <= from) {
            return;
        }
        final List<Bytes> old = new ArrayList<>();
        try (KeyValueIterator<Bytes, Long> it = store.range(key(org, from), key(org, horizon - 1))) {
            while (it.hasNext()) {
                old.add(it.next().key);
            }
        }
        old.forEach(store::delete);
        purgedBefore.put(org, horizon);
    }
}
