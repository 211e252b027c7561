package io.sfpulse.streams.detector.failures;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.MinuteCounts;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Org-wide state of the failure detector (store key: the org): failures per minute, signature and
 * location counts per release (evidence), the org-wide alert state per release or no-deploy
 * episode, and what the org-wide decisions need to know of its components - which had failures
 * lately (how many tests share alpha) and which have an open alert per release. Each component's
 * own series and alerts are {@link ComponentFailures}, under their own key; executions (the
 * denominator) are in {@link ExecutionCounts}. Plain data in a binary state store; not thread-safe.
 */
@JsonAutoDetect(
        fieldVisibility = Visibility.ANY,
        getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE)
final class FailureHistory {

    MinuteCounts failures = new MinuteCounts();
    Map<String, Map<String, Integer>> signaturesByRelease = new HashMap<>();
    Map<String, Map<String, Integer>> locationsByRelease = new HashMap<>();

    /** Org-wide alert state per release id, and the no-deploy episode. */
    Map<String, AlertState> alerts = new HashMap<>();

    /** Components (Class.X, Flow.Y, ...) failures were located in, with the event time of their last failure. */
    Map<String, Long> componentsLastFailedMs = new HashMap<>();

    /** Per release, the components whose alert about it is open. */
    Map<String, Set<String>> openComponentAlerts = new HashMap<>();

    void addFailure(
            final long eventTimeMs,
            final String releaseId,
            final String signature,
            final String location) {
        failures.add(eventTimeMs, 1);
        final String component = componentOf(location);
        if (component != null) {
            componentsLastFailedMs.merge(component, eventTimeMs, Math::max);
        }
        if (releaseId != null) {
            if (signature != null) {
                signaturesByRelease
                        .computeIfAbsent(releaseId, r -> new HashMap<>())
                        .merge(signature, 1, Integer::sum);
            }
            if (location != null) {
                locationsByRelease
                        .computeIfAbsent(releaseId, r -> new HashMap<>())
                        .merge(location, 1, Integer::sum);
            }
        }
    }

    /** How many component series are tested, sharing alpha (at least 1). */
    int componentTests() {
        return Math.max(1, componentsLastFailedMs.size());
    }

    /** Records whether a component's alert about a release is open now. */
    void componentAlert(final String releaseId, final String component, final boolean open) {
        if (open) {
            openComponentAlerts.computeIfAbsent(releaseId, r -> new HashSet<>()).add(component);
        } else if (openComponentAlerts.containsKey(releaseId)) {
            openComponentAlerts.get(releaseId).remove(component);
            openComponentAlerts.values().removeIf(Set::isEmpty);
        }
    }

    boolean anyComponentAlertOpen(final String releaseId) {
        return openComponentAlerts.containsKey(releaseId);
    }

    void prune(final long horizonMs) {
        failures.prune(horizonMs);
        componentsLastFailedMs.values().removeIf(t -> t < horizonMs);
        // Release context is kept while the release's org-wide alert state is (every release with
        // failures has one).
        signaturesByRelease.keySet().retainAll(alerts.keySet());
        locationsByRelease.keySet().retainAll(alerts.keySet());
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
