package io.sfpulse.streams.detector.latency;

import io.sfpulse.streams.state.BinaryKeys;
import io.sfpulse.streams.stats.LatencySketch;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The latency sketches of every (org, operation), one per 5-minute event-time bucket, each under
 * its own key in a binary store: {@code org | operation | bucket} (lengths prefixed, bucket
 * big-endian, so one operation's buckets are a key range in time order) -> DDSketch bytes. A sample
 * reads and rewrites one small sketch, not the org's whole history. Not thread-safe.
 */
final class SketchBuckets {

    static final long BUCKET_MS = LatencyHistory.BUCKET_MS;
    private final KeyValueStore<Bytes, byte[]> store;

    SketchBuckets(final KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    static Bytes key(final String org, final String operation, final long bucket) {
        return BinaryKeys.of(bucket, org, operation);
    }

    static long bucketOf(final long t) {
        return Math.floorDiv(t, BUCKET_MS);
    }

    /** Adds one sample at event time {@code t}. */
    void add(final String org, final String operation, final long t, final double millis) {
        final Bytes key = key(org, operation, bucketOf(t));
        final byte[] stored = store.get(key);
        final LatencySketch sketch =
                stored == null ? LatencySketch.empty() : LatencySketch.fromBytes(stored);
        sketch.add(millis);
        store.put(key, sketch.toBytes());
    }

    /** The merged sketch of the buckets in [fromMs, toMs). */
    LatencySketch merged(
            final String org, final String operation, final long fromMs, final long toMs) {
        final LatencySketch out = LatencySketch.empty();
        if (toMs <= fromMs) {
            return out;
        }
        try (KeyValueIterator<Bytes, byte[]> it =
                store.range(
                        key(org, operation, bucketOf(fromMs)),
                        key(org, operation, bucketOf(toMs - 1)))) {
            while (it.hasNext()) {
                out.merge(LatencySketch.fromBytes(it.next().value));
            }
        }
        return out;
    }

    /** Deletes the buckets before {@code horizonBucket}, from {@code oldestBucket} on. */
    void prune(
            final String org,
            final String operation,
            final long oldestBucket,
            final long horizonBucket) {
        if (horizonBucket <= oldestBucket) {
            return;
        }
        BinaryKeys.deleteRange(
                store, key(org, operation, oldestBucket), key(org, operation, horizonBucket - 1));
    }
}
