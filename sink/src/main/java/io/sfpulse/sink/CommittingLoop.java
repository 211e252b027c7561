package io.sfpulse.sink;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the sink's consumers share: one thread polls the topics, hands each record to the handler
 * and commits its offset only after the handler returned (delivered, audited or dead-lettered), so a
 * crash repeats at most the record in hand; closing wakes the consumer and waits for the thread.
 * @param <V> record value type
 */
final class CommittingLoop<V> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CommittingLoop.class);

    /** Handles one record; may block (retries, rate limits). */
    interface Handler<V> {
        void handle(ConsumerRecord<String, V> record) throws InterruptedException;
    }

    /** Runs once on the loop's thread before it subscribes (e.g. waiting for silences to load). */
    interface Preparation {
        void prepare() throws InterruptedException;
    }

    private final String name;
    private final KafkaConsumer<String, V> consumer;
    private final List<String> topics;
    private final Preparation preparation;
    private final Handler<V> handler;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    CommittingLoop(
            final String name,
            final KafkaConsumer<String, V> consumer,
            final List<String> topics,
            final Preparation preparation,
            final Handler<V> handler) {
        this.name = name;
        this.consumer = consumer;
        this.topics = topics;
        this.preparation = preparation;
        this.handler = handler;
        this.thread = new Thread(this::run, "sfpulse-" + name);
    }

    CommittingLoop<V> start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            preparation.prepare();
            consumer.subscribe(topics);
            while (running) {
                for (final ConsumerRecord<String, V> record :
                        consumer.poll(Duration.ofMillis(500))) {
                    handler.handle(record);
                    consumer.commitSync(
                            Map.of(
                                    new TopicPartition(record.topic(), record.partition()),
                                    new OffsetAndMetadata(record.offset() + 1)));
                }
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("{} woken up unexpectedly", name, e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("{} stopped on an unexpected error", name, e);
        } finally {
            consumer.close();
            stopped.countDown();
        }
    }

    /** Whether the loop is alive (started and neither stopped nor crashed). */
    boolean isRunning() {
        return running && thread.isAlive();
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
    }
}
