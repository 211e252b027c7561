package io.sfpulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sfpulse.embedded.EmbeddedKafka;
import io.sfpulse.embedded.registry.EmbeddedSchemaRegistry;
import io.sfpulse.emulator.SalesforceEmulator;
import io.sfpulse.emulator.scenario.Scenarios;
import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.deploy.MarkerSource;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.serde.AvroSerdeConfig;
import io.sfpulse.schemas.serde.AvroWireDeserializer;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.sink.SinkConfig;
import io.sfpulse.streams.DetectionConfig;
import io.sfpulse.streams.detector.newerrors.NewErrorTypeSettings;
import io.sfpulse.streams.normalize.SignalNormalizer;
import io.sfpulse.testkit.FakeHttpApi;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability under faults, whole pipeline (emulated org -> Connect ingest -> broker -> streams ->
 * sink -> webhook), each service in its own launcher: mid-scenario the ingest is stopped and
 * restarted (events published while it is down), then the streams app, then the broker itself;
 * the CometD server drops the connection and answers 503; the webhook storms with 503s. Events in
 * vs out are counted: every published event reaches the ingest topic and the enriched signals
 * (deduplicated by EventUuid), every alert state streams raised is delivered, and after dedupe on
 * the idempotency key nothing is delivered twice.
 */
class FaultInjectionIT {

    private static final String CHANNEL = Scenarios.LOG_CHANNEL;
    private static final Instant T0 = Instant.parse("2026-11-16T06:00:00Z");

    @TempDir Path dir;

    /** A webhook that can be told to fail with 503; records the idempotency keys it accepted. */
    private static final class FlakyWebhook implements AutoCloseable {
        final AtomicBoolean storm = new AtomicBoolean();
        final AtomicInteger refused = new AtomicInteger();
        final List<String> accepted = new CopyOnWriteArrayList<>();
        final FakeHttpApi server =
                FakeHttpApi.answering(202, "")
                        .on(
                                "/hook",
                                request -> {
                                    if (storm.get()) {
                                        refused.incrementAndGet();
                                        return FakeHttpApi.Reply.of(503);
                                    }
                                    accepted.add(request.header("Idempotency-Key"));
                                    return FakeHttpApi.Reply.of(202);
                                });

        String url() {
            return server.url() + "/hook";
        }

        @Override
        public void close() {
            server.close();
        }
    }

    private final List<String> published = new ArrayList<>();
    private Instant clock = T0;

    /** Publishes {@code n} events one virtual minute apart (ERROR with {@code signature}, else INFO). */
    private void publish(
            final SalesforceEmulator emulator,
            final int n,
            final String signature,
            final Duration step) {
        for (int i = 0; i < n; i++) {
            final String id = UUID.randomUUID().toString();
            final Map<String, Object> payload = new HashMap<>();
            payload.put("CreatedDate", clock.toString());
            payload.put("LoggingLevel__c", signature == null ? "INFO" : "ERROR");
            if (signature != null) {
                payload.put("ExceptionType__c", "System.NullPointerException");
                payload.put("ExceptionMessage__c", signature);
                payload.put(
                        "ExceptionStackTrace__c",
                        "Class.InvoiceService.calculate: line 42, column 1");
            }
            emulator.org().publishPlatformEvent(CHANNEL, payload, id);
            published.add(id);
            clock = clock.plus(step);
            // The org's clock (its responses' Date, hence the ingest's progress records) follows
            // its events' time.
            emulator.org().clock().pin(clock);
        }
    }

    private Map<String, String> settings(
            final EmbeddedKafka kafka,
            final String registry,
            final String services,
            final FlakyWebhook hook) {
        final Map<String, String> p = new HashMap<>();
        p.put(AppConfig.BOOTSTRAP_CONFIG, kafka.bootstrapServers());
        p.put(AppConfig.REGISTRY_URL_CONFIG, registry);
        p.put(AppConfig.SERVICES_CONFIG, services);
        p.put(AppConfig.DATA_DIR_CONFIG, dir.resolve(services).toString());
        p.put(AppConfig.OPS_PORT_CONFIG, "-1");
        // The faults injected below are CometD's (connection drops, server busy); Pub/Sub's are
        // covered in the ingest ITs.
        p.put(
                AppConfig.ORG_PREFIX
                        + Pipeline.EMULATED_ORG
                        + "."
                        + io.sfpulse.ingest.SalesforceSourceConfig.TRANSPORT_CONFIG,
                "cometd");
        p.put(SinkConfig.WEBHOOK_URL_CONFIG, hook.url());
        p.put(SinkConfig.WEBHOOK_SECRET_CONFIG, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        p.put(SinkConfig.LOG_ENABLED_CONFIG, "false");
        p.put(
                DetectionConfig.JOIN_GRACE_MS_CONFIG,
                String.valueOf(Duration.ofMinutes(5).toMillis()));
        p.put(DetectionConfig.COMMIT_INTERVAL_MS_CONFIG, "200");
        // The restarted streams instance rejoins without waiting out the default 45 s session of
        // its predecessor.
        p.put(DetectionConfig.STREAMS_OVERRIDE_PREFIX + "session.timeout.ms", "6000");
        p.put(DetectionConfig.STREAMS_OVERRIDE_PREFIX + "heartbeat.interval.ms", "1500");
        p.put(
                NewErrorTypeSettings.QUIET_MS_CONFIG,
                String.valueOf(Duration.ofMinutes(15).toMillis()));
        return p;
    }

    @Test
    void losesAndDuplicatesNothingWhileIngestStreamsAndBrokerRestartAndSinksStorm()
            throws Exception {
        final Path kafkaDir = dir.resolve("kafka");
        EmbeddedKafka kafka = EmbeddedKafka.start(kafkaDir, 0);
        final int kafkaPort =
                Integer.parseInt(
                        kafka.bootstrapServers()
                                .substring(kafka.bootstrapServers().lastIndexOf(':') + 1));
        try (EmbeddedSchemaRegistry registry =
                        new EmbeddedSchemaRegistry(
                                        kafka.bootstrapServers(),
                                        TopicNames.SCHEMA_REGISTRY,
                                        0,
                                        null)
                                .start();
                SalesforceEmulator emulator =
                        SalesforceEmulator.builder()
                                .longPollTimeout(Duration.ofSeconds(3))
                                .pubSubKeepalive(Duration.ofSeconds(3))
                                .build()
                                .start();
                FlakyWebhook hook = new FlakyWebhook()) {
            emulator.org().defineChannel(CHANNEL);
            emulator.org().clock().pin(clock);
            final String bootstrap = kafka.bootstrapServers();
            Pipeline ingest =
                    new Pipeline(
                                    new AppConfig(settings(kafka, registry.url(), "ingest", hook)),
                                    m -> {})
                            .withEmulator(emulator)
                            .start();
            Pipeline streams =
                    new Pipeline(
                                    new AppConfig(settings(kafka, registry.url(), "streams", hook)),
                                    m -> {})
                            .withEmulator(emulator)
                            .start();
            final Pipeline sink =
                    new Pipeline(
                                    new AppConfig(settings(kafka, registry.url(), "sink", hook)),
                                    m -> {})
                            .withEmulator(emulator)
                            .start();
            try {
                // Baseline, with the ingest stopped and restarted in the middle (events published
                // while it is down).
                publish(emulator, 40, null, Duration.ofMinutes(1));
                await().atMost(Duration.ofSeconds(60))
                        .until(
                                () ->
                                        distinct(
                                                                bootstrap,
                                                                registry.url(),
                                                                TopicNames.forChannel(CHANNEL))
                                                        .size()
                                                >= 20);
                ingest.close();
                publish(emulator, 40, null, Duration.ofMinutes(1));
                ingest =
                        new Pipeline(
                                        new AppConfig(
                                                settings(kafka, registry.url(), "ingest", hook)),
                                        m -> {})
                                .withEmulator(emulator)
                                .start();

                // The streams app stopped and restarted (local state kept) while the baseline goes
                // on.
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> enrichedIds(bootstrap, registry.url()).size() >= 60);
                streams.close();
                publish(emulator, 40, null, Duration.ofMinutes(1));
                streams =
                        new Pipeline(
                                        new AppConfig(
                                                settings(kafka, registry.url(), "streams", hook)),
                                        m -> {})
                                .withEmulator(emulator)
                                .start();

                // The release, then a burst of a new error; the broker goes down and comes back
                // during the burst.
                final Instant deploy = clock;
                try (KafkaProducer<String, DeploymentMarker> markers =
                        new KafkaProducer<>(
                                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                                new StringSerializer(),
                                markerSerializer(registry.url()))) {
                    markers.send(
                                    new ProducerRecord<>(
                                            TopicNames.DEPLOYMENT_MARKERS,
                                            emulator.org().orgId(),
                                            DeploymentMarker.newBuilder()
                                                    .setOrgId(emulator.org().orgId())
                                                    .setDeployId("0Affault000001AAA")
                                                    .setSource(MarkerSource.MARKER_API)
                                                    .setStatus("Succeeded")
                                                    .setCompletedTime(deploy)
                                                    .setComponents(
                                                            List.of("ApexClass:InvoiceService"))
                                                    .setComponentCount(1)
                                                    .build()))
                            .get();
                }
                publish(
                        emulator,
                        12,
                        "Attempt to de-reference a null object",
                        Duration.ofSeconds(30));
                await().atMost(Duration.ofSeconds(60))
                        .until(
                                () ->
                                        distinct(
                                                                bootstrap,
                                                                registry.url(),
                                                                TopicNames.forChannel(CHANNEL))
                                                        .size()
                                                >= 130);
                kafka.close();
                publish(
                        emulator,
                        12,
                        "Attempt to de-reference a null object",
                        Duration.ofSeconds(30));
                kafka = EmbeddedKafka.start(kafkaDir, kafkaPort);

                // CometD faults and a webhook storm during the recovery.
                emulator.faults().dropConnectionAfterEvents(5).serverBusyOnNextConnects(2);
                hook.storm.set(true);
                publish(emulator, 15, null, Duration.ofMinutes(1));
                await().atMost(Duration.ofSeconds(90))
                        .until(
                                () ->
                                        distinct(
                                                        bootstrap,
                                                        registry.url(),
                                                        TopicNames.forChannel(CHANNEL))
                                                .containsAll(published));
                // Then 15 events delivered twice (at-least-once redelivery) on the recovered
                // session: armed once the faults
                // above are recovered from, so the copies are not lost with a session or a task the
                // recovery replaces.
                emulator.faults().duplicateNextDeliveries(15);
                publish(emulator, 15, null, Duration.ofMinutes(1));
                await().atMost(Duration.ofSeconds(90)).until(() -> hook.refused.get() >= 2);
                hook.storm.set(false);
                publish(emulator, 40, null, Duration.ofMinutes(1));
                // The org's time moves on with no further event: its progress records release what
                // waits in the grace buffer.
                emulator.org().clock().pin(clock.plus(Duration.ofMinutes(10)));

                // Events in = events out, once each after dedupe; every alert state delivered.
                await().atMost(Duration.ofMinutes(3))
                        .pollInterval(Duration.ofSeconds(1))
                        .untilAsserted(
                                () -> {
                                    final Set<String> ingestedIds =
                                            distinct(
                                                    bootstrap,
                                                    registry.url(),
                                                    TopicNames.forChannel(CHANNEL));
                                    final List<Integer> missing = new ArrayList<>();
                                    for (int i = 0; i < published.size(); i++) {
                                        if (!ingestedIds.contains(published.get(i))) {
                                            missing.add(i);
                                        }
                                    }
                                    assertThat(missing)
                                            .as(
                                                    "indices (of %d published) of events not on the ingest topic",
                                                    published.size())
                                            .isEmpty();
                                });
                // The redelivery fault fired, and its copies reached the ingest topic.
                assertThat(emulator.faults().duplicatesInjected()).isEqualTo(15);
                final Map<String, Long> ingested =
                        counts(
                                readAll(
                                                bootstrap,
                                                registry.url(),
                                                TopicNames.forChannel(CHANNEL),
                                                SalesforceEvent.class)
                                        .stream()
                                        .map(SalesforceEvent::getEventUuid)
                                        .toList());
                final Set<String> redelivered = new HashSet<>();
                ingested.forEach(
                        (id, n) -> {
                            if (n > 1) {
                                redelivered.add(id);
                            }
                        });
                assertThat(redelivered)
                        .as("events on the ingest topic more than once")
                        .hasSizeGreaterThanOrEqualTo(15);
                await().atMost(Duration.ofMinutes(3))
                        .pollInterval(Duration.ofSeconds(1))
                        .untilAsserted(
                                () -> {
                                    final Set<String> enriched =
                                            enrichedIds(bootstrap, registry.url());
                                    final List<Integer> missing = new ArrayList<>();
                                    for (int i = 0; i < published.size(); i++) {
                                        if (!enriched.contains(published.get(i))) {
                                            missing.add(i);
                                        }
                                    }
                                    assertThat(missing)
                                            .as(
                                                    "indices of published events without an enriched signal (streams DLQ holds %d records)",
                                                    readAll(
                                                                    bootstrap,
                                                                    registry.url(),
                                                                    TopicNames.STREAMS_DLQ,
                                                                    SalesforceEvent.class)
                                                            .size())
                                            .isEmpty();
                                });
                // Each redelivered event became one enriched signal, and the enriched signals are
                // the events published.
                final Map<String, Long> enrichedCounts =
                        counts(
                                readAll(
                                                bootstrap,
                                                registry.url(),
                                                TopicNames.SIGNALS_ENRICHED,
                                                Signal.class)
                                        .stream()
                                        .filter(sig -> !SignalNormalizer.isDerived(sig))
                                        .map(Signal::getEventUuid)
                                        .toList());
                assertThat(redelivered)
                        .allSatisfy(id -> assertThat(enrichedCounts.get(id)).as(id).isEqualTo(1L));
                assertThat(enrichedCounts.keySet()).isEqualTo(new HashSet<>(published));
                final Set<String> raised = new HashSet<>();
                await().atMost(Duration.ofMinutes(3))
                        .pollInterval(Duration.ofSeconds(1))
                        .untilAsserted(
                                () -> {
                                    raised.clear();
                                    alerts(bootstrap, registry.url())
                                            .forEach(
                                                    a ->
                                                            raised.add(
                                                                    a.getDedupKey()
                                                                            + "#"
                                                                            + a.getStatus()
                                                                            + "#"
                                                                            + a.getSequence()));
                                    assertThat(raised)
                                            .anyMatch(
                                                    k ->
                                                            k.contains("post-deploy-failures")
                                                                    && k.contains("#TRIGGERED#"))
                                            .anyMatch(
                                                    k ->
                                                            k.contains("new-error-types")
                                                                    && k.contains("#RESOLVED#"));
                                    assertThat(new HashSet<>(hook.accepted)).containsAll(raised);
                                });
                assertThat(hook.refused.get()).isGreaterThanOrEqualTo(2);
                assertThat(hook.accepted)
                        .as("delivered once each (idempotency keys)")
                        .doesNotHaveDuplicates();
                // The CometD faults fired: the connection was dropped and both busy replies were
                // served.
                assertThat(emulator.faults().fired("connection-drop")).isEqualTo(1);
                assertThat(emulator.faults().fired("server-busy")).isEqualTo(2);
            } finally {
                sink.close();
                streams.close();
                ingest.close();
                kafka.close();
            }
        }
    }

    private static org.apache.kafka.common.serialization.Serializer<DeploymentMarker>
            markerSerializer(final String registry) {
        final io.sfpulse.schemas.serde.AvroWireSerializer<DeploymentMarker> s =
                new io.sfpulse.schemas.serde.AvroWireSerializer<>();
        s.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registry), false);
        return s;
    }

    /** Every committed record of {@code topic}, read from the beginning to the end offsets of this moment. */
    private static <T> List<T> readAll(
            final String bootstrap,
            final String registry,
            final String topic,
            final Class<T> type) {
        final AvroWireDeserializer<T> values = new AvroWireDeserializer<>(type);
        values.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registry), false);
        final List<T> out = new ArrayList<>();
        try (KafkaConsumer<String, T> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap,
                                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                                "read_committed"),
                        new StringDeserializer(),
                        values)) {
            final List<TopicPartition> partitions =
                    consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end =
                    consumer.endOffsets(partitions, Duration.ofSeconds(10));
            while (partitions.stream()
                    .anyMatch(p -> consumer.position(p, Duration.ofSeconds(10)) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
            }
        }
        return out;
    }

    private static Map<String, Long> counts(final List<String> ids) {
        final Map<String, Long> out = new java.util.HashMap<>();
        ids.forEach(id -> out.merge(id, 1L, Long::sum));
        return out;
    }

    private static Set<String> distinct(
            final String bootstrap, final String registry, final String topic) {
        final Set<String> ids = new HashSet<>();
        readAll(bootstrap, registry, topic, SalesforceEvent.class)
                .forEach(e -> ids.add(e.getEventUuid()));
        return ids;
    }

    private static Set<String> enrichedIds(final String bootstrap, final String registry) {
        final Set<String> ids = new HashSet<>();
        readAll(bootstrap, registry, TopicNames.SIGNALS_ENRICHED, Signal.class)
                .forEach(s -> ids.add(s.getEventUuid()));
        return ids;
    }

    private static List<Alert> alerts(final String bootstrap, final String registry) {
        return readAll(bootstrap, registry, TopicNames.ALERTS, Alert.class);
    }
}
