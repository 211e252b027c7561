package io.sfpulse.streams.detector;

import java.util.HashMap;
import java.util.Map;

/**
 * Per task, per org: the earliest event time already persisted as "observed" in a detector's
 * observed-since store. A signal only moves that instant earlier, so when it is not earlier the
 * detector skips reading and rewriting the store. A lower bound of what the store
 * holds; losing it (restart, rebalance) only costs one store read. Not thread-safe (one per processor).
 */
final class ObservedSince {

    private final Map<String, Long> since = new HashMap<>();

    boolean alreadyPersisted(final String org, final long t) {
        final Long s = since.get(org);
        return s != null && s <= t;
    }

    /** The instant known persisted for the org, {@code Long.MAX_VALUE} when not known here. */
    long since(final String org) {
        return since.getOrDefault(org, Long.MAX_VALUE);
    }

    void persisted(final String org, final long firstObservedMs) {
        if (firstObservedMs != Long.MAX_VALUE) {
            since.put(org, firstObservedMs);
        }
    }
}
