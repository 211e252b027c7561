package io.sfpulse.streams;

import io.sfpulse.schemas.serde.SfpulseSerdes;
import io.sfpulse.schemas.topic.Topics;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lifecycle of the detection Kafka Streams application: builds the topology, starts it, waits
 * for RUNNING. An uncaught exception replaces the failing stream thread (bounded by Kafka
 * Streams), and is logged with its cause. Never calls {@code cleanUp()} on a normal start.
 */
public final class DetectionService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DetectionService.class);
    private final KafkaStreams streams;
    private final boolean leaveGroupOnClose;
    private final CountDownLatch running = new CountDownLatch(1);

    public DetectionService(final DetectionConfig config) {
        final Topics topics = Topics.create(new SfpulseSerdes(config.serdeConfig()));
        this.streams =
                new KafkaStreams(
                        DetectionTopology.build(config, topics), config.streamsProperties());
        this.leaveGroupOnClose = config.getBoolean(DetectionConfig.LEAVE_GROUP_ON_CLOSE_CONFIG);
        streams.setStateListener(
                (now, before) -> {
                    LOG.info("Detection streams {} -> {}", before, now);
                    if (now == KafkaStreams.State.RUNNING) {
                        running.countDown();
                    }
                });
        streams.setUncaughtExceptionHandler(
                e -> {
                    LOG.error("Detection stream thread failed; replacing it", e);
                    return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
                            .REPLACE_THREAD;
                });
    }

    public DetectionService start() {
        streams.start();
        return this;
    }

    public boolean awaitRunning(final Duration timeout) throws InterruptedException {
        return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public KafkaStreams streams() {
        return streams;
    }

    @Override
    public void close() {
        streams.close(
                CloseOptions.timeout(Duration.ofSeconds(30))
                        .withGroupMembershipOperation(
                                leaveGroupOnClose
                                        ? GroupMembershipOperation.LEAVE_GROUP
                                        : GroupMembershipOperation.REMAIN_IN_GROUP));
    }
}
