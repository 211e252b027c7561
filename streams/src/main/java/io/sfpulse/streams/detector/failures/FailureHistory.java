package io.sfpulse.streams.detector.failures;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.MinuteCounts;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-org state of the failure detector: failures per minute (with when the org was first
 * observed), failures per minute of each component they were located in, signature and location
 * counts per release, and the alert state per release, component or no-deploy episode. Stored as
 * JSON in the detector's store; executions (the denominator) live in their own window store. Not
 * thread-safe.
 */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE, isGetterVisibility = Visibility.NONE)
final class FailureHistory {

    MinuteCounts failures = new MinuteCounts();
    /** Failures per minute of each component (Class.X, Flow.Y, ...) that failures were located in. */
    Map<String, MinuteCounts> failuresByComponent = new HashMap<>();
    Map<String, Map<String, Integer>> signaturesByRelease = new HashMap<>();
    Map<String, Map<String, Integer>> locationsByRelease = new HashMap<>();
    Map<String, AlertState> alerts = new HashMap<>();

    void addFailure(final long eventTimeMs, final String releaseId, final String signature, final String location) {
        failures.add(eventTimeMs, 1);
        final String component = componentOf(location);
        if (component != null) {
            componentFailures(component).add(eventTimeMs, 1);
        }
        if (releaseId != null) {
            if (signature != null) {
                signaturesByRelease.computeIfAbsent(releaseId, r -> new HashMap<>()).merge(signature, 1, Integer::sum);
            }
            if (location != null) {
                locationsByRelease.computeIfAbsent(releaseId, r -> new HashMap<>()).merge(location, 1, Integer::sum);
            }
        }
    }

    /** The series of a component, observed since the org was. */
    MinuteCounts componentFailures(final String component) {
        final MinuteCounts c = failuresByComponent.computeIfAbsent(component, k -> new MinuteCounts());
        c.observe(failures.firstObservedMs());
        return c;
    }

    void prune(final long horizonMs) {
        failures.prune(horizonMs);
        failuresByComponent.values().forEach(c -> c.prune(horizonMs));
        failuresByComponent.values().removeIf(MinuteCounts::isEmpty);
    }

    /**
     * The component a failure location is in: its first two dot-separated parts
     * ({@code Class.InvoiceService.calculate: line 42} -> {@code Class.InvoiceService},
     * {@code Flow.Invoice_Approval.Update} -> {@code Flow.Invoice_Approval}); null without a location.
     */
    static String componentOf(final String location) {
        if (location == null || location.isBlank()) {
            return null;
        }
        final String head = location.split("[:\\s(]", 2)[0];
        final String[] parts = head.split("\\.");
        return parts.length >= 2 ? parts[0] + "." + parts[1] : head;
    }
}
