package io.sfpulse.app.bench;

import io.sfpulse.embedded.EmbeddedConnect;
import io.sfpulse.embedded.EmbeddedKafka;
import io.sfpulse.embedded.registry.EmbeddedSchemaRegistry;
import io.sfpulse.emulator.SalesforceEmulator;
import io.sfpulse.ingest.SalesforceSourceConfig;
import io.sfpulse.ingest.SalesforceSourceConfig.Transport;
import io.sfpulse.ingest.SalesforceSourceConnector;
import io.sfpulse.ingest.auth.AccessToken;
import io.sfpulse.ingest.auth.OAuthClient;
import io.sfpulse.schemas.connect.AvroWireConverter;
import io.sfpulse.schemas.serde.AvroSerdeConfig;
import io.sfpulse.schemas.topic.TopicNames;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Ingest throughput: events retained in the emulated org (Nebula-Logger-sized payloads) streamed
 * by the connector into a real broker over each transport asked for (Pub/Sub, CometD), from
 * connector start until the last event is in Kafka. Runs with 1 and 2 tasks (channels spread over
 * tasks). Before each, on the same emulator and the same retained events, receive-only clients of
 * that transport ({@link ReceiveOnlyPubSubClient}, {@link ReceiveOnlyCometdClient}) are timed the
 * same way: the ratio says how far the connector is from what the transport itself allows.
 */
public final class IngestBenchmark {

    private final PrintStream out;

    public IngestBenchmark(final PrintStream out) {
        this.out = out;
    }

    /** Result of one run: the connector into Kafka, and the receive-only client on the same stream. */
    public record Run(
            Transport transport, int tasks, int events, double seconds, double receiveOnlySeconds) {
        double perSecond() {
            return events / seconds;
        }

        double receiveOnlyPerSecond() {
            return events / receiveOnlySeconds;
        }
    }

    public List<Run> run(final int events, final List<Transport> transports) throws Exception {
        final List<Run> runs = new ArrayList<>();
        for (final Transport transport : transports) {
            // Warm-up, not reported: the JIT compiles the emulator's, the transport's and the
            // connector's paths once, so neither
            // the reference nor the connector is timed cold (the first measured run would otherwise
            // pay for both).
            final Run warmUp = once(transport, Math.min(events, 10_000), 1);
            out.printf(
                    Locale.ROOT,
                    "[bench] %s warm-up done (%d events; not reported)%n",
                    transport,
                    warmUp.events());
            for (final int tasks : new int[] {1, 2}) {
                runs.add(once(transport, events, tasks));
            }
        }
        out.printf(
                "%nIngest (emulator -> Pub/Sub or CometD -> Connect -> Kafka: Avro, acknowledged, offsets committed) next to a receive-only"
                        + " client of the same transport and library (one per task; subscribe from the earliest event, count; Pub/Sub with the same"
                        + " flow-control bounds: 100 per request, 400 in flight), %d events, payload ~0.6 KB%n",
                events);
        out.printf(
                "| transport | tasks | events | seconds | events/s | receive-only seconds | receive-only events/s | ingest / receive-only |%n"
                        + "|---|---|---|---|---|---|---|---|%n");
        for (final Run r : runs) {
            out.printf(
                    Locale.ROOT,
                    "| %s | %d | %d | %.2f | %.0f | %.2f | %.0f | %.2f |%n",
                    r.transport().name().toLowerCase(Locale.ROOT),
                    r.tasks(),
                    r.events(),
                    r.seconds(),
                    r.perSecond(),
                    r.receiveOnlySeconds(),
                    r.receiveOnlyPerSecond(),
                    r.perSecond() / r.receiveOnlyPerSecond());
        }
        return runs;
    }

    private Run once(final Transport transport, final int events, final int tasks)
            throws Exception {
        final List<String> channels =
                IntStream.range(0, tasks).mapToObj(i -> "/event/Bench_" + i + "__e").toList();
        try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary();
                EmbeddedSchemaRegistry registry =
                        new EmbeddedSchemaRegistry(
                                        kafka.bootstrapServers(),
                                        TopicNames.SCHEMA_REGISTRY,
                                        0,
                                        null)
                                .start();
                SalesforceEmulator emulator = SalesforceEmulator.builder().build().start()) {
            kafka.createTopics(1, channels.stream().map(TopicNames::forChannel).toList());
            for (int i = 0; i < events; i++) {
                final Map<String, Object> p = new HashMap<>();
                p.put("LoggingLevel__c", i % 50 == 0 ? "ERROR" : "INFO");
                p.put(
                        "Message__c",
                        "Invoice batch "
                                + i
                                + " processed for account 001000000000"
                                + (i % 1000)
                                + "AAA");
                p.put("OriginLocation__c", "Class.InvoiceBatch.execute");
                p.put("TransactionId__c", "6f1c3c2e-1d3a-4b7e-9a0f-" + String.format("%012d", i));
                p.put("LoggedByUsername__c", "integration@acme.example");
                p.put("Limits_CpuTime_Used__c", i % 900);
                p.put("Limits_SoqlQueries_Used__c", i % 40);
                emulator.org().publishPlatformEvent(channels.get(i % tasks), p, null);
            }
            final double receiveOnly =
                    transport == Transport.PUBSUB
                            ? receiveOnlyPubSub(emulator, channels, events)
                            : receiveOnly(emulator, channels, events);
            try (EmbeddedConnect connect = startConnect(kafka, registry)) {
                final Map<String, String> c = connectorConfig(emulator, transport, tasks, channels);
                final long start = System.nanoTime();
                connect.putConnector("bench", c);
                try (Admin admin = kafka.admin()) {
                    while (endOffsets(admin, channels) < events) {
                        Thread.sleep(50); // sampling the end offsets
                        if (System.nanoTime() - start > Duration.ofMinutes(10).toNanos()) {
                            throw new IllegalStateException("ingest benchmark did not finish");
                        }
                    }
                }
                final double seconds = (System.nanoTime() - start) / 1e9;
                out.printf(
                        "[bench] ingest %s tasks=%d: %d events in %.2f s%n",
                        transport, tasks, events, seconds);
                return new Run(transport, tasks, events, seconds, receiveOnly);
            }
        }
    }

    /**
     * Seconds for receive-only clients (one per task, each on that task's channels) to receive every
     * retained event from the earliest, from before the OAuth login until the last arrives.
     */
    private double receiveOnly(
            final SalesforceEmulator emulator, final List<String> channels, final int events)
            throws Exception {
        final Map<String, String> c = new HashMap<>();
        c.put(SalesforceSourceConfig.LOGIN_URL_CONFIG, emulator.baseUrl());
        c.put(SalesforceSourceConfig.CLIENT_ID_CONFIG, emulator.org().clientId());
        c.put(SalesforceSourceConfig.CLIENT_SECRET_CONFIG, emulator.org().clientSecret());
        c.put(SalesforceSourceConfig.CHANNELS_CONFIG, String.join(",", channels));
        final SalesforceSourceConfig config = new SalesforceSourceConfig(c);
        final long start = System.nanoTime();
        final AccessToken token = new OAuthClient(config).token();
        final List<ReceiveOnlyCometdClient> clients = new ArrayList<>();
        try {
            for (final String channel : channels) {
                clients.add(
                        new ReceiveOnlyCometdClient(
                                        token.instanceUrl() + "/cometd/" + config.apiVersion(),
                                        token.value(),
                                        List.of(channel))
                                .start());
            }
            while (clients.stream().mapToLong(ReceiveOnlyCometdClient::received).sum() < events) {
                Thread.sleep(20); // sampling the counters
                if (System.nanoTime() - start > Duration.ofMinutes(10).toNanos()) {
                    throw new IllegalStateException("receive-only client did not finish");
                }
            }
            final double seconds = (System.nanoTime() - start) / 1e9;
            out.printf(
                    Locale.ROOT,
                    "[bench] receive-only CometD clients=%d: %d events in %.2f s%n",
                    clients.size(),
                    events,
                    seconds);
            return seconds;
        } finally {
            for (final ReceiveOnlyCometdClient client : clients) {
                client.close();
            }
        }
    }

    /** Seconds for receive-only Pub/Sub subscribers (one per channel) to receive every retained event, from before the login. */
    private double receiveOnlyPubSub(
            final SalesforceEmulator emulator, final List<String> channels, final int events)
            throws Exception {
        final Map<String, String> c = connectorConfig(emulator, Transport.PUBSUB, 1, channels);
        final SalesforceSourceConfig config = new SalesforceSourceConfig(c);
        final long start = System.nanoTime();
        final AccessToken token = new OAuthClient(config).token();
        final List<ReceiveOnlyPubSubClient> clients = new ArrayList<>();
        try {
            for (final String channel : channels) {
                clients.add(
                        new ReceiveOnlyPubSubClient(
                                        emulator.pubSubEndpoint(),
                                        token.value(),
                                        token.instanceUrl(),
                                        token.orgId(),
                                        channel,
                                        config.pubSubBatchSize(),
                                        config.pubSubMaxInFlight())
                                .start());
            }
            while (clients.stream().mapToLong(ReceiveOnlyPubSubClient::received).sum() < events) {
                Thread.sleep(20); // sampling the counters
                if (System.nanoTime() - start > Duration.ofMinutes(10).toNanos()) {
                    throw new IllegalStateException("receive-only Pub/Sub client did not finish");
                }
            }
            final double seconds = (System.nanoTime() - start) / 1e9;
            out.printf(
                    Locale.ROOT,
                    "[bench] receive-only Pub/Sub clients=%d: %d events in %.2f s%n",
                    clients.size(),
                    events,
                    seconds);
            return seconds;
        } finally {
            for (final ReceiveOnlyPubSubClient client : clients) {
                client.close();
            }
        }
    }

    /**
     * The connector's configuration on the emulator: the channels from the earliest retained event over
     * {@code transport}, no deploy polling; topics it writes besides the measured ones (progress records)
     * are created by Connect, as the launcher configures it.
     */
    static Map<String, String> connectorConfig(
            final SalesforceEmulator emulator,
            final Transport transport,
            final int tasks,
            final List<String> channels) {
        final Map<String, String> c = new HashMap<>();
        c.put(SalesforceSourceConfig.TRANSPORT_CONFIG, transport.name().toLowerCase(Locale.ROOT));
        c.put(SalesforceSourceConfig.PUBSUB_ENDPOINT_CONFIG, emulator.pubSubEndpoint());
        c.put(SalesforceSourceConfig.PUBSUB_TLS_CONFIG, "false");
        c.put("connector.class", SalesforceSourceConnector.class.getName());
        c.put("tasks.max", String.valueOf(tasks));
        c.put(SalesforceSourceConfig.LOGIN_URL_CONFIG, emulator.baseUrl());
        c.put(SalesforceSourceConfig.CLIENT_ID_CONFIG, emulator.org().clientId());
        c.put(SalesforceSourceConfig.CLIENT_SECRET_CONFIG, emulator.org().clientSecret());
        c.put(SalesforceSourceConfig.CHANNELS_CONFIG, String.join(",", channels));
        c.put(SalesforceSourceConfig.REPLAY_INITIAL_CONFIG, "earliest");
        c.put(SalesforceSourceConfig.DEPLOY_POLL_INTERVAL_MS_CONFIG, "0");
        c.put("topic.creation.default.replication.factor", "-1");
        c.put("topic.creation.default.partitions", "1");
        return c;
    }

    /** The Connect worker of a benchmark: the converter the launcher uses, on the given registry. */
    static EmbeddedConnect startConnect(
            final EmbeddedKafka kafka, final EmbeddedSchemaRegistry registry) {
        return EmbeddedConnect.start(
                kafka.bootstrapServers(),
                Map.of(
                        "value.converter",
                        AvroWireConverter.class.getName(),
                        "value.converter." + AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG,
                        registry.url()));
    }

    private static long endOffsets(final Admin admin, final List<String> channels)
            throws Exception {
        final Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        channels.forEach(
                ch ->
                        specs.put(
                                new TopicPartition(TopicNames.forChannel(ch), 0),
                                OffsetSpec.latest()));
        return admin.listOffsets(specs).all().get().values().stream()
                .mapToLong(i -> i.offset())
                .sum();
    }
}
