package io.sfpulse.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sfpulse.embedded.EmbeddedKafka;
import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.registry.MockSchemaRegistryClient;
import io.sfpulse.schemas.serde.SfpulseSerdes;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import io.sfpulse.sink.channel.StandardWebhookSigner;
import io.sfpulse.testkit.FakeHttpApi;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertSinkServiceIT {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String SCOPE = AlertSinkServiceIT.class.getName();
    private static EmbeddedKafka kafka;
    private static FakeHttpApi receiver;

    /** Per release id: scripted statuses (then 200). */
    private static final Map<String, List<Integer>> SCRIPT = new ConcurrentHashMap<>();

    private static final List<Map<String, String>> RECEIVED =
            Collections.synchronizedList(new ArrayList<>());
    private static final AtomicInteger CALLS = new AtomicInteger();

    @TempDir Path dir;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.startTemporary();
        kafka.createTopics(
                1,
                List.of(
                        TopicNames.ALERTS,
                        TopicNames.SINK_DLQ,
                        TopicNames.DELIVERIES,
                        TopicNames.DEPLOYMENT_MARKERS));
        receiver =
                FakeHttpApi.answering(200, "")
                        .on(
                                "/hook",
                                request -> {
                                    CALLS.incrementAndGet();
                                    final String body = request.body();
                                    final String release =
                                            body.replaceAll(".*\"releaseId\":\"([^\"]+)\".*", "$1");
                                    final List<Integer> script =
                                            SCRIPT.getOrDefault(release, List.of());
                                    final int status;
                                    synchronized (script) {
                                        status = script.isEmpty() ? 200 : script.remove(0);
                                    }
                                    if (status == 200) {
                                        final Map<String, String> r =
                                                new HashMap<>(request.headers());
                                        r.put("body", body);
                                        RECEIVED.add(r);
                                    }
                                    return FakeHttpApi.Reply.of(status);
                                });
    }

    @AfterAll
    static void stop() {
        receiver.close();
        kafka.close();
        MockSchemaRegistryClient.dropScope(SCOPE);
    }

    private SinkConfig config(final Path file) {
        final Map<String, Object> p = new HashMap<>();
        p.put(SinkConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put("schema.registry.url", "mock://" + SCOPE);
        p.put(SinkConfig.FILE_PATH_CONFIG, file.toString());
        p.put(SinkConfig.WEBHOOK_URL_CONFIG, receiver.url() + "/hook");
        p.put(SinkConfig.WEBHOOK_SECRET_CONFIG, SECRET);
        p.put(SinkConfig.RETRY_INITIAL_MS_CONFIG, 50L);
        p.put(SinkConfig.RETRY_MAX_ATTEMPTS_CONFIG, 4);
        return new SinkConfig(p);
    }

    private void produce(final Alert... alerts) throws Exception {
        final Topics topics = Topics.create(SfpulseSerdes.forRegistry("mock://" + SCOPE));
        try (KafkaProducer<String, Alert> producer =
                new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                        new StringSerializer(),
                        topics.alerts().valueSerde().serializer())) {
            for (final Alert a : alerts) {
                producer.send(new ProducerRecord<>(TopicNames.ALERTS, a.getDedupKey(), a)).get();
            }
        }
    }

    private static List<Map<String, String>> receivedFor(final String release) {
        synchronized (RECEIVED) {
            return RECEIVED.stream()
                    .filter(r -> r.get("body").contains("\"releaseId\":\"" + release + "\""))
                    .toList();
        }
    }

    @Test
    void shouldDeliverSignedRetryTransientDeadLetterPermanentAndNotRedeliverAfterRestart()
            throws Exception {
        SCRIPT.put("0AfRetry", new ArrayList<>(List.of(503, 429)));
        SCRIPT.put("0AfBad", new ArrayList<>(List.of(400)));
        final Path file = dir.resolve("alerts.jsonl");
        try (AlertSinkService sink = new AlertSinkService(config(file)).start()) {
            produce(
                    Alerts.sample("0AfOk", AlertStatus.TRIGGERED, 0),
                    Alerts.sample("0AfRetry", AlertStatus.TRIGGERED, 0),
                    Alerts.sample("0AfBad", AlertStatus.TRIGGERED, 0));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> sink.deliveredCount() >= 5 && sink.deadLetteredCount() >= 1);
        }
        // Signed per Standard Webhooks, with an idempotency key per alert state.
        final Map<String, String> ok = receivedFor("0AfOk").get(0);
        assertThat(ok.get("webhook-signature"))
                .isEqualTo(
                        new StandardWebhookSigner(SECRET)
                                .sign(
                                        ok.get("webhook-id"),
                                        Long.parseLong(ok.get("webhook-timestamp")),
                                        ok.get("body")));
        assertThat(ok.get("idempotency-key"))
                .isEqualTo("00D000000000001EAA|0AfOk|post-deploy-failures|failures#TRIGGERED#0");
        // 503 then 429 (Retry-After) then delivered once.
        assertThat(receivedFor("0AfRetry")).hasSize(1);
        // 400 is permanent: dead-lettered with headers, never retried.
        assertThat(receivedFor("0AfBad")).isEmpty();
        final List<ConsumerRecord<byte[], byte[]>> dlq = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                kafka.bootstrapServers(),
                                ConsumerConfig.GROUP_ID_CONFIG,
                                "dlq-check",
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest"),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(TopicNames.SINK_DLQ));
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () -> {
                                consumer.poll(Duration.ofMillis(200)).forEach(dlq::add);
                                return !dlq.isEmpty();
                            });
        }
        assertThat(
                        new String(
                                dlq.get(0).headers().lastHeader("sfpulse.channel").value(),
                                StandardCharsets.UTF_8))
                .isEqualTo("webhook");
        assertThat(
                        new String(
                                dlq.get(0).headers().lastHeader("sfpulse.last.status").value(),
                                StandardCharsets.UTF_8))
                .isEqualTo("400");
        assertThat(
                        new String(
                                dlq.get(0).headers().lastHeader("sfpulse.attempts").value(),
                                StandardCharsets.UTF_8))
                .isEqualTo("1");
        // The file channel wrote each alert state once.
        assertThat(Files.readAllLines(file)).hasSize(3);

        // Restart: the committed alert states are not delivered again; a new state is.
        final int before = RECEIVED.size();
        try (AlertSinkService sink = new AlertSinkService(config(file)).start()) {
            produce(Alerts.sample("0AfOk", AlertStatus.RESOLVED, 1));
            await().atMost(Duration.ofSeconds(60)).until(() -> receivedFor("0AfOk").size() == 2);
        }
        assertThat(RECEIVED.size()).isEqualTo(before + 1);
        assertThat(receivedFor("0AfOk"))
                .extracting(r -> r.get("idempotency-key"))
                .doesNotHaveDuplicates();
    }
}
