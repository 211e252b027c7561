package io.sfpulse.streams;

import io.sfpulse.schemas.serde.AvroSerdeConfig;
import io.sfpulse.streams.detector.PostDeployFailureSettings;
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

/** Settings of the detection application: Kafka Streams, inputs and each detector. */
public final class DetectionConfig extends AbstractConfig {

    public static final String APPLICATION_ID_CONFIG = "streams.application.id";
    public static final String BOOTSTRAP_SERVERS_CONFIG = "kafka.bootstrap.servers";
    public static final String STATE_DIR_CONFIG = "streams.state.dir";
    public static final String PROCESSING_GUARANTEE_CONFIG = "streams.processing.guarantee";
    public static final String COMMIT_INTERVAL_MS_CONFIG = "streams.commit.interval.ms";
    public static final String NUM_THREADS_CONFIG = "streams.num.threads";
    public static final String LEAVE_GROUP_ON_CLOSE_CONFIG = "streams.leave.group.on.close";
    /** Any key under this prefix goes to Kafka Streams as is, e.g. {@code streams.kafka.security.protocol}. */
    public static final String STREAMS_OVERRIDE_PREFIX = "streams.kafka.";
    public static final String FAILURE_CHANNELS_CONFIG = "streams.failure.channels";
    public static final String JOIN_GRACE_MS_CONFIG = "streams.join.grace.ms";
    public static final String MARKER_HISTORY_MS_CONFIG = "streams.marker.history.ms";
    public static final String PD_WINDOW_MS_CONFIG = "detector.post-deploy-failures.window.ms";
    public static final String PD_BASELINE_MS_CONFIG = "detector.post-deploy-failures.baseline.ms";
    public static final String PD_RESOLVE_WINDOW_MS_CONFIG = "detector.post-deploy-failures.resolve.window.ms";
    public static final String PD_ALPHA_CONFIG = "detector.post-deploy-failures.alpha";
    public static final String PD_MIN_COUNT_CONFIG = "detector.post-deploy-failures.min.count";
    public static final String PD_MIN_RATIO_CONFIG = "detector.post-deploy-failures.min.ratio";
    public static final String PD_MIN_BASELINE_MS_CONFIG = "detector.post-deploy-failures.min.baseline.ms";
    public static final String PD_COOLDOWN_MS_CONFIG = "detector.post-deploy-failures.cooldown.ms";
    public static final String PD_NO_DEPLOY_WINDOW_MS_CONFIG = "detector.post-deploy-failures.no-deploy.window.ms";
    public static final String DA_NO_DEPLOY_WINDOW_MS_CONFIG = "detector.data-anomalies.no-deploy.window.ms";
    public static final String DA_MIN_NULL_BASELINE_CONFIG = "detector.data-anomalies.null-rate.min.baseline.updates";
    public static final String LS_NO_DEPLOY_WINDOW_MS_CONFIG = "detector.latency-spikes.no-deploy.window.ms";

    public static final String NE_WINDOW_MS_CONFIG = "detector.new-error-types.window.ms";
    public static final String NE_LOOKBACK_MS_CONFIG = "detector.new-error-types.lookback.ms";
    public static final String NE_MIN_LOOKBACK_MS_CONFIG = "detector.new-error-types.min.lookback.ms";
    public static final String NE_MIN_COUNT_CONFIG = "detector.new-error-types.min.count";
    public static final String NE_QUIET_MS_CONFIG = "detector.new-error-types.quiet.ms";

    public static final String LATENCY_CHANNELS_CONFIG = "streams.latency.channels";
    public static final String DATA_CHANNELS_CONFIG = "streams.data.channels";
    public static final String DA_WINDOW_MS_CONFIG = "detector.data-anomalies.window.ms";
    public static final String DA_BASELINE_MS_CONFIG = "detector.data-anomalies.baseline.ms";
    public static final String DA_ALPHA_CONFIG = "detector.data-anomalies.alpha";
    public static final String DA_MIN_COUNT_CONFIG = "detector.data-anomalies.min.count";
    public static final String DA_MIN_RATIO_CONFIG = "detector.data-anomalies.min.ratio";
    public static final String LS_WINDOW_MS_CONFIG = "detector.latency-spikes.window.ms";
    public static final String LS_BASELINE_MS_CONFIG = "detector.latency-spikes.baseline.ms";
    public static final String LS_ALPHA_CONFIG = "detector.latency-spikes.alpha";
    public static final String LS_MIN_BASELINE_CONFIG = "detector.latency-spikes.min.baseline.samples";
    public static final String LS_MIN_SAMPLES_CONFIG = "detector.latency-spikes.min.samples";
    public static final String LS_MIN_RATIO_CONFIG = "detector.latency-spikes.min.p95.ratio";
    public static final String LS_QUIET_MS_CONFIG = "detector.latency-spikes.quiet.ms";

    private static final PostDeployFailureSettings D = PostDeployFailureSettings.defaults();
    private static final io.sfpulse.streams.detector.LatencySpikeEvaluator.Settings LS =
        io.sfpulse.streams.detector.LatencySpikeEvaluator.Settings.defaults();
    private static final io.sfpulse.streams.detector.NewErrorTypeEvaluator.Settings NE =
        io.sfpulse.streams.detector.NewErrorTypeEvaluator.Settings.defaults();

    public static final ConfigDef CONFIG_DEF = AvroSerdeConfig.configDef()
        .define(APPLICATION_ID_CONFIG, Type.STRING, "sfpulse-streams", Importance.HIGH, "Kafka Streams application.id; instances sharing it split the work.")
        .define(BOOTSTRAP_SERVERS_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH, "Kafka bootstrap servers.")
        .define(STATE_DIR_CONFIG, Type.STRING, System.getProperty("java.io.tmpdir") + "/sfpulse-streams", Importance.MEDIUM, "Local state directory.")
        .define(PROCESSING_GUARANTEE_CONFIG, Type.STRING, StreamsConfig.AT_LEAST_ONCE,
            ConfigDef.ValidString.in(StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2), Importance.MEDIUM,
            "at_least_once or exactly_once_v2 (needs 3 brokers by default, or transaction.state.log settings for one).")
        .define(COMMIT_INTERVAL_MS_CONFIG, Type.LONG, 1_000L, Importance.LOW, "How often progress is committed; low keeps alerts prompt.")
        .define(NUM_THREADS_CONFIG, Type.INT, 1, ConfigDef.Range.atLeast(1), Importance.MEDIUM, "Stream threads of this instance.")
        .define(LEAVE_GROUP_ON_CLOSE_CONFIG, Type.BOOLEAN, true, Importance.LOW,
            "Leave the consumer group on shutdown so the tasks move (or the restarted instance gets them back) at once instead of "
                + "after the session timeout; Kafka Streams' own default (false) only pays off with static membership.")
        .define(FAILURE_CHANNELS_CONFIG, Type.LIST, List.of("/event/LogEntryEvent__e", "/event/BatchApexErrorEvent"), Importance.HIGH,
            "Salesforce channels whose ingest topics carry failures (and observations).")
        .define(JOIN_GRACE_MS_CONFIG, Type.LONG, 60_000L, Importance.MEDIUM,
            "How long (event time) signals wait for a late deployment marker before being attributed to a release.")
        .define(MARKER_HISTORY_MS_CONFIG, Type.LONG, Duration.ofDays(30).toMillis(), Importance.LOW,
            "How far back the versioned marker store answers 'which release was live at t'.")
        .define(PD_WINDOW_MS_CONFIG, Type.LONG, D.window().toMillis(), Importance.MEDIUM, "Detection window after a deploy.")
        .define(PD_BASELINE_MS_CONFIG, Type.LONG, D.baseline().toMillis(), Importance.MEDIUM, "Baseline span before a deploy.")
        .define(PD_RESOLVE_WINDOW_MS_CONFIG, Type.LONG, D.resolveWindow().toMillis(), Importance.MEDIUM, "Recent span checked for auto-resolve.")
        .define(PD_ALPHA_CONFIG, Type.DOUBLE, D.alpha(), ConfigDef.Range.between(1e-12, 0.5), Importance.MEDIUM, "Significance level.")
        .define(PD_MIN_COUNT_CONFIG, Type.LONG, D.minCount(), ConfigDef.Range.atLeast(1), Importance.MEDIUM, "Fewest failures that can trigger.")
        .define(PD_MIN_RATIO_CONFIG, Type.DOUBLE, D.minRatio(), ConfigDef.Range.atLeast(1.0), Importance.MEDIUM, "Smallest rate ratio that triggers.")
        .define(PD_MIN_BASELINE_MS_CONFIG, Type.LONG, D.minBaseline().toMillis(), Importance.LOW, "Shortest observed baseline for a conclusive test.")
        .define(PD_COOLDOWN_MS_CONFIG, Type.LONG, D.cooldown().toMillis(), Importance.LOW, "Least event time between UPDATED states.")
        .define(PD_NO_DEPLOY_WINDOW_MS_CONFIG, Type.LONG, D.noDeployWindow().toMillis(), ConfigDef.Range.atLeast(0), Importance.MEDIUM,
            "Regressions without a deploy: when no release is in its detection window, the last span this long is compared with the "
                + "baseline span before it; 0 disables.")
        .define(DA_NO_DEPLOY_WINDOW_MS_CONFIG, Type.LONG, D.noDeployWindow().toMillis(), ConfigDef.Range.atLeast(0), Importance.MEDIUM,
            "As " + PD_NO_DEPLOY_WINDOW_MS_CONFIG + ", for data anomalies.")
        .define(DA_MIN_NULL_BASELINE_CONFIG, Type.LONG, 30L, ConfigDef.Range.atLeast(1), Importance.LOW,
            "Fewest baseline updates of an entity before a null-rate shift of one of its fields can be called.")
        .define(LS_NO_DEPLOY_WINDOW_MS_CONFIG, Type.LONG, LS.noDeployWindow().toMillis(), ConfigDef.Range.atLeast(0), Importance.MEDIUM,
            "Latency against a rolling baseline: when no release is in its window, the last span this long (whole 5-minute buckets) "
                + "is compared with the baseline span before it; 0 disables.")
        .define(LATENCY_CHANNELS_CONFIG, Type.LIST, List.of("/event/ApiEventStream", "/event/LightningUriEventStream", "elf/ApexExecution",
            "elf/RestApi", "elf/LightningPageView", "elf/ApexUnexpectedException"), Importance.MEDIUM,
            "Channels whose ingest topics carry latencies (and failures such as 5xx REST calls).")
        .define(DATA_CHANNELS_CONFIG, Type.LIST, List.of("/data/ChangeEvents"), Importance.MEDIUM, "Change Data Capture channels read.")
        .define(DA_WINDOW_MS_CONFIG, Type.LONG, Duration.ofHours(1).toMillis(), Importance.MEDIUM, "Detection window after a deploy.")
        .define(DA_BASELINE_MS_CONFIG, Type.LONG, Duration.ofHours(2).toMillis(), Importance.MEDIUM, "Baseline span before a deploy.")
        .define(DA_ALPHA_CONFIG, Type.DOUBLE, 0.001, ConfigDef.Range.between(1e-12, 0.5), Importance.MEDIUM, "Significance level.")
        .define(DA_MIN_COUNT_CONFIG, Type.LONG, 20L, ConfigDef.Range.atLeast(1), Importance.MEDIUM, "Fewest records changed before an anomaly can alert.")
        .define(DA_MIN_RATIO_CONFIG, Type.DOUBLE, 3.0, ConfigDef.Range.atLeast(1.0), Importance.MEDIUM, "Smallest rate ratio that alerts.")
        .define(LS_WINDOW_MS_CONFIG, Type.LONG, LS.window().toMillis(), Importance.MEDIUM, "Detection window after a deploy.")
        .define(LS_BASELINE_MS_CONFIG, Type.LONG, LS.baseline().toMillis(), Importance.MEDIUM, "Baseline span before a deploy.")
        .define(LS_ALPHA_CONFIG, Type.DOUBLE, LS.alpha(), ConfigDef.Range.between(1e-12, 0.5), Importance.MEDIUM, "Significance level.")
        .define(LS_MIN_BASELINE_CONFIG, Type.LONG, LS.minBaselineSamples(), ConfigDef.Range.atLeast(1), Importance.LOW, "Fewest baseline samples.")
        .define(LS_MIN_SAMPLES_CONFIG, Type.LONG, LS.minSamples(), ConfigDef.Range.atLeast(1), Importance.LOW, "Fewest post-deploy samples.")
        .define(LS_MIN_RATIO_CONFIG, Type.DOUBLE, LS.minRatio(), ConfigDef.Range.atLeast(1.0), Importance.MEDIUM, "Smallest p95 ratio that alerts.")
        .define(LS_QUIET_MS_CONFIG, Type.LONG, LS.quiet().toMillis(), Importance.LOW, "No samples for this long resolves a latency alert.")
        .define(NE_WINDOW_MS_CONFIG, Type.LONG, NE.window().toMillis(), Importance.MEDIUM, "A signature first seen this long after a deploy is attributed to it.")
        .define(NE_LOOKBACK_MS_CONFIG, Type.LONG, NE.lookback().toMillis(), Importance.MEDIUM, "How far back 'never seen before' looks.")
        .define(NE_MIN_LOOKBACK_MS_CONFIG, Type.LONG, NE.minLookback().toMillis(), Importance.LOW,
            "Least observed history before a deploy for 'new' to be conclusive.")
        .define(NE_MIN_COUNT_CONFIG, Type.INT, NE.minCount(), ConfigDef.Range.atLeast(1), Importance.MEDIUM, "Occurrences before a new signature alerts.")
        .define(NE_QUIET_MS_CONFIG, Type.LONG, NE.quiet().toMillis(), Importance.LOW, "No occurrence for this long resolves a new-error alert.");

    public DetectionConfig(final Map<?, ?> props) {
        super(CONFIG_DEF, props);
    }

    public Duration joinGrace() {
        return Duration.ofMillis(getLong(JOIN_GRACE_MS_CONFIG));
    }

    public Duration markerHistory() {
        return Duration.ofMillis(getLong(MARKER_HISTORY_MS_CONFIG));
    }

    public PostDeployFailureSettings postDeployFailures() {
        return new PostDeployFailureSettings(ms(PD_WINDOW_MS_CONFIG), ms(PD_BASELINE_MS_CONFIG), ms(PD_RESOLVE_WINDOW_MS_CONFIG),
            getDouble(PD_ALPHA_CONFIG), getLong(PD_MIN_COUNT_CONFIG), getDouble(PD_MIN_RATIO_CONFIG), ms(PD_MIN_BASELINE_MS_CONFIG),
            ms(PD_COOLDOWN_MS_CONFIG), ms(PD_NO_DEPLOY_WINDOW_MS_CONFIG));
    }

    /** Data anomalies use the exact rate test with their own thresholds (counts are records changed). */
    public PostDeployFailureSettings dataAnomalies() {
        return new PostDeployFailureSettings(ms(DA_WINDOW_MS_CONFIG), ms(DA_BASELINE_MS_CONFIG), ms(PD_RESOLVE_WINDOW_MS_CONFIG),
            getDouble(DA_ALPHA_CONFIG), getLong(DA_MIN_COUNT_CONFIG), getDouble(DA_MIN_RATIO_CONFIG), ms(PD_MIN_BASELINE_MS_CONFIG),
            ms(PD_COOLDOWN_MS_CONFIG), ms(DA_NO_DEPLOY_WINDOW_MS_CONFIG));
    }

    /** Fewest baseline updates of an entity for a conclusive null-rate test. */
    public long minNullRateBaselineUpdates() {
        return getLong(DA_MIN_NULL_BASELINE_CONFIG);
    }

    public io.sfpulse.streams.detector.LatencySpikeEvaluator.Settings latencySpikes() {
        return new io.sfpulse.streams.detector.LatencySpikeEvaluator.Settings(ms(LS_WINDOW_MS_CONFIG), ms(LS_BASELINE_MS_CONFIG),
            getDouble(LS_ALPHA_CONFIG), getLong(LS_MIN_BASELINE_CONFIG), getLong(LS_MIN_SAMPLES_CONFIG), getDouble(LS_MIN_RATIO_CONFIG),
            ms(LS_QUIET_MS_CONFIG), ms(LS_NO_DEPLOY_WINDOW_MS_CONFIG));
    }

    /** Failure and latency channels together: everything the topology reads. */
    public List<String> inputChannels() {
        final java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(getList(FAILURE_CHANNELS_CONFIG));
        all.addAll(getList(LATENCY_CHANNELS_CONFIG));
        all.addAll(getList(DATA_CHANNELS_CONFIG));
        return List.copyOf(all);
    }

    public io.sfpulse.streams.detector.NewErrorTypeEvaluator.Settings newErrorTypes() {
        return new io.sfpulse.streams.detector.NewErrorTypeEvaluator.Settings(ms(NE_WINDOW_MS_CONFIG), ms(NE_LOOKBACK_MS_CONFIG),
            ms(NE_MIN_LOOKBACK_MS_CONFIG), getInt(NE_MIN_COUNT_CONFIG), ms(NE_QUIET_MS_CONFIG));
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
        // Nothing silent, nothing stalls: undecodable records and records a processor cannot handle are logged,
        // counted (dropped-records metric) and written to the streams dead-letter topic; processing continues.
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
            org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler.class);
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, io.sfpulse.schemas.topic.TopicNames.STREAMS_DLQ);
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        // 0 = Kafka Streams still waits until every input partition's lag is known and fetches what is on the broker
        // before picking the next record by timestamp (so a backlog of signals never overtakes the markers already
        // written), but does not idle for data not yet produced: late markers are the grace buffer's job. A positive
        // value idles once per empty, caught-up partition, one after another (measured: ~2 s x 8 empty input topics
        // before the first signal of a fresh start, and a stall each time a sparse topic such as the markers drains).
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 0L);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        // Pass-through for everything else Kafka Streams and its clients accept (security, timeouts, ...).
        p.putAll(originalsWithPrefix(STREAMS_OVERRIDE_PREFIX, true));
        return p;
    }

    private Duration ms(final String key) {
        return Duration.ofMillis(getLong(key));
    }
}
