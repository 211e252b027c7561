package io.sfpulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sfpulse.emulator.SalesforceEmulator;
import io.sfpulse.emulator.scenario.Scenarios;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.serde.AvroSerdeConfig;
import io.sfpulse.schemas.serde.AvroWireDeserializer;
import io.sfpulse.schemas.topic.TopicNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping the whole launcher (broker included) mid-scenario and starting it again on the same data loses no event. */
class LauncherRestartE2EIT {

    @TempDir Path dir;

    private static List<String> publish(
            final SalesforceEmulator emulator, final int n, final String prefix) {
        final List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final String id = prefix + "-" + i + "-" + UUID.randomUUID();
            emulator.org()
                    .publishPlatformEvent(
                            Scenarios.LOG_CHANNEL,
                            Map.of("LoggingLevel__c", "INFO", "Message__c", "event " + i),
                            id);
            ids.add(id);
        }
        return ids;
    }

    @Test
    void shouldLoseNoEventWhenTheLauncherRestartsMidScenario() throws Exception {
        final AppConfig config =
                new AppConfig(
                        Map.of(
                                AppConfig.DATA_DIR_CONFIG,
                                dir.toString(),
                                AppConfig.OPS_PORT_CONFIG,
                                "0",
                                AppConfig.SERVICES_CONFIG,
                                "ingest"));
        try (SalesforceEmulator emulator =
                SalesforceEmulator.builder()
                        .longPollTimeout(Duration.ofSeconds(3))
                        .pubSubKeepalive(Duration.ofSeconds(3))
                        .build()
                        .start()) {
            emulator.org().defineChannel(Scenarios.LOG_CHANNEL);
            final List<String> expected = new ArrayList<>();
            try (Pipeline first = new Pipeline(config, m -> {}).withEmulator(emulator).start()) {
                expected.addAll(publish(emulator, 100, "first"));
                await().atMost(Duration.ofSeconds(60)).until(() -> idsIn(first).size() >= 20);
                expected.addAll(publish(emulator, 50, "racing-shutdown"));
            }
            expected.addAll(publish(emulator, 50, "while-down"));
            try (Pipeline second = new Pipeline(config, m -> {}).withEmulator(emulator).start()) {
                expected.addAll(publish(emulator, 50, "after-restart"));
                final Set<String> seen = new HashSet<>();
                await().atMost(Duration.ofSeconds(90))
                        .untilAsserted(
                                () -> {
                                    seen.addAll(idsIn(second));
                                    assertThat(seen).containsAll(expected);
                                });
            }
        }
    }

    private static Set<String> idsIn(final Pipeline pipeline) {
        final AvroWireDeserializer<SalesforceEvent> values =
                new AvroWireDeserializer<>(SalesforceEvent.class);
        values.configure(
                Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, pipeline.registryUrl()), false);
        final Set<String> ids = new HashSet<>();
        try (KafkaConsumer<String, SalesforceEvent> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                pipeline.bootstrapServers(),
                                ConsumerConfig.GROUP_ID_CONFIG,
                                "check-" + UUID.randomUUID(),
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest"),
                        new StringDeserializer(),
                        values)) {
            consumer.subscribe(List.of(TopicNames.forChannel(Scenarios.LOG_CHANNEL)));
            for (int i = 0; i < 10; i++) {
                consumer.poll(Duration.ofMillis(300))
                        .forEach(r -> ids.add(r.value().getEventUuid()));
            }
        }
        return ids;
    }
}
