package io.sfpulse.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.embedded.EmbeddedKafka;
import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.DeliveryOutcome;
import io.sfpulse.schemas.alert.DeliveryResultKind;
import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.registry.MockSchemaRegistryClient;
import io.sfpulse.schemas.serde.SfpulseSerdes;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import io.sfpulse.schemas.verdict.ReleaseExposure;
import io.sfpulse.schemas.verdict.ReleaseVerdict;
import io.sfpulse.schemas.verdict.RollbackTarget;
import io.sfpulse.schemas.verdict.VerdictStatus;
import io.sfpulse.testkit.FakeHttpApi;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Actions on a real broker against local servers that answer as GitHub ({@code workflow_dispatch}),
 * GitLab (pipeline trigger), Jenkins ({@code buildWithParameters}) and a generic webhook do: a
 * FAULTY verdict runs the rollback actions with the rollback target in their payload, once, even
 * when the verdict is emitted again and when a sink restarted from the beginning of the topics
 * reads everything a second time; an alert state runs the webhook; an endpoint that keeps failing
 * ends in the dead-letter topic with its attempts; a verdict of last week runs nothing.
 */
class ActionServiceIT {

    private static final String SCOPE = ActionServiceIT.class.getName();
    private static final String ORG = "00D000000000001EAA";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedKafka kafka;
    private static FakeHttpApi server;

    /** Every request received: path (with query), headers (lower-case names), body. */
    private static final List<Map<String, String>> RECEIVED =
            Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.startTemporary();
        kafka.createTopics(
                1,
                List.of(
                        TopicNames.ALERTS,
                        TopicNames.VERDICTS,
                        TopicNames.SINK_DLQ,
                        TopicNames.DELIVERIES));
        server =
                FakeHttpApi.answering(200, "")
                        .otherwise(
                                request -> {
                                    final Map<String, String> r = new HashMap<>(request.headers());
                                    r.put("path", request.pathAndQuery());
                                    r.put("method", request.method());
                                    r.put("body", request.body());
                                    RECEIVED.add(r);
                                    final String path = request.path();
                                    // The status codes each service documents for a started run;
                                    // the broken
                                    // endpoint always fails.
                                    return FakeHttpApi.Reply.of(
                                            path.endsWith("/dispatches")
                                                    ? 204
                                                    : path.contains("/trigger/pipeline")
                                                                    || path.contains(
                                                                            "/buildWithParameters")
                                                            ? 201
                                                            : path.startsWith("/broken")
                                                                    ? 503
                                                                    : 200);
                                });
    }

    @AfterAll
    static void stop() {
        server.close();
        kafka.close();
        MockSchemaRegistryClient.dropScope(SCOPE);
    }

    private static String base() {
        return server.url();
    }

    private static SinkConfig config(final String group) {
        final Map<String, Object> p = new HashMap<>();
        p.put(SinkConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put("schema.registry.url", "mock://" + SCOPE);
        p.put(SinkConfig.GROUP_ID_CONFIG, group);
        p.put(SinkConfig.LOG_ENABLED_CONFIG, false);
        p.put(SinkConfig.RETRY_INITIAL_MS_CONFIG, 20L);
        p.put(SinkConfig.RETRY_MAX_ATTEMPTS_CONFIG, 3);
        p.put(SinkConfig.ACTIONS_CONFIG, "github,gitlab,jenkins,hook,broken");
        p.put(
                "action.github.url",
                base() + "/repos/acme/crm/actions/workflows/rollback.yml/dispatches");
        p.put(
                "action.github.headers",
                "Accept=application/vnd.github+json,X-GitHub-Api-Version=2022-11-28");
        p.put("action.github.auth.value", "Bearer ghp_test0123456789");
        p.put(
                "action.github.body",
                "{\"ref\":\"main\",\"inputs\":{\"org\":\"{{org}}\",\"rollback_commit\":\"{{rollback.commit}}\","
                        + "\"reason\":\"{{verdict.reasons}}\"}}");
        p.put("action.github.on", "verdict:FAULTY");
        p.put("action.gitlab.url", base() + "/api/v4/projects/42/trigger/pipeline");
        p.put("action.gitlab.content.type", "application/x-www-form-urlencoded");
        p.put("action.gitlab.secret", "glptt-trigger-token");
        p.put(
                "action.gitlab.body",
                "token={{secret}}&ref=main&variables[ROLLBACK_TO]={{rollback.label}}&variables[RELEASE]={{release.id}}");
        p.put("action.gitlab.on", "verdict:FAULTY");
        p.put(
                "action.jenkins.url",
                base()
                        + "/job/crm-rollback/buildWithParameters?COMMIT={{rollback.commit}}&ORG={{org}}");
        p.put("action.jenkins.content.type", "application/x-www-form-urlencoded");
        p.put(
                "action.jenkins.auth.value",
                "Basic "
                        + Base64.getEncoder()
                                .encodeToString(
                                        "release-bot:11aa22bb".getBytes(StandardCharsets.UTF_8)));
        p.put("action.jenkins.on", "verdict:FAULTY");
        p.put("action.hook.url", base() + "/hooks/sfpulse");
        p.put(
                "action.hook.body",
                "{\"trigger\":\"{{trigger}}\",\"detector\":\"{{alert.detector}}\",\"summary\":\"{{alert.summary}}\","
                        + "\"release\":\"{{release.id}}\",\"key\":\"{{idempotencyKey}}\"}");
        p.put("action.hook.on", "alert:TRIGGERED,verdict:HEALTHY");
        p.put("action.broken.url", base() + "/broken");
        p.put("action.broken.on", "verdict:FAULTY");
        return new SinkConfig(p);
    }

    private static ReleaseVerdict verdict(
            final String release, final VerdictStatus status, final boolean last) {
        return ReleaseVerdict.newBuilder()
                .setOrgId(ORG)
                .setReleaseId(release)
                .setLabel("2026.12.2")
                .setCommit("c0ffee1")
                .setReleaseCompletedTime(Instant.parse("2026-12-01T10:00:00Z"))
                .setComponents(List.of("ApexClass:InvoiceService"))
                .setStatus(status)
                .setMinutesAfterRelease(last ? 60 : 7)
                .setCheckpointMinutes(last ? 60 : null)
                .setIsFinal(last)
                .setEvaluatedAt(Instant.parse("2026-12-01T10:07:00Z"))
                .setReasons(
                        List.of(
                                "post-deploy-failures alerted on failures (ERROR, \"triggered\" 7 min after the release)"))
                .setExposure(ReleaseExposure.newBuilder().setSignals(900).setFailures(80).build())
                .setRollbackTo(
                        RollbackTarget.newBuilder()
                                .setReleaseId("0AfPREVIOUS00001AAA")
                                .setLabel("2026.12.1")
                                .setCommit("beef123")
                                .setReleaseCompletedTime(Instant.parse("2026-11-30T10:00:00Z"))
                                .build())
                .build();
    }

    private static void produce(final List<ReleaseVerdict> verdicts, final List<Alert> alerts)
            throws Exception {
        final Topics topics = Topics.create(SfpulseSerdes.forRegistry("mock://" + SCOPE));
        final Map<String, Object> p =
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<String, ReleaseVerdict> vp =
                        new KafkaProducer<>(
                                p,
                                new StringSerializer(),
                                topics.verdicts().valueSerde().serializer());
                KafkaProducer<String, Alert> ap =
                        new KafkaProducer<>(
                                p,
                                new StringSerializer(),
                                topics.alerts().valueSerde().serializer())) {
            for (final ReleaseVerdict v : verdicts) {
                // A release of last week (its record time 7 days ago) is replayed when actions are
                // turned on: it must run nothing.
                final Long time =
                        v.getReleaseId().startsWith("0AfLASTWEEK")
                                ? System.currentTimeMillis() - Duration.ofDays(7).toMillis()
                                : null;
                vp.send(
                                new ProducerRecord<>(
                                        TopicNames.VERDICTS,
                                        null,
                                        time,
                                        v.getOrgId() + "|" + v.getReleaseId(),
                                        v))
                        .get();
            }
            for (final Alert a : alerts) {
                ap.send(new ProducerRecord<>(TopicNames.ALERTS, a.getDedupKey(), a)).get();
            }
        }
    }

    private static List<Map<String, String>> received(final String pathPart) {
        synchronized (RECEIVED) {
            return RECEIVED.stream().filter(r -> r.get("path").contains(pathPart)).toList();
        }
    }

    @Test
    void
            aFaultyReleaseRunsEachRollbackOnceWithItsTargetAcrossRepeatsAndARestartAndAFailingEndpointEndsInTheDeadLetters()
                    throws Exception {
        final Alert alert =
                Alert.newBuilder()
                        .setAlertId("a1")
                        .setDedupKey(ORG + "|0AfFAULTY0000001AAA|post-deploy-failures|failures")
                        .setStatus(AlertStatus.TRIGGERED)
                        .setSeverity(Severity.ERROR)
                        .setOrgId(ORG)
                        .setReleaseId("0AfFAULTY0000001AAA")
                        .setDetector("post-deploy-failures")
                        .setSubject("failures")
                        .setSummary("Failures up 8x after deploy \"0AfFAULTY\"")
                        .setWindowStart(Instant.parse("2026-12-01T10:00:00Z"))
                        .setWindowEnd(Instant.parse("2026-12-01T10:07:00Z"))
                        .setEventTime(Instant.parse("2026-12-01T10:07:00Z"))
                        .build();
        // The first FAULTY state, then the same release FAULTY again at its last checkpoint; a
        // clean release ends HEALTHY
        // (after a provisional HEALTHY, which runs nothing).
        produce(
                List.of(
                        verdict("0AfLASTWEEK00001AAA", VerdictStatus.FAULTY, true),
                        verdict("0AfFAULTY0000001AAA", VerdictStatus.FAULTY, false),
                        verdict("0AfFAULTY0000001AAA", VerdictStatus.FAULTY, true),
                        verdict("0AfCLEAN00000001AAA", VerdictStatus.HEALTHY, false),
                        verdict("0AfCLEAN00000001AAA", VerdictStatus.HEALTHY, true)),
                List.of(alert));

        try (AlertSinkService sink = new AlertSinkService(config("actions-it-1")).start()) {
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> {
                                assertThat(received("/dispatches")).hasSize(1);
                                assertThat(received("/trigger/pipeline")).hasSize(1);
                                assertThat(received("/buildWithParameters")).hasSize(1);
                                assertThat(received("/hooks/sfpulse")).hasSize(2);
                                assertThat(received("/broken"))
                                        .as("three attempts, then the dead letters")
                                        .hasSize(3);
                                assertThat(sink.actionsRunCount()).isEqualTo(5);
                            });
            assertThat(sink.actionsTooOldCount()).as("last week's FAULTY release").isEqualTo(1);
        }
        final Map<String, String> github = received("/dispatches").get(0);
        assertThat(github)
                .containsEntry("authorization", "Bearer ghp_test0123456789")
                .containsEntry("accept", "application/vnd.github+json")
                .containsEntry("content-type", "application/json")
                .containsEntry("idempotency-key", ORG + "|0AfFAULTY0000001AAA#verdict:FAULTY");
        final JsonNode dispatch = JSON.readTree(github.get("body"));
        assertThat(dispatch.path("ref").asText()).isEqualTo("main");
        assertThat(dispatch.path("inputs").path("rollback_commit").asText()).isEqualTo("beef123");
        assertThat(dispatch.path("inputs").path("reason").asText())
                .as("quotes in values are escaped")
                .contains("\"triggered\"");
        final Map<String, String> gitlab = received("/trigger/pipeline").get(0);
        assertThat(URLDecoder.decode(gitlab.get("body"), StandardCharsets.UTF_8))
                .isEqualTo(
                        "token=glptt-trigger-token&ref=main&variables[ROLLBACK_TO]=2026.12.1&variables[RELEASE]=0AfFAULTY0000001AAA");
        final Map<String, String> jenkins = received("/buildWithParameters").get(0);
        assertThat(jenkins.get("path"))
                .endsWith("/job/crm-rollback/buildWithParameters?COMMIT=beef123&ORG=" + ORG);
        assertThat(jenkins.get("authorization")).startsWith("Basic ");
        final List<JsonNode> hooks = new ArrayList<>();
        for (final Map<String, String> h : received("/hooks/sfpulse")) {
            hooks.add(JSON.readTree(h.get("body")));
        }
        assertThat(hooks)
                .extracting(h -> h.path("trigger").asText())
                .containsExactlyInAnyOrder("alert:TRIGGERED", "verdict:HEALTHY");
        assertThat(hooks)
                .filteredOn(h -> h.path("trigger").asText().equals("alert:TRIGGERED"))
                .first()
                .satisfies(
                        h ->
                                assertThat(h.path("summary").asText())
                                        .isEqualTo("Failures up 8x after deploy \"0AfFAULTY\""));

        // A sink of another group reads both topics from the start: the ledger remembers, nothing
        // runs twice.
        final int before = RECEIVED.size();
        try (AlertSinkService restarted = new AlertSinkService(config("actions-it-2")).start()) {
            produce(
                    List.of(verdict("0AfLATER000000001AA", VerdictStatus.HEALTHY, true)),
                    List.of());
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(received("/hooks/sfpulse")).hasSize(3));
            assertThat(restarted.actionsRunCount())
                    .as("only the new verdict's webhook")
                    .isEqualTo(1);
        }
        assertThat(RECEIVED.size() - before).isEqualTo(1);

        final List<ConsumerRecord<String, byte[]>> dead = new ArrayList<>();
        final List<DeliveryOutcome> audit = new ArrayList<>();
        final Topics topics = Topics.create(SfpulseSerdes.forRegistry("mock://" + SCOPE));
        try (KafkaConsumer<String, byte[]> c =
                        new KafkaConsumer<>(
                                Map.of(
                                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                        kafka.bootstrapServers(),
                                        ConsumerConfig.GROUP_ID_CONFIG,
                                        "dlq-reader",
                                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                        "earliest"),
                                new StringDeserializer(),
                                new ByteArrayDeserializer());
                KafkaConsumer<String, DeliveryOutcome> a =
                        new KafkaConsumer<>(
                                Map.of(
                                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                        kafka.bootstrapServers(),
                                        ConsumerConfig.GROUP_ID_CONFIG,
                                        "audit-reader",
                                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                        "earliest"),
                                new StringDeserializer(),
                                topics.deliveries().valueSerde().deserializer())) {
            c.subscribe(List.of(TopicNames.SINK_DLQ));
            a.subscribe(List.of(TopicNames.DELIVERIES));
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> {
                                c.poll(Duration.ofMillis(300)).forEach(dead::add);
                                a.poll(Duration.ofMillis(300)).forEach(r -> audit.add(r.value()));
                                assertThat(dead).hasSize(1);
                                assertThat(audit)
                                        .filteredOn(o -> o.getChannel().startsWith("action:"))
                                        .hasSize(7);
                            });
        }
        final ConsumerRecord<String, byte[]> d = dead.get(0);
        assertThat(d.key()).isEqualTo(ORG + "|0AfFAULTY0000001AAA");
        assertThat(
                        new String(
                                d.headers().lastHeader("sfpulse.channel").value(),
                                StandardCharsets.UTF_8))
                .isEqualTo("action:broken");
        assertThat(
                        new String(
                                d.headers().lastHeader("sfpulse.attempts").value(),
                                StandardCharsets.UTF_8))
                .isEqualTo("3");
        assertThat(
                        new String(
                                d.headers().lastHeader("sfpulse.last.status").value(),
                                StandardCharsets.UTF_8))
                .isEqualTo("503");
        assertThat(audit)
                .filteredOn(o -> o.getChannel().equals("action:broken"))
                .singleElement()
                .satisfies(
                        o ->
                                assertThat(o.getOutcome())
                                        .isEqualTo(DeliveryResultKind.DEAD_LETTERED));
    }
}
