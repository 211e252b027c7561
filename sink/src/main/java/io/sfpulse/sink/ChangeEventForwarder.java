package io.sfpulse.sink;

import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import io.sfpulse.sink.channel.DeliveryResult;
import io.sfpulse.sink.channel.PagerDutyChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards deployment markers to PagerDuty as change events (so responders see the deploy next
 * to the incident), sharing the PagerDuty rate limit; commits after each. Markers that cannot be
 * delivered are logged at ERROR and skipped: a missing change event must not block incidents.
 */
final class ChangeEventForwarder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeEventForwarder.class);

    private final KafkaConsumer<String, DeploymentMarker> consumer;
    private final SinkChannels.Limited pagerDuty;
    private final ChannelDelivery delivery;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    ChangeEventForwarder(final SinkConfig config, final Topics topics, final SinkChannels.Limited pagerDuty, final ChannelDelivery delivery) {
        this.pagerDuty = pagerDuty;
        this.delivery = delivery;
        this.consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, config.groupId() + "-change-events",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), topics.deploymentMarkers().valueSerde().deserializer());
        this.thread = new Thread(this::run, "sfpulse-sink-change-events");
    }

    void start() {
        thread.start();
    }

    private void run() {
        try {
            consumer.subscribe(List.of(TopicNames.DEPLOYMENT_MARKERS));
            while (running) {
                for (final ConsumerRecord<String, DeploymentMarker> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() != null) {
                        final ChannelDelivery.Outcome outcome = delivery.deliver(Map.of("org", r.value().getOrgId(), "deployId", r.value().getDeployId()), "pagerduty-change",
                            pagerDuty.limiter(), () -> ((PagerDutyChannel) pagerDuty.channel()).deliverChange(r.value()));
                        if (!(outcome.result() instanceof DeliveryResult.Delivered)) {
                            LOG.atError().addKeyValue("org", r.value().getOrgId()).addKeyValue("deployId", r.value().getDeployId())
                                .log("PagerDuty change event not delivered after {} attempts: {}", outcome.attempts(), outcome.result());
                        }
                    }
                    consumer.commitSync(Map.of(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1)));
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("Change event forwarder stopped on an unexpected error", e);
        } finally {
            consumer.close();
            stopped.countDown();
        }
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
