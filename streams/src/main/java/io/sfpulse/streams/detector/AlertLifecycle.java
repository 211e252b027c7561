package io.sfpulse.streams.detector;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.signal.Signal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The alert lifecycle shared by every detector: moves an {@link AlertState} through TRIGGERED ->
 * UPDATED -> RESOLVED (and, when it regresses again in its window, a new episode: a new incident
 * that names the resolved one), and builds the {@link Alert} of each state with one dedup-key and
 * alert-id scheme. Pure.
 */
public final class AlertLifecycle {

    /** What a detector says about one alert state. */
    public record Draft(
            String org,
            String detector,
            String subjectKey,
            String subject,
            String summary,
            Severity severity,
            Map<String, String> evidence,
            long windowStartMs,
            long windowEndMs) {}

    /** State-map key (and dedup-key release part) of a regression that started while no release was in its detection window. */
    public static final String NO_DEPLOY = "no-deploy";

    private AlertLifecycle() {}

    /** Whether a new no-deploy episode may start: none yet, or the last one resolved at least {@code cooldownMs} ago. */
    public static boolean mayStartEpisode(
            final AlertState a, final long now, final long cooldownMs) {
        return a == null || a.isResolved() && now - a.lastEmittedMs() >= cooldownMs;
    }

    /**
     * Stable across all states of one incident: {@code org|release|detector|subjectKey}, with
     * {@code |episode-N} for the N-th episode (N >= 2) of an alert that regressed again after it
     * resolved; a regression without a deploy uses {@code no-deploy@<start>} as its release part,
     * so each such episode is its own alert.
     */
    public static String dedupKey(
            final String org, final AlertState a, final String detector, final String subjectKey) {
        final String release =
                a.hasRelease()
                        ? a.releaseId()
                        : NO_DEPLOY + "@" + Instant.ofEpochMilli(a.releaseCompletedMs());
        final String key = org + "|" + release + "|" + detector + "|" + subjectKey;
        return a.episode() > 1 ? key + "|episode-" + a.episode() : key;
    }

    /**
     * A RESOLVED alert regressed again: opens its next episode (see {@link AlertState#reopen}).
     * The caller then evaluates the span since the resolution and emits TRIGGERED if it holds.
     */
    public static void reopen(
            final AlertState a, final String org, final String detector, final String subjectKey) {
        a.reopen(dedupKey(org, a, detector, subjectKey));
    }

    /**
     * The alert state of a new incident of a subject whose last alert, {@code previous} (or null), is
     * closed: the same release's alert reopened as its next episode when {@code s} is attributed to
     * that release ({@code attributed}), else a fresh alert for {@code s}'s release or, without one,
     * a no-deploy alert starting at {@code t}.
     */
    public static AlertState nextIncident(
            final AlertState previous,
            final Signal s,
            final boolean attributed,
            final long t,
            final String org,
            final String detector,
            final String subjectKey) {
        if (previous != null
                && previous.hasRelease()
                && attributed
                && java.util.Objects.equals(previous.releaseId(), s.getReleaseId())) {
            reopen(previous, org, detector, subjectKey);
            return previous;
        }
        return attributed ? AlertState.forRelease(s) : AlertState.noDeploy(t);
    }

    /** Records the transition in {@code a} and returns the alert state to emit. */
    public static Alert next(
            final AlertState a,
            final AlertStatus status,
            final Draft d,
            final long reportedCount,
            final long now) {
        a.moveTo(status, reportedCount, now);
        final String dedupKey = dedupKey(d.org(), a, d.detector(), d.subjectKey());
        final Map<String, String> evidence = new LinkedHashMap<>();
        // The label that tells a post-deploy regression from one that started without a deploy.
        evidence.put("trigger", a.hasRelease() ? "deploy" : NO_DEPLOY);
        if (!a.hasRelease()) {
            evidence.put(
                    "regressionStart", Instant.ofEpochMilli(a.releaseCompletedMs()).toString());
        }
        if (a.releaseLabel() != null) {
            evidence.put("releaseLabel", a.releaseLabel());
        }
        if (a.releaseCommit() != null) {
            evidence.put("releaseCommit", a.releaseCommit());
        }
        if (a.episode() > 1) {
            evidence.put("episode", String.valueOf(a.episode()));
            evidence.put("regressedAgainAfter", a.previousDedupKey());
            evidence.put("episodeStart", Instant.ofEpochMilli(a.episodeStartMs()).toString());
        }
        evidence.putAll(d.evidence());
        final String summary =
                (a.episode() > 1 && status != AlertStatus.RESOLVED ? "Regressed again: " : "")
                        + d.summary();
        return Alert.newBuilder()
                .setAlertId(dedupKey + "#" + a.sequence())
                .setDedupKey(dedupKey)
                .setStatus(status)
                .setSeverity(d.severity())
                .setOrgId(d.org())
                .setReleaseId(a.releaseId())
                .setDetector(d.detector())
                .setSubject(d.subject())
                .setSummary(summary.length() > 500 ? summary.substring(0, 500) : summary)
                .setEvidence(evidence)
                .setWindowStart(Instant.ofEpochMilli(d.windowStartMs()))
                .setWindowEnd(Instant.ofEpochMilli(d.windowEndMs()))
                .setSequence(a.sequence())
                .setEventTime(Instant.ofEpochMilli(now))
                .build();
    }
}
