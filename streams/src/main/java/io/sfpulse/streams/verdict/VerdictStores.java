package io.sfpulse.streams.verdict;

/** Names of the verdict processor's stores. */
public final class VerdictStores {

    /** {@code org|releaseId} -> {@link ReleaseOutcome}: exposure, alerts and the latest verdict of every release judged. */
    public static final String OUTCOMES = "release-verdicts-store";

    /** org -> {@link OrgVerdictClock}. */
    public static final String CLOCKS = "release-verdicts-clock-store";

    private VerdictStores() {}

    /** Key of a release's outcome; a prefix scan of {@code org|} lists the org's releases. */
    public static String key(final String org, final String releaseId) {
        return org + "|" + releaseId;
    }
}
