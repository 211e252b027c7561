package io.sfpulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.app.bench.ServiceProcess;
import io.sfpulse.app.bench.TwoTransportOrgs;
import io.sfpulse.embedded.EmbeddedKafka;
import io.sfpulse.embedded.FreePorts;
import io.sfpulse.emulator.SalesforceEmulator;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.registry.server.EmbeddedSchemaRegistry;
import io.sfpulse.schemas.serde.AvroSerdeConfig;
import io.sfpulse.schemas.serde.AvroWireDeserializer;
import io.sfpulse.schemas.topic.TopicNames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
 * Two ingest launchers, each in its own JVM, form one Kafka Connect cluster over two connectors
 * (one on Pub/Sub, one on CometD). The worker that runs the CometD task is killed with
 * {@code kill -9} mid-stream while the org keeps publishing: its tasks move to the other worker and
 * resume from the committed positions. Nothing is lost, and the only duplicates are events
 * published before the kill (what was in flight since the last committed position, for the dedupe
 * window to remove).
 */
class ConnectWorkerKillIT {

    private static final String PUBSUB_CHANNEL = "/event/KillPs__e";
    private static final String COMETD_CHANNEL = "/event/KillCd__e";
    private static final List<String> CHANNELS = List.of(PUBSUB_CHANNEL, COMETD_CHANNEL);
    private static final String TOKEN = "kill-test-rest-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theKilledWorkersTasksMoveToTheOtherWorkerAndResumeFromTheCommittedPositions() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
             SalesforceEmulator emulator = SalesforceEmulator.builder().longPollTimeout(Duration.ofSeconds(3))
                 .pubSubKeepalive(Duration.ofSeconds(3)).build().start()) {
            final String bootstrap = kafka.bootstrapServers();
            final EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(bootstrap, TopicNames.SCHEMA_REGISTRY, 0, null).start();
            CHANNELS.forEach(c -> emulator.org().defineChannel(c));
            final Map<Integer, ServiceProcess> workers = new LinkedHashMap<>();
            try {
                for (final String name : List.of("worker-a", "worker-b")) {
                    final int port = FreePorts.next();
                    final ServiceProcess p = ServiceProcess.configured(name, dir, settings(dir.resolve(name), bootstrap, registry.url(), emulator, port));
                    p.start();
                    workers.put(port, p);
                }
                final List<Integer> ports = new ArrayList<>(workers.keySet());
                // Both tasks run, and both workers agree where.
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                    List.of("ps", "cd").stream().allMatch(o -> taskWorker(ports.get(0), o) != null
                        && taskWorker(ports.get(0), o).equals(taskWorker(ports.get(1), o))));
                // The worker running the CometD task is the one killed. (Restarting it and then killing the one running the
                // Pub/Sub task is not in yet: in 2 of 3 trial runs both channels were redelivered from their first event - issue 17.)
                final int victim = portOf(taskWorker(ports.get(0), "cd"));
                final int survivor = ports.get(0) == victim ? ports.get(1) : ports.get(0);
                final List<String> victimsTasks = List.of("ps", "cd").stream().filter(o -> portOf(taskWorker(survivor, o)) == victim).toList();
                try (KafkaConsumer<String, SalesforceEvent> events = consumer(bootstrap, registry.url());
                     KafkaConsumer<String, String> offsets = offsetsConsumer(bootstrap)) {
                    final Map<String, Integer> seen = new HashMap<>();
                    final List<String> firstBatch = publish(emulator, 30);
                    final List<String> all = new ArrayList<>(firstBatch);
                    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                        drain(events, seen);
                        assertThat(seen.keySet()).containsAll(all);
                    });
                    // A position the worker committed for the task after these were on Kafka (flushed every second).
                    final long onKafka = System.currentTimeMillis();
                    final long[] lastCommit = {Long.MIN_VALUE};
                    await().atMost(Duration.ofSeconds(30)).until(() -> {
                        lastCommit[0] = Math.max(lastCommit[0], lastOffsetCommit(offsets, "cd"));
                        return lastCommit[0] > onKafka;
                    });

                    // Mid-stream: published, then the worker is killed before it can commit what it sent since.
                    all.addAll(publish(emulator, 20));
                    final Set<String> beforeTheKill = new HashSet<>(all);
                    final ServiceProcess killed = workers.get(victim);
                    killed.kill();
                    assertThat(killed.exitCode()).as("exit status of the SIGKILLed worker").isEqualTo(137);
                    all.addAll(publish(emulator, 20));

                    // Its tasks now run on the other worker.
                    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                        victimsTasks.stream().allMatch(o -> {
                            final String w = taskWorker(survivor, o);
                            return w != null && portOf(w) == survivor;
                        }));
                    assertThat(victimsTasks).contains("cd");
                    System.out.printf("kill -9 of the worker on port %d (tasks of %s) -> moved to port %d%n", victim, victimsTasks, survivor);
                    all.addAll(publish(emulator, 40));
                    await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                        drain(events, seen);
                        assertThat(seen.keySet()).as("events on the ingest topics").containsAll(all);
                    });
                    final Set<String> duplicated = new HashSet<>();
                    seen.forEach((id, n) -> {
                        if (n > 1) {
                            duplicated.add(id);
                        }
                    });
                    assertThat(duplicated).as("duplicates are events published before the kill").isSubsetOf(beforeTheKill);
                    assertThat(firstBatch).as("resumed from a committed position, not from the start: some of the first batch is not redelivered")
                        .anyMatch(id -> !duplicated.contains(id));
                    System.out.printf("%d events published, all ingested; %d redelivered%n", all.size(), duplicated.size());
                }
            } finally {
                for (final ServiceProcess p : workers.values()) {
                    p.stop();
                }
                registry.close();
            }
        }
    }

    /** One event on each channel per call, alternating: {@code n} in all. */
    private static List<String> publish(final SalesforceEmulator emulator, final int n) {
        final List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final String id = UUID.randomUUID().toString();
            emulator.org().publishPlatformEvent(CHANNELS.get(i % 2), Map.of("Message__c", "kill " + i), id);
            ids.add(id);
        }
        return ids;
    }

    /** The worker id ({@code host:port}) running task 0 of the org's connector, as the worker on {@code port} reports it; null if none. */
    private String taskWorker(final int port, final String org) {
        try {
            final HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/connectors/sfpulse-salesforce-" + org + "/status"))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return null;
            }
            final JsonNode tasks = JSON.readTree(r.body()).path("tasks");
            return tasks.size() == 1 && "RUNNING".equals(tasks.get(0).path("state").asText()) ? tasks.get(0).path("worker_id").asText() : null;
        } catch (java.io.IOException e) {
            return null; // the worker is not up (yet)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static int portOf(final String workerId) {
        return Integer.parseInt(workerId.substring(workerId.lastIndexOf(':') + 1));
    }

    private static Map<String, String> settings(final Path dataDir, final String bootstrap, final String registry,
                                                final SalesforceEmulator emulator, final int restPort) {
        final Map<String, String> p = new LinkedHashMap<>();
        p.put(AppConfig.DATA_DIR_CONFIG, dataDir.toString());
        p.put(AppConfig.BOOTSTRAP_CONFIG, bootstrap);
        p.put(AppConfig.REGISTRY_URL_CONFIG, registry);
        p.put(AppConfig.SERVICES_CONFIG, "ingest");
        p.put(AppConfig.OPS_PORT_CONFIG, "-1");
        p.put(AppConfig.CONNECT_REST_PORT_CONFIG, String.valueOf(restPort));
        p.put(AppConfig.CONNECT_REST_TOKEN_CONFIG, TOKEN);
        p.putAll(TwoTransportOrgs.settings(emulator, PUBSUB_CHANNEL, COMETD_CHANNEL));
        return p;
    }

    private static KafkaConsumer<String, SalesforceEvent> consumer(final String bootstrap, final String registry) {
        final AvroWireDeserializer<SalesforceEvent> values = new AvroWireDeserializer<>(SalesforceEvent.class);
        values.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registry), false);
        final KafkaConsumer<String, SalesforceEvent> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG, "kill-check-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(), values);
        c.subscribe(CHANNELS.stream().map(TopicNames::forChannel).toList());
        return c;
    }

    private static KafkaConsumer<String, String> offsetsConsumer(final String bootstrap) {
        final KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG, "kill-offsets-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(), new StringDeserializer());
        c.subscribe(List.of(TopicNames.CONNECT_OFFSETS));
        return c;
    }

    private static void drain(final KafkaConsumer<String, SalesforceEvent> consumer, final Map<String, Integer> seen) {
        consumer.poll(Duration.ofMillis(500)).forEach(r -> seen.merge(r.value().getEventUuid(), 1, Integer::sum));
    }

    /** The time of the latest source position of the org's connector among the records read by this call (MIN_VALUE: none). */
    private static long lastOffsetCommit(final KafkaConsumer<String, String> consumer, final String org) {
        long last = Long.MIN_VALUE;
        for (final var r : consumer.poll(Duration.ofMillis(500))) {
            if (r.key() != null && r.key().contains("sfpulse-salesforce-" + org)) {
                last = Math.max(last, r.timestamp());
            }
        }
        return last;
    }
}
