package io.sfpulse.streams;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.progress.ProgressTransport;
import io.sfpulse.schemas.progress.SourceProgress;
import io.sfpulse.schemas.registry.MockSchemaRegistryClient;
import io.sfpulse.schemas.serde.SfpulseSerdes;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import io.sfpulse.schemas.verdict.ReleaseVerdict;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The whole detection topology on a {@link TopologyTestDriver} (no broker): events piped to their
 * channel's topic at their event time, progress records, deployment markers, and the alert states
 * it emitted, per detector, and the release verdicts. Join grace 0 and no task idling, so every record is processed at once.
 */
final class DetectionDriver implements AutoCloseable {

    private final String scope;
    private final TopologyTestDriver driver;
    private final Topics topics;
    private final Map<String, TestInputTopic<String, SalesforceEvent>> channels = new HashMap<>();
    private final TestInputTopic<String, SourceProgress> progress;
    private final TestInputTopic<String, DeploymentMarker> markers;
    private final TestOutputTopic<String, Alert> alerts;
    private final List<Alert> emitted = new ArrayList<>();
    private final TestOutputTopic<String, ReleaseVerdict> verdicts;
    private final List<ReleaseVerdict> verdictsEmitted = new ArrayList<>();

    DetectionDriver(final Path stateDir, final String scope, final Map<String, String> overrides) {
        this.scope = scope;
        final Map<String, String> settings =
                new HashMap<>(
                        Map.of(
                                DetectionConfig.BOOTSTRAP_SERVERS_CONFIG,
                                "unused:9092",
                                "schema.registry.url",
                                "mock://" + scope,
                                DetectionConfig.JOIN_GRACE_MS_CONFIG,
                                "0"));
        settings.putAll(overrides);
        final DetectionConfig config = new DetectionConfig(settings);
        topics = Topics.create(new SfpulseSerdes(config.serdeConfig()));
        final Properties props = config.streamsProperties();
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 0L);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(DetectionTopology.build(config, topics), props);
        progress =
                driver.createInputTopic(
                        TopicNames.SOURCE_PROGRESS,
                        new StringSerializer(),
                        topics.sourceProgress().valueSerde().serializer());
        markers =
                driver.createInputTopic(
                        TopicNames.DEPLOYMENT_MARKERS,
                        new StringSerializer(),
                        topics.deploymentMarkers().valueSerde().serializer());
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

    /** Pipes {@code event} to its channel's topic, keyed by org, at its event time. */
    void pipe(final SalesforceEvent event) {
        channels.computeIfAbsent(
                        event.getChannel(),
                        c ->
                                driver.createInputTopic(
                                        TopicNames.forChannel(c),
                                        new StringSerializer(),
                                        topics.channel(c).valueSerde().serializer()))
                .pipeInput(event.getOrgId(), event, event.getEventTime());
    }

    /** The ingest's word that {@code source} of {@code org} delivered everything up to {@code through}. */
    void progress(final String org, final String source, final Instant through) {
        progress.pipeInput(
                org,
                SourceProgress.newBuilder()
                        .setOrgId(org)
                        .setSource(source)
                        .setTransport(ProgressTransport.COMETD)
                        .setDeliveredThrough(through)
                        .setEmittedTime(through)
                        .build(),
                through);
    }

    void deploy(final DeploymentMarker marker) {
        markers.pipeInput(marker.getOrgId(), marker, marker.getCompletedTime());
    }

    /** Every alert state {@code detector} emitted so far, in order. */
    List<Alert> alerts(final String detector) {
        emitted.addAll(alerts.readValuesToList());
        return emitted.stream().filter(a -> a.getDetector().equals(detector)).toList();
    }

    /** The org's page views in the hour starting at {@code hour} (the adoption read model), or null. */
    io.sfpulse.streams.health.AdoptionBucket views(final String org, final Instant hour) {
        final org.apache.kafka.streams.state.WindowStore<
                        String, io.sfpulse.streams.health.AdoptionBucket>
                store =
                        driver.getWindowStore(
                                io.sfpulse.streams.health.ReadModelStores.ADOPTION_BUCKETS);
        return store.fetch(org, hour.toEpochMilli());
    }

    /** Every verdict emitted so far for {@code org}, in order. */
    List<ReleaseVerdict> verdicts(final String org) {
        verdictsEmitted.addAll(verdicts.readValuesToList());
        return verdictsEmitted.stream().filter(v -> v.getOrgId().equals(org)).toList();
    }

    /** The topics the topology produced to so far (outputs, changelogs). */
    java.util.Set<String> producedTopics() {
        return driver.producedTopicNames();
    }

    /** The state store {@code name}, as the topology holds it. */
    org.apache.kafka.streams.processor.StateStore store(final String name) {
        return driver.getAllStateStores().get(name);
    }

    /** Every state store's name. */
    java.util.Set<String> storeNames() {
        return driver.getAllStateStores().keySet();
    }

    /** The dead-letter records' error messages ({@code __streams.errors.message} header), in order. */
    List<String> deadLetterMessages() {
        final TestOutputTopic<byte[], byte[]> dlq =
                driver.createOutputTopic(
                        TopicNames.STREAMS_DLQ,
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer());
        return dlq.readRecordsToList().stream()
                .map(r -> r.headers().lastHeader("__streams.errors.message"))
                .map(
                        h ->
                                h == null
                                        ? ""
                                        : new String(
                                                h.value(), java.nio.charset.StandardCharsets.UTF_8))
                .toList();
    }

    @Override
    public void close() {
        driver.close();
        MockSchemaRegistryClient.dropScope(scope);
    }
}
