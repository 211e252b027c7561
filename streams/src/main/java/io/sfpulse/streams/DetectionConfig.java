package io.sfpulse.streams;

import io.sfpulse.schemas.config.ConfigGroup;
import io.sfpulse.schemas.serde.AvroSerdeConfig;
import io.sfpulse.streams.detector.Detector;
import io.sfpulse.streams.detector.Detectors;
import io.sfpulse.streams.state.StateStores;
import io.sfpulse.streams.verdict.VerdictSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/** Settings of the detection application: Kafka Streams, inputs and each detector (each detector defines its own group, see {@link Detectors}). */
public final class DetectionConfig extends AbstractConfig {

    public static final String APPLICATION_ID_CONFIG = "streams.application.id";
    public static final String BOOTSTRAP_SERVERS_CONFIG = "kafka.bootstrap.servers";
    public static final String STATE_DIR_CONFIG = "streams.state.dir";
    public static final String STATE_STORES_CONFIG = "streams.state.stores";
    public static final String PROCESSING_GUARANTEE_CONFIG = "streams.processing.guarantee";
    public static final String COMMIT_INTERVAL_MS_CONFIG = "streams.commit.interval.ms";
    public static final String NUM_THREADS_CONFIG = "streams.num.threads";
    public static final String LEAVE_GROUP_ON_CLOSE_CONFIG = "streams.leave.group.on.close";

    /** Any key under this prefix goes to Kafka Streams as is, e.g. {@code streams.kafka.security.protocol}. */
    public static final String STREAMS_OVERRIDE_PREFIX = "streams.kafka.";

    public static final String FAILURE_CHANNELS_CONFIG = "streams.failure.channels";
    private static final String FAILURE_CHANNELS_DOC =
            "Salesforce channels whose ingest topics carry failures (and observations).";
    public static final String LATENCY_CHANNELS_CONFIG = "streams.latency.channels";
    private static final String LATENCY_CHANNELS_DOC =
            "Channels whose ingest topics carry latencies, failures such as 5xx REST calls, and requests (API calls and "
                    + "Apex callouts with their client or host and outcome, for the integration-failures detector).";
    public static final String THREAT_CHANNELS_CONFIG = "streams.threat.channels";
    private static final String THREAT_CHANNELS_DOC =
            "Real-Time Event Monitoring threat-detection channels read (/event/ApiAnomalyEvent, /event/CredentialStuffingEvent, "
                    + "/event/SessionHijackingEvent, /event/ReportAnomalyEvent, /event/LoginAnomalyEvent, /event/GuestUserAnomalyEvent), "
                    + "each detection an alert of the threat-events detector; subscribe them in salesforce.channels too (Event Monitoring).";
    public static final String ACTIVITY_CHANNELS_CONFIG = "streams.activity.channels";
    private static final String ACTIVITY_CHANNELS_DOC =
            "Further channels whose events are activity of an entry point, for the absent-activity "
                    + "detector: custom platform events (each its own entry point, e.g. /event/Order_Created__e) and elf/FlowExecution. Nebula Logger "
                    + "entries that name their origin are activity already.";
    public static final String DATA_CHANNELS_CONFIG = "streams.data.channels";
    private static final String DATA_CHANNELS_DOC = "Change Data Capture channels read.";
    public static final String CATEGORY_FIELDS_CONFIG = "streams.category.fields";
    private static final String CATEGORY_FIELDS_DOC =
            "Picklist and category fields (Entity.Field) whose values change events carry into their "
                    + "data-change signals (attribute value.<Field>), for the value-shift detector; a CREATE reports the values set, an UPDATE the "
                    + "values changed, a nulled field '(none)'.";
    public static final String INTEGRATION_USERS_CONFIG = "streams.integration.users";
    private static final String INTEGRATION_USERS_DOC =
            "Ids of integration users (15 or 18 characters) whose Change Data Capture changes are also activity of an entry point "
                    + "'changes by integration user <id>', for the absent-activity detector: a sync that stops is seen as its user's silence.";
    public static final String LIMITS_CHANNELS_CONFIG = "streams.limits.channels";
    private static final String LIMITS_CHANNELS_DOC =
            "Channels of polled org-limit snapshots (the ingest's /limits poller writes rest/limits), for the limit-exhaustion detector.";
    public static final String JOIN_GRACE_MS_CONFIG = "streams.join.grace.ms";
    private static final String JOIN_GRACE_MS_DOC =
            "How long (event time) signals wait for a late deployment marker before being attributed to a release.";
    public static final String MARKER_HISTORY_MS_CONFIG = "streams.marker.history.ms";
    private static final String MARKER_HISTORY_MS_DOC =
            "How far back the versioned marker store answers 'which release was live at t'.";
    public static final String RELEASE_MERGE_WINDOW_MS_CONFIG = "streams.release.merge.window.ms";
    private static final String RELEASE_MERGE_WINDOW_MS_DOC =
            "A CI/CD marker that completed within this long of a DeployRequest with the "
                    + "same components (or none listed) is the same release, as is one that names the deploy id: one release, not two.";
    public static final String DEDUPE_WINDOW_MS_CONFIG = "streams.dedupe.window.ms";
    private static final String DEDUPE_WINDOW_MS_DOC =
            "How long (event time) an event id is remembered to drop redeliveries of the same "
                    + "Salesforce event (EventUuid, else channel + replay id); 0 disables.";

    public static final String GROUP_STREAMS = "Kafka Streams";
    public static final String GROUP_INPUTS = "Inputs and release attribution";

    private static final String APPLICATION_ID_DOC =
            "Kafka Streams application.id; instances sharing it split the work.";
    private static final String BOOTSTRAP_SERVERS_DOC = "Kafka bootstrap servers.";
    private static final String STATE_DIR_DOC = "Local state directory.";
    private static final String STATE_STORES_DOC =
            "Where detection keeps its state: rocksdb (on disk, changelogged: restarts and "
                    + "moved tasks restore it), in-memory (on the heap, changelogged: every start restores it from the changelog), or "
                    + "in-memory-unlogged (on the heap, no changelog: state is lost with the process; only for replays, which start from "
                    + "nothing and never restore - backtests and the labelled suite use it).";
    private static final String PROCESSING_GUARANTEE_DOC =
            "at_least_once or exactly_once_v2 (needs 3 brokers by default, or transaction.state.log settings for one).";
    private static final String COMMIT_INTERVAL_MS_DOC =
            "How often progress is committed; low keeps alerts prompt.";
    private static final String NUM_THREADS_DOC = "Stream threads of this instance.";
    private static final String LEAVE_GROUP_ON_CLOSE_DOC =
            "Leave the consumer group on shutdown so the tasks move (or the restarted "
                    + "instance gets them back) at once instead of after the session timeout; Kafka Streams' own default (false) only pays off "
                    + "with static membership.";

    public static final ConfigDef CONFIG_DEF =
            VerdictSettings.define(Detectors.define(inputs(streams(AvroSerdeConfig.configDef()))));

    private static ConfigDef streams(final ConfigDef def) {
        return ConfigGroup.of(def, GROUP_STREAMS)
                .define(
                        APPLICATION_ID_CONFIG,
                        Type.STRING,
                        "sfpulse-streams",
                        Importance.HIGH,
                        APPLICATION_ID_DOC)
                .define(
                        BOOTSTRAP_SERVERS_CONFIG,
                        Type.STRING,
                        ConfigDef.NO_DEFAULT_VALUE,
                        Importance.HIGH,
                        BOOTSTRAP_SERVERS_DOC)
                .define(
                        STATE_DIR_CONFIG,
                        Type.STRING,
                        System.getProperty("java.io.tmpdir") + "/sfpulse-streams",
                        Importance.MEDIUM,
                        STATE_DIR_DOC)
                .define(
                        STATE_STORES_CONFIG,
                        Type.STRING,
                        StateStores.Kind.ROCKSDB.value(),
                        ConfigDef.ValidString.in(StateStores.Kind.names().toArray(String[]::new)),
                        Importance.LOW,
                        STATE_STORES_DOC)
                .define(
                        PROCESSING_GUARANTEE_CONFIG,
                        Type.STRING,
                        StreamsConfig.AT_LEAST_ONCE,
                        ConfigDef.ValidString.in(
                                StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2),
                        Importance.MEDIUM,
                        PROCESSING_GUARANTEE_DOC)
                .define(
                        COMMIT_INTERVAL_MS_CONFIG,
                        Type.LONG,
                        1_000L,
                        Importance.LOW,
                        COMMIT_INTERVAL_MS_DOC)
                .define(
                        NUM_THREADS_CONFIG,
                        Type.INT,
                        1,
                        ConfigDef.Range.atLeast(1),
                        Importance.MEDIUM,
                        NUM_THREADS_DOC)
                .define(
                        LEAVE_GROUP_ON_CLOSE_CONFIG,
                        Type.BOOLEAN,
                        true,
                        Importance.LOW,
                        LEAVE_GROUP_ON_CLOSE_DOC)
                .configDef();
    }

    private static ConfigDef inputs(final ConfigDef def) {
        return ConfigGroup.of(def, GROUP_INPUTS)
                .define(
                        FAILURE_CHANNELS_CONFIG,
                        Type.LIST,
                        List.of("/event/LogEntryEvent__e", "/event/BatchApexErrorEvent"),
                        Importance.HIGH,
                        FAILURE_CHANNELS_DOC)
                .define(
                        LATENCY_CHANNELS_CONFIG,
                        Type.LIST,
                        List.of(
                                "/event/ApiEventStream",
                                "/event/LightningUriEventStream",
                                "elf/ApexExecution",
                                "elf/RestApi",
                                "elf/API",
                                "elf/ApexCallout",
                                "elf/ApiTotalUsage",
                                "elf/LightningPageView",
                                "elf/ApexUnexpectedException"),
                        Importance.MEDIUM,
                        LATENCY_CHANNELS_DOC)
                .define(
                        DATA_CHANNELS_CONFIG,
                        Type.LIST,
                        List.of("/data/ChangeEvents"),
                        Importance.MEDIUM,
                        DATA_CHANNELS_DOC)
                .define(
                        ACTIVITY_CHANNELS_CONFIG,
                        Type.LIST,
                        List.of(),
                        Importance.MEDIUM,
                        ACTIVITY_CHANNELS_DOC)
                .define(
                        THREAT_CHANNELS_CONFIG,
                        Type.LIST,
                        List.of(),
                        Importance.MEDIUM,
                        THREAT_CHANNELS_DOC)
                .define(
                        INTEGRATION_USERS_CONFIG,
                        Type.LIST,
                        List.of(),
                        Importance.MEDIUM,
                        INTEGRATION_USERS_DOC)
                .define(
                        LIMITS_CHANNELS_CONFIG,
                        Type.LIST,
                        List.of("rest/limits"),
                        Importance.MEDIUM,
                        LIMITS_CHANNELS_DOC)
                .define(
                        CATEGORY_FIELDS_CONFIG,
                        Type.LIST,
                        List.of(
                                "Case.Status",
                                "Case.Priority",
                                "Case.Origin",
                                "Lead.Status",
                                "Opportunity.StageName",
                                "Account.Rating"),
                        Importance.MEDIUM,
                        CATEGORY_FIELDS_DOC)
                .define(
                        JOIN_GRACE_MS_CONFIG,
                        Type.LONG,
                        60_000L,
                        ConfigDef.Range.atLeast(0),
                        Importance.MEDIUM,
                        JOIN_GRACE_MS_DOC)
                .define(
                        MARKER_HISTORY_MS_CONFIG,
                        Type.LONG,
                        Duration.ofDays(30).toMillis(),
                        Importance.LOW,
                        MARKER_HISTORY_MS_DOC)
                .define(
                        RELEASE_MERGE_WINDOW_MS_CONFIG,
                        Type.LONG,
                        Duration.ofMinutes(15).toMillis(),
                        ConfigDef.Range.atLeast(0),
                        Importance.LOW,
                        RELEASE_MERGE_WINDOW_MS_DOC)
                .define(
                        DEDUPE_WINDOW_MS_CONFIG,
                        Type.LONG,
                        Duration.ofHours(1).toMillis(),
                        ConfigDef.Range.atLeast(0),
                        Importance.LOW,
                        DEDUPE_WINDOW_MS_DOC)
                .configDef();
    }

    public DetectionConfig(final Map<?, ?> props) {
        super(CONFIG_DEF, props);
    }

    public Duration joinGrace() {
        return Duration.ofMillis(getLong(JOIN_GRACE_MS_CONFIG));
    }

    public Duration markerHistory() {
        return Duration.ofMillis(getLong(MARKER_HISTORY_MS_CONFIG));
    }

    public Duration releaseMergeWindow() {
        return Duration.ofMillis(getLong(RELEASE_MERGE_WINDOW_MS_CONFIG));
    }

    /** How long event ids are remembered for deduplication (zero: no deduplication). */
    public Duration dedupeWindow() {
        return Duration.ofMillis(getLong(DEDUPE_WINDOW_MS_CONFIG));
    }

    /** The kind of state store every stateful operator of the topology uses. */
    public StateStores stateStores() {
        return new StateStores(StateStores.Kind.of(getString(STATE_STORES_CONFIG)));
    }

    /** Every detector, configured from this configuration. */
    public List<Detector> detectors() {
        return Detectors.configured(this);
    }

    /** When and how releases are judged. */
    public VerdictSettings verdictSettings() {
        return VerdictSettings.from(this);
    }

    /** The category fields (Entity.Field) whose values data-change signals carry. */
    public java.util.Set<String> categoryFields() {
        return java.util.Set.copyOf(getList(CATEGORY_FIELDS_CONFIG));
    }

    /** The integration users whose changes are activity of their own. */
    public java.util.Set<String> integrationUsers() {
        return java.util.Set.copyOf(getList(INTEGRATION_USERS_CONFIG));
    }

    /** Failure, latency, data, activity, threat and limits channels together: everything the topology reads. */
    public List<String> inputChannels() {
        final java.util.LinkedHashSet<String> all =
                new java.util.LinkedHashSet<>(getList(FAILURE_CHANNELS_CONFIG));
        all.addAll(getList(LATENCY_CHANNELS_CONFIG));
        all.addAll(getList(DATA_CHANNELS_CONFIG));
        all.addAll(getList(ACTIVITY_CHANNELS_CONFIG));
        all.addAll(getList(THREAT_CHANNELS_CONFIG));
        all.addAll(getList(LIMITS_CHANNELS_CONFIG));
        return List.copyOf(all);
    }

    /** Serde settings (registry URL and credentials) for the topic catalogue. */
    public Map<String, Object> serdeConfig() {
        return originalsWithPrefix("", true).entrySet().stream()
                .filter(e -> AvroSerdeConfig.configDef().names().contains(e.getKey()))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** Kafka Streams properties. */
    public Properties streamsProperties() {
        final Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, getString(APPLICATION_ID_CONFIG));
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, getString(BOOTSTRAP_SERVERS_CONFIG));
        p.put(StreamsConfig.STATE_DIR_CONFIG, getString(STATE_DIR_CONFIG));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, getString(PROCESSING_GUARANTEE_CONFIG));
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, getLong(COMMIT_INTERVAL_MS_CONFIG));
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, getInt(NUM_THREADS_CONFIG));
        // Nothing silent, nothing stalls: undecodable records and records a processor cannot handle
        // are logged,
        // counted (dropped-records metric) and written to the streams dead-letter topic; processing
        // continues.
        p.put(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class);
        p.put(
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler.class);
        p.put(
                StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
                io.sfpulse.schemas.topic.TopicNames.STREAMS_DLQ);
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        // 0 = Kafka Streams still waits until every input partition's lag is known and fetches what
        // is on the broker
        // before picking the next record by timestamp (so a backlog of signals never overtakes the
        // markers already
        // written), but does not idle for data not yet produced: late markers are the grace
        // buffer's job. A positive
        // value idles once per empty, caught-up partition, one after another (measured: ~2 s x 8
        // empty input topics
        // before the first signal of a fresh start, and a stall each time a sparse topic such as
        // the markers drains).
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 0L);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        // Pass-through for everything else Kafka Streams and its clients accept (security,
        // timeouts, ...).
        p.putAll(originalsWithPrefix(STREAMS_OVERRIDE_PREFIX, true));
        return p;
    }
}
