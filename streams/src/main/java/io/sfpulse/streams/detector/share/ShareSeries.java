package io.sfpulse.streams.detector.share;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.MinuteCounts;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Trials and hits of one group of one org (an object's changes and the references they break; an
 * API client's requests and those that failed): trials per minute, hits per minute per kind of
 * hit (at most {@link #MAX_KEYS}), a few samples per kind for the evidence, the alert state per
 * (release, kind of hit). Stored inside a detector's per-(org, group) state; not thread-safe.
 */
@JsonAutoDetect(
        fieldVisibility = Visibility.ANY,
        getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE)
public final class ShareSeries {

    static final int MAX_KEYS = 50;
    static final int MAX_SAMPLES = 5;

    MinuteCounts trials = new MinuteCounts();
    Map<String, MinuteCounts> hits = new TreeMap<>();
    Map<String, TreeSet<String>> samples = new TreeMap<>();

    /** "release|key" -> alert state. */
    Map<String, AlertState> alerts = new LinkedHashMap<>();

    long judgedLook = Long.MIN_VALUE;

    public void countTrial(final long t) {
        trials.add(t, 1);
    }

    /** One hit of kind {@code key} at {@code t}; {@code sample} (may be null) is kept among the key's first few. */
    public void countHit(final String key, final long t, final String sample) {
        if (!hits.containsKey(key) && hits.size() >= MAX_KEYS) {
            return;
        }
        hits.computeIfAbsent(key, k -> new MinuteCounts()).add(t, 1);
        if (sample != null) {
            final TreeSet<String> s = samples.computeIfAbsent(key, k -> new TreeSet<>());
            if (s.size() < MAX_SAMPLES) {
                s.add(sample);
            }
        }
    }

    public long hitCount(final String key, final long fromMs, final long toMs) {
        final MinuteCounts m = hits.get(key);
        return m == null ? 0 : m.count(fromMs, toMs);
    }

    public MinuteCounts hitSeries(final String key) {
        return hits.get(key);
    }

    public java.util.Set<String> samples(final String key) {
        return samples.getOrDefault(key, new TreeSet<>());
    }

    public long firstObservedMs() {
        return trials.firstObservedMs();
    }

    public boolean isEmpty() {
        return trials.isEmpty() && alerts.isEmpty();
    }

    void prune(final long horizonMs) {
        trials.prune(horizonMs);
        hits.values().forEach(m -> m.prune(horizonMs));
        hits.entrySet()
                .removeIf(
                        e ->
                                e.getValue().isEmpty()
                                        && alerts.keySet().stream()
                                                .noneMatch(k -> k.endsWith("|" + e.getKey())));
        samples.keySet().retainAll(hits.keySet());
    }
}
