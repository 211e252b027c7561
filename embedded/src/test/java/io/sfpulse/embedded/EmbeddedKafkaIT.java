package io.sfpulse.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {

    @TempDir Path dir;

    @Test
    void shouldKeepRecordsAcrossRestartOfSameDataDir() throws Exception {
        final Path data = Files.createDirectories(dir.resolve("kafka"));
        try (EmbeddedKafka kafka = EmbeddedKafka.start(data, 0)) {
            kafka.createTopics(1, List.of("t"));
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(
                            Map.of(
                                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    kafka.bootstrapServers()),
                            new StringSerializer(),
                            new StringSerializer())) {
                producer.send(new ProducerRecord<>("t", "k", "before-restart")).get();
            }
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start(data, 0);
                KafkaConsumer<String, String> consumer =
                        new KafkaConsumer<>(
                                Map.of(
                                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                        kafka.bootstrapServers(),
                                        ConsumerConfig.GROUP_ID_CONFIG,
                                        "g",
                                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                        "earliest"),
                                new StringDeserializer(),
                                new StringDeserializer())) {
            consumer.subscribe(List.of("t"));
            final List<String> values = new ArrayList<>();
            final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
            assertThat(values).containsExactly("before-restart");
        }
    }

    @Test
    void shouldDeleteATemporaryBrokersDataDirectoryWhenClosed() throws Exception {
        final Path data;
        try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary()) {
            data = kafka.dataDir();
            kafka.createTopics(1, List.of("t"));
            assertThat(data.resolve("meta.properties")).exists();
        }
        assertThat(data).doesNotExist();
    }
}
