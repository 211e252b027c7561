package io.sfpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sfpulse.embedded.EmbeddedConnect;
import io.sfpulse.ingest.SalesforceSourceConfig.Transport;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.topic.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A Connect cluster of two workers: the worker running the task leaves while the org keeps
 * publishing; the task moves to the other worker and resumes from the committed position, on both
 * transports, with no event lost.
 */
class ConnectWorkerFailoverIT extends IngestITBase {

    private static List<String> publish(final String channel, final int n) {
        final List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final String id = UUID.randomUUID().toString();
            h.emulator
                    .org()
                    .publishPlatformEvent(channel, Map.of("Message__c", "failover " + i), id);
            ids.add(id);
        }
        return ids;
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void theTaskMovesToTheOtherWorkerAndResumesFromTheCommittedPosition(final Transport transport) {
        final String channel = "/event/Failover_" + transport + "__e";
        final String name = "failover-" + transport.name().toLowerCase(java.util.Locale.ROOT);
        h.emulator.org().defineChannel(channel);
        final EmbeddedConnect first = h.startWorker();
        final EmbeddedConnect second = h.startWorker();
        try {
            final Map<String, String> config = h.connectorConfig(transport, channel);
            config.put("tasks.max", "1");
            // Each worker is given the connector, as each launcher of a cluster does: the leader
            // writes it, the other waits to see it.
            final var onSecond =
                    java.util.concurrent.CompletableFuture.runAsync(
                            () -> second.putConnector(name, config));
            first.putConnector(name, config);
            onSecond.join();
            await().atMost(Duration.ofSeconds(60)).until(() -> first.isRunning(name));
            final String holder = first.status(name).tasks().get(0).workerId();
            final EmbeddedConnect leaving =
                    first.restUrl().toString().contains(holder) ? first : second;
            final EmbeddedConnect staying = leaving == first ? second : first;
            assertThat(staying.restUrl().toString()).doesNotContain(holder);
            try (KafkaConsumer<String, SalesforceEvent> consumer =
                    h.consumer(SalesforceEvent.class, TopicNames.forChannel(channel))) {
                final Set<String> seen = new HashSet<>();
                final List<String> expected = new ArrayList<>(publish(channel, 20));
                await().atMost(Duration.ofSeconds(60))
                        .untilAsserted(
                                () -> {
                                    IngestHarness.drain(consumer)
                                            .forEach(e -> seen.add(e.getEventUuid()));
                                    assertThat(seen).containsAll(expected);
                                });
                leaving.close();
                // Published while the task has no worker.
                expected.addAll(publish(channel, 20));
                await().atMost(Duration.ofSeconds(90))
                        .until(
                                () -> {
                                    final var status = staying.status(name);
                                    return status != null
                                            && !status.tasks().isEmpty()
                                            && "RUNNING".equals(status.tasks().get(0).state())
                                            && staying.restUrl()
                                                    .toString()
                                                    .contains(status.tasks().get(0).workerId());
                                });
                expected.addAll(publish(channel, 20));
                await().atMost(Duration.ofSeconds(90))
                        .untilAsserted(
                                () -> {
                                    IngestHarness.drain(consumer)
                                            .forEach(e -> seen.add(e.getEventUuid()));
                                    assertThat(seen).containsAll(expected);
                                });
            }
            staying.deleteConnector(name);
        } finally {
            first.close();
            second.close();
        }
    }
}
