package io.sfpulse.sink.ledger;

import io.sfpulse.schemas.alert.DeliveryOutcome;
import io.sfpulse.schemas.alert.DeliveryResultKind;
import io.sfpulse.schemas.topic.TopicNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery audit trail ({@code sfpulse.sink.deliveries.v1}, key {@code channel|idempotencyKey})
 * and, replayed at start, the memory of which alert states each channel already has - so a sink
 * that crashed between two channels of one alert re-delivers to neither on restart.
 */
public final class DeliveryLedger implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLedger.class);

    private final KafkaProducer<String, DeliveryOutcome> producer;
    private final Set<String> done = ConcurrentHashMap.newKeySet();

    public DeliveryLedger(final String bootstrap, final Serde<DeliveryOutcome> serde) {
        this.producer =
                new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap,
                                ProducerConfig.ACKS_CONFIG,
                                "all"),
                        new StringSerializer(),
                        serde.serializer());
        load(bootstrap, serde);
    }

    private void load(final String bootstrap, final Serde<DeliveryOutcome> serde) {
        try (KafkaConsumer<String, DeliveryOutcome> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap,
                                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                                false),
                        new StringDeserializer(),
                        serde.deserializer())) {
            final List<PartitionInfo> infos =
                    consumer.partitionsFor(TopicNames.DELIVERIES, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                return;
            }
            final List<TopicPartition> tps =
                    infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            final Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200))
                        .forEach(
                                r -> {
                                    if (r.value() != null
                                            && r.value().getOutcome()
                                                    != DeliveryResultKind.SKIPPED_DUPLICATE) {
                                        done.add(r.key());
                                    }
                                });
            }
            LOG.info("Delivery ledger loaded {} completed deliveries", done.size());
        }
    }

    private static String key(final String channel, final String idempotencyKey) {
        return channel + "|" + idempotencyKey;
    }

    public boolean isDone(final String channel, final String idempotencyKey) {
        return done.contains(key(channel, idempotencyKey));
    }

    /** Writes the outcome and waits for the broker's ack (before the alert's offset is committed). */
    public void record(final DeliveryOutcome outcome) {
        final String key = key(outcome.getChannel(), outcome.getIdempotencyKey());
        try {
            producer.send(new ProducerRecord<>(TopicNames.DELIVERIES, key, outcome))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot write delivery outcome '" + key + "'", e);
        }
        if (outcome.getOutcome() != DeliveryResultKind.SKIPPED_DUPLICATE) {
            done.add(key);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
