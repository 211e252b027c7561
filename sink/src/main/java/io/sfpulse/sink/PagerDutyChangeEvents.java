package io.sfpulse.sink;

import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import io.sfpulse.sink.channel.DeliveryResult;
import io.sfpulse.sink.channel.PagerDutyChannel;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards deployment markers to PagerDuty as change events (so responders see the deploy next
 * to the incident), sharing the PagerDuty rate limit; commits after each. Markers that cannot be
 * delivered are logged at ERROR and skipped: a missing change event must not block incidents.
 */
final class PagerDutyChangeEvents implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PagerDutyChangeEvents.class);

    private final SinkChannels.Limited pagerDuty;
    private final ChannelDelivery delivery;
    private final CommittingLoop<DeploymentMarker> loop;

    PagerDutyChangeEvents(
            final SinkConfig config,
            final Topics topics,
            final SinkChannels.Limited pagerDuty,
            final ChannelDelivery delivery) {
        this.pagerDuty = pagerDuty;
        this.delivery = delivery;
        final KafkaConsumer<String, DeploymentMarker> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                config.bootstrapServers(),
                                ConsumerConfig.GROUP_ID_CONFIG,
                                config.groupId() + "-change-events",
                                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                                false,
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest"),
                        new StringDeserializer(),
                        topics.deploymentMarkers().valueSerde().deserializer());
        this.loop =
                new CommittingLoop<>(
                        "sink-change-events",
                        consumer,
                        List.of(TopicNames.DEPLOYMENT_MARKERS),
                        () -> {},
                        this::forward);
    }

    void start() {
        loop.start();
    }

    private void forward(final ConsumerRecord<String, DeploymentMarker> r)
            throws InterruptedException {
        if (r.value() != null) {
            final ChannelDelivery.Outcome outcome =
                    delivery.deliver(
                            Map.of(
                                    "org",
                                    r.value().getOrgId(),
                                    "deployId",
                                    r.value().getDeployId()),
                            "pagerduty-change",
                            pagerDuty.limiter(),
                            () ->
                                    ((PagerDutyChannel) pagerDuty.channel())
                                            .deliverChange(r.value()));
            if (!(outcome.result() instanceof DeliveryResult.Delivered)) {
                LOG.atError()
                        .addKeyValue("org", r.value().getOrgId())
                        .addKeyValue("deployId", r.value().getDeployId())
                        .log(
                                "PagerDuty change event not delivered after {} attempts: {}",
                                outcome.attempts(),
                                outcome.result());
            }
        }
    }

    @Override
    public void close() {
        loop.close();
    }
}
