package io.sfpulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sfpulse.emulator.SalesforceEmulator;
import io.sfpulse.schemas.topic.TopicNames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded Connect worker's REST API requires its token. The Salesforce client secret given to the launcher never appears in the embedded Connect
 * worker's REST API or its config topic (placeholders resolved by the worker's
 * FileConfigProvider from a file only this user can read), yet the connector logs in with it.
 */
class ConnectorSecretsIT {

    private static final String CHANNEL = "/event/LogEntryEvent__e";

    @TempDir Path dir;

    @Test
    void connectorSecretsStayOutOfTheRestApiAndConfigTopicButTheConnectorLogsIn() throws Exception {
        final AppConfig config =
                new AppConfig(
                        Map.of(
                                AppConfig.DATA_DIR_CONFIG,
                                dir.toString(),
                                AppConfig.OPS_PORT_CONFIG,
                                "-1",
                                AppConfig.SERVICES_CONFIG,
                                "ingest"));
        try (SalesforceEmulator emulator =
                SalesforceEmulator.builder()
                        .pubSubKeepalive(java.time.Duration.ofSeconds(3))
                        .build()
                        .start()) {
            emulator.org().defineChannel(CHANNEL);
            run(config, emulator);
        }
    }

    private void run(final AppConfig config, final SalesforceEmulator emulator) throws Exception {
        try (Pipeline pipeline = new Pipeline(config, m -> {}).withEmulator(emulator).start()) {
            final String secret = emulator.org().clientSecret();
            final String name = pipeline.connect().herder().connectors().iterator().next();

            // The task resolved the placeholder and logged in: an event published in the org
            // reaches its ingest topic.
            emulator.org()
                    .publishPlatformEvent(
                            CHANNEL,
                            Map.of(
                                    "LoggingLevel__c",
                                    "INFO",
                                    "CreatedDate",
                                    "2026-11-23T09:00:00Z"),
                            UUID.randomUUID().toString());
            try (KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(
                            Map.of(
                                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    pipeline.bootstrapServers(),
                                    ConsumerConfig.GROUP_ID_CONFIG,
                                    "secrets-it",
                                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                    "earliest"),
                            new ByteArrayDeserializer(),
                            new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(TopicNames.forChannel(CHANNEL)));
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> !consumer.poll(Duration.ofMillis(300)).isEmpty());
            }
            // The worker's REST API wants its token (generated into the data directory,
            // owner-only); with it, secrets still show as placeholders.
            final URI configUri =
                    URI.create(pipeline.connect().restUrl() + "connectors/" + name + "/config");
            final HttpClient http = HttpClient.newHttpClient();
            assertThat(
                            http.send(
                                            HttpRequest.newBuilder(configUri).GET().build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .statusCode())
                    .isEqualTo(401);
            assertThat(
                            http.send(
                                            HttpRequest.newBuilder(configUri)
                                                    .header("Authorization", "Bearer wrong")
                                                    .GET()
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .statusCode())
                    .isEqualTo(401);
            final Path tokenFile = dir.resolve("connect/rest-token");
            assertThat(Files.getPosixFilePermissions(tokenFile))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            final String basic =
                    java.util.Base64.getEncoder()
                            .encodeToString(
                                    ("sfpulse:" + Files.readString(tokenFile).trim())
                                            .getBytes(StandardCharsets.UTF_8));
            final HttpResponse<String> rest =
                    http.send(
                            HttpRequest.newBuilder(configUri)
                                    .header("Authorization", "Basic " + basic)
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(rest.statusCode()).isEqualTo(200);
            assertThat(rest.body())
                    .contains("\"salesforce.auth.client.secret\":\"${file:")
                    .doesNotContain(secret);

            final StringBuilder configTopic = new StringBuilder();
            try (KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(
                            Map.of(
                                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    pipeline.bootstrapServers()),
                            new ByteArrayDeserializer(),
                            new ByteArrayDeserializer())) {
                final TopicPartition tp = new TopicPartition(TopicNames.CONNECT_CONFIGS, 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                final long end = consumer.endOffsets(List.of(tp)).get(tp);
                await().atMost(Duration.ofSeconds(30))
                        .until(
                                () -> {
                                    consumer.poll(Duration.ofMillis(200))
                                            .forEach(
                                                    r -> {
                                                        if (r.value() != null) {
                                                            configTopic
                                                                    .append(
                                                                            new String(
                                                                                    r.value(),
                                                                                    StandardCharsets
                                                                                            .UTF_8))
                                                                    .append('\n');
                                                        }
                                                    });
                                    return consumer.position(tp) >= end;
                                });
            }
            assertThat(configTopic)
                    .contains("salesforce.auth.client.secret")
                    .doesNotContain(secret);
            assertThat(Files.readString(dir.resolve("connect/secrets.properties")))
                    .contains(secret.replace(":", "\\:"));
            assertThat(Files.getPosixFilePermissions(dir.resolve("connect/secrets.properties")))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
    }
}
