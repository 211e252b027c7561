package io.sfpulse.suite;

import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.progress.SourceProgress;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes labelled scenarios to the ingest topics of a real broker, as the ingest would have. */
public final class ScenarioPublisher {

    private ScenarioPublisher() {}

    /**
     * All scenarios' events and markers in event-time order (each marker flushed before the events
     * after it), then one INFO heartbeat per org an hour after the scenarios end, so stream time
     * passes the grace period and the quiet spans that resolve alerts.
     *
     * @param t0 the start the scenarios were generated with
     */
    public static void publish(
            final String bootstrap,
            final Topics topics,
            final List<LabelledScenarios.Scenario> scenarios,
            final Instant t0) {
        final Map<String, Object> p =
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ProducerConfig.LINGER_MS_CONFIG,
                        20);
        try (KafkaProducer<String, SalesforceEvent> events =
                        new KafkaProducer<>(
                                p,
                                new StringSerializer(),
                                topics.channel(LabelledScenarios.LOG_CHANNEL)
                                        .valueSerde()
                                        .serializer());
                KafkaProducer<String, DeploymentMarker> markers =
                        new KafkaProducer<>(
                                p,
                                new StringSerializer(),
                                topics.deploymentMarkers().valueSerde().serializer());
                KafkaProducer<String, SourceProgress> progress =
                        new KafkaProducer<>(
                                p,
                                new StringSerializer(),
                                topics.sourceProgress().valueSerde().serializer())) {
            for (final LabelledScenarios.Input in : LabelledScenarios.merged(scenarios)) {
                if (in.marker() != null) {
                    markers.send(
                            new ProducerRecord<>(
                                    TopicNames.DEPLOYMENT_MARKERS,
                                    null,
                                    in.time().toEpochMilli(),
                                    in.orgId(),
                                    in.marker()));
                    markers.flush();
                } else if (in.progress() != null) {
                    progress.send(
                            new ProducerRecord<>(
                                    TopicNames.SOURCE_PROGRESS,
                                    null,
                                    in.time().toEpochMilli(),
                                    in.orgId(),
                                    in.progress()));
                } else {
                    events.send(
                            new ProducerRecord<>(
                                    TopicNames.forChannel(in.channel()),
                                    null,
                                    in.time().toEpochMilli(),
                                    in.orgId(),
                                    in.event()));
                }
            }
            final Instant after = t0.plus(LabelledScenarios.TOTAL).plus(Duration.ofHours(1));
            for (final LabelledScenarios.Scenario s : scenarios) {
                final SalesforceEvent last =
                        s.inputs().stream()
                                .filter(i -> i.event() != null)
                                .reduce((a, b) -> b)
                                .orElseThrow()
                                .event();
                final SalesforceEvent heartbeat =
                        SalesforceEvent.newBuilder(last)
                                .setChannel(LabelledScenarios.LOG_CHANNEL)
                                .setEventUuid(UUID.randomUUID().toString())
                                .setEventTime(after)
                                .setReceivedTime(after)
                                .setPayload("{\"LoggingLevel__c\":\"INFO\"}")
                                .build();
                events.send(
                        new ProducerRecord<>(
                                TopicNames.forChannel(LabelledScenarios.LOG_CHANNEL),
                                null,
                                after.toEpochMilli(),
                                s.label().orgId(),
                                heartbeat));
            }
            events.flush();
            progress.flush();
        }
    }
}
