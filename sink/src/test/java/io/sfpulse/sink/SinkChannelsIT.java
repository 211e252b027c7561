package io.sfpulse.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfpulse.embedded.EmbeddedKafka;
import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.DeliveryOutcome;
import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.deploy.MarkerSource;
import io.sfpulse.schemas.registry.MockSchemaRegistryClient;
import io.sfpulse.schemas.serde.SfpulseSerdes;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import io.sfpulse.testkit.FakeHttpApi;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PagerDuty, Slack and Teams impersonated by local HTTP servers that check the documented request shapes. */
class SinkChannelsIT {

    private static final String SCOPE = SinkChannelsIT.class.getName();
    private static final String ROUTING_KEY = "R0UT1NGKEY0123456789abcdefABCDEF";
    private static final String SLACK_PATH = "/services/T000/B000/SLACKSECRETTOKEN";
    private static final String TEAMS_PATH = "/workflows/abc/triggers/manual/paths/invoke";
    private static EmbeddedKafka kafka;
    private static Topics topics;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.startTemporary();
        kafka.createTopics(
                1,
                List.of(
                        TopicNames.ALERTS,
                        TopicNames.SINK_DLQ,
                        TopicNames.DELIVERIES,
                        TopicNames.DEPLOYMENT_MARKERS));
        topics = Topics.create(SfpulseSerdes.forRegistry("mock://" + SCOPE));
    }

    @AfterAll
    static void stop() {
        kafka.close();
        MockSchemaRegistryClient.dropScope(SCOPE);
    }

    private static Alert alert(
            final String org,
            final String release,
            final AlertStatus status,
            final int seq,
            final Severity severity) {
        final String key = org + "|" + release + "|post-deploy-failures|failures";
        final Map<String, String> evidence = new HashMap<>();
        evidence.put("pValue", "1.2e-9");
        evidence.put("deployCompletedAt", "2026-11-20T12:00:00Z");
        evidence.put(
                "series",
                "start="
                        + Instant.parse("2026-11-20T11:00:00Z").toEpochMilli()
                        + ";step=60000;values="
                        + "0,".repeat(60)
                        + "5,7,9,4,3");
        return Alert.newBuilder()
                .setAlertId(key + "#" + seq)
                .setDedupKey(key)
                .setStatus(status)
                .setSeverity(severity)
                .setOrgId(org)
                .setReleaseId(release)
                .setDetector("post-deploy-failures")
                .setSubject("failures")
                .setSummary("Failures up 30x after deploy " + release)
                .setEvidence(evidence)
                .setWindowStart(Instant.parse("2026-11-20T12:00:00Z"))
                .setWindowEnd(Instant.parse("2026-11-20T12:05:00Z"))
                .setSequence(seq)
                .setEventTime(Instant.parse("2026-11-20T12:05:00Z"))
                .build();
    }

    private static void produceAlerts(final Alert... alerts) throws Exception {
        try (KafkaProducer<String, Alert> p =
                new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                        new StringSerializer(),
                        topics.alerts().valueSerde().serializer())) {
            for (final Alert a : alerts) {
                p.send(new ProducerRecord<>(TopicNames.ALERTS, a.getDedupKey(), a)).get();
            }
        }
    }

    private static Map<String, Object> config(
            final FakeHttpApi pd,
            final FakeHttpApi slack,
            final FakeHttpApi teams,
            final String group) {
        final Map<String, Object> p = new HashMap<>();
        p.put(SinkConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put("schema.registry.url", "mock://" + SCOPE);
        p.put(SinkConfig.GROUP_ID_CONFIG, group);
        p.put(SinkConfig.PAGERDUTY_URL_CONFIG, pd.url());
        p.put(SinkConfig.PAGERDUTY_KEY_CONFIG, ROUTING_KEY);
        p.put(SinkConfig.SLACK_URL_CONFIG, slack.url() + SLACK_PATH);
        p.put(SinkConfig.TEAMS_URL_CONFIG, teams.url() + TEAMS_PATH);
        p.put(SinkConfig.LINKS_BASE_URL_CONFIG, "https://sfpulse.example.com");
        p.put(SinkConfig.CHART_PUBLIC_URL_CONFIG, "https://charts.example.com");
        p.put(SinkConfig.CHART_PORT_CONFIG, 0);
        p.put(SinkConfig.RETRY_INITIAL_MS_CONFIG, 20L);
        p.put(SinkConfig.RETRY_MAX_ATTEMPTS_CONFIG, 4);
        return p;
    }

    @Test
    void shouldSendDocumentedShapesRouteRetryAndServeCharts() throws Exception {
        final ByteArrayOutputStream logs = new ByteArrayOutputStream();
        final PrintStream originalErr = System.err;
        try (FakeHttpApi pd =
                        FakeHttpApi.answering(
                                        202,
                                        "{\"status\":\"success\",\"message\":\"Event processed\"}")
                                .script("/v2/enqueue", 429, 500);
                FakeHttpApi slack = FakeHttpApi.answering(200, "ok");
                FakeHttpApi teams = FakeHttpApi.answering(202, "")) {
            final Map<String, Object> props = config(pd, slack, teams, "channels-it");
            // Route: org 00DACME* errors and worse to PagerDuty + Slack; everything to Teams.
            props.put(SinkConfig.ROUTES_CONFIG, "oncall,all");
            props.put("sink.route.oncall.orgs", "00DACME*");
            props.put("sink.route.oncall.min.severity", "ERROR");
            props.put("sink.route.oncall.channels", "pagerduty,slack");
            props.put("sink.route.all.channels", "teams");
            System.setErr(new PrintStream(new TeeStream(logs, originalErr), true));
            try (AlertSinkService sink = new AlertSinkService(new SinkConfig(props)).start()) {
                produceAlerts(
                        alert(
                                "00DACME000000001AA",
                                "0AfA",
                                AlertStatus.TRIGGERED,
                                0,
                                Severity.CRITICAL),
                        alert(
                                "00DACME000000001AA",
                                "0AfA",
                                AlertStatus.RESOLVED,
                                1,
                                Severity.CRITICAL),
                        alert(
                                "00DOTHER00000001AA",
                                "0AfB",
                                AlertStatus.TRIGGERED,
                                0,
                                Severity.ERROR));
                try (KafkaProducer<String, DeploymentMarker> p =
                        new KafkaProducer<>(
                                Map.of(
                                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                        kafka.bootstrapServers()),
                                new StringSerializer(),
                                topics.deploymentMarkers().valueSerde().serializer())) {
                    p.send(
                                    new ProducerRecord<>(
                                            TopicNames.DEPLOYMENT_MARKERS,
                                            "00DACME000000001AA",
                                            DeploymentMarker.newBuilder()
                                                    .setOrgId("00DACME000000001AA")
                                                    .setDeployId("0AfA")
                                                    .setSource(MarkerSource.DEPLOY_REQUEST)
                                                    .setStatus("Succeeded")
                                                    .setCompletedTime(
                                                            Instant.parse("2026-11-20T12:00:00Z"))
                                                    .setComponents(
                                                            List.of("ApexClass:InvoiceService"))
                                                    .setComponentCount(1)
                                                    .build()))
                            .get();
                }
                await().atMost(Duration.ofSeconds(60))
                        .until(
                                () ->
                                        sink.deliveredCount() >= 7
                                                && pd.requests("/v2/change/enqueue").size() >= 1);

                // PagerDuty: 429 and 500 retried, then accepted; trigger then resolve on the same
                // dedup_key.
                final List<FakeHttpApi.Request> events = pd.requests("/v2/enqueue");
                assertThat(events).hasSize(4);
                final JsonNode trigger = events.get(2).json();
                assertThat(trigger.get("routing_key").asText()).isEqualTo(ROUTING_KEY);
                assertThat(trigger.get("event_action").asText()).isEqualTo("trigger");
                assertThat(trigger.get("dedup_key").asText())
                        .isEqualTo("00DACME000000001AA|0AfA|post-deploy-failures|failures");
                assertThat(trigger.at("/payload/severity").asText()).isEqualTo("critical");
                assertThat(trigger.at("/payload/source").asText()).isEqualTo("00DACME000000001AA");
                assertThat(trigger.at("/payload/summary").asText()).startsWith("Failures up 30x");
                assertThat(trigger.at("/payload/custom_details/pValue").asText())
                        .isEqualTo("1.2e-9");
                assertThat(trigger.at("/links/0/href").asText())
                        .isEqualTo("https://sfpulse.example.com/orgs/00DACME000000001AA");
                assertThat(trigger.at("/images/0/src").asText())
                        .startsWith("https://charts.example.com/charts/");
                final JsonNode resolve = events.get(3).json();
                assertThat(resolve.get("event_action").asText()).isEqualTo("resolve");
                assertThat(resolve.get("dedup_key").asText())
                        .isEqualTo(trigger.get("dedup_key").asText());
                final JsonNode change = pd.requests("/v2/change/enqueue").get(0).json();
                assertThat(change.get("routing_key").asText()).isEqualTo(ROUTING_KEY);
                assertThat(change.at("/payload/summary").asText()).contains("0AfA");
                assertThat(change.at("/payload/custom_details/components/0").asText())
                        .isEqualTo("ApexClass:InvoiceService");

                // Slack: Block Kit with a text fallback and the chart; the other org was routed
                // away.
                assertThat(slack.requests(SLACK_PATH)).hasSize(2);
                final JsonNode message = slack.requests(SLACK_PATH).get(0).json();
                assertThat(message.get("text").asText()).contains("TRIGGERED");
                assertThat(message.at("/blocks/0/type").asText()).isEqualTo("header");
                assertThat(message.get("blocks").findValuesAsText("type"))
                        .contains("section", "image", "context");

                // Teams: one Adaptive Card per alert state, all orgs.
                assertThat(teams.requests(TEAMS_PATH)).hasSize(3);
                final JsonNode card = teams.requests(TEAMS_PATH).get(0).json();
                assertThat(card.get("type").asText()).isEqualTo("message");
                assertThat(card.at("/attachments/0/contentType").asText())
                        .isEqualTo("application/vnd.microsoft.card.adaptive");
                assertThat(card.at("/attachments/0/content/type").asText())
                        .isEqualTo("AdaptiveCard");

                // The chart behind the image link is a PNG served by the sink.
                final String chartPath = URI.create(trigger.at("/images/0/src").asText()).getPath();
                final HttpResponse<byte[]> png =
                        HttpClient.newHttpClient()
                                .send(
                                        HttpRequest.newBuilder(
                                                        URI.create(
                                                                "http://127.0.0.1:"
                                                                        + sink.chartPort()
                                                                        + chartPath))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(png.statusCode()).isEqualTo(200);
                assertThat(png.headers().firstValue("Content-Type")).contains("image/png");
                assertThat(png.body()).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
            } finally {
                System.setErr(originalErr);
            }
            // Every outcome is audited.
            final List<DeliveryOutcome> audit = new ArrayList<>();
            try (KafkaConsumer<String, DeliveryOutcome> c =
                    new KafkaConsumer<>(
                            Map.of(
                                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    kafka.bootstrapServers(),
                                    ConsumerConfig.GROUP_ID_CONFIG,
                                    "audit",
                                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                    "earliest"),
                            new StringDeserializer(),
                            topics.deliveries().valueSerde().deserializer())) {
                c.subscribe(List.of(TopicNames.DELIVERIES));
                await().atMost(Duration.ofSeconds(30))
                        .until(
                                () -> {
                                    c.poll(Duration.ofMillis(200))
                                            .forEach(r -> audit.add(r.value()));
                                    return audit.size() >= 7;
                                });
            }
            assertThat(audit)
                    .filteredOn(o -> o.getChannel().equals("pagerduty"))
                    .extracting(DeliveryOutcome::getAttempts)
                    .contains(3);
            // The config dump and delivery logs were captured, with secrets hidden and never
            // printed.
            assertThat(logs.toString())
                    .contains(
                            "Alert sink configuration",
                            "sink.pagerduty.routing.key=[hidden]",
                            "sink.slack.webhook.url=[hidden]");
            assertThat(logs.toString())
                    .doesNotContain(ROUTING_KEY)
                    .doesNotContain("SLACKSECRETTOKEN")
                    .doesNotContain("/triggers/manual");
        }
    }

    @Test
    void shouldNotRedeliverToAnyChannelAfterRestartMidAlert() throws Exception {
        try (FakeHttpApi pd = FakeHttpApi.answering(202, "{}");
                FakeHttpApi slack = FakeHttpApi.answering(200, "ok");
                FakeHttpApi teams = FakeHttpApi.answering(202, "")) {
            final Map<String, Object> props = config(pd, slack, teams, "restart-it");
            props.put(SinkConfig.PAGERDUTY_CHANGES_CONFIG, false);
            props.put(SinkConfig.ROUTES_CONFIG, "only-restart-org");
            props.put("sink.route.only-restart-org.orgs", "00DRESTART*");
            props.put("sink.route.only-restart-org.channels", "pagerduty,slack,teams");
            // Teams fails for good on the first alert: dead-lettered once, PagerDuty and Slack
            // delivered.
            teams.script(TEAMS_PATH, 400);
            try (AlertSinkService sink = new AlertSinkService(new SinkConfig(props)).start()) {
                produceAlerts(
                        alert(
                                "00DRESTART0000001A",
                                "0AfR",
                                AlertStatus.TRIGGERED,
                                0,
                                Severity.ERROR));
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> sink.deliveredCount() >= 2 && sink.deadLetteredCount() >= 1);
            }
            final int pdBefore = pd.requests("/v2/enqueue").size();
            // A fresh group re-reads the TRIGGERED state, as after a crash between delivery and
            // offset commit.
            props.put(SinkConfig.GROUP_ID_CONFIG, "restart-it-after-lost-commit");
            try (AlertSinkService sink = new AlertSinkService(new SinkConfig(props)).start()) {
                produceAlerts(
                        alert(
                                "00DRESTART0000001A",
                                "0AfR",
                                AlertStatus.RESOLVED,
                                1,
                                Severity.ERROR));
                await().atMost(Duration.ofSeconds(60)).until(() -> sink.deliveredCount() >= 3);
                assertThat(sink.skippedDuplicateCount()).isEqualTo(3);
            }
            assertThat(pd.requests("/v2/enqueue")).hasSize(pdBefore + 1);
            assertThat(pd.requests("/v2/enqueue").get(pdBefore).json().get("event_action").asText())
                    .isEqualTo("resolve");
            assertThat(teams.requests(TEAMS_PATH)).hasSize(2);
        }
    }

    /** Copies writes to two streams. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(final java.io.OutputStream a, final java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(final int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(final byte[] buf, final int off, final int len)
                throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
