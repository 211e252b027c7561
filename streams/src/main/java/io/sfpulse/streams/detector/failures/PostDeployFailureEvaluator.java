package io.sfpulse.streams.detector.failures;

import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.RateRegression;
import io.sfpulse.streams.detector.SuspectComponents;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Decides, from a {@link FailureHistory}, whether failures rose after a deploy (the rate test of
 * {@link RateRegression} on the org's failures per minute), whether they are back to baseline, and
 * builds the evidence: the test and its windows plus the release's top signatures, top locations and
 * the suspect components they point at. Pure: no Kafka types, event time only.
 */
final class PostDeployFailureEvaluator {

    private final FailureSettings settings;
    private final RateRegression rate;

    PostDeployFailureEvaluator(final FailureSettings settings) {
        this.settings = settings;
        this.rate = new RateRegression(settings.rate());
    }

    FailureSettings settings() {
        return settings;
    }

    RateRegression rate() {
        return rate;
    }

    /** The alert's current episode (from the release or its last resolution) against the baseline before the release. */
    RateRegression.Evaluation sinceRelease(final FailureHistory h, final AlertState a, final long nowMs) {
        return rate.sinceRelease(h.failures, a.releaseCompletedMs(), a.episodeStartMs(), nowMs);
    }

    RateRegression.Evaluation rolling(final FailureHistory h, final long nowMs) {
        return rate.rolling(h.failures, nowMs);
    }

    RateRegression.Evaluation recent(final FailureHistory h, final AlertState a, final long nowMs) {
        return rate.recent(h.failures, a.releaseCompletedMs(), nowMs);
    }

    Map<String, String> evidence(final RateRegression.Evaluation e, final FailureHistory h, final AlertState alert) {
        final Map<String, Integer> signatures = h.signaturesByRelease.getOrDefault(alert.releaseId(), Map.of());
        final Map<String, Integer> locations = h.locationsByRelease.getOrDefault(alert.releaseId(), Map.of());
        final Map<String, String> evidence = rate.evidence(e, h.failures, alert);
        evidence.put("topSignatures", top(signatures));
        evidence.put("topLocations", top(locations));
        evidence.put("suspectComponents", String.join(", ", SuspectComponents.byLocation(alert.components(), locations.keySet())));
        return evidence;
    }

    private static String top(final Map<String, Integer> counts) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(3)
            .map(en -> en.getKey() + " (" + en.getValue() + ")").collect(Collectors.joining("; "));
    }
}
