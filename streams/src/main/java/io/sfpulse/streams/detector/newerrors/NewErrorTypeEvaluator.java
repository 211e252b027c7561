package io.sfpulse.streams.detector.newerrors;

import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.SuspectComponents;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decides whether an error signature is new with a release: first seen at or after the deploy,
 * never during the observed look-back before it, and seen at least {@code minCount} times under
 * the release. An inconclusive case is a look-back shorter than {@code minLookback} (too little
 * history to call anything "new"). Pure: no Kafka types, event time only.
 */
final class NewErrorTypeEvaluator {

    /** Verdict for one signature. */
    enum Verdict { NEW, KNOWN, TOO_FEW, INCONCLUSIVE }

    private final NewErrorTypeSettings settings;

    NewErrorTypeEvaluator(final NewErrorTypeSettings settings) {
        this.settings = settings;
    }

    NewErrorTypeSettings settings() {
        return settings;
    }

    Verdict evaluate(final SignatureHistory h, final String signature, final String releaseId, final long deployMs, final long nowMs) {
        final long first = h.firstSeenMs.getOrDefault(signature, Long.MAX_VALUE);
        if (first < deployMs) {
            return Verdict.KNOWN;
        }
        if (first - deployMs > settings.window().toMillis()) {
            return Verdict.KNOWN; // appeared long after the deploy: not attributed to it
        }
        if (deployMs - Math.max(h.firstObservedMs, deployMs - settings.lookback().toMillis()) < settings.minLookback().toMillis()) {
            return Verdict.INCONCLUSIVE;
        }
        final int count = h.countsByRelease.getOrDefault(releaseId, Map.of()).getOrDefault(signature, 0);
        return count >= settings.minCount() ? Verdict.NEW : Verdict.TOO_FEW;
    }

    boolean quiet(final SignatureHistory h, final String signature, final long nowMs) {
        return nowMs - h.lastSeenMs.getOrDefault(signature, Long.MIN_VALUE / 2) >= settings.quiet().toMillis();
    }

    Map<String, String> evidence(final SignatureHistory h, final String signature, final AlertState a) {
        final Map<String, String> e = new LinkedHashMap<>();
        final long lookbackFrom = Math.max(h.firstObservedMs, a.releaseCompletedMs() - settings.lookback().toMillis());
        e.put("test", "signature first seen after the deploy, absent from the observed look-back");
        e.put("signature", signature);
        e.put("firstSeen", Instant.ofEpochMilli(h.firstSeenMs.get(signature)).toString());
        e.put("minutesAfterDeploy", String.valueOf((h.firstSeenMs.get(signature) - a.releaseCompletedMs()) / 60_000));
        e.put("countSinceDeploy", String.valueOf(h.countsByRelease.getOrDefault(a.releaseId(), Map.of()).getOrDefault(signature, 0)));
        e.put("lookbackWindow", Instant.ofEpochMilli(lookbackFrom) + "/" + Instant.ofEpochMilli(a.releaseCompletedMs()));
        e.put("location", h.location.getOrDefault(signature, ""));
        e.put("suspectComponents", String.join(", ", SuspectComponents.byLocation(a.components(),
            h.location.containsKey(signature) ? java.util.Set.of(h.location.get(signature)) : java.util.Set.of())));
        e.put("deployId", a.releaseId());
        e.put("deployCompletedAt", Instant.ofEpochMilli(a.releaseCompletedMs()).toString());
        return e;
    }

}
