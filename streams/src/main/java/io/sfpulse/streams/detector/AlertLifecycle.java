package io.sfpulse.streams.detector;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import java.time.Instant;
import java.util.Map;

/**
 * The alert lifecycle shared by every detector: moves an {@link FailureHistory.AlertState} through
 * TRIGGERED -> UPDATED -> RESOLVED (sequence, last reported count, last emission time) and builds
 * the {@link Alert} of each state with one dedup-key and alert-id scheme. Pure.
 */
final class AlertLifecycle {

    /** What a detector says about one alert state. */
    record Draft(String org, String detector, String subjectKey, String subject, String summary, Severity severity,
                 Map<String, String> evidence, long windowStartMs, long windowEndMs) {
    }

    private AlertLifecycle() {
    }

    /** State-map key of a regression that started while no release was in its detection window. */
    static final String NO_DEPLOY = "no-deploy";

    /** A fresh state for a regression without a deploy that started at {@code startMs}. */
    static FailureHistory.AlertState noDeploy(final long startMs) {
        final FailureHistory.AlertState a = new FailureHistory.AlertState();
        a.releaseCompletedMs = startMs;
        return a;
    }

    /** Whether a new no-deploy episode may start: none yet, or the last one resolved at least {@code cooldownMs} ago. */
    static boolean mayStartEpisode(final FailureHistory.AlertState a, final long now, final long cooldownMs) {
        return a == null || ("RESOLVED".equals(a.status) && now - a.lastEmittedMs >= cooldownMs);
    }

    static boolean isOpen(final FailureHistory.AlertState a) {
        return a != null && ("TRIGGERED".equals(a.status) || "UPDATED".equals(a.status));
    }

    /**
     * Stable across all states of one alert: {@code org|release|detector|subjectKey}; a regression
     * without a deploy uses {@code no-deploy@<start>} as its release part, so each episode is its own alert.
     */
    static String dedupKey(final String org, final FailureHistory.AlertState a, final String detector, final String subjectKey) {
        final String release = a.releaseId != null ? a.releaseId : NO_DEPLOY + "@" + Instant.ofEpochMilli(a.releaseCompletedMs);
        return org + "|" + release + "|" + detector + "|" + subjectKey;
    }

    /** Records the transition in {@code a} and returns the alert state to emit. */
    static Alert next(final FailureHistory.AlertState a, final AlertStatus status, final Draft d, final long reportedCount, final long now) {
        if (status != AlertStatus.TRIGGERED) {
            a.sequence++;
        }
        a.status = status.name();
        a.lastReportedCount = reportedCount;
        a.lastEmittedMs = now;
        final String dedupKey = dedupKey(d.org(), a, d.detector(), d.subjectKey());
        final Map<String, String> evidence = new java.util.LinkedHashMap<>();
        // The label that tells a post-deploy regression from one that started without a deploy.
        evidence.put("trigger", a.releaseId != null ? "deploy" : NO_DEPLOY);
        if (a.releaseId == null) {
            evidence.put("regressionStart", Instant.ofEpochMilli(a.releaseCompletedMs).toString());
        }
        evidence.putAll(d.evidence());
        return Alert.newBuilder()
            .setAlertId(dedupKey + "#" + a.sequence)
            .setDedupKey(dedupKey)
            .setStatus(status)
            .setSeverity(d.severity())
            .setOrgId(d.org())
            .setReleaseId(a.releaseId)
            .setDetector(d.detector())
            .setSubject(d.subject())
            .setSummary(d.summary().length() > 500 ? d.summary().substring(0, 500) : d.summary())
            .setEvidence(evidence)
            .setWindowStart(Instant.ofEpochMilli(d.windowStartMs()))
            .setWindowEnd(Instant.ofEpochMilli(d.windowEndMs()))
            .setSequence(a.sequence)
            .setEventTime(Instant.ofEpochMilli(now))
            .build();
    }
}
