package io.sfpulse.sink.silence;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.silence.Silence;
import io.sfpulse.schemas.topic.TopicNames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every silence, read from {@code sfpulse.sink.silences.v1} (all of it at start, then following
 * it), and which one, if any, holds an alert state's push back now. A silence is active from its
 * start until it ends or is cancelled, on the wall clock (silences are an operator's, not the
 * org's, time); it matches its org, its detector (or every one) and its subject (or every one).
 * Thread-safe.
 */
public final class SilenceBook implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SilenceBook.class);
    private final Map<String, Silence> byId = new ConcurrentHashMap<>();
    private final Clock clock;
    private final KafkaConsumer<String, Silence> consumer;
    private final Thread thread;
    private final CountDownLatch loaded = new CountDownLatch(1);
    private volatile boolean running = true;

    public SilenceBook(final String bootstrap, final Serde<Silence> serde, final Clock clock) {
        this.clock = clock;
        this.consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap,
                                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                                false),
                        new StringDeserializer(),
                        serde.deserializer());
        this.thread = new Thread(this::follow, "sfpulse-silences");
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits until what the topic held at start is read (bounded), so the first alerts see existing silences. */
    public SilenceBook awaitLoaded(final Duration max) throws InterruptedException {
        if (!loaded.await(max.toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.warn(
                    "Silences not loaded within {} s; alerts are pushed until they are",
                    max.toSeconds());
        }
        return this;
    }

    private void follow() {
        try {
            List<TopicPartition> tps = List.of();
            while (running && tps.isEmpty()) {
                final List<PartitionInfo> infos =
                        consumer.partitionsFor(TopicNames.SILENCES, Duration.ofSeconds(10));
                tps =
                        infos == null
                                ? List.of()
                                : infos.stream()
                                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                                        .toList();
                if (tps.isEmpty()) {
                    LOG.warn(
                            "Topic '{}' not found; no silence applies until it exists",
                            TopicNames.SILENCES);
                    loaded.countDown();
                }
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            final Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            while (running) {
                consumer.poll(Duration.ofMillis(500))
                        .forEach(
                                r -> {
                                    if (r.value() != null) {
                                        byId.put(r.key(), r.value());
                                    } else {
                                        byId.remove(r.key());
                                    }
                                });
                if (loaded.getCount() > 0
                        && tps.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))) {
                    LOG.info(
                            "Silences loaded: {} ({} active)",
                            byId.size(),
                            byId.values().stream().filter(s -> active(s, clock.instant())).count());
                    loaded.countDown();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("Silences stopped following '{}': {}", TopicNames.SILENCES, e.toString());
        } finally {
            consumer.close();
            loaded.countDown();
        }
    }

    /** The active silence that holds back {@code alert}'s push now, if any (the one ending last). */
    public Optional<Silence> matching(final Alert alert) {
        final Instant now = clock.instant();
        return byId.values().stream()
                .filter(s -> active(s, now) && matches(s, alert))
                .max(Comparator.comparing(Silence::getEndsAt));
    }

    /** Every silence known, newest start first. */
    public List<Silence> all() {
        return byId.values().stream()
                .sorted(Comparator.comparing(Silence::getStartsAt).reversed())
                .toList();
    }

    static boolean active(final Silence s, final Instant now) {
        return s.getCancelledAt() == null
                && !now.isBefore(s.getStartsAt())
                && now.isBefore(s.getEndsAt());
    }

    static boolean matches(final Silence s, final Alert a) {
        return s.getOrgId().equals(a.getOrgId())
                && (s.getDetector() == null || s.getDetector().equals(a.getDetector()))
                && (s.getSubject() == null || s.getSubject().equals(a.getSubject()));
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
