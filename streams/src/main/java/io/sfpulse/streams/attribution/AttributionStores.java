package io.sfpulse.streams.attribution;

/** Names of the state stores release attribution owns; the health read models query some of them. */
public final class AttributionStores {

    /** Releases per org, versioned by the instant each went live. */
    public static final String RELEASES = "deploy-markers-store";

    /** Every marker (releases and attempts: failed, canceled, check-only) by {@code org|deployId}. */
    public static final String MARKERS_BY_ID = "deploy-markers-by-id-store";

    /** Per org and source, the org time up to which the source has delivered everything. */
    public static final String SOURCE_PROGRESS = "source-progress-store";

    /** Signals waiting out the join grace before release attribution. */
    public static final String GRACE_BUFFER = "attribute-release-buffer";

    private AttributionStores() {}
}
