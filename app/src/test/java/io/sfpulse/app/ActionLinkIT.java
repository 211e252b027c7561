package io.sfpulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.app.ops.ActionLinkApi;
import io.sfpulse.app.ops.OpsEndpoint;
import io.sfpulse.embedded.EmbeddedKafka;
import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.registry.MockSchemaRegistryClient;
import io.sfpulse.schemas.serde.SfpulseSerdes;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import io.sfpulse.sink.AlertSinkService;
import io.sfpulse.sink.SinkConfig;
import io.sfpulse.testkit.FakeHttpApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A human-approved action end to end: the alert's webhook payload offers the action link (the
 * action does not run by itself); the link's page shows what it will do without running it; the
 * approval runs it once with the approver recorded; a second click, or one after a sink restart,
 * answers 410; a forged link 404.
 */
class ActionLinkIT {

    private static final String SCOPE = ActionLinkIT.class.getName();
    private static final String ORG = "00D000000000001EAA";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<String> hooks = Collections.synchronizedList(new ArrayList<>());
    private final List<String> rollbacks = Collections.synchronizedList(new ArrayList<>());
    private final HttpClient http =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void anActionLinkRunsItsActionOnceWhenApprovedAndThenAnswers410() throws Exception {
        final FakeHttpApi server =
                FakeHttpApi.answering(200, "")
                        .on(
                                "/hook",
                                request -> {
                                    hooks.add(request.body());
                                    return FakeHttpApi.Reply.of(200);
                                })
                        .on(
                                "/repos/acme/crm/actions/workflows/rollback.yml/dispatches",
                                request -> {
                                    rollbacks.add(request.body());
                                    return FakeHttpApi.Reply.of(204);
                                });
        try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary();
                OpsEndpoint ops = new OpsEndpoint("127.0.0.1", 0, "ops-token", true)) {
            kafka.createTopics(
                    1,
                    List.of(
                            TopicNames.ALERTS,
                            TopicNames.VERDICTS,
                            TopicNames.SINK_DLQ,
                            TopicNames.DELIVERIES,
                            TopicNames.SILENCES));
            final String target = server.url();
            final Map<String, Object> p = new HashMap<>();
            p.put(SinkConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            p.put("schema.registry.url", "mock://" + SCOPE);
            p.put(SinkConfig.LOG_ENABLED_CONFIG, false);
            p.put(SinkConfig.WEBHOOK_URL_CONFIG, target + "/hook");
            p.put(SinkConfig.ACTIONS_CONFIG, "rollback");
            p.put(
                    "action.rollback.url",
                    target + "/repos/acme/crm/actions/workflows/rollback.yml/dispatches");
            p.put(
                    "action.rollback.body",
                    "{\"ref\":\"main\",\"inputs\":{\"release\":\"{{release.id}}\",\"approved_by\":\"{{approvedBy}}\"}}");
            p.put("action.rollback.on", "alert:TRIGGERED");
            p.put("action.rollback.approval", true);
            p.put(SinkConfig.LINKS_SECRET_CONFIG, "a-long-link-signing-secret-0123456789");
            p.put(SinkConfig.LINKS_URL_CONFIG, "http://127.0.0.1:" + ops.port());
            final Topics topics = Topics.create(SfpulseSerdes.forRegistry("mock://" + SCOPE));
            final Alert alert =
                    Alert.newBuilder()
                            .setAlertId("a1")
                            .setDedupKey(ORG + "|0AfREL000000001AAA|post-deploy-failures|failures")
                            .setStatus(AlertStatus.TRIGGERED)
                            .setSeverity(Severity.ERROR)
                            .setOrgId(ORG)
                            .setReleaseId("0AfREL000000001AAA")
                            .setDetector("post-deploy-failures")
                            .setSubject("failures")
                            .setSummary("Failures up 8x")
                            .setWindowStart(Instant.parse("2026-12-01T10:00:00Z"))
                            .setWindowEnd(Instant.parse("2026-12-01T10:07:00Z"))
                            .setEventTime(Instant.parse("2026-12-01T10:07:00Z"))
                            .build();
            final String link;
            try (AlertSinkService sink = new AlertSinkService(new SinkConfig(p)).start();
                    KafkaProducer<String, Alert> producer =
                            new KafkaProducer<>(
                                    Map.of(
                                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                            kafka.bootstrapServers()),
                                    new StringSerializer(),
                                    topics.alerts().valueSerde().serializer())) {
                new ActionLinkApi(sink).register(ops.server());
                ops.start();
                producer.send(new ProducerRecord<>(TopicNames.ALERTS, alert.getDedupKey(), alert))
                        .get();
                await().atMost(Duration.ofSeconds(30)).until(() -> hooks.size() == 1);
                final JsonNode payload = JSON.readTree(hooks.get(0));
                assertThat(payload.path("actions").get(0).path("name").asText())
                        .isEqualTo("rollback");
                link = payload.path("actions").get(0).path("url").asText();
                assertThat(link).startsWith("http://127.0.0.1:" + ops.port() + "/v1/actions/");
                assertThat(rollbacks).as("an approval action never runs by itself").isEmpty();

                final HttpResponse<String> page = get(link);
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(page.body())
                        .contains(
                                "Run <b>rollback</b> for alert:TRIGGERED",
                                "<form method=\"post\"",
                                "0AfREL000000001AAA");
                assertThat(rollbacks).as("looking at the link runs nothing").isEmpty();

                assertThat(post(link, "").statusCode())
                        .as("an approver's name is required")
                        .isEqualTo(400);
                final HttpResponse<String> ran = post(link, "by=ana.oncall");
                assertThat(ran.statusCode()).as(ran.body()).isEqualTo(200);
                assertThat(ran.body())
                        .contains(
                                "rollback ran (HTTP 204), approved by ana.oncall via action link");
                assertThat(rollbacks).hasSize(1);
                assertThat(
                                JSON.readTree(rollbacks.get(0))
                                        .path("inputs")
                                        .path("approved_by")
                                        .asText())
                        .isEqualTo("ana.oncall");

                final HttpResponse<String> again = post(link, "by=ben");
                assertThat(again.statusCode()).isEqualTo(410);
                assertThat(get(link).statusCode()).isEqualTo(410);
                assertThat(get(link.substring(0, link.length() - 4) + "AAAA").statusCode())
                        .as("forged signature")
                        .isEqualTo(404);
            }
            // After a restart the ledger still knows the link was used.
            try (AlertSinkService restarted = new AlertSinkService(new SinkConfig(p)).start()) {
                assertThat(
                                restarted
                                        .approve(link.substring(link.lastIndexOf('/') + 1), "carl")
                                        .httpStatus())
                        .isEqualTo(410);
            }
            assertThat(rollbacks).hasSize(1);
        } finally {
            server.close();
            MockSchemaRegistryClient.dropScope(SCOPE);
        }
    }

    private HttpResponse<String> get(final String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(final String url, final String form) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
