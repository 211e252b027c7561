package io.sfpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sfpulse.ingest.SalesforceSourceConfig.Transport;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.topic.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/**
 * What only the Pub/Sub transport has: flow control, the stall watchdog, stream resets and
 * refused subscribes, schema ids that change mid-stream. Each fault test first proves the emulator
 * injected the fault, then that nothing was lost.
 */
class PubSubIngestIT extends IngestITBase {

    private static List<String> publish(
            final String channel, final int n, final Map<String, Object> extra) {
        return h.publish(channel, n, extra);
    }

    private static void awaitAll(
            final KafkaConsumer<String, SalesforceEvent> consumer,
            final Set<String> seen,
            final List<String> expected) {
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () -> {
                            IngestHarness.drain(consumer).forEach(e -> seen.add(e.getEventUuid()));
                            assertThat(seen).containsAll(expected);
                        });
    }

    private static void start(
            final String name, final String channel, final Map<String, String> extra) {
        h.emulator.org().defineChannel(channel);
        final Map<String, String> config = h.connectorConfig(Transport.PUBSUB, channel);
        config.put("tasks.max", "1");
        config.putAll(extra);
        if (h.connect == null) {
            h.startConnect();
        }
        h.connect.putConnector(name, config);
        await().atMost(Duration.ofSeconds(60)).until(() -> h.connect.isRunning(name));
    }

    @Test
    void neverRequestsMoreThanTheBoundAndDeliversABacklogThroughASmallQueue() {
        final String channel = "/event/Flow_Control__e";
        h.emulator.org().defineChannel(channel);
        final List<String> backlog = publish(channel, 600, Map.of());
        start(
                "flow-control",
                channel,
                Map.of(
                        SalesforceSourceConfig.PUBSUB_BATCH_CONFIG,
                        "10",
                        SalesforceSourceConfig.PUBSUB_MAX_IN_FLIGHT_CONFIG,
                        "30",
                        SalesforceSourceConfig.QUEUE_CAPACITY_CONFIG,
                        "25"));
        try (KafkaConsumer<String, SalesforceEvent> consumer =
                h.consumer(SalesforceEvent.class, TopicNames.forChannel(channel))) {
            awaitAll(consumer, new HashSet<>(), backlog);
        }
        // Pull-based: Salesforce never owed this client more than the bound, backlog or not.
        assertThat(h.emulator.pubSubStats().maxOutstandingDemand(channel)).isBetween(1, 30);
        assertThat(h.emulator.pubSubStats().maxRequested(channel))
                .as("largest single request")
                .isEqualTo(10);
        assertThat(h.emulator.pubSubStats().eventsSent()).isGreaterThanOrEqualTo(600);
    }

    @Test
    void aStalledStreamIsResubscribedFromTheAcknowledgedPosition() {
        final String channel = "/event/Stall__e";
        start("stall", channel, Map.of());
        try (KafkaConsumer<String, SalesforceEvent> consumer =
                h.consumer(SalesforceEvent.class, TopicNames.forChannel(channel))) {
            final Set<String> seen = new HashSet<>();
            final List<String> expected = new ArrayList<>(publish(channel, 5, Map.of()));
            awaitAll(consumer, seen, expected);
            final long subscribesBefore = h.emulator.pubSubStats().subscribes();
            final long stalledBefore = h.emulator.faults().pubSubStreamsStalled();
            final long droppedBefore = h.emulator.faults().pubSubStreamsDropped();
            // The next stream goes silent (no events, no keepalive): drop the current one so the
            // client opens it.
            h.emulator.faults().stallNextPubSubStream().dropPubSubStreamAfterEvents(1);
            expected.addAll(publish(channel, 10, Map.of()));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> h.emulator.faults().pubSubStreamsStalled() == stalledBefore + 1);
            // The watchdog gives up on the silent stream after 5 s and subscribes again.
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> h.emulator.pubSubStats().subscribes() >= subscribesBefore + 2);
            expected.addAll(publish(channel, 5, Map.of()));
            awaitAll(consumer, seen, expected);
            assertThat(h.emulator.faults().pubSubStreamsDropped()).isEqualTo(droppedBefore + 1);
        }
    }

    @Test
    void refusedSubscribesAndResetStreamsLoseNothing() {
        final String channel = "/event/Unavailable__e";
        start("unavailable", channel, Map.of());
        try (KafkaConsumer<String, SalesforceEvent> consumer =
                h.consumer(SalesforceEvent.class, TopicNames.forChannel(channel))) {
            final Set<String> seen = new HashSet<>();
            final List<String> expected = new ArrayList<>(publish(channel, 5, Map.of()));
            awaitAll(consumer, seen, expected);
            final long refusedBefore = h.emulator.faults().pubSubSubscribesRefused();
            // RST_STREAM after 3 more events, then two refused resubscribes (service.unavailable).
            h.emulator.faults().dropPubSubStreamAfterEvents(3).unavailableOnNextPubSubSubscribes(2);
            expected.addAll(publish(channel, 20, Map.of()));
            await().atMost(Duration.ofSeconds(60))
                    .until(
                            () ->
                                    h.emulator.faults().pubSubSubscribesRefused()
                                            == refusedBefore + 2);
            expected.addAll(publish(channel, 5, Map.of()));
            awaitAll(consumer, seen, expected);
        }
    }

    @Test
    void anEventTypeThatGainsAFieldGetsANewSchemaIdAndBothDecode() {
        final String channel = "/event/Schema_Change__e";
        start("schema-change", channel, Map.of());
        try (KafkaConsumer<String, SalesforceEvent> consumer =
                h.consumer(SalesforceEvent.class, TopicNames.forChannel(channel))) {
            final List<String> first = publish(channel, 3, Map.of());
            final List<String> second = publish(channel, 3, Map.of("Severity__c", "HIGH"));
            final Map<String, SalesforceEvent> byId = new HashMap<>();
            await().atMost(Duration.ofSeconds(60))
                    .until(
                            () -> {
                                IngestHarness.drain(consumer)
                                        .forEach(e -> byId.put(e.getEventUuid(), e));
                                return byId.keySet().containsAll(first)
                                        && byId.keySet().containsAll(second);
                            });
            final String oldSchema = byId.get(first.get(0)).getSchemaId();
            final String newSchema = byId.get(second.get(0)).getSchemaId();
            assertThat(oldSchema).isNotBlank().isNotEqualTo(newSchema);
            assertThat(byId.get(second.get(2)).getPayload()).contains("\"Severity__c\":\"HIGH\"");
            assertThat(byId.get(first.get(2)).getPayload())
                    .contains("\"Message__c\":\"m2\"")
                    .doesNotContain("Severity__c");
        }
    }

    @Test
    void aManagedSubscriptionResumesWhereTheServerCommittedNotFromTheConnectorsOffsets() {
        final String channel = "/event/Managed__e";
        h.emulator.org().defineChannel(channel);
        final var subscription =
                h.emulator.org().managedSubscriptions().define("Sfpulse_Managed", channel, true);
        final Map<String, String> managed =
                Map.of(SalesforceSourceConfig.PUBSUB_MANAGED_CONFIG, channel + "=Sfpulse_Managed");
        start("managed-1", channel, managed);
        final List<String> first = publish(channel, 5, Map.of());
        final List<String> all = new ArrayList<>(first);
        try (KafkaConsumer<String, SalesforceEvent> consumer =
                h.consumer(SalesforceEvent.class, TopicNames.forChannel(channel))) {
            final List<SalesforceEvent> records = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60))
                    .until(
                            () -> {
                                records.addAll(IngestHarness.drain(consumer));
                                return records.stream()
                                        .map(SalesforceEvent::getEventUuid)
                                        .toList()
                                        .containsAll(first);
                            });
            final long lastReplay =
                    records.stream().mapToLong(SalesforceEvent::getReplayId).max().orElseThrow();
            // What Kafka acknowledged is committed to the server.
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () ->
                                    Long.valueOf(lastReplay)
                                            .equals(
                                                    h.emulator
                                                            .org()
                                                            .managedSubscriptions()
                                                            .byId(subscription.id())
                                                            .orElseThrow()
                                                            .committedReplayId()));
            h.resetConnect();
            all.addAll(publish(channel, 5, Map.of()));
            // A new connector has no Connect offsets (and starts from 'earliest'): the server's
            // position decides.
            start("managed-2", channel, managed);
            await().atMost(Duration.ofSeconds(60))
                    .until(
                            () -> {
                                records.addAll(IngestHarness.drain(consumer));
                                return records.stream()
                                        .map(SalesforceEvent::getEventUuid)
                                        .toList()
                                        .containsAll(all);
                            });
            assertThat(records)
                    .extracting(SalesforceEvent::getEventUuid)
                    .doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(all);
        }
    }
}
