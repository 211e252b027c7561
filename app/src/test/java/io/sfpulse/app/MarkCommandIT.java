package io.sfpulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sfpulse.emulator.SalesforceEmulator;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.deploy.MarkerSource;
import io.sfpulse.schemas.serde.AvroSerdeConfig;
import io.sfpulse.schemas.serde.AvroWireDeserializer;
import io.sfpulse.schemas.topic.TopicNames;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sfpulse mark} from a CI/CD job to a running sfpulse: the marker lands on the markers topic. */
class MarkCommandIT {

    @TempDir Path dir;

    @Test
    void shouldAnnounceReleaseThroughTheMarkerApi() throws Exception {
        final AppConfig config =
                new AppConfig(
                        Map.of(
                                AppConfig.DATA_DIR_CONFIG,
                                dir.toString(),
                                AppConfig.OPS_PORT_CONFIG,
                                "0",
                                AppConfig.SERVICES_CONFIG,
                                "ingest",
                                AppConfig.MARKER_PORT_CONFIG,
                                "0",
                                AppConfig.MARKER_TOKEN_CONFIG,
                                "ci-secret"));
        try (SalesforceEmulator emulator =
                        SalesforceEmulator.builder()
                                .pubSubKeepalive(java.time.Duration.ofSeconds(3))
                                .build()
                                .start();
                Pipeline pipeline =
                        new Pipeline(config, m -> {})
                                .withEmulator(defineChannels(emulator))
                                .start()) {
            final String url = "http://127.0.0.1:" + pipeline.markerApi().port();
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final MarkCommand mark =
                    new MarkCommand(
                            new PrintStream(out, true),
                            Map.of("SFPULSE_MARKER_TOKEN", "ci-secret"));
            // CI sends the 15-character org id; the marker must be keyed like the org's events (18
            // characters).
            assertThat(
                            mark.run(
                                    Cli.parse(
                                            "mark",
                                            "--url",
                                            url,
                                            "--org",
                                            "00D000000000001",
                                            "--label",
                                            "v3.1.0",
                                            "--commit",
                                            "a1b2c3d",
                                            "--commit-time",
                                            "2026-11-20T10:30:00Z",
                                            "--components",
                                            "ApexClass:InvoiceService, Flow:Invoice_Approval",
                                            "--time",
                                            "2026-11-20T12:00:00Z")))
                    .isZero();
            assertThat(out.toString()).contains("202");
            assertThat(
                            new MarkCommand(new PrintStream(new ByteArrayOutputStream()), Map.of())
                                    .run(
                                            Cli.parse(
                                                    "mark",
                                                    "--url",
                                                    url,
                                                    "--org",
                                                    "00D000000000001EAA",
                                                    "--label",
                                                    "v3.1.1",
                                                    "--token",
                                                    "wrong")))
                    .isEqualTo(1);

            final AvroWireDeserializer<DeploymentMarker> values =
                    new AvroWireDeserializer<>(DeploymentMarker.class);
            values.configure(
                    Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, pipeline.registryUrl()),
                    false);
            final String posted15 =
                    "{\"orgId\":\"00D000000000001\",\"label\":\"v3.1.2\",\"time\":\"2026-11-20T13:00:00Z\"}";
            final java.net.http.HttpResponse<String> direct =
                    java.net.http.HttpClient.newHttpClient()
                            .send(
                                    java.net.http.HttpRequest.newBuilder(
                                                    java.net.URI.create(url + "/v1/markers"))
                                            .header("Authorization", "Bearer ci-secret")
                                            .header("Content-Type", "application/json")
                                            .POST(
                                                    java.net.http.HttpRequest.BodyPublishers
                                                            .ofString(posted15))
                                            .build(),
                                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(direct.statusCode()).isEqualTo(202);
            assertThat(direct.body()).contains("00D000000000001EAA");
            try (KafkaConsumer<String, DeploymentMarker> consumer =
                    new KafkaConsumer<>(
                            Map.of(
                                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    pipeline.bootstrapServers(),
                                    ConsumerConfig.GROUP_ID_CONFIG,
                                    "mark-it",
                                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                    "earliest"),
                            new StringDeserializer(),
                            values)) {
                consumer.subscribe(List.of(TopicNames.DEPLOYMENT_MARKERS));
                final List<DeploymentMarker> markers = new ArrayList<>();
                final List<String> keys = new ArrayList<>();
                await().atMost(Duration.ofSeconds(30))
                        .until(
                                () -> {
                                    consumer.poll(Duration.ofMillis(300))
                                            .forEach(
                                                    r -> {
                                                        markers.add(r.value());
                                                        keys.add(r.key());
                                                    });
                                    return markers.stream()
                                                    .filter(
                                                            m ->
                                                                    m.getLabel() != null
                                                                            && m.getLabel()
                                                                                    .startsWith(
                                                                                            "v3.1."))
                                                    .count()
                                            >= 2;
                                });
                assertThat(keys)
                        .containsOnly(emulator.org().orgId())
                        .containsOnly("00D000000000001EAA");
                assertThat(markers)
                        .extracting(DeploymentMarker::getOrgId)
                        .containsOnly("00D000000000001EAA");
                final DeploymentMarker m =
                        markers.stream()
                                .filter(x -> "v3.1.0".equals(x.getLabel()))
                                .findFirst()
                                .orElseThrow();
                assertThat(m.getSource()).isEqualTo(MarkerSource.MARKER_API);
                assertThat(m.getCommit()).isEqualTo("a1b2c3d");
                assertThat(m.getCommitTime())
                        .as("lead time starts at the commit")
                        .isEqualTo(java.time.Instant.parse("2026-11-20T10:30:00Z"));
                assertThat(m.getComponents())
                        .containsExactly("ApexClass:InvoiceService", "Flow:Invoice_Approval");
                assertThat(markers).noneMatch(x -> "v3.1.1".equals(x.getLabel()));
            }
        }
    }

    /** The org has the channels the launcher's emulated-org connector subscribes to (else the subscribe is refused, 400). */
    private static SalesforceEmulator defineChannels(final SalesforceEmulator emulator) {
        emulator.org().defineChannel(io.sfpulse.emulator.scenario.Scenarios.LOG_CHANNEL);
        return emulator;
    }
}
