package io.sfpulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.app.ops.OpsEndpoint;
import io.sfpulse.app.ops.SilenceApi;
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
import io.sfpulse.sink.AlertSinkService;
import io.sfpulse.sink.SinkConfig;
import io.sfpulse.testkit.FakeHttpApi;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Silences end to end on a real broker: {@code sfpulse silence} (over HTTP to the silence API)
 * silences one detector of one org; its alert states are not pushed (audited SILENCED) while
 * another detector's are; the silence expires and pushes resume; one ended early stops at once;
 * the API refuses a silence without reason or token.
 */
class SilenceIT {

    private static final String SCOPE = SilenceIT.class.getName();
    private static final String TOKEN = "silence-token-77";
    private static final String ORG = "00D000000000001EAA";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<String> pushed = Collections.synchronizedList(new ArrayList<>());

    private static Alert alert(
            final String detector, final AlertStatus status, final int sequence) {
        final String key = ORG + "|0AfREL000000001AAA|" + detector + "|failures";
        return Alert.newBuilder()
                .setAlertId(key + "#" + status + "#" + sequence)
                .setDedupKey(key)
                .setStatus(status)
                .setSeverity(Severity.ERROR)
                .setOrgId(ORG)
                .setReleaseId("0AfREL000000001AAA")
                .setDetector(detector)
                .setSubject("failures")
                .setSummary(detector + " " + status)
                .setWindowStart(Instant.parse("2026-12-01T10:00:00Z"))
                .setWindowEnd(Instant.parse("2026-12-01T10:07:00Z"))
                .setEventTime(Instant.parse("2026-12-01T10:07:00Z"))
                .setSequence(sequence)
                .build();
    }

    @Test
    void aSilenceHoldsBackPushesOfItsDetectorUntilItExpiresOrIsEnded() throws Exception {
        final FakeHttpApi hook =
                FakeHttpApi.answering(200, "")
                        .on(
                                "/hook",
                                request -> {
                                    pushed.add(request.body());
                                    return FakeHttpApi.Reply.of(200);
                                });
        try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary()) {
            EmbeddedKafka.createTopics(
                    kafka.bootstrapServers(),
                    1,
                    List.of(
                            TopicNames.ALERTS,
                            TopicNames.SINK_DLQ,
                            TopicNames.DELIVERIES,
                            TopicNames.SILENCES),
                    Set.of(TopicNames.SILENCES));
            final Map<String, Object> p = new HashMap<>();
            p.put(SinkConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            p.put("schema.registry.url", "mock://" + SCOPE);
            p.put(SinkConfig.LOG_ENABLED_CONFIG, false);
            p.put(SinkConfig.WEBHOOK_URL_CONFIG, hook.url() + "/hook");
            final Topics topics = Topics.create(SfpulseSerdes.forRegistry("mock://" + SCOPE));
            try (AlertSinkService sink = new AlertSinkService(new SinkConfig(p)).start();
                    OpsEndpoint ops = new OpsEndpoint("127.0.0.1", 0, TOKEN, true);
                    SilenceApi api =
                            new SilenceApi(
                                    kafka.bootstrapServers(),
                                    topics,
                                    sink.silences(),
                                    Clock.systemUTC());
                    KafkaProducer<String, Alert> producer =
                            new KafkaProducer<>(
                                    Map.of(
                                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                            kafka.bootstrapServers()),
                                    new StringSerializer(),
                                    topics.alerts().valueSerde().serializer())) {
                api.register(ops.server());
                ops.start();
                final String base = "http://127.0.0.1:" + ops.port();

                final CliRun made =
                        silence(
                                base,
                                "--org",
                                ORG.substring(0, 15),
                                "--detector",
                                "post-deploy-failures",
                                "--for",
                                "5s",
                                "--reason",
                                "known: invoice batch replay",
                                "--by",
                                "ana.oncall");
                assertThat(made.code()).as(made.output()).isZero();
                assertThat(made.output())
                        .contains(
                                "ACTIVE",
                                "org " + ORG,
                                "detector post-deploy-failures",
                                "by ana.oncall: known: invoice batch replay");
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> sink.silences().all().size() == 1);

                producer.send(
                                new ProducerRecord<>(
                                        TopicNames.ALERTS,
                                        "k1",
                                        alert("post-deploy-failures", AlertStatus.TRIGGERED, 0)))
                        .get();
                producer.send(
                                new ProducerRecord<>(
                                        TopicNames.ALERTS,
                                        "k2",
                                        alert("latency-spikes", AlertStatus.TRIGGERED, 0)))
                        .get();
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(
                                () -> {
                                    assertThat(sink.silencedCount()).isEqualTo(1);
                                    assertThat(pushed).hasSize(1);
                                });
                assertThat(pushed.get(0))
                        .contains("latency-spikes")
                        .doesNotContain("\"detector\":\"post-deploy-failures\"");

                // It expires (wall clock): the API says so, and the detector's next state is
                // pushed.
                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(300))
                        .until(
                                () ->
                                        !JSON.readTree(
                                                        get(base + "/v1/silences?org=" + ORG, TOKEN)
                                                                .body())
                                                .path("silences")
                                                .get(0)
                                                .path("active")
                                                .asBoolean());
                producer.send(
                                new ProducerRecord<>(
                                        TopicNames.ALERTS,
                                        "k1",
                                        alert("post-deploy-failures", AlertStatus.RESOLVED, 1)))
                        .get();
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThat(pushed).hasSize(2));
                assertThat(pushed.get(1)).contains("post-deploy-failures RESOLVED");

                // One for an hour, ended early: pushes resume at once; the list keeps who ended it.
                final CliRun hour =
                        silence(
                                base,
                                "--org",
                                ORG,
                                "--for",
                                "1h",
                                "--reason",
                                "maintenance",
                                "--by",
                                "ana.oncall");
                final String id =
                        hour.output()
                                .replaceAll("(?s).*\\[sfpulse silence] (sil-[a-z0-9-]+) .*", "$1");
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> sink.silences().all().size() == 2);
                final CliRun ended = silence(base, "--end", id, "--by", "ben.lead");
                assertThat(ended.output()).contains(id, "inactive", "(ended by ben.lead)");
                await().atMost(Duration.ofSeconds(20))
                        .until(
                                () ->
                                        sink.silences().all().stream()
                                                .anyMatch(s -> s.getCancelledBy() != null));
                producer.send(
                                new ProducerRecord<>(
                                        TopicNames.ALERTS,
                                        "k3",
                                        alert("new-error-types", AlertStatus.TRIGGERED, 0)))
                        .get();
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThat(pushed).hasSize(3));
                assertThat(silence(base, "--list", "--org", ORG).output())
                        .contains(
                                id,
                                "maintenance",
                                "(ended by ben.lead)",
                                "known: invoice batch replay");

                // Refusals: no reason, no token.
                assertThat(
                                silence(
                                                base,
                                                "--org",
                                                ORG,
                                                "--for",
                                                "1h",
                                                "--reason",
                                                " ",
                                                "--by",
                                                "x")
                                        .output())
                        .contains("HTTP 400", "reason and createdBy are required");
                final HttpResponse<String> anonymous =
                        HttpClient.newHttpClient()
                                .send(
                                        HttpRequest.newBuilder(URI.create(base + "/v1/silences"))
                                                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString());
                assertThat(anonymous.statusCode()).isEqualTo(401);
            }
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
                            Topics.create(SfpulseSerdes.forRegistry("mock://" + SCOPE))
                                    .deliveries()
                                    .valueSerde()
                                    .deserializer())) {
                c.subscribe(List.of(TopicNames.DELIVERIES));
                await().atMost(Duration.ofSeconds(20))
                        .untilAsserted(
                                () -> {
                                    c.poll(Duration.ofMillis(300))
                                            .forEach(r -> audit.add(r.value()));
                                    assertThat(audit)
                                            .filteredOn(
                                                    o ->
                                                            o.getOutcome()
                                                                    == DeliveryResultKind.SILENCED)
                                            .singleElement()
                                            .satisfies(
                                                    o ->
                                                            assertThat(o.getNote())
                                                                    .contains(
                                                                            "by ana.oncall",
                                                                            "known: invoice batch replay"));
                                });
            }
        } finally {
            hook.close();
            MockSchemaRegistryClient.dropScope(SCOPE);
        }
    }

    private record CliRun(int code, String output) {}

    private static CliRun silence(final String base, final String... args) throws Exception {
        final ByteArrayOutputStream console = new ByteArrayOutputStream();
        final List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", base, "--token", TOKEN));
        final int code =
                new SilenceCommand(new PrintStream(console, true, StandardCharsets.UTF_8), Map.of())
                        .run(Cli.parse("silence", all));
        return new CliRun(code, console.toString(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> get(final String url, final String token) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("Authorization", "Bearer " + token)
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
