package io.sfpulse.streams.detector.relationships;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.MinuteCounts;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The references of one object of one org: its changes (creates, updates, undeletes) per minute,
 * per reference field the changes that null it and those that point it at a deleted record, the
 * fields known to be references (seen holding a record id, or named {@code …Id}), a few of the
 * deleted parents pointed at, and the alert state per (release, broken reference). Stored per
 * (org, object) in the detector's store; not thread-safe.
 */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE, isGetterVisibility = Visibility.NONE)
final class ObjectReferences {

    static final int MAX_FIELDS = 50;
    static final int MAX_SAMPLES = 5;

    MinuteCounts changes = new MinuteCounts();
    /** Broken reference (e.g. {@code AccountId nulled}, {@code AccountId -> deleted}) -> per-minute count. */
    Map<String, MinuteCounts> broken = new TreeMap<>();
    TreeSet<String> referenceFields = new TreeSet<>();
    /** Broken reference -> a few deleted parents pointed at (evidence). */
    Map<String, TreeSet<String>> samples = new TreeMap<>();
    Map<String, AlertState> alerts = new LinkedHashMap<>();
    long judgedMinute = Long.MIN_VALUE;

    boolean isReference(final String field) {
        return referenceFields.contains(field) || field.endsWith("Id") && !field.equals("Id");
    }

    void learnReference(final String field) {
        if (referenceFields.size() < MAX_FIELDS) {
            referenceFields.add(field);
        }
    }

    void countBroken(final String brokenReference, final long t, final String parent) {
        if (!broken.containsKey(brokenReference) && broken.size() >= MAX_FIELDS) {
            return;
        }
        broken.computeIfAbsent(brokenReference, k -> new MinuteCounts()).add(t, 1);
        if (parent != null) {
            final TreeSet<String> s = samples.computeIfAbsent(brokenReference, k -> new TreeSet<>());
            if (s.size() < MAX_SAMPLES) {
                s.add(parent);
            }
        }
    }

    long brokenCount(final String brokenReference, final long fromMs, final long toMs) {
        final MinuteCounts m = broken.get(brokenReference);
        return m == null ? 0 : m.count(fromMs, toMs);
    }

    void prune(final long horizonMs) {
        changes.prune(horizonMs);
        broken.values().forEach(m -> m.prune(horizonMs));
        broken.entrySet().removeIf(e -> e.getValue().isEmpty() && alerts.keySet().stream().noneMatch(k -> k.endsWith("|" + e.getKey())));
        samples.keySet().retainAll(broken.keySet());
    }
}
