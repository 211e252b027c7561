package io.sfpulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.embedded.EmbeddedKafka;
import io.sfpulse.embedded.registry.EmbeddedSchemaRegistry;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.serde.SfpulseSerdes;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import io.sfpulse.suite.LabelledScenarios;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sfpulse backtest --from-kafka}: history recorded on a real broker (a post-deploy failure
 * regression in one org, a clean deploy in another, plus one undecodable record) is read back as a
 * snapshot and replayed through the detectors; the detections name the regressed org only.
 */
class BacktestFromKafkaIT {

    private static final Instant T0 = Instant.parse("2026-10-05T08:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    @Test
    void replaysRecordedTopicsThroughTheDetectors() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary();
                EmbeddedSchemaRegistry registry =
                        new EmbeddedSchemaRegistry(
                                        kafka.bootstrapServers(),
                                        TopicNames.SCHEMA_REGISTRY,
                                        0,
                                        null)
                                .start()) {
            final LabelledScenarios.Scenario regressed =
                    LabelledScenarios.generate(
                            LabelledScenarios.Kind.FAILURE_RATE, LabelledScenarios.orgId(1), T0, 7);
            final LabelledScenarios.Scenario clean =
                    LabelledScenarios.generate(
                            LabelledScenarios.Kind.CLEAN_DEPLOY, LabelledScenarios.orgId(2), T0, 8);
            // Every channel the scenarios record on (platform events, change events, EventLogFile
            // rows), and the markers.
            final java.util.Set<String> recordedTopics = new java.util.TreeSet<>();
            LabelledScenarios.merged(List.of(regressed, clean)).stream()
                    .filter(i -> i.channel() != null)
                    .forEach(i -> recordedTopics.add(TopicNames.forChannel(i.channel())));
            recordedTopics.add(TopicNames.DEPLOYMENT_MARKERS);
            kafka.createTopics(2, recordedTopics);
            final Topics topics = Topics.create(SfpulseSerdes.forRegistry(registry.url()));
            final Map<String, Object> p =
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            try (KafkaProducer<String, SalesforceEvent> events =
                            new KafkaProducer<>(
                                    p,
                                    new StringSerializer(),
                                    topics.channel(LabelledScenarios.LOG_CHANNEL)
                                            .valueSerde()
                                            .serializer());
                    KafkaProducer<String, DeploymentMarker> markers =
                            new KafkaProducer<>(
                                    p,
                                    new StringSerializer(),
                                    topics.deploymentMarkers().valueSerde().serializer());
                    KafkaProducer<String, byte[]> raw =
                            new KafkaProducer<>(
                                    p, new StringSerializer(), new ByteArraySerializer())) {
                for (final LabelledScenarios.Input in :
                        LabelledScenarios.merged(List.of(regressed, clean))) {
                    if (in.marker() != null) {
                        markers.send(
                                new ProducerRecord<>(
                                        TopicNames.DEPLOYMENT_MARKERS, in.orgId(), in.marker()));
                    } else {
                        events.send(
                                new ProducerRecord<>(
                                        TopicNames.forChannel(in.channel()),
                                        in.orgId(),
                                        in.event()));
                    }
                }
                raw.send(
                        new ProducerRecord<>(
                                TopicNames.forChannel(LabelledScenarios.LOG_CHANNEL),
                                "junk",
                                new byte[] {0, 0, 0, 0, 99, 1}));
            }
            final Path config =
                    Files.writeString(
                            dir.resolve("backtest.properties"),
                            "schema.registry.url=" + registry.url() + "\n");
            final Path out = dir.resolve("detections.json");
            final ByteArrayOutputStream console = new ByteArrayOutputStream();
            final int exit =
                    new BacktestCommand(new PrintStream(console, true, StandardCharsets.UTF_8))
                            .run(
                                    Cli.parse(
                                            "backtest",
                                            "--from-kafka",
                                            kafka.bootstrapServers(),
                                            "--out",
                                            out.toString(),
                                            "--config",
                                            config.toString()));
            assertThat(exit).isZero();
            final int recorded = regressed.inputs().size() + clean.inputs().size();
            assertThat(console.toString(StandardCharsets.UTF_8))
                    .contains(recorded + " records")
                    .contains("1 undecodable");
            final List<JsonNode> detections = new ArrayList<>();
            for (final String line : Files.readAllLines(out)) {
                detections.add(JSON.readTree(line));
            }
            assertThat(detections).isNotEmpty();
            assertThat(detections)
                    .allSatisfy(
                            d ->
                                    assertThat(d.get("orgId").asText())
                                            .isEqualTo(regressed.label().orgId()));
            assertThat(detections)
                    .anySatisfy(
                            d -> {
                                assertThat(d.get("status").asText()).isEqualTo("TRIGGERED");
                                assertThat(d.get("detector").asText())
                                        .isEqualTo("post-deploy-failures");
                                assertThat(d.get("releaseId").asText())
                                        .isEqualTo(regressed.label().deployId());
                            });
        }
    }
}
