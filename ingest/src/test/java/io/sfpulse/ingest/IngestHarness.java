package io.sfpulse.ingest;

import io.sfpulse.embedded.EmbeddedConnect;
import io.sfpulse.embedded.EmbeddedKafka;
import io.sfpulse.embedded.registry.EmbeddedSchemaRegistry;
import io.sfpulse.emulator.SalesforceEmulator;
import io.sfpulse.schemas.connect.AvroWireConverter;
import io.sfpulse.schemas.serde.AvroSerdeConfig;
import io.sfpulse.schemas.serde.AvroWireDeserializer;
import io.sfpulse.schemas.topic.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Emulator + real broker + registry + Connect worker for ingest ITs. */
final class IngestHarness implements AutoCloseable {

    final EmbeddedKafka kafka = EmbeddedKafka.startTemporary();
    final EmbeddedSchemaRegistry registry =
            new EmbeddedSchemaRegistry(
                            kafka.bootstrapServers(), TopicNames.SCHEMA_REGISTRY, 0, null)
                    .start();
    final SalesforceEmulator emulator =
            SalesforceEmulator.builder()
                    .longPollTimeout(Duration.ofSeconds(3))
                    .reconnectWindow(Duration.ofSeconds(5))
                    .pubSubKeepalive(Duration.ofSeconds(1))
                    .build()
                    .start();
    EmbeddedConnect connect;

    IngestHarness() {
        kafka.createTopics(1, List.of(TopicNames.DEPLOYMENT_MARKERS, TopicNames.INGEST_DLQ));
    }

    EmbeddedConnect startConnect() {
        connect = startWorker();
        return connect;
    }

    /** Another worker of the same Connect cluster (group), which the caller closes. */
    EmbeddedConnect startWorker() {
        return EmbeddedConnect.start(
                kafka.bootstrapServers(),
                Map.of(
                        "value.converter",
                        AvroWireConverter.class.getName(),
                        "value.converter." + AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG,
                        registry.url()));
    }

    /** Between tests: remove every connector so none restarts in the next test, then stop the worker. */
    void resetConnect() {
        if (connect != null) {
            connect.deleteAllConnectors();
        }
        stopConnect();
    }

    void stopConnect() {
        if (connect != null) {
            connect.close();
            connect = null;
        }
    }

    /** A connector streaming {@code channels} over CometD (and, with no channels, only polling). */
    Map<String, String> connectorConfig(final String... channels) {
        return connectorConfig(SalesforceSourceConfig.Transport.COMETD, channels);
    }

    /** A connector streaming {@code channels} over {@code transport} from this harness's emulator. */
    Map<String, String> connectorConfig(
            final SalesforceSourceConfig.Transport transport, final String... channels) {
        return connectorConfig(emulator, transport, channels);
    }

    static Map<String, String> connectorConfig(
            final SalesforceEmulator emulator,
            final SalesforceSourceConfig.Transport transport,
            final String... channels) {
        final Map<String, String> c = new HashMap<>();
        c.put(
                SalesforceSourceConfig.TRANSPORT_CONFIG,
                transport.name().toLowerCase(java.util.Locale.ROOT));
        c.put(SalesforceSourceConfig.PUBSUB_ENDPOINT_CONFIG, emulator.pubSubEndpoint());
        c.put(SalesforceSourceConfig.PUBSUB_TLS_CONFIG, "false");
        // The emulator sends a keepalive every second: a stream silent for 5 s has stalled.
        c.put(SalesforceSourceConfig.PUBSUB_STALL_TIMEOUT_MS_CONFIG, "5000");
        c.put("connector.class", SalesforceSourceConnector.class.getName());
        c.put("tasks.max", "2");
        c.put(SalesforceSourceConfig.LOGIN_URL_CONFIG, emulator.baseUrl());
        c.put(SalesforceSourceConfig.CLIENT_ID_CONFIG, emulator.org().clientId());
        c.put(SalesforceSourceConfig.CLIENT_SECRET_CONFIG, emulator.org().clientSecret());
        c.put(SalesforceSourceConfig.CHANNELS_CONFIG, String.join(",", channels));
        c.put(SalesforceSourceConfig.REPLAY_INITIAL_CONFIG, "earliest");
        c.put(SalesforceSourceConfig.DEPLOY_POLL_INTERVAL_MS_CONFIG, "0");
        c.put(SalesforceSourceConfig.RETRY_MAX_BACKOFF_MS_CONFIG, "2000");
        c.put("topic.creation.default.replication.factor", "-1");
        c.put("topic.creation.default.partitions", "-1");
        return c;
    }

    <T extends SpecificRecord> KafkaConsumer<String, T> consumer(
            final Class<T> type, final String topic) {
        final AvroWireDeserializer<T> values = new AvroWireDeserializer<>(type);
        values.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url()), false);
        final KafkaConsumer<String, T> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                kafka.bootstrapServers(),
                                ConsumerConfig.GROUP_ID_CONFIG,
                                "it-" + UUID.randomUUID(),
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest"),
                        new StringDeserializer(),
                        values);
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    static <T> List<T> drain(final KafkaConsumer<String, T> consumer) {
        final List<T> out = new ArrayList<>();
        for (ConsumerRecord<String, T> r : consumer.poll(Duration.ofMillis(300))) {
            out.add(r.value());
        }
        return out;
    }

    /** Sum of a task metric over the worker's JMX MBeans (any MBean of kafka.connect carrying the attribute). */
    static long metric(final String attribute) throws Exception {
        final javax.management.MBeanServer jmx =
                java.lang.management.ManagementFactory.getPlatformMBeanServer();
        long total = 0;
        for (final javax.management.ObjectName name :
                jmx.queryNames(new javax.management.ObjectName("kafka.connect:*"), null)) {
            for (final javax.management.MBeanAttributeInfo a :
                    jmx.getMBeanInfo(name).getAttributes()) {
                if (a.getName().equals(attribute)) {
                    total += ((Number) jmx.getAttribute(name, attribute)).longValue();
                }
            }
        }
        return total;
    }

    /** Publishes {@code n} platform events ({@code Message__c} = m0, m1, ... plus {@code extra}) with fresh EventUuids; returns them. */
    List<String> publish(final String channel, final int n, final Map<String, Object> extra) {
        final List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final String id = UUID.randomUUID().toString();
            final Map<String, Object> payload = new HashMap<>(extra);
            payload.put("Message__c", "m" + i);
            emulator.org().publishPlatformEvent(channel, payload, id);
            ids.add(id);
        }
        return ids;
    }

    @Override
    public void close() {
        stopConnect();
        emulator.close();
        registry.close();
        kafka.close();
    }
}
