package io.sfpulse.streams.health;

import java.time.Duration;

/** Names of the read-model stores behind the release-health page (built from the output topics). */
public final class ReadModelStores {

    /** Latest state, first trigger and resolution per alert (dedup key). */
    public static final String ALERT_HISTORY = "alert-history-store";

    /** 5-minute signal counts per org, for before/after charts. */
    public static final String SIGNAL_BUCKETS = "signal-buckets-store";

    public static final Duration BUCKET = Duration.ofMinutes(5);

    /** Hourly page views and viewers per org, app and Lightning page, for release adoption. */
    public static final String ADOPTION_BUCKETS = "adoption-buckets-store";

    public static final Duration ADOPTION_BUCKET = Duration.ofHours(1);

    private ReadModelStores() {}
}
