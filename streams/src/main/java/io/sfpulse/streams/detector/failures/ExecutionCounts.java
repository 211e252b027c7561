package io.sfpulse.streams.detector.failures;

import io.sfpulse.streams.detector.MinuteCounts;
import io.sfpulse.streams.state.BinaryKeys;
import java.util.HashMap;
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
        return BinaryKeys.of(minute, org);
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
        try (KeyValueIterator<Bytes, Long> it =
                store.range(
                        key(org, Math.floorDiv(fromMs, MinuteCounts.MINUTE_MS)),
                        key(org, Math.floorDiv(toMs - 1, MinuteCounts.MINUTE_MS)))) {
            while (it.hasNext()) {
                final KeyValue<Bytes, Long> e = it.next();
                out.add(BinaryKeys.timeOf(e.key) * MinuteCounts.MINUTE_MS, e.value);
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
        BinaryKeys.deleteRange(store, key(org, from), key(org, horizon - 1));
        purgedBefore.put(org, horizon);
    }
}
