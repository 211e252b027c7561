package io.sfpulse.streams.detector.newerrors;

import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.EvidenceFormat;
import io.sfpulse.streams.detector.SuspectComponents;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Decides whether an error signature is new with a release: first seen at or after the deploy,
 * never during the observed look-back before it, and seen at least {@code minCount} times under
 * the release. An inconclusive case is a look-back shorter than {@code minLookback} (too little
 * history to call anything "new"). Pure: no Kafka types, event time only.
 */
final class NewErrorTypeEvaluator {

    /** Verdict for one signature. */
    enum Verdict {
        NEW,
        KNOWN,
        TOO_FEW,
        INCONCLUSIVE
    }

    private final NewErrorTypeSettings settings;

    NewErrorTypeEvaluator(final NewErrorTypeSettings settings) {
        this.settings = settings;
    }

    NewErrorTypeSettings settings() {
        return settings;
    }

    /** Whether the signature is new with the release deployed at {@code deployMs}, the org observed since {@code observedSinceMs}. */
    Verdict evaluate(
            final SignatureHistory h,
            final String releaseId,
            final long deployMs,
            final long observedSinceMs) {
        final long first = h.firstSeenMs;
        if (first < deployMs) {
            return Verdict.KNOWN;
        }
        if (first - deployMs > settings.window().toMillis()) {
            return Verdict.KNOWN; // appeared long after the deploy: not attributed to it
        }
        if (deployMs - Math.max(observedSinceMs, deployMs - settings.lookback().toMillis())
                < settings.minLookback().toMillis()) {
            return Verdict.INCONCLUSIVE;
        }
        final int count = h.count(releaseId);
        return count >= settings.minCount() ? Verdict.NEW : Verdict.TOO_FEW;
    }

    boolean quiet(final SignatureHistory h, final long nowMs) {
        return nowMs - h.lastSeenMs >= settings.quiet().toMillis();
    }

    /** Whether a release's alert can no longer change: not open and past the window in which errors are attributed to it. */
    boolean settled(final AlertState a, final long nowMs) {
        return !a.isOpen() && nowMs - a.releaseCompletedMs() > settings.window().toMillis();
    }

    Map<String, String> evidence(
            final SignatureHistory h,
            final String signature,
            final AlertState a,
            final long observedSinceMs) {
        final Map<String, String> e = new LinkedHashMap<>();
        final long lookbackFrom =
                Math.max(observedSinceMs, a.releaseCompletedMs() - settings.lookback().toMillis());
        e.put("test", "signature first seen after the deploy, absent from the observed look-back");
        e.put("signature", signature);
        e.put("firstSeen", Instant.ofEpochMilli(h.firstSeenMs).toString());
        e.put(
                "minutesAfterDeploy",
                String.valueOf((h.firstSeenMs - a.releaseCompletedMs()) / 60_000));
        e.put("countSinceDeploy", String.valueOf(h.count(a.releaseId())));
        e.put("lookbackWindow", EvidenceFormat.window(lookbackFrom, a.releaseCompletedMs()));
        e.put("location", h.location == null ? "" : h.location);
        e.put(
                "suspectComponents",
                String.join(
                        ", ",
                        SuspectComponents.byLocation(
                                a.components(),
                                h.location == null ? Set.of() : Set.of(h.location))));
        e.put("deployId", a.releaseId());
        e.put("deployCompletedAt", Instant.ofEpochMilli(a.releaseCompletedMs()).toString());
        return e;
    }
}
