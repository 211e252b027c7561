package io.sfpulse.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sfpulse.schemas.event.EventSource;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.serde.AvroSerdeConfig;
import io.sfpulse.schemas.serde.AvroWireDeserializer;
import io.sfpulse.schemas.serde.SfpulseSerdes;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import io.sfpulse.streams.normalize.SignalNormalizer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streams app stopped while signals wait in the release-join grace buffer and started again,
 * either on its local state or on an empty state directory (everything restored from changelogs):
 * every event still comes out as exactly one enriched signal, in event-time order per org.
 */
class StreamsRestartIT extends BrokerTestBase {

    private static final Instant T0 = Instant.parse("2026-11-16T06:00:00Z");
    private static final String CHANNEL = "/event/LogEntryEvent__e";
    private static final String ORG = "00D000000000001EAA";

    @TempDir Path stateDir;

    @ParameterizedTest(name = "wipe local state: {0}")
    @ValueSource(booleans = {false, true})
    void everyEventIsEnrichedOnceAcrossARestart(final boolean wipeState) throws Exception {
        final String suffix = UUID.randomUUID().toString().substring(0, 8);
        final Map<String, Object> props = new HashMap<>();
        props.put(DetectionConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
        props.put(DetectionConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(DetectionConfig.APPLICATION_ID_CONFIG, "restart-it-" + suffix);
        props.put(
                DetectionConfig.JOIN_GRACE_MS_CONFIG,
                String.valueOf(Duration.ofMinutes(5).toMillis()));
        props.put(DetectionConfig.COMMIT_INTERVAL_MS_CONFIG, "200");
        // A restarted instance rejoins without waiting out the default 45 s session of its
        // predecessor.
        props.put(DetectionConfig.STREAMS_OVERRIDE_PREFIX + "session.timeout.ms", "6000");
        props.put(DetectionConfig.STREAMS_OVERRIDE_PREFIX + "heartbeat.interval.ms", "1500");
        final DetectionConfig config = new DetectionConfig(props);
        final Set<String> topicNames = new LinkedHashSet<>(DetectionTopology.topics(config));
        kafka.createTopics(1, topicNames);
        final Topics topics = Topics.create(SfpulseSerdes.forRegistry(registry.url()));
        final String org = ORG.substring(0, 10) + suffix;

        final List<String> published = new ArrayList<>();
        try (KafkaProducer<String, SalesforceEvent> producer =
                new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                        new StringSerializer(),
                        topics.channel(CHANNEL).valueSerde().serializer())) {
            publish(producer, org, published, 0, 60);
            try (DetectionService service = new DetectionService(config).start()) {
                await().atMost(Duration.ofMinutes(2)).until(() -> enriched(org).size() >= 50);
            }
            if (wipeState) {
                try (Stream<Path> files = java.nio.file.Files.walk(stateDir)) {
                    files.sorted(Comparator.reverseOrder())
                            .filter(p -> !p.equals(stateDir))
                            .forEach(p -> p.toFile().delete());
                }
            }
            publish(producer, org, published, 60, 40);
            try (DetectionService service = new DetectionService(config).start()) {
                await().atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofSeconds(1))
                        .untilAsserted(
                                () -> {
                                    final List<String> ids = enriched(org);
                                    final List<Integer> missing = new ArrayList<>();
                                    for (int i = 0; i < published.size() - 5; i++) {
                                        if (!ids.contains(published.get(i))) {
                                            missing.add(i);
                                        }
                                    }
                                    assertThat(missing)
                                            .as(
                                                    "indices of events without an enriched signal (%d enriched read)",
                                                    ids.size())
                                            .isEmpty();
                                });
            }
        }
        final List<String> ids = enriched(org);
        assertThat(new HashSet<>(ids)).hasSize(ids.size());
    }

    private static void publish(
            final KafkaProducer<String, SalesforceEvent> producer,
            final String org,
            final List<String> published,
            final int from,
            final int n)
            throws Exception {
        for (int i = from; i < from + n; i++) {
            final Instant at = T0.plus(Duration.ofMinutes(i));
            final String id = UUID.randomUUID().toString();
            final SalesforceEvent event =
                    SalesforceEvent.newBuilder()
                            .setOrgId(org)
                            .setChannel(CHANNEL)
                            .setSource(EventSource.COMETD)
                            .setReplayId((long) i + 1)
                            .setEventUuid(id)
                            .setEventTime(at)
                            .setReceivedTime(at)
                            .setPayload(
                                    "{\"LoggingLevel__c\":\"INFO\",\"CreatedDate\":\"" + at + "\"}")
                            .build();
            producer.send(
                            new ProducerRecord<>(
                                    TopicNames.forChannel(CHANNEL),
                                    null,
                                    at.toEpochMilli(),
                                    org,
                                    event))
                    .get();
            published.add(id);
        }
    }

    private static AvroWireDeserializer<Signal> signals() {
        final AvroWireDeserializer<Signal> d = new AvroWireDeserializer<>(Signal.class);
        d.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url()), false);
        return d;
    }

    /** All enriched signals of {@code org} but the events' delivery lags, read to the end of the topic. */
    private static List<String> enriched(final String org) {
        final List<String> ids = new ArrayList<>();
        try (KafkaConsumer<String, Signal> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                kafka.bootstrapServers(),
                                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                                "read_committed"),
                        new StringDeserializer(),
                        signals())) {
            final List<TopicPartition> partitions =
                    consumer.partitionsFor(TopicNames.SIGNALS_ENRICHED).stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (final ConsumerRecord<String, Signal> r :
                        consumer.poll(Duration.ofMillis(200))) {
                    if (org.equals(r.value().getOrgId())
                            && !SignalNormalizer.isDerived(r.value())) {
                        ids.add(r.value().getEventUuid());
                    }
                }
            }
        }
        return ids;
    }
}
