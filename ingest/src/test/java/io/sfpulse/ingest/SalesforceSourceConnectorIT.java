package io.sfpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sfpulse.emulator.org.DeployRequestRecord;
import io.sfpulse.ingest.SalesforceSourceConfig.Transport;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.topic.TopicNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SalesforceSourceConnectorIT extends IngestITBase {

    private static List<String> publish(final String channel, final int n, final String prefix) {
        final List<String> uuids = new ArrayList<>();
        IntStream.range(0, n)
                .forEach(
                        i -> {
                            final String uuid = prefix + "-" + i;
                            h.emulator
                                    .org()
                                    .publishPlatformEvent(
                                            channel,
                                            Map.of(
                                                    "LoggingLevel__c",
                                                    "ERROR",
                                                    "Message__c",
                                                    "boom " + i),
                                            uuid);
                            uuids.add(uuid);
                        });
        return uuids;
    }

    private static void awaitAll(
            final KafkaConsumer<String, SalesforceEvent> consumer,
            final Set<String> seen,
            final List<String> expected) {
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            h.drain(consumer).forEach(e -> seen.add(e.getEventUuid()));
                            assertThat(seen).containsAll(expected);
                        });
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void shouldDeliverRetainedAndNewEventsKeyedByOrgWithReplayIds(final Transport transport) {
        final String channel = "/event/Deliver_" + transport + "__e";
        h.emulator.org().defineChannel(channel);
        final List<String> before = publish(channel, 20, "before");
        h.startConnect().putConnector("deliver", h.connectorConfig(transport, channel));
        try (KafkaConsumer<String, SalesforceEvent> consumer =
                h.consumer(SalesforceEvent.class, TopicNames.forChannel(channel))) {
            final Set<String> seen = new HashSet<>();
            awaitAll(consumer, seen, before);
            final List<String> after = publish(channel, 20, "after");
            awaitAll(consumer, seen, after);
        }
        try (KafkaConsumer<String, SalesforceEvent> consumer =
                h.consumer(SalesforceEvent.class, TopicNames.forChannel(channel))) {
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> {
                                final List<SalesforceEvent> events = h.drain(consumer);
                                assertThat(events)
                                        .isNotEmpty()
                                        .allSatisfy(
                                                e -> {
                                                    assertThat(e.getOrgId())
                                                            .isEqualTo(h.emulator.org().orgId());
                                                    assertThat(e.getChannel()).isEqualTo(channel);
                                                    assertThat(e.getReplayId()).isPositive();
                                                    assertThat(e.getSource().name())
                                                            .isEqualTo(transport.name());
                                                    assertThat(e.getPayload())
                                                            .contains(
                                                                    "\"LoggingLevel__c\":\"ERROR\"");
                                                });
                            });
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void shouldReportProgressOnTheOrgsClockWhileTheChannelIsQuiet(final Transport transport) {
        final String channel = "/event/Progress_" + transport + "__e";
        h.emulator.org().defineChannel(channel);
        // The org's clock is not the ingest's: progress must follow the org (its responses' Date
        // header).
        h.emulator.org().clock().shift(Duration.ofDays(3));
        try {
            final List<String> published = publish(channel, 3, "progress");
            h.startConnect().putConnector("progress", h.connectorConfig(transport, channel));
            try (KafkaConsumer<String, SalesforceEvent> events =
                            h.consumer(SalesforceEvent.class, TopicNames.forChannel(channel));
                    KafkaConsumer<String, io.sfpulse.schemas.progress.SourceProgress> progress =
                            h.consumer(
                                    io.sfpulse.schemas.progress.SourceProgress.class,
                                    TopicNames.SOURCE_PROGRESS)) {
                final List<SalesforceEvent> seen = new ArrayList<>();
                await().atMost(Duration.ofSeconds(60))
                        .until(
                                () -> {
                                    seen.addAll(h.drain(events));
                                    return seen.size() >= published.size();
                                });
                final Instant lastEvent =
                        seen.stream()
                                .map(SalesforceEvent::getEventTime)
                                .max(Instant::compareTo)
                                .orElseThrow();
                // No further events: the held /meta/connect returns empty every 3 s, the Pub/Sub
                // stream sends a keepalive
                // every second, and each reports progress.
                final List<io.sfpulse.schemas.progress.SourceProgress> reports = new ArrayList<>();
                await().atMost(Duration.ofSeconds(60))
                        .until(
                                () -> {
                                    h.drain(progress).stream()
                                            .filter(p -> channel.equals(p.getSource()))
                                            .forEach(reports::add);
                                    return reports.stream()
                                                    .filter(
                                                            p ->
                                                                    p.getDeliveredThrough()
                                                                            .isAfter(lastEvent))
                                                    .count()
                                            >= 2;
                                });
                assertThat(reports)
                        .allSatisfy(
                                p -> {
                                    assertThat(p.getOrgId()).isEqualTo(h.emulator.org().orgId());
                                    assertThat(p.getTransport().name()).isEqualTo(transport.name());
                                    assertThat(p.getDeliveredThrough())
                                            .isBefore(h.emulator.org().clock().instant())
                                            .isAfter(Instant.now().plus(Duration.ofDays(2)));
                                });
                assertThat(reports)
                        .extracting(io.sfpulse.schemas.progress.SourceProgress::getDeliveredThrough)
                        .isSorted()
                        .doesNotHaveDuplicates();
            }
        } finally {
            h.emulator.org().clock().shift(Duration.ofDays(-3));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void shouldLoseNoEventWhenTheWorkerRestartsMidStream(final Transport transport) {
        final String channel = "/event/Restart_" + transport + "__e";
        h.emulator.org().defineChannel(channel);
        h.startConnect().putConnector("restart", h.connectorConfig(transport, channel));
        await().atMost(Duration.ofSeconds(60)).until(() -> h.connect.isRunning("restart"));
        final List<String> expected = new ArrayList<>(publish(channel, 30, "first"));
        try (KafkaConsumer<String, SalesforceEvent> consumer =
                h.consumer(SalesforceEvent.class, TopicNames.forChannel(channel))) {
            final Set<String> seen = new HashSet<>();
            await().atMost(Duration.ofSeconds(60))
                    .until(
                            () -> {
                                h.drain(consumer).forEach(e -> seen.add(e.getEventUuid()));
                                return !seen.isEmpty();
                            });
            h.stopConnect();
            // Published while no worker runs: must be replayed from the committed position.
            expected.addAll(publish(channel, 30, "while-down"));
            h.startConnect();
            await().atMost(Duration.ofSeconds(60)).until(() -> h.connect.isRunning("restart"));
            expected.addAll(publish(channel, 30, "after-restart"));
            awaitAll(consumer, seen, expected);
        }
    }

    @Test
    void shouldResubscribeFromAckedPositionAfterUnknownClient() {
        final String channel = "/event/Unknown_Client_Test__e";
        h.emulator.org().defineChannel(channel);
        h.startConnect().putConnector("unknown-client", h.connectorConfig(channel));
        await().atMost(Duration.ofSeconds(60)).until(() -> h.connect.isRunning("unknown-client"));
        try (KafkaConsumer<String, SalesforceEvent> consumer =
                h.consumer(SalesforceEvent.class, TopicNames.forChannel(channel))) {
            final Set<String> seen = new HashSet<>();
            final List<String> expected = new ArrayList<>(publish(channel, 10, "pre"));
            awaitAll(consumer, seen, expected);
            final long before = h.emulator.faults().fired("unknown-client");
            h.emulator.faults().unknownClientOnNextConnect();
            expected.addAll(publish(channel, 10, "post"));
            awaitAll(consumer, seen, expected);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> h.emulator.faults().fired("unknown-client") == before + 1);
        }
    }

    @Test
    void shouldPublishCompletedDeploysAsMarkersWithComponentsAndOutcome() {
        final Instant completed = Instant.now().minusSeconds(60);
        h.emulator
                .org()
                .addDeployRequest(
                        new DeployRequestRecord(
                                "0Af000000000001AAA",
                                "Succeeded",
                                false,
                                completed.minusSeconds(30),
                                completed,
                                "Release Bot",
                                List.of("ApexClass:InvoiceService", "Flow:Invoice_Flow"),
                                0));
        h.emulator
                .org()
                .addDeployRequest(
                        new DeployRequestRecord(
                                "0Af000000000002AAA",
                                "Succeeded",
                                true,
                                completed.minusSeconds(30),
                                completed,
                                "Release Bot",
                                List.of("ApexClass:Validation"),
                                0));
        final Map<String, String> config = h.connectorConfig();
        config.put(SalesforceSourceConfig.DEPLOY_POLL_INTERVAL_MS_CONFIG, "300");
        h.startConnect().putConnector("deploys", config);
        try (KafkaConsumer<String, DeploymentMarker> consumer =
                h.consumer(DeploymentMarker.class, TopicNames.DEPLOYMENT_MARKERS)) {
            final List<DeploymentMarker> markers = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> {
                                markers.addAll(h.drain(consumer));
                                assertThat(markers)
                                        .extracting(DeploymentMarker::getDeployId)
                                        .contains("0Af000000000001AAA", "0Af000000000002AAA");
                            });
            // A validation (check-only) is kept as a marker with its flag; detection never makes it
            // the live release.
            assertThat(markers)
                    .filteredOn(m -> m.getDeployId().equals("0Af000000000002AAA"))
                    .allMatch(DeploymentMarker::getCheckOnly);
            final DeploymentMarker marker =
                    markers.stream()
                            .filter(m -> m.getDeployId().equals("0Af000000000001AAA"))
                            .findFirst()
                            .orElseThrow();
            assertThat(marker.getCheckOnly()).isFalse();
            assertThat(marker.getComponents())
                    .containsExactly("ApexClass:InvoiceService", "Flow:Invoice_Flow");
            assertThat(marker.getCompletedTime().toEpochMilli())
                    .isEqualTo(completed.toEpochMilli());
            assertThat(marker.getCreatedBy()).isEqualTo("Release Bot");
        }
    }
}
