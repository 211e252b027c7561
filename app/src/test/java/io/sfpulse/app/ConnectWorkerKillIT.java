package io.sfpulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.app.bench.ServiceProcess;
import io.sfpulse.app.bench.TwoTransportOrgs;
import io.sfpulse.embedded.EmbeddedKafka;
import io.sfpulse.embedded.FreePorts;
import io.sfpulse.embedded.registry.EmbeddedSchemaRegistry;
import io.sfpulse.emulator.SalesforceEmulator;
import io.sfpulse.schemas.event.SalesforceEvent;
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
 * resume from the committed positions. The killed worker is restarted and rejoins; then the worker
 * running the Pub/Sub task is killed the same way, and its tasks move too. Nothing is lost, what was
 * committed before a kill is not redelivered by it, and the only duplicates are events published
 * before a kill (what was in flight since the last committed position, for the dedupe window to
 * remove).
 */
class ConnectWorkerKillIT {

    private static final String PUBSUB_CHANNEL = "/event/KillPs__e";
    private static final String COMETD_CHANNEL = "/event/KillCd__e";
    private static final List<String> CHANNELS = List.of(PUBSUB_CHANNEL, COMETD_CHANNEL);
    private static final String TOKEN = "kill-test-rest-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theKilledWorkersTasksMoveToTheOtherWorkerAndResumeFromTheCommittedPositions()
            throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
                SalesforceEmulator emulator =
                        SalesforceEmulator.builder()
                                .longPollTimeout(Duration.ofSeconds(3))
                                .pubSubKeepalive(Duration.ofSeconds(3))
                                .build()
                                .start()) {
            final String bootstrap = kafka.bootstrapServers();
            final EmbeddedSchemaRegistry registry =
                    new EmbeddedSchemaRegistry(bootstrap, TopicNames.SCHEMA_REGISTRY, 0, null)
                            .start();
            CHANNELS.forEach(c -> emulator.org().defineChannel(c));
            final Map<Integer, ServiceProcess> workers = new LinkedHashMap<>();
            try {
                for (final String name : List.of("worker-a", "worker-b")) {
                    final int port = FreePorts.next();
                    final ServiceProcess p =
                            ServiceProcess.configured(
                                    name,
                                    dir,
                                    settings(
                                            dir.resolve(name),
                                            bootstrap,
                                            registry.url(),
                                            emulator,
                                            port));
                    p.start();
                    workers.put(port, p);
                }
                final List<Integer> ports = new ArrayList<>(workers.keySet());
                try (KafkaConsumer<String, SalesforceEvent> events =
                                consumer(bootstrap, registry.url());
                        KafkaConsumer<String, String> offsets = offsetsConsumer(bootstrap)) {
                    final OrgStream stream = new OrgStream(emulator, events, offsets, ports);
                    // Round 1: the worker running the CometD task is killed; its tasks move to the
                    // other worker.
                    final Round first = stream.killMidStream(workers, "cd");
                    // The killed worker comes back and rejoins; the cluster rebalances.
                    first.killed().start();
                    stream.awaitSettled();
                    // Round 2: the worker running the Pub/Sub task is killed (it may run both tasks
                    // by now): its tasks move too.
                    final Round second = stream.killMidStream(workers, "ps");

                    final Set<String> duplicated = stream.duplicated();
                    assertThat(duplicated)
                            .as("duplicates are events published before a kill")
                            .isSubsetOf(second.publishedBeforeTheKill());
                    for (final Round r : List.of(first, second)) {
                        assertThat(r.settled())
                                .as(
                                        "kill of the worker on %d (tasks of %s): events committed before it are not redelivered afterwards",
                                        r.victim(), r.moved())
                                .noneMatch(
                                        id ->
                                                stream.seen(id)
                                                        > r.seenBeforeTheKill()
                                                                .getOrDefault(id, 0));
                    }
                    System.out.printf(
                            "%d events published, all ingested; %d redelivered (round 1 moved %s, round 2 moved %s)%n",
                            stream.published(), duplicated.size(), first.moved(), second.moved());
                }
            } finally {
                for (final ServiceProcess p : workers.values()) {
                    p.stop();
                }
                registry.close();
            }
        }
    }

    /** One kill round: the worker killed, the tasks that moved, what was committed and what was seen before the kill. */
    private record Round(
            int victim,
            ServiceProcess killed,
            List<String> moved,
            List<String> settled,
            Map<String, Integer> seenBeforeTheKill,
            Set<String> publishedBeforeTheKill) {}

    /** The org publishing, the ingest topics and the offsets topic read, and each event's deliveries counted. */
    private final class OrgStream {
        private final SalesforceEmulator emulator;
        private final KafkaConsumer<String, SalesforceEvent> events;
        private final KafkaConsumer<String, String> offsets;
        private final List<Integer> ports;
        private final Map<String, Integer> seen = new HashMap<>();
        private final List<String> all = new ArrayList<>();

        OrgStream(
                final SalesforceEmulator emulator,
                final KafkaConsumer<String, SalesforceEvent> events,
                final KafkaConsumer<String, String> offsets,
                final List<Integer> ports) {
            this.emulator = emulator;
            this.events = events;
            this.offsets = offsets;
            this.ports = ports;
        }

        /** Both tasks run, and every live worker agrees where. */
        void awaitSettled() {
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500))
                    .until(
                            () ->
                                    List.of("ps", "cd").stream()
                                            .allMatch(
                                                    o ->
                                                            taskWorker(ports.get(0), o) != null
                                                                    && taskWorker(ports.get(0), o)
                                                                            .equals(
                                                                                    taskWorker(
                                                                                            ports
                                                                                                    .get(
                                                                                                            1),
                                                                                            o))));
        }

        /**
         * Publishes a batch and waits until it is on Kafka and both connectors committed a position after that; publishes
         * more and {@code kill -9}s the worker running {@code org}'s task before it commits them; publishes while its tasks
         * move to the other worker and after; waits until everything is on the ingest topics.
         */
        Round killMidStream(final Map<Integer, ServiceProcess> workers, final String org)
                throws Exception {
            awaitSettled();
            final int victim = portOf(taskWorker(ports.get(0), org));
            final int survivor = ports.get(0) == victim ? ports.get(1) : ports.get(0);
            final List<String> moved =
                    List.of("ps", "cd").stream()
                            .filter(o -> portOf(taskWorker(survivor, o)) == victim)
                            .toList();
            final List<String> settled = publish(30);
            awaitIngested();
            // Positions both connectors committed after these were on Kafka. Offsets are flushed
            // every second from a snapshot
            // taken when the flush starts, so a commit written just after this moment can still
            // predate them: wait for one
            // written three flush intervals later (progress records keep every connector
            // committing).
            final long onKafka = System.currentTimeMillis();
            final Map<String, Long> lastCommit = new HashMap<>();
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () -> {
                                lastOffsetCommits(offsets)
                                        .forEach((o, t) -> lastCommit.merge(o, t, Math::max));
                                return List.of("ps", "cd").stream()
                                        .allMatch(
                                                o ->
                                                        lastCommit.getOrDefault(o, Long.MIN_VALUE)
                                                                > onKafka + 3_000);
                            });
            // Mid-stream: published, then the worker is killed before it can commit what it sent
            // since.
            publish(20);
            final Map<String, Integer> seenBefore = new HashMap<>(seen);
            final Set<String> publishedBefore = new HashSet<>(all);
            final ServiceProcess killed = workers.get(victim);
            killed.kill();
            assertThat(killed.exitCode()).as("exit status of the SIGKILLed worker").isEqualTo(137);
            publish(20);
            // Its tasks now run on the other worker.
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500))
                    .until(
                            () ->
                                    moved.stream()
                                            .allMatch(
                                                    o -> {
                                                        final String w = taskWorker(survivor, o);
                                                        return w != null && portOf(w) == survivor;
                                                    }));
            assertThat(moved).contains(org);
            System.out.printf(
                    "kill -9 of the worker on port %d (tasks of %s) -> moved to port %d%n",
                    victim, moved, survivor);
            publish(40);
            awaitIngested();
            return new Round(victim, killed, moved, settled, seenBefore, publishedBefore);
        }

        private List<String> publish(final int n) {
            final List<String> ids = ConnectWorkerKillIT.publish(emulator, n);
            all.addAll(ids);
            return ids;
        }

        private void awaitIngested() {
            await().atMost(Duration.ofSeconds(120))
                    .untilAsserted(
                            () -> {
                                drain(events, seen);
                                assertThat(seen.keySet())
                                        .as("events on the ingest topics")
                                        .containsAll(all);
                            });
        }

        int seen(final String id) {
            return seen.getOrDefault(id, 0);
        }

        int published() {
            return all.size();
        }

        Set<String> duplicated() {
            final Set<String> out = new HashSet<>();
            seen.forEach(
                    (id, n) -> {
                        if (n > 1) {
                            out.add(id);
                        }
                    });
            return out;
        }
    }

    /** One event on each channel per call, alternating: {@code n} in all. */
    private static List<String> publish(final SalesforceEmulator emulator, final int n) {
        final List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final String id = UUID.randomUUID().toString();
            emulator.org()
                    .publishPlatformEvent(
                            CHANNELS.get(i % 2), Map.of("Message__c", "kill " + i), id);
            ids.add(id);
        }
        return ids;
    }

    /** The worker id ({@code host:port}) running task 0 of the org's connector, as the worker on {@code port} reports it; null if none. */
    private String taskWorker(final int port, final String org) {
        try {
            final HttpResponse<String> r =
                    http.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    "http://127.0.0.1:"
                                                            + port
                                                            + "/connectors/sfpulse-salesforce-"
                                                            + org
                                                            + "/status"))
                                    .header("Authorization", "Bearer " + TOKEN)
                                    .timeout(Duration.ofSeconds(5))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return null;
            }
            final JsonNode tasks = JSON.readTree(r.body()).path("tasks");
            return tasks.size() == 1 && "RUNNING".equals(tasks.get(0).path("state").asText())
                    ? tasks.get(0).path("worker_id").asText()
                    : null;
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

    private static Map<String, String> settings(
            final Path dataDir,
            final String bootstrap,
            final String registry,
            final SalesforceEmulator emulator,
            final int restPort) {
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

    private static KafkaConsumer<String, SalesforceEvent> consumer(
            final String bootstrap, final String registry) {
        final AvroWireDeserializer<SalesforceEvent> values =
                new AvroWireDeserializer<>(SalesforceEvent.class);
        values.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registry), false);
        final KafkaConsumer<String, SalesforceEvent> c =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap,
                                ConsumerConfig.GROUP_ID_CONFIG,
                                "kill-check-" + UUID.randomUUID(),
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest"),
                        new StringDeserializer(),
                        values);
        c.subscribe(CHANNELS.stream().map(TopicNames::forChannel).toList());
        return c;
    }

    private static KafkaConsumer<String, String> offsetsConsumer(final String bootstrap) {
        final KafkaConsumer<String, String> c =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap,
                                ConsumerConfig.GROUP_ID_CONFIG,
                                "kill-offsets-" + UUID.randomUUID(),
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest"),
                        new StringDeserializer(),
                        new StringDeserializer());
        c.subscribe(List.of(TopicNames.CONNECT_OFFSETS));
        return c;
    }

    private static void drain(
            final KafkaConsumer<String, SalesforceEvent> consumer,
            final Map<String, Integer> seen) {
        consumer.poll(Duration.ofMillis(500))
                .forEach(r -> seen.merge(r.value().getEventUuid(), 1, Integer::sum));
    }

    /** The time of the latest source position per connector ({@code ps}, {@code cd}) among the records read by this call. */
    private static Map<String, Long> lastOffsetCommits(
            final KafkaConsumer<String, String> consumer) {
        final Map<String, Long> last = new HashMap<>();
        for (final var r : consumer.poll(Duration.ofMillis(500))) {
            for (final String org : List.of("ps", "cd")) {
                if (r.key() != null && r.key().contains("sfpulse-salesforce-" + org)) {
                    last.merge(org, r.timestamp(), Math::max);
                }
            }
        }
        return last;
    }
}
