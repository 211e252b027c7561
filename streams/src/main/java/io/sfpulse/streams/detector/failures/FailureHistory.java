package io.sfpulse.streams.detector.failures;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.MinuteCounts;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-org state of the failure detector: failures per minute (with when the org was first
 * observed), signature and location counts per release, and the alert state per release (or
 * no-deploy episode). Stored as JSON in the detector's store; not thread-safe.
 */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE, isGetterVisibility = Visibility.NONE)
final class FailureHistory {

    MinuteCounts failures = new MinuteCounts();
    Map<String, Map<String, Integer>> signaturesByRelease = new HashMap<>();
    Map<String, Map<String, Integer>> locationsByRelease = new HashMap<>();
    Map<String, AlertState> alerts = new HashMap<>();

    void addFailure(final long eventTimeMs, final String releaseId, final String signature, final String location) {
        failures.add(eventTimeMs, 1);
        if (releaseId != null) {
            if (signature != null) {
                signaturesByRelease.computeIfAbsent(releaseId, r -> new HashMap<>()).merge(signature, 1, Integer::sum);
            }
            if (location != null) {
                locationsByRelease.computeIfAbsent(releaseId, r -> new HashMap<>()).merge(location, 1, Integer::sum);
            }
        }
    }
}
