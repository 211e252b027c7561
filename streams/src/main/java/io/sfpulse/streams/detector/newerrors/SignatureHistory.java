package io.sfpulse.streams.detector.newerrors;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import io.sfpulse.streams.detector.AlertState;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-org error signatures: when each was first and last seen (event time), how often it occurred
 * under each release, its top location, and the alert state per (release, signature). Plain data
 * stored as JSON; not thread-safe.
 */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE, isGetterVisibility = Visibility.NONE)
final class SignatureHistory {

    long firstObservedMs = Long.MAX_VALUE;
    Map<String, Long> firstSeenMs = new HashMap<>();
    Map<String, Long> lastSeenMs = new HashMap<>();
    Map<String, String> location = new HashMap<>();
    Map<String, Map<String, Integer>> countsByRelease = new HashMap<>();
    Map<String, AlertState> alerts = new HashMap<>();

    void observe(final long t) {
        firstObservedMs = Math.min(firstObservedMs, t);
    }

    void add(final long t, final String signature, final String loc, final String releaseId) {
        observe(t);
        firstSeenMs.merge(signature, t, Math::min);
        lastSeenMs.merge(signature, t, Math::max);
        if (loc != null) {
            location.putIfAbsent(signature, loc);
        }
        if (releaseId != null) {
            countsByRelease.computeIfAbsent(releaseId, r -> new HashMap<>()).merge(signature, 1, Integer::sum);
        }
    }

    /** Forgets signatures not seen since {@code horizonMs} (the look-back then starts later). */
    void prune(final long horizonMs) {
        lastSeenMs.entrySet().removeIf(e -> {
            if (e.getValue() < horizonMs) {
                firstSeenMs.remove(e.getKey());
                location.remove(e.getKey());
                return true;
            }
            return false;
        });
        if (firstObservedMs != Long.MAX_VALUE) {
            // Forgotten history: "never seen" can only be claimed since the horizon.
            firstObservedMs = Math.max(firstObservedMs, horizonMs);
        }
    }
}
