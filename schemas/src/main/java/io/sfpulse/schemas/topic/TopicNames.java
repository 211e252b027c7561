package io.sfpulse.schemas.topic;

/** Topic names, the only place they are spelled. Pattern: {@code sfpulse.<module>.<dataset>.v<major>}. */
public final class TopicNames {

    /** Prefix of per-channel ingest topics: {@code sfpulse.ingest.<channel-slug>.v1}. */
    public static final String INGEST_PREFIX = "sfpulse.ingest.";

    public static final String DEPLOYMENT_MARKERS = "sfpulse.ingest.deployment-markers.v1";
    public static final String INGEST_DLQ = "sfpulse.ingest.dlq.v1";

    /** How far each source of each org has delivered ({@code SourceProgress}, keyed by org id, co-partitioned with the event topics). */
    public static final String SOURCE_PROGRESS = "sfpulse.ingest.progress.v1";

    public static final String ALERTS = "sfpulse.streams.alerts.v1";

    /** One verdict per release and org, re-evaluated at each checkpoint ({@code ReleaseVerdict}, keyed by {@code org|releaseId}). */
    public static final String VERDICTS = "sfpulse.streams.verdicts.v1";

    public static final String SIGNALS_ENRICHED = "sfpulse.streams.signals-enriched.v1";
    public static final String STREAMS_DLQ = "sfpulse.streams.dlq.v1";
    public static final String DELIVERIES = "sfpulse.sink.deliveries.v1";

    /** Silences ({@code Silence}, keyed by id, compacted): written by the operations API, read by the sink. */
    public static final String SILENCES = "sfpulse.sink.silences.v1";

    public static final String SINK_DLQ = "sfpulse.sink.alerts-dlq.v1";
    public static final String SCHEMA_REGISTRY = "sfpulse.schemas.registry.v1";

    /** Kafka Connect worker internals (offsets hold Salesforce replay ids and poll cursors). */
    public static final String CONNECT_OFFSETS = "sfpulse.connect.offsets";

    public static final String CONNECT_CONFIGS = "sfpulse.connect.configs";
    public static final String CONNECT_STATUS = "sfpulse.connect.status";

    private TopicNames() {}

    /**
     * Topic for a Salesforce channel: {@code /event/LogEntryEvent__e} becomes
     * {@code sfpulse.ingest.event-logentryevent-e.v1}. Underscores are never used (Kafka warns that
     * '.' and '_' collide in metric names).
     */
    public static String forChannel(final String channel) {
        // Called per record by the ingest (measured: compiling these patterns anew each call was a
        // third of the
        // EventLogFile poll thread's time); a deployment has a handful of channels, so the names
        // are kept.
        return TOPIC_OF_CHANNEL.computeIfAbsent(channel, TopicNames::slugOf);
    }

    private static final java.util.Map<String, String> TOPIC_OF_CHANNEL =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.regex.Pattern LEADING_SLASHES =
            java.util.regex.Pattern.compile("^/+");
    private static final java.util.regex.Pattern NON_ALPHANUMERIC =
            java.util.regex.Pattern.compile("[^a-z0-9]+");
    private static final java.util.regex.Pattern EDGE_DASHES =
            java.util.regex.Pattern.compile("^-+|-+$");

    private static String slugOf(final String channel) {
        final String lower =
                LEADING_SLASHES.matcher(channel).replaceAll("").toLowerCase(java.util.Locale.ROOT);
        final String slug =
                EDGE_DASHES.matcher(NON_ALPHANUMERIC.matcher(lower).replaceAll("-")).replaceAll("");
        return INGEST_PREFIX + slug + ".v1";
    }
}
