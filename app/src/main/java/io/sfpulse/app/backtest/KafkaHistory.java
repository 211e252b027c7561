package io.sfpulse.app.backtest;

import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.serde.SfpulseSerdes;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads recorded history back from Kafka for a backtest: every record of the given ingest topics
 * and of the deployment-marker topic, from the beginning up to the end offsets seen when the read
 * starts (a consistent snapshot, no consumer group, nothing committed), decoded through the
 * registry the records were written with, kept when their event time is in [from, to), and
 * returned in event-time order. Records that cannot be decoded are counted and skipped.
 */
public final class KafkaHistory {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaHistory.class);

    /** History in event-time order: {@link SalesforceEvent}s and {@link DeploymentMarker}s. */
    public record Snapshot(List<Object> records, long undecodable) {}

    private KafkaHistory() {}

    public static Snapshot read(
            final String bootstrapServers,
            final Map<String, ?> serdeConfig,
            final List<String> eventTopics,
            final Instant from,
            final Instant to) {
        final Topics topics = Topics.create(new SfpulseSerdes(serdeConfig));
        final var events = topics.serdes().valueSerde(SalesforceEvent.class).deserializer();
        final var markers = topics.deploymentMarkers().valueSerde().deserializer();
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        final List<Object> out = new ArrayList<>();
        long undecodable = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<String> all = new ArrayList<>(eventTopics);
            all.add(TopicNames.DEPLOYMENT_MARKERS);
            final Map<String, List<PartitionInfo>> existing =
                    consumer.listTopics(Duration.ofSeconds(30));
            final List<TopicPartition> partitions =
                    all.stream()
                            .filter(existing::containsKey)
                            .flatMap(
                                    t ->
                                            existing.get(t).stream()
                                                    .map(i -> new TopicPartition(t, i.partition())))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            while (!end.isEmpty()) {
                for (final ConsumerRecord<byte[], byte[]> r :
                        consumer.poll(Duration.ofSeconds(1))) {
                    final TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (!end.containsKey(tp) || r.offset() >= end.get(tp) || r.value() == null) {
                        continue;
                    }
                    try {
                        final Object value =
                                r.topic().equals(TopicNames.DEPLOYMENT_MARKERS)
                                        ? markers.deserialize(r.topic(), r.headers(), r.value())
                                        : events.deserialize(r.topic(), r.headers(), r.value());
                        final Instant t = time(value);
                        if (!t.isBefore(from) && t.isBefore(to)) {
                            out.add(value);
                        }
                    } catch (RuntimeException e) {
                        undecodable++;
                        LOG.warn(
                                "Backtest skips undecodable record {}-{}@{}: {}",
                                r.topic(),
                                r.partition(),
                                r.offset(),
                                e.getMessage());
                    }
                }
                final Set<TopicPartition> done =
                        end.entrySet().stream()
                                .filter(e -> consumer.position(e.getKey()) >= e.getValue())
                                .map(Map.Entry::getKey)
                                .collect(Collectors.toSet());
                done.forEach(end::remove);
            }
        }
        out.sort(Comparator.comparing(KafkaHistory::time));
        return new Snapshot(out, undecodable);
    }

    private static Instant time(final Object value) {
        return value instanceof DeploymentMarker m
                ? m.getCompletedTime()
                : ((SalesforceEvent) value).getEventTime();
    }
}
