package io.sfpulse.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.app.AppConfig;
import io.sfpulse.app.Pipeline;
import io.sfpulse.app.WebhookReceiver;
import io.sfpulse.embedded.TemporaryDirectory;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.deploy.MarkerSource;
import io.sfpulse.schemas.serde.SfpulseSerdes;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import io.sfpulse.sink.SinkConfig;
import io.sfpulse.streams.DetectionConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code sfpulse bench e2e}: event-to-alert latency through the whole pipeline as the launcher
 * runs it (emulated org -> CometD -> Kafka Connect source task -> broker -> Kafka Streams
 * detectors -> sink -> signed webhook on localhost), default settings. Each round publishes two
 * hours of compressed history, a release, a burst of a new error and a recovery; every alert
 * state delivered to the webhook is matched to the event that caused it (the alert's event time)
 * and its latency is webhook arrival minus that event's publication in the org.
 */
public final class EndToEndBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHANNEL = "/event/LogEntryEvent__e";
    private final PrintStream out;

    public EndToEndBenchmark(final PrintStream out) {
        this.out = out;
    }

    /**
     * Two passes of the same rounds: with the default release-attribution grace, then with none
     * ({@code streams.join.grace.ms=0}; the benchmark's deploy marker is written before the events it
     * claims, so attribution does not need the grace here). The difference is the part of the
     * latency that is the grace.
     */
    public void run(final int rounds) throws Exception {
        final Map<String, List<Double>> withGrace = pass(rounds, Map.of());
        final Map<String, List<Double>> withoutGrace =
                pass(rounds, Map.of(DetectionConfig.JOIN_GRACE_MS_CONFIG, "0"));
        report(
                "default release-attribution grace ("
                        + DetectionConfig.JOIN_GRACE_MS_CONFIG
                        + " = "
                        + new DetectionConfig(
                                        Map.of(
                                                DetectionConfig.BOOTSTRAP_SERVERS_CONFIG,
                                                "unused:9092",
                                                io.sfpulse.schemas.serde.AvroSerdeConfig
                                                        .SCHEMA_REGISTRY_URL_CONFIG,
                                                "mock://unused"))
                                .joinGrace()
                                .toMillis()
                        + " ms of event time)",
                withGrace);
        report("no grace (" + DetectionConfig.JOIN_GRACE_MS_CONFIG + " = 0)", withoutGrace);
        out.printf(
                "%nThe part that is the grace (p50 with - p50 without, ms):%n| alert states | grace part p50 ms | grace part p99 ms |%n|---|---|---|%n");
        withGrace.forEach(
                (status, list) -> {
                    final List<Double> other = withoutGrace.getOrDefault(status, List.of());
                    if (!list.isEmpty() && !other.isEmpty()) {
                        out.printf(
                                Locale.ROOT,
                                "| %s | %.0f | %.0f |%n",
                                status,
                                q(list, 0.5) - q(other, 0.5),
                                q(list, 0.99) - q(other, 0.99));
                    }
                });
    }

    /** One pass; latencies by alert status (and "all"), sorted. */
    private Map<String, List<Double>> pass(final int rounds, final Map<String, String> overrides)
            throws Exception {
        final Map<Long, Long> publishedAt = new ConcurrentHashMap<>();
        final List<double[]> samples = new ArrayList<>(); // {latency ms, status ordinal}
        final Map<String, List<Double>> byStatus = new LinkedHashMap<>();
        try (TemporaryDirectory dataDir = TemporaryDirectory.create("sfpulse-bench-e2e");
                WebhookReceiver webhook =
                        new WebhookReceiver(r -> record(r, publishedAt, samples, byStatus))) {
            final Map<String, String> props = new HashMap<>();
            props.put(AppConfig.DATA_DIR_CONFIG, dataDir.toString());
            props.put(AppConfig.OPS_PORT_CONFIG, "-1");
            props.put(SinkConfig.WEBHOOK_URL_CONFIG, webhook.url());
            props.put(SinkConfig.WEBHOOK_SECRET_CONFIG, webhook.secret());
            props.put(SinkConfig.LOG_ENABLED_CONFIG, "false");
            props.putAll(overrides);
            try (Pipeline pipeline =
                            new Pipeline(new AppConfig(props), m -> out.println("[bench] " + m))
                                    .start();
                    KafkaProducer<String, DeploymentMarker> markers =
                            new KafkaProducer<>(
                                    Map.of(
                                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                            pipeline.bootstrapServers()),
                                    new StringSerializer(),
                                    Topics.create(SfpulseSerdes.forRegistry(pipeline.registryUrl()))
                                            .deploymentMarkers()
                                            .valueSerde()
                                            .serializer())) {
                final var org = pipeline.emulator().org();
                Instant t = Instant.parse("2026-11-01T00:00:00Z");
                for (int round = 0; round < rounds; round++) {
                    // Each round's burst is a new error signature (signatures ignore digits, hence
                    // letters) and a failure-rate rise:
                    // two alerts, each triggered, updated and resolved.
                    final long resolvedBefore = resolved(webhook);
                    final String signature = "Round" + letters(round);
                    for (int m = 0; m < 120; m++) {
                        publish(
                                org,
                                t.plusSeconds(60L * m),
                                m % 40 == 7 ? "ERROR" : "INFO",
                                "Known",
                                publishedAt,
                                0);
                    }
                    final Instant deploy = t.plus(Duration.ofMinutes(120));
                    markers.send(
                                    new ProducerRecord<>(
                                            TopicNames.DEPLOYMENT_MARKERS,
                                            org.orgId(),
                                            DeploymentMarker.newBuilder()
                                                    .setOrgId(org.orgId())
                                                    .setDeployId("0Afbench" + round)
                                                    .setSource(MarkerSource.MARKER_API)
                                                    .setStatus("Succeeded")
                                                    .setCompletedTime(deploy)
                                                    .setComponents(
                                                            List.of("ApexClass:InvoiceService"))
                                                    .setComponentCount(1)
                                                    .build()))
                            .get();
                    for (int i = 1; i <= 30; i++) {
                        publish(
                                org,
                                deploy.plusSeconds(30L * i),
                                "ERROR",
                                signature,
                                publishedAt,
                                100);
                    }
                    for (int m = 16; m <= 70; m++) {
                        publish(
                                org,
                                deploy.plus(Duration.ofMinutes(m)),
                                "INFO",
                                "",
                                publishedAt,
                                50);
                    }
                    final long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                    while (resolved(webhook) < resolvedBefore + 2 && System.nanoTime() < deadline) {
                        Thread.sleep(100); // waiting for deliveries of this round
                    }
                    if (resolved(webhook) < resolvedBefore + 2) {
                        out.printf(
                                "[bench] round %d: only %d of 2 alerts resolved within 90 s%n",
                                round, resolved(webhook) - resolvedBefore);
                    }
                    t = t.plus(Duration.ofHours(4));
                }
            }
        }
        final Map<String, List<Double>> sorted = new LinkedHashMap<>();
        sorted.put("all", samples.stream().map(x -> x[0]).sorted().toList());
        byStatus.forEach((status, list) -> sorted.put(status, list.stream().sorted().toList()));
        return sorted;
    }

    private static long resolved(final WebhookReceiver webhook) {
        return webhook.received().stream().filter(r -> r.body().contains("\"RESOLVED\"")).count();
    }

    /** 0 -> A, 25 -> Z, 26 -> BA: a per-round word without digits. */
    private static String letters(final int n) {
        final StringBuilder b = new StringBuilder();
        int v = n;
        do {
            b.insert(0, (char) ('A' + v % 26));
            v /= 26;
        } while (v > 0);
        return b.toString();
    }

    private static void publish(
            final io.sfpulse.emulator.org.EmulatedOrg org,
            final Instant at,
            final String level,
            final String kind,
            final Map<Long, Long> publishedAt,
            final long pauseMs)
            throws InterruptedException {
        final Map<String, Object> payload = new HashMap<>();
        payload.put("LoggingLevel__c", level);
        payload.put("CreatedDate", at.toString());
        if (level.equals("ERROR")) {
            payload.put("ExceptionType__c", "System.NullPointerException");
            payload.put("ExceptionMessage__c", "Attempt to de-reference a null object in " + kind);
            payload.put(
                    "ExceptionStackTrace__c", "Class.InvoiceService.calculate: line 42, column 1");
        }
        publishedAt.put(at.toEpochMilli(), System.nanoTime());
        org.publishPlatformEvent(CHANNEL, payload, java.util.UUID.randomUUID().toString());
        if (pauseMs > 0) {
            Thread.sleep(
                    pauseMs); // pacing the traffic like a live org, so each alert's latency is its
            // own
        }
    }

    private static void record(
            final WebhookReceiver.Received r,
            final Map<Long, Long> publishedAt,
            final List<double[]> samples,
            final Map<String, List<Double>> byStatus) {
        try {
            final JsonNode alert = JSON.readTree(r.body());
            final JsonNode a = alert.has("alert") ? alert.get("alert") : alert;
            final Long sent =
                    publishedAt.get(Instant.parse(a.path("eventTime").asText()).toEpochMilli());
            if (sent != null) {
                final double ms = (r.receivedAtNanos() - sent) / 1e6;
                synchronized (samples) {
                    samples.add(new double[] {ms});
                    byStatus.computeIfAbsent(a.path("status").asText(), s -> new ArrayList<>())
                            .add(ms);
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not an alert body: ignored by the benchmark
        }
    }

    private void report(final String what, final Map<String, List<Double>> byStatus) {
        out.printf(
                "%nEnd-to-end event -> alert latency (emulated org -> CometD -> Connect -> Kafka -> Streams -> sink -> webhook), %s, %d alert states%n",
                what, byStatus.get("all").size());
        out.printf(
                "| alert states | count | p50 ms | p90 ms | p99 ms | max ms |%n|---|---|---|---|---|---|%n");
        byStatus.forEach((status, list) -> out.print(row(status, list)));
    }

    private static String row(final String name, final List<Double> sorted) {
        if (sorted.isEmpty()) {
            return String.format(Locale.ROOT, "| %s | 0 | - | - | - | - |%n", name);
        }
        return String.format(
                Locale.ROOT,
                "| %s | %d | %.0f | %.0f | %.0f | %.0f |%n",
                name,
                sorted.size(),
                q(sorted, 0.5),
                q(sorted, 0.9),
                q(sorted, 0.99),
                sorted.get(sorted.size() - 1));
    }

    private static double q(final List<Double> sorted, final double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }
}
