package io.sfpulse.sink;

import io.sfpulse.schemas.topic.TopicNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes what could not be delivered to the sink's dead-letter topic: the original record with
 * headers {@code sfpulse.channel}, {@code sfpulse.attempts}, {@code sfpulse.last.status},
 * {@code sfpulse.error} and {@code sfpulse.source}; acknowledged before the caller commits. Thread-safe.
 */
final class DeadLetterWriter implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicLong written = new AtomicLong();

    DeadLetterWriter(final String bootstrap) {
        this.producer =
                new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap,
                                ProducerConfig.ACKS_CONFIG,
                                "all"),
                        new ByteArraySerializer(),
                        new ByteArraySerializer());
    }

    void write(
            final ConsumerRecord<String, byte[]> record,
            final String channel,
            final int attempts,
            final int status,
            final String error) {
        final ProducerRecord<byte[], byte[]> dlq =
                new ProducerRecord<>(
                        TopicNames.SINK_DLQ,
                        null,
                        record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8),
                        record.value());
        dlq.headers().add("sfpulse.channel", channel.getBytes(StandardCharsets.UTF_8));
        dlq.headers()
                .add("sfpulse.attempts", String.valueOf(attempts).getBytes(StandardCharsets.UTF_8));
        dlq.headers()
                .add(
                        "sfpulse.last.status",
                        String.valueOf(status).getBytes(StandardCharsets.UTF_8));
        dlq.headers().add("sfpulse.error", String.valueOf(error).getBytes(StandardCharsets.UTF_8));
        dlq.headers()
                .add(
                        "sfpulse.source",
                        (record.topic() + "-" + record.partition() + "@" + record.offset())
                                .getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(dlq)
                    .get(30, TimeUnit.SECONDS); // acknowledged before the offset is committed
            written.incrementAndGet();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Cannot write dead letter for " + record.topic() + "@" + record.offset(), e);
        }
    }

    long count() {
        return written.get();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
