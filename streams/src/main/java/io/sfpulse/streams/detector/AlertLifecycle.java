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

    static boolean isOpen(final FailureHistory.AlertState a) {
        return a != null && ("TRIGGERED".equals(a.status) || "UPDATED".equals(a.status));
    }

    /** Stable across all states of one alert: {@code org|release|detector|subjectKey}. */
    static String dedupKey(final String org, final String releaseId, final String detector, final String subjectKey) {
        return org + "|" + releaseId + "|" + detector + "|" + subjectKey;
    }

    /** Records the transition in {@code a} and returns the alert state to emit. */
    static Alert next(final FailureHistory.AlertState a, final AlertStatus status, final Draft d, final long reportedCount, final long now) {
        if (status != AlertStatus.TRIGGERED) {
            a.sequence++;
        }
        a.status = status.name();
        a.lastReportedCount = reportedCount;
        a.lastEmittedMs = now;
        final String dedupKey = dedupKey(d.org(), a.releaseId, d.detector(), d.subjectKey());
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
            .setEvidence(d.evidence())
            .setWindowStart(Instant.ofEpochMilli(d.windowStartMs()))
            .setWindowEnd(Instant.ofEpochMilli(d.windowEndMs()))
            .setSequence(a.sequence)
            .setEventTime(Instant.ofEpochMilli(now))
            .build();
    }
}
