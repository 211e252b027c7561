package io.sfpulse.streams.detector.data;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.MinuteCounts;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-org data-change state: one {@link MinuteCounts} series per anomaly key (deletes of an entity,
 * all changes of an entity, updates by one user, nulling of one field), when the org was first
 * observed, and the alert state per (release, key). Stored as JSON; not thread-safe.
 */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE, isGetterVisibility = Visibility.NONE)
final class DataAnomalyHistory {

    long firstObservedMs = Long.MAX_VALUE;
    Map<String, MinuteCounts> series = new HashMap<>();
    Map<String, AlertState> alerts = new HashMap<>();

    /** The count series of {@code key}, observed since the org was. */
    MinuteCounts series(final String key) {
        final MinuteCounts s = series.computeIfAbsent(key, k -> new MinuteCounts());
        if (firstObservedMs != Long.MAX_VALUE) {
            s.observe(firstObservedMs);
        }
        return s;
    }

    void observe(final long t) {
        firstObservedMs = Math.min(firstObservedMs, t);
    }

    void count(final String key, final long t, final int n) {
        observe(t);
        series(key).add(t, n);
    }

    void prune(final long horizonMs) {
        series.values().forEach(s -> s.prune(horizonMs));
        series.values().removeIf(MinuteCounts::isEmpty);
    }
}
