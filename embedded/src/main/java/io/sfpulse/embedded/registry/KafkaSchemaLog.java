package io.sfpulse.embedded.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.schemas.registry.InMemorySchemaStore;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable storage of registry entries in a single-partition compacted topic (key
 * {@code subject/version}, value the entry as JSON). Loaded fully on start; each registration is
 * acknowledged by the broker before it becomes visible. Single writer.
 */
final class KafkaSchemaLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSchemaLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String topic;
    private final Map<String, Object> clientProps;
    private final KafkaProducer<String, String> producer;

    KafkaSchemaLog(final String bootstrapServers, final String topic) {
        this.topic = topic;
        this.clientProps = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.producer =
                new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrapServers,
                                ProducerConfig.ACKS_CONFIG,
                                "all",
                                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                                true),
                        new StringSerializer(),
                        new StringSerializer());
    }

    /** Creates the topic if needed and replays it into {@code store}. */
    void load(final InMemorySchemaStore store) {
        ensureTopic();
        final TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                clientProps.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG),
                                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                                false),
                        new StringDeserializer(),
                        new StringDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            final long end = consumer.endOffsets(List.of(tp)).get(tp);
            int loaded = 0;
            while (consumer.position(tp) < end) {
                for (final ConsumerRecord<String, String> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() != null) {
                        store.apply(read(record.value()));
                        loaded++;
                    }
                }
            }
            LOG.info("Schema registry loaded {} entries from '{}'", loaded, topic);
        }
    }

    /** Appends an entry and waits for the broker's acknowledgement. */
    void append(final InMemorySchemaStore.Entry entry) {
        try {
            producer.send(
                            new ProducerRecord<>(
                                    topic,
                                    entry.subject() + "/" + entry.version(),
                                    JSON.writeValueAsString(entry)))
                    .get(30, TimeUnit.SECONDS);
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "Cannot store schema for subject '" + entry.subject() + "' in '" + topic + "'",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted storing schema", e);
        }
    }

    private void ensureTopic() {
        try (Admin admin = Admin.create(clientProps)) {
            final Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            if (!existing.contains(topic)) {
                admin.createTopics(
                                List.of(
                                        new NewTopic(topic, Optional.of(1), Optional.empty())
                                                .configs(
                                                        Map.of(
                                                                TopicConfig.CLEANUP_POLICY_CONFIG,
                                                                TopicConfig
                                                                        .CLEANUP_POLICY_COMPACT))))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                LOG.info("Created schema registry topic '{}'", topic);
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException(
                        "Cannot create schema registry topic '" + topic + "'", e);
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "Timed out creating schema registry topic '" + topic + "'", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    private static InMemorySchemaStore.Entry read(final String json) {
        try {
            return JSON.readValue(json, InMemorySchemaStore.Entry.class);
        } catch (IOException e) {
            throw new IllegalStateException("Corrupt schema registry record: " + json, e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
