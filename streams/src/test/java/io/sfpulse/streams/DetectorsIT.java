package io.sfpulse.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.serde.AvroSerdeConfig;
import io.sfpulse.schemas.serde.SfpulseSerdes;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import io.sfpulse.suite.LabelledScenarios;
import io.sfpulse.suite.LabelledScenarios.Kind;
import io.sfpulse.suite.ScenarioPublisher;
import io.sfpulse.suite.SuiteScore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every detector on a real broker: labelled traffic for one org per regression kind (post-deploy
 * failure rate, new error type, latency shift, delete burst, null-rate jump, latency regression
 * without a deploy) plus a clean deploy goes through the Kafka Streams application over two
 * partitions. Each regression must be TRIGGERED by the right detector with the right label and
 * later RESOLVED; the clean org must stay quiet.
 */
class DetectorsIT extends BrokerTestBase {

    private static final List<Kind> KINDS =
            List.of(
                    Kind.FAILURE_RATE,
                    Kind.NEW_ERROR_TYPE,
                    Kind.LATENCY_SHIFT,
                    Kind.DELETE_BURST,
                    Kind.NULL_RATE,
                    Kind.NO_DEPLOY_LATENCY,
                    Kind.CLEAN_DEPLOY,
                    Kind.FAILED_DEPLOY,
                    Kind.DUPLICATE_DELIVERY,
                    Kind.QUIET_AFTER_REGRESSION,
                    Kind.COMPONENT_REGRESSION,
                    Kind.TRAFFIC_RAMP,
                    Kind.ABSENT_FLOW,
                    Kind.PLANNED_DROP,
                    Kind.MISSING_RECORDS,
                    Kind.VALUE_SHIFT,
                    Kind.VALUE_SHIFT_INTENDED,
                    Kind.BROKEN_RELATIONSHIP,
                    Kind.API_FAILURES,
                    Kind.CALLOUT_FAILURES,
                    Kind.INTEGRATION_LAG,
                    Kind.LIMIT_EXHAUSTION,
                    Kind.LIMIT_HEADROOM);
    private static final Instant T0 = Instant.parse("2026-11-02T08:00:00Z");

    @TempDir Path stateDir;

    @Test
    void eachDetectorFiresOnItsRegressionResolvesAfterItAndStaysQuietOnACleanDeploy()
            throws Exception {
        final Map<String, Object> props = new HashMap<>();
        props.put(DetectionConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
        props.put(DetectionConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(DetectionConfig.APPLICATION_ID_CONFIG, "detectors-it-" + UUID.randomUUID());
        final DetectionConfig config = new DetectionConfig(props);
        final Set<String> topicNames = new LinkedHashSet<>(DetectionTopology.topics(config));
        kafka.createTopics(2, topicNames);

        final List<LabelledScenarios.Scenario> scenarios = new ArrayList<>();
        for (int i = 0; i < KINDS.size(); i++) {
            scenarios.add(
                    LabelledScenarios.generate(
                            KINDS.get(i), LabelledScenarios.orgId(i + 1), T0, 42 + i));
        }
        final Topics topics = Topics.create(SfpulseSerdes.forRegistry(registry.url()));
        ScenarioPublisher.publish(kafka.bootstrapServers(), topics, scenarios, T0);

        final List<Alert> alerts = new ArrayList<>();
        try (DetectionService service = new DetectionService(config).start();
                KafkaConsumer<String, Alert> consumer =
                        new KafkaConsumer<>(
                                Map.of(
                                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                        kafka.bootstrapServers(),
                                        ConsumerConfig.GROUP_ID_CONFIG,
                                        "detectors-it-reader",
                                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                        "earliest"),
                                new StringDeserializer(),
                                topics.alerts().valueSerde().deserializer())) {
            consumer.subscribe(List.of(TopicNames.ALERTS));
            // Waits for exactly what is asserted below: every regression detected by the right
            // alert, and that alert resolved.
            await().atMost(Duration.ofMinutes(4))
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(
                            () -> {
                                consumer.poll(Duration.ofMillis(500))
                                        .forEach(r -> alerts.add(r.value()));
                                final SuiteScore now =
                                        SuiteScore.score(
                                                scenarios.stream()
                                                        .map(LabelledScenarios.Scenario::label)
                                                        .toList(),
                                                alerts);
                                assertThat(now.recall()).as(now.report()).isEqualTo(1.0);
                                now.byKind().values().stream()
                                        .filter(k -> k.kind().regression())
                                        .forEach(
                                                k ->
                                                        assertThat(k.resolved())
                                                                .as("%s resolved", k.kind())
                                                                .isEqualTo(k.detected()));
                            });
        }
        final SuiteScore score =
                SuiteScore.score(
                        scenarios.stream().map(LabelledScenarios.Scenario::label).toList(), alerts);
        assertThat(score.recall()).as(score.report()).isEqualTo(1.0);
        score.byKind().values().stream()
                .filter(k -> k.kind().regression())
                .forEach(
                        k ->
                                assertThat(k.resolved())
                                        .as("%s resolved", k.kind())
                                        .isEqualTo(k.detected()));
        final String clean = scenarios.get(KINDS.indexOf(Kind.CLEAN_DEPLOY)).label().orgId();
        assertThat(alerts)
                .as("clean deploy stays quiet")
                .noneMatch(a -> a.getOrgId().equals(clean));
        final String ramp = scenarios.get(KINDS.indexOf(Kind.TRAFFIC_RAMP)).label().orgId();
        assertThat(alerts)
                .as("a traffic ramp is no regression")
                .noneMatch(a -> a.getOrgId().equals(ramp));
        final String drop = scenarios.get(KINDS.indexOf(Kind.PLANNED_DROP)).label().orgId();
        assertThat(alerts)
                .as("an org-wide drop is no absence")
                .noneMatch(a -> a.getOrgId().equals(drop));
        final Alert noDeploy =
                alerts.stream()
                        .filter(
                                a ->
                                        a.getOrgId()
                                                        .equals(
                                                                LabelledScenarios.orgId(
                                                                        KINDS.indexOf(
                                                                                        Kind
                                                                                                .NO_DEPLOY_LATENCY)
                                                                                + 1))
                                                && a.getStatus() == AlertStatus.TRIGGERED)
                        .findFirst()
                        .orElseThrow();
        assertThat(noDeploy.getReleaseId()).isNull();
        assertThat(noDeploy.getEvidence())
                .containsEntry("trigger", "no-deploy")
                .containsKeys("regressionStart", "p95Before", "p95After");
        assertThat(noDeploy.getDedupKey()).contains("|no-deploy@");
    }
}
