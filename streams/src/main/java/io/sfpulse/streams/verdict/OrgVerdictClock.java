package io.sfpulse.streams.verdict;

import java.util.ArrayList;
import java.util.List;

/**
 * Per org, the releases still being judged and when the next checkpoint of any of them is due (org
 * event time), so a signal loads a release's outcome only when there is something to evaluate. Plain
 * data in {@code release-verdicts-clock-store}, key org; not thread-safe.
 */
public final class OrgVerdictClock {

    /** Release ids still judged, oldest first. */
    public List<String> pending = new ArrayList<>();

    /** Earliest due checkpoint of the pending releases; {@code Long.MAX_VALUE} when none. */
    public long nextDueMs = Long.MAX_VALUE;

    /** The newest release tracked (by the instant it went live). */
    public String latestReleaseId;

    public long latestLiveAtMs = Long.MIN_VALUE;

    /** The newest release whose final verdict was HEALTHY (the rollback target of the releases after it); null when none. */
    public String healthyReleaseId;

    public String healthyLabel;
    public String healthyCommit;
    public long healthyLiveAtMs;
}
