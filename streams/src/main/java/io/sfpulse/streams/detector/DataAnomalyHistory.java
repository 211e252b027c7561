package io.sfpulse.streams.detector;

import java.util.HashMap;
import java.util.Map;

/**
 * Per-org data-change state: one per-minute count series per anomaly key (deletes of an entity,
 * all changes of an entity, updates by one user, nulling of one field), when the org was first
 * observed, and the alert state per (release, key). Plain data stored as JSON; not thread-safe.
 */
public final class DataAnomalyHistory {

    public long firstObservedMs = Long.MAX_VALUE;
    public Map<String, FailureHistory> series = new HashMap<>();
    public Map<String, FailureHistory.AlertState> alerts = new HashMap<>();

    /** The count series of {@code key}, observed since the org was. */
    public FailureHistory series(final String key) {
        final FailureHistory s = series.computeIfAbsent(key, k -> new FailureHistory());
        if (firstObservedMs != Long.MAX_VALUE) {
            s.observe(firstObservedMs);
        }
        return s;
    }

    public void observe(final long t) {
        firstObservedMs = Math.min(firstObservedMs, t);
    }

    public void count(final String key, final long t, final int n) {
        observe(t);
        final FailureHistory s = series(key);
        for (int i = 0; i < n; i++) {
            s.addFailure(t, null, null, null);
        }
    }

    public void prune(final long horizonMs) {
        series.values().forEach(s -> s.prune(horizonMs));
        series.values().removeIf(s -> s.failuresPerMinute.isEmpty());
    }
}
