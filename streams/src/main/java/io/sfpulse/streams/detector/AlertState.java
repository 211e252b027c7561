package io.sfpulse.streams.detector;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.signal.Signal;
import java.util.ArrayList;
import java.util.List;

/**
 * Where one alert of one detector stands: the release it is about (or the start of a regression
 * without a deploy), its {@link AlertStatus} ({@code null} = not raised yet), the sequence and last
 * reported count of its states, and its episode. An alert that RESOLVED and then regresses again
 * within the release's detection window is a new episode: a new incident (its own dedup key, with
 * {@code previousDedupKey} pointing at the resolved one), because PagerDuty, Slack and the page all
 * treat a resolved incident as closed. Stored inside each detector's state (JSON); not thread-safe.
 */
@JsonAutoDetect(
        fieldVisibility = Visibility.ANY,
        getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE)
public final class AlertState {

    private String releaseId;
    private long releaseCompletedMs;
    private List<String> components = new ArrayList<>();
    private String releaseLabel;
    private String releaseCommit;
    private AlertStatus status;
    private int sequence;
    private long lastReportedCount;
    private long lastEmittedMs;
    private int episode = 1;

    /** Start of the span the current episode is judged on: the release (episode 1) or the previous resolution. */
    private long episodeStartMs;

    private String previousDedupKey;

    /** For Jackson. */
    AlertState() {}

    /** Not raised yet, about the release a signal was attributed to. */
    public static AlertState forRelease(final Signal s) {
        return forRelease(
                s.getReleaseId(),
                s.getReleaseCompletedTime() == null
                        ? s.getEventTime().toEpochMilli()
                        : s.getReleaseCompletedTime().toEpochMilli(),
                s.getReleaseComponents(),
                s.getReleaseLabel(),
                s.getReleaseCommit());
    }

    /** Not raised yet, about a release known by its fields (e.g. the org's live release, for an entry point that no longer runs). */
    public static AlertState forRelease(
            final String releaseId,
            final long completedMs,
            final List<String> components,
            final String label,
            final String commit) {
        final AlertState a = new AlertState();
        a.releaseId = releaseId;
        a.releaseCompletedMs = completedMs;
        a.episodeStartMs = completedMs;
        a.components = new ArrayList<>(components);
        a.releaseLabel = label;
        a.releaseCommit = commit;
        return a;
    }

    /** Not raised yet, about a regression without a deploy that started at {@code startMs}. */
    public static AlertState noDeploy(final long startMs) {
        final AlertState a = new AlertState();
        a.releaseCompletedMs = startMs;
        a.episodeStartMs = startMs;
        return a;
    }

    /** Records a transition (called by {@link AlertLifecycle}). */
    void moveTo(final AlertStatus next, final long reportedCount, final long now) {
        if (next != AlertStatus.TRIGGERED) {
            sequence++;
        }
        status = next;
        lastReportedCount = reportedCount;
        lastEmittedMs = now;
    }

    /**
     * Starts a new episode of a RESOLVED alert that regressed again: not raised, judged on the span
     * from its resolution, remembering the resolved incident's dedup key.
     */
    public void reopen(final String resolvedDedupKey) {
        if (status != AlertStatus.RESOLVED) {
            throw new IllegalStateException(
                    "Only a resolved alert can regress again, this one is " + status);
        }
        previousDedupKey = resolvedDedupKey;
        episode++;
        episodeStartMs = lastEmittedMs;
        status = null;
        sequence = 0;
        lastReportedCount = 0;
    }

    /**
     * Whether this state has nothing left to do as of {@code t}: never raised and its release's
     * window ({@code windowMs}) is over, or resolved more than {@code keepResolvedMs} ago.
     */
    public boolean expired(final long t, final long windowMs, final long keepResolvedMs) {
        return isPending() && t - releaseCompletedMs > windowMs
                || isResolved() && t - lastEmittedMs > keepResolvedMs;
    }

    public boolean isOpen() {
        return status == AlertStatus.TRIGGERED || status == AlertStatus.UPDATED;
    }

    /** Null-safe: the alert state exists and is open. */
    public static boolean openAlert(final AlertState a) {
        return a != null && a.isOpen();
    }

    /** Not raised yet (in this episode). */
    public boolean isPending() {
        return status == null;
    }

    public boolean isResolved() {
        return status == AlertStatus.RESOLVED;
    }

    public String releaseId() {
        return releaseId;
    }

    public boolean hasRelease() {
        return releaseId != null;
    }

    public long releaseCompletedMs() {
        return releaseCompletedMs;
    }

    /** Version or label of the release (CI/CD), or null. */
    public String releaseLabel() {
        return releaseLabel;
    }

    /** Commit of the release (CI/CD), or null. */
    public String releaseCommit() {
        return releaseCommit;
    }

    public List<String> components() {
        return components;
    }

    public AlertStatus status() {
        return status;
    }

    public int sequence() {
        return sequence;
    }

    public long lastReportedCount() {
        return lastReportedCount;
    }

    public long lastEmittedMs() {
        return lastEmittedMs;
    }

    public int episode() {
        return episode;
    }

    public long episodeStartMs() {
        return episodeStartMs;
    }

    public String previousDedupKey() {
        return previousDedupKey;
    }
}
