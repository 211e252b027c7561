package io.sfpulse.streams.verdict;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What is known of one release in one org while it is judged: the release, how much traffic it and
 * its components saw, the alerts detectors raised on it, and the latest verdict. Plain data kept in
 * binary ({@link io.sfpulse.streams.state.StateSerde}) in {@code release-verdicts-store}, key
 * {@code org|releaseId}; not thread-safe.
 */
public final class ReleaseOutcome {

    /** An alert on the release, as last seen. */
    public static final class AlertOutcome {
        public String detector;
        public String subject;
        public String severity;
        public String status;
        public String summary;
        public long triggeredAtMs;
    }

    public String orgId;
    public String releaseId;
    public String label;
    public String commit;
    public long liveAtMs;
    public List<String> components = new ArrayList<>();
    public long signals;
    public long failures;
    public Map<String, Long> componentExecutions = new LinkedHashMap<>();
    public Map<String, AlertOutcome> alerts = new LinkedHashMap<>();

    /** Checkpoints evaluated so far (index into the configured list). */
    public int checkpointsDone;

    public boolean finalized;
    public String supersededBy;

    /** Superseded by the same release under another id (a CI/CD marker merged into its DeployRequest). */
    public boolean merged;

    /** The newest earlier release that ended HEALTHY when this one went live (rollback target); null when none. */
    public String rollbackReleaseId;

    public String rollbackLabel;
    public String rollbackCommit;
    public long rollbackLiveAtMs;

    /** The latest verdict. */
    public String status = "PENDING";

    public List<String> reasons = new ArrayList<>();
    public long evaluatedAtMs;
    public Integer checkpointMinutes;

    public double minutesAfterRelease(final long atMs) {
        return (atMs - liveAtMs) / 60_000.0;
    }
}
