package io.sfpulse.streams.detector.valueshift;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.MinuteCounts;
import io.sfpulse.streams.stats.CategoryShift;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The values written to one category field of one org: per value, per minute (at most
 * {@link #MAX_VALUES} distinct values, the rest counted as {@link CategoryShift#OTHER}), all values
 * together, the alert state per release, and the releases that changed the field's own definition
 * (their shift is intended). Stored per (org, Entity.Field) in the detector's store; not thread-safe.
 */
@JsonAutoDetect(
        fieldVisibility = Visibility.ANY,
        getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE)
final class FieldValues {

    static final int MAX_VALUES = 30;

    Map<String, MinuteCounts> values = new TreeMap<>();
    MinuteCounts all = new MinuteCounts();
    Map<String, AlertState> alerts = new LinkedHashMap<>();
    Set<String> intendedReleases = new HashSet<>();

    /** Look ({@link io.sfpulse.streams.detector.RepeatedLooks#releaseLook}) of event time the field was last judged in. */
    long judgedLook = Long.MIN_VALUE;

    void add(final long t, final String value) {
        final String v =
                values.containsKey(value) || values.size() < MAX_VALUES
                        ? value
                        : CategoryShift.OTHER;
        values.computeIfAbsent(v, k -> new MinuteCounts()).add(t, 1);
        all.add(t, 1);
    }

    /** Values written in [fromMs, toMs), per value (values with none left out). */
    Map<String, Long> counts(final long fromMs, final long toMs) {
        final Map<String, Long> out = new TreeMap<>();
        values.forEach(
                (v, m) -> {
                    final long n = m.count(fromMs, toMs);
                    if (n > 0) {
                        out.put(v, n);
                    }
                });
        return out;
    }

    long firstObservedMs() {
        return all.firstObservedMs();
    }

    void prune(final long horizonMs) {
        values.values().forEach(m -> m.prune(horizonMs));
        values.values().removeIf(MinuteCounts::isEmpty);
        all.prune(horizonMs);
    }
}
