package io.sfpulse.streams.detector.data;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.MinuteCounts;
import java.util.HashMap;
import java.util.Map;

/**
 * Data-change state of one (org, entity) - its store key: one {@link MinuteCounts} series per
 * anomaly key of the entity (its deletes, all its changes, its updates by one user, the nulling of
 * one of its fields), when the org was first observed, and the alert state per (release, key).
 * Plain data in the detector's binary state store; not thread-safe.
 */
@JsonAutoDetect(
        fieldVisibility = Visibility.ANY,
        getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE)
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
