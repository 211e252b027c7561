package io.sfpulse.sink;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.serde.SfpulseSerdes;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import io.sfpulse.sink.channel.AlertChannel;
import io.sfpulse.sink.channel.DeliveryResult;
import io.sfpulse.sink.channel.JsonLinesFileChannel;
import io.sfpulse.sink.channel.LogChannel;
import io.sfpulse.sink.channel.WebhookChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes alert states and delivers each to every enabled channel, then commits that record's
 * offset - so a restart never re-delivers an alert state already delivered, and never skips one
 * that was not. Permanent failures and exhausted retries go to the dead-letter topic with headers
 * (channel, attempts, last status, error); an undecodable record goes there too. One thread.
 */
public final class AlertSinkService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertSinkService.class);

    private final SinkConfig config;
    private final List<AlertChannel> channels = new ArrayList<>();
    private final ChannelDelivery delivery;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> deadLetters;
    private final Deserializer<Alert> alertDeserializer;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private volatile boolean running = true;

    public AlertSinkService(final SinkConfig config) {
        this.config = config;
        this.delivery = new ChannelDelivery(config.retryPolicy(), d -> Thread.sleep(d.toMillis()));
        if (config.logEnabled()) {
            channels.add(new LogChannel());
        }
        if (!config.filePath().isBlank()) {
            channels.add(new JsonLinesFileChannel(Path.of(config.filePath())));
        }
        if (config.webhookUrl() != null && !config.webhookUrl().isBlank()) {
            channels.add(new WebhookChannel(config.webhookUrl(), config.webhookSecret()));
        }
        final Topics topics = Topics.create(new SfpulseSerdes(config.serdeConfig()));
        this.alertDeserializer = topics.alerts().valueSerde().deserializer();
        this.consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, config.groupId(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50,
            ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 15 * 60_000), new StringDeserializer(), new ByteArrayDeserializer());
        this.deadLetters = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
        this.thread = new Thread(this::run, "sfpulse-sink");
    }

    public AlertSinkService start() {
        LOG.info("Alert sink delivering to {}", channels.stream().map(AlertChannel::name).toList());
        thread.start();
        return this;
    }

    private void run() {
        try {
            consumer.subscribe(List.of(TopicNames.ALERTS));
            while (running) {
                for (final ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    handle(record);
                    consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()),
                        new OffsetAndMetadata(record.offset() + 1)));
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("Alert sink stopped on an unexpected error", e);
        } finally {
            consumer.close();
            stopped.countDown();
        }
    }

    private void handle(final ConsumerRecord<String, byte[]> record) throws InterruptedException {
        final Alert alert;
        try {
            alert = alertDeserializer.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            LOG.error("Undecodable alert at {}-{}@{} sent to '{}': {}", record.topic(), record.partition(), record.offset(),
                TopicNames.SINK_DLQ, e.getMessage());
            deadLetter(record, "decode", 0, -1, e.getMessage());
            return;
        }
        for (final AlertChannel channel : channels) {
            final ChannelDelivery.Outcome outcome = delivery.deliver(channel, alert);
            if (outcome.result() instanceof DeliveryResult.Delivered) {
                delivered.incrementAndGet();
                continue;
            }
            final int status;
            final String error;
            if (outcome.result() instanceof DeliveryResult.Permanent p) {
                status = p.status();
                error = p.error();
                LOG.error("Alert '{}' permanently refused by '{}' ({}); sent to '{}'", alert.getAlertId(), channel.name(), error, TopicNames.SINK_DLQ);
            } else {
                final DeliveryResult.Retriable r = (DeliveryResult.Retriable) outcome.result();
                status = r.status();
                error = r.error();
            }
            deadLetter(record, channel.name(), outcome.attempts(), status, error);
        }
    }

    private void deadLetter(final ConsumerRecord<String, byte[]> record, final String channel, final int attempts, final int status,
                            final String error) {
        final ProducerRecord<byte[], byte[]> dlq = new ProducerRecord<>(TopicNames.SINK_DLQ, null,
            record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8), record.value());
        dlq.headers().add("sfpulse.channel", channel.getBytes(StandardCharsets.UTF_8));
        dlq.headers().add("sfpulse.attempts", String.valueOf(attempts).getBytes(StandardCharsets.UTF_8));
        dlq.headers().add("sfpulse.last.status", String.valueOf(status).getBytes(StandardCharsets.UTF_8));
        dlq.headers().add("sfpulse.error", String.valueOf(error).getBytes(StandardCharsets.UTF_8));
        dlq.headers().add("sfpulse.source", (record.topic() + "-" + record.partition() + "@" + record.offset()).getBytes(StandardCharsets.UTF_8));
        try {
            deadLetters.send(dlq).get(30, TimeUnit.SECONDS); // acknowledged before the offset is committed
            deadLettered.incrementAndGet();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot write dead letter for " + record.topic() + "@" + record.offset(), e);
        }
    }

    public long deliveredCount() {
        return delivered.get();
    }

    public long deadLetteredCount() {
        return deadLettered.get();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            stopped.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deadLetters.close(Duration.ofSeconds(5));
        channels.forEach(AlertChannel::close);
    }
}
