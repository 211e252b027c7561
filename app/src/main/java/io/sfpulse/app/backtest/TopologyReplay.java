package io.sfpulse.app.backtest;

import io.sfpulse.embedded.TemporaryDirectory;
import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.progress.SourceProgress;
import io.sfpulse.schemas.registry.MockSchemaRegistryClient;
import io.sfpulse.schemas.serde.SfpulseSerdes;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import io.sfpulse.schemas.verdict.ReleaseVerdict;
import io.sfpulse.streams.DetectionConfig;
import io.sfpulse.streams.DetectionTopology;
import io.sfpulse.streams.state.StateStores;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * Runs history through the same detection topology the service runs, in-process (Kafka Streams'
 * TopologyTestDriver; its own scoped schema registry, state in memory with no changelog), in event time: the
 * engine behind {@code sfpulse backtest} and the labelled detection suite. Not thread-safe.
 */
public final class TopologyReplay implements AutoCloseable {

    private final String scope = "replay-" + UUID.randomUUID();
    private final Topics topics;
    private final TopologyTestDriver driver;
    private final Map<String, TestInputTopic<String, SalesforceEvent>> channels = new HashMap<>();
    private final TestInputTopic<String, DeploymentMarker> markers;
    private final TestInputTopic<String, SourceProgress> progress;
    private final TestOutputTopic<String, Alert> alerts;
    private final TestOutputTopic<String, ReleaseVerdict> verdicts;
    private final TemporaryDirectory stateDir;
    private Instant last = Instant.EPOCH;
    private long events;

    /** @param settings detection settings (detector thresholds, channels); Kafka and registry settings are replaced */
    public TopologyReplay(final Map<String, ?> settings) {
        final Map<String, Object> props = new HashMap<>(settings);
        props.put(DetectionConfig.BOOTSTRAP_SERVERS_CONFIG, "replay:9092");
        props.put("schema.registry.url", "mock://" + scope);
        // A replay starts from nothing and never restores: state on the heap, no changelog records
        // to produce.
        props.put(DetectionConfig.STATE_STORES_CONFIG, StateStores.Kind.IN_MEMORY_UNLOGGED.value());
        final DetectionConfig config = new DetectionConfig(props);
        topics = Topics.create(new SfpulseSerdes(config.serdeConfig()));
        final Properties streams = config.streamsProperties();
        streams.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 0L);
        stateDir = TemporaryDirectory.create("sfpulse-replay");
        streams.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(DetectionTopology.build(config, topics), streams);
        markers =
                driver.createInputTopic(
                        TopicNames.DEPLOYMENT_MARKERS,
                        new StringSerializer(),
                        topics.deploymentMarkers().valueSerde().serializer());
        progress =
                driver.createInputTopic(
                        TopicNames.SOURCE_PROGRESS,
                        new StringSerializer(),
                        topics.sourceProgress().valueSerde().serializer());
        alerts =
                driver.createOutputTopic(
                        TopicNames.ALERTS,
                        new StringDeserializer(),
                        topics.alerts().valueSerde().deserializer());
        verdicts =
                driver.createOutputTopic(
                        TopicNames.VERDICTS,
                        new StringDeserializer(),
                        topics.verdicts().valueSerde().deserializer());
    }

    /** Feeds one raw event, keyed by org, at its event time. */
    public void event(final SalesforceEvent e) {
        channels.computeIfAbsent(
                        e.getChannel(),
                        ch ->
                                driver.createInputTopic(
                                        TopicNames.forChannel(ch),
                                        new StringSerializer(),
                                        topics.channel(ch).valueSerde().serializer()))
                .pipeInput(e.getOrgId(), e, e.getEventTime());
        advance(e.getEventTime());
        events++;
    }

    /** Feeds one deployment marker at its completion time. */
    public void marker(final DeploymentMarker m) {
        markers.pipeInput(m.getOrgId(), m, m.getCompletedTime());
        advance(m.getCompletedTime());
    }

    /** Feeds one progress record of the ingest (a source delivered everything up to its time). */
    public void progress(final SourceProgress p) {
        progress.pipeInput(p.getOrgId(), p, p.getDeliveredThrough());
        advance(p.getDeliveredThrough());
    }

    private void advance(final Instant t) {
        if (t.isAfter(last)) {
            last = t;
        }
    }

    public long events() {
        return events;
    }

    /** The latest event time fed so far. */
    public Instant streamTime() {
        return last;
    }

    /** Alert states raised since the last call. */
    public List<Alert> alerts() {
        return alerts.readValuesToList();
    }

    /** Release verdicts emitted since the last call. */
    public List<ReleaseVerdict> verdicts() {
        return verdicts.readValuesToList();
    }

    @Override
    public void close() {
        try {
            driver.close();
        } finally {
            MockSchemaRegistryClient.dropScope(scope);
            stateDir.close();
        }
    }
}
