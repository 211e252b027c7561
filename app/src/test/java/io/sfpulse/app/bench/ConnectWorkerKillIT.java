package io.sfpulse.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sfpulse.app.AppConfig;
import io.sfpulse.embedded.EmbeddedKafka;
import io.sfpulse.emulator.SalesforceEmulator;
import io.sfpulse.ingest.SalesforceSourceConfig;
import io.sfpulse.ingest.SalesforceSourceConfig.Transport;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.registry.server.EmbeddedSchemaRegistry;
import io.sfpulse.schemas.serde.AvroSerdeConfig;
import io.sfpulse.schemas.serde.AvroWireDeserializer;
import io.sfpulse.schemas.topic.TopicNames;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two ingest processes ({@code sfpulse run} with only the ingest service) form one Connect cluster
 * for an org's connector; the process running the task is killed with {@code kill -9} mid-stream;
 * the task moves to the other worker and resumes from the committed offsets, on both transports:
 * every event published before, during and after reaches the ingest topic.
 */
class ConnectWorkerKillIT {

    private static final Pattern REST = Pattern.compile("Kafka Connect worker REST at http://([^/]+)/");
    private static final Pattern WORKER = Pattern.compile("\"worker_id\":\"([^\"]+)\"");
    private static final String CONNECTOR = "sfpulse-salesforce-ps";

    @TempDir
    Path dir;

    private static List<String> publish(final SalesforceEmulator emulator, final String channel, final int n) {
        final List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final String id = UUID.randomUUID().toString();
            emulator.org().publishPlatformEvent(channel, Map.of("Message__c", "kill " + i), id);
            ids.add(id);
        }
        return ids;
    }

    /** The worker ({@code host:port}) the status topic last names for the connector's task, or null. */
    private static String taskWorker(final String bootstrap) {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            final var partitions = c.partitionsFor(TopicNames.CONNECT_STATUS).stream()
                .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            final Map<org.apache.kafka.common.TopicPartition, Long> end = c.endOffsets(partitions);
            String worker = null;
            while (partitions.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                for (final ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    if (("status-task-" + CONNECTOR + "-0").equals(r.key()) && r.value() != null && r.value().contains("\"RUNNING\"")) {
                        final Matcher m = WORKER.matcher(r.value());
                        if (m.find()) {
                            worker = m.group(1);
                        }
                    }
                }
            }
            return worker;
        }
    }

    /** The Connect REST address ({@code host:port}) a process's log announces, or null before it started. */
    private static String restOf(final ServiceProcess p) throws Exception {
        if (!Files.exists(p.log())) {
            return null;
        }
        final Matcher m = REST.matcher(Files.readString(p.log()));
        return m.find() ? m.group(1) : null;
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void theKilledWorkersTaskResumesOnTheOtherWorkerFromTheCommittedOffsets(final Transport transport) throws Exception {
        final String channel = "/event/Kill_" + transport + "__e";
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
             EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(kafka.bootstrapServers(), TopicNames.SCHEMA_REGISTRY, 0, null).start();
             SalesforceEmulator emulator = SalesforceEmulator.builder().longPollTimeout(Duration.ofSeconds(3)).pubSubKeepalive(Duration.ofSeconds(1))
                 .build().start()) {
            emulator.org().defineChannel(channel);
            final List<ServiceProcess> workers = new ArrayList<>();
            for (final String name : List.of("a", "b")) {
                final Map<String, String> p = new HashMap<>();
                p.put(AppConfig.BOOTSTRAP_CONFIG, kafka.bootstrapServers());
                p.put(AppConfig.REGISTRY_URL_CONFIG, registry.url());
                p.put(AppConfig.SERVICES_CONFIG, "ingest");
                p.put(AppConfig.DATA_DIR_CONFIG, dir.resolve(name).toString());
                p.put(AppConfig.OPS_PORT_CONFIG, "-1");
                p.put(AppConfig.ORGS_CONFIG, "ps");
                final String k = AppConfig.ORG_PREFIX + "ps.";
                p.put(k + SalesforceSourceConfig.LOGIN_URL_CONFIG, emulator.baseUrl());
                p.put(k + SalesforceSourceConfig.CLIENT_ID_CONFIG, emulator.org().clientId());
                p.put(k + SalesforceSourceConfig.CLIENT_SECRET_CONFIG, emulator.org().clientSecret());
                p.put(k + SalesforceSourceConfig.CHANNELS_CONFIG, channel);
                p.put(k + SalesforceSourceConfig.TRANSPORT_CONFIG, transport.name().toLowerCase(Locale.ROOT));
                p.put(k + SalesforceSourceConfig.PUBSUB_ENDPOINT_CONFIG, emulator.pubSubEndpoint());
                p.put(k + SalesforceSourceConfig.PUBSUB_TLS_CONFIG, "false");
                p.put(k + SalesforceSourceConfig.REPLAY_INITIAL_CONFIG, "earliest");
                p.put(k + SalesforceSourceConfig.DEPLOY_POLL_INTERVAL_MS_CONFIG, "0");
                final Path config = dir.resolve(name + ".properties");
                final Properties props = new Properties();
                props.putAll(p);
                try (Writer w = Files.newBufferedWriter(config)) {
                    props.store(w, "ConnectWorkerKillIT");
                }
                workers.add(new ServiceProcess(name, config, dir.resolve(name + ".log")));
            }
            final AvroWireDeserializer<SalesforceEvent> values = new AvroWireDeserializer<>(SalesforceEvent.class);
            values.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url()), false);
            try (KafkaConsumer<String, SalesforceEvent> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, "kill-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), values)) {
                consumer.subscribe(List.of(TopicNames.forChannel(channel)));
                final Set<String> seen = new HashSet<>();
                final List<String> expected = new ArrayList<>(publish(emulator, channel, 20));
                workers.get(0).start();
                workers.get(1).start();
                await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                    consumer.poll(Duration.ofMillis(300)).forEach(r -> seen.add(r.value().getEventUuid()));
                    assertThat(seen).containsAll(expected);
                });
                await().atMost(Duration.ofSeconds(60)).until(() -> restOf(workers.get(0)) != null && restOf(workers.get(1)) != null
                    && taskWorker(kafka.bootstrapServers()) != null);
                final String holder = taskWorker(kafka.bootstrapServers());
                final ServiceProcess killed = holder.equals(restOf(workers.get(0))) ? workers.get(0) : workers.get(1);
                final ServiceProcess survivor = killed == workers.get(0) ? workers.get(1) : workers.get(0);
                assertThat(restOf(killed)).as("the task runs on one of the two workers").isEqualTo(holder);
                expected.addAll(publish(emulator, channel, 20));
                killed.kill();
                assertThat(killed.isAlive()).isFalse();
                // Published while the task has no worker: replayed from the committed offsets on the survivor.
                expected.addAll(publish(emulator, channel, 20));
                await().atMost(Duration.ofSeconds(120)).until(() -> restOf(survivor).equals(taskWorker(kafka.bootstrapServers())));
                expected.addAll(publish(emulator, channel, 20));
                await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                    consumer.poll(Duration.ofMillis(300)).forEach(r -> seen.add(r.value().getEventUuid()));
                    assertThat(seen).containsAll(expected);
                });
            } finally {
                for (final ServiceProcess w : workers) {
                    w.stop();
                }
            }
        }
    }
}
