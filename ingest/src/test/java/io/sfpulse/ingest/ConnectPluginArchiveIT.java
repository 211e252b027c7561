package io.sfpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sfpulse.schemas.connect.AvroWireConverter;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.serde.AvroSerdeConfig;
import io.sfpulse.schemas.topic.TopicNames;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "on your Connect cluster" path: the connector archive the build produces
 * ({@code target/sfpulse-ingest-<version>-connect-plugin.zip}) is unzipped into the
 * {@code plugin.path} of a Kafka Connect worker started as a process of its own with Kafka's
 * {@code ConnectDistributed} and no sfpulse class on its class path, and service-loader plugin
 * discovery only (so the archive's jars must declare their plugins). The worker lists the
 * connector and the converter, a connector made from the archive's sample configuration is
 * created over Connect's REST API for the emulated org, and the org's events arrive on their
 * topic, written by the archive's Avro converter.
 */
class ConnectPluginArchiveIT extends IngestITBase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process worker;

    @TempDir Path dir;

    @AfterEach
    void stopWorker() throws InterruptedException {
        if (worker != null) {
            worker.destroy();
            if (!worker.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                worker.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void theArchiveInstalledOnASeparateConnectWorkerStreamsTheOrgsEvents() throws Exception {
        final Path zip =
                Path.of(System.getProperty("sfpulse.connect.plugin.zip", "target/missing.zip"));
        assertThat(zip).as("the build's connector archive (mvn package)").exists();
        final Path pluginPath = Files.createDirectories(dir.resolve("plugins"));
        unzip(zip, pluginPath);
        final Path plugin;
        try (Stream<Path> top = Files.list(pluginPath)) {
            plugin = top.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        // The layout Connect users install: manifest, lib/ with the connector and converter, doc/,
        // etc/ sample configs.
        assertThat(plugin.resolve("manifest.json")).exists();
        final JsonNode manifest = JSON.readTree(plugin.resolve("manifest.json").toFile());
        assertThat(manifest.get("version").asText()).isEqualTo(Version.get());
        assertThat(manifest.get("component_types").toString()).contains("source", "converter");
        final List<String> libs;
        try (Stream<Path> l = Files.list(plugin.resolve("lib"))) {
            libs = l.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(libs)
                .anyMatch(n -> n.startsWith("sfpulse-ingest-"))
                .anyMatch(n -> n.startsWith("sfpulse-schemas-"))
                .noneMatch(
                        n ->
                                n.startsWith("kafka-clients")
                                        || n.startsWith("connect-api")
                                        || n.startsWith("slf4j-api"));
        assertThat(plugin.resolve("doc/README.md")).exists();
        assertThat(plugin.resolve("doc/configuration.md")).exists();
        assertThat(plugin.resolve("etc/salesforce-source-pubsub.json")).exists();

        final String classPath = workerClassPath();
        assertThat(classPath)
                .doesNotContain("sfpulse-")
                .doesNotContain(File.separator + "target" + File.separator + "classes");
        final int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        final String id = UUID.randomUUID().toString().substring(0, 8);
        final Path props = dir.resolve("worker.properties");
        Files.writeString(
                props,
                String.join(
                        "\n",
                        "bootstrap.servers=" + h.kafka.bootstrapServers(),
                        "group.id=plugin-it-" + id,
                        "config.storage.topic=plugin-it-configs-" + id,
                        "offset.storage.topic=plugin-it-offsets-" + id,
                        "status.storage.topic=plugin-it-status-" + id,
                        "config.storage.replication.factor=1",
                        "offset.storage.replication.factor=1",
                        "status.storage.replication.factor=1",
                        "offset.storage.partitions=1",
                        "status.storage.partitions=1",
                        "offset.flush.interval.ms=1000",
                        "listeners=http://127.0.0.1:" + port,
                        "plugin.path=" + pluginPath,
                        "plugin.discovery=service_load",
                        "key.converter=org.apache.kafka.connect.storage.StringConverter",
                        "value.converter=" + AvroWireConverter.class.getName(),
                        "value.converter."
                                + AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG
                                + "="
                                + h.registry.url(),
                        ""));
        final Path log = dir.resolve("worker.log");
        worker =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-Xmx512m",
                                "-cp",
                                classPath,
                                "org.apache.kafka.connect.cli.ConnectDistributed",
                                props.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        final String rest = "http://127.0.0.1:" + port;
        try {
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .until(
                            () ->
                                    get(rest + "/connector-plugins?connectorsOnly=false")
                                                    .statusCode()
                                            == 200);
            final JsonNode plugins =
                    JSON.readTree(get(rest + "/connector-plugins?connectorsOnly=false").body());
            final Map<String, String> found = new java.util.HashMap<>();
            plugins.forEach(
                    p ->
                            found.put(
                                    p.get("class").asText(),
                                    p.get("type").asText() + " " + p.path("version").asText()));
            assertThat(found)
                    .containsEntry(
                            SalesforceSourceConnector.class.getName(), "source " + Version.get())
                    .containsKey(AvroWireConverter.class.getName());

            final String channel = "/event/Plugin_Archive__e";
            h.emulator.org().defineChannel(channel);
            // The archive's sample connector, pointed at the emulated org.
            final ObjectNode sample =
                    (ObjectNode)
                            JSON.readTree(
                                    plugin.resolve("etc/salesforce-source-pubsub.json").toFile());
            final ObjectNode config = (ObjectNode) sample.get("config");
            IngestHarness.connectorConfig(
                            h.emulator, SalesforceSourceConfig.Transport.PUBSUB, channel)
                    .forEach(config::put);
            config.put(
                    "value.converter." + AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG,
                    h.registry.url());
            config.put("tasks.max", "1");
            config.put(SalesforceSourceConfig.SETUP_AUDIT_POLL_INTERVAL_MS_CONFIG, "0");
            config.put(SalesforceSourceConfig.ELF_POLL_INTERVAL_MS_CONFIG, "0");
            final HttpResponse<String> created =
                    http.send(
                            HttpRequest.newBuilder(URI.create(rest + "/connectors"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(sample.toString()))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            final String name = sample.get("name").asText();
            await().atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .untilAsserted(
                            () -> {
                                final JsonNode status =
                                        JSON.readTree(
                                                get(rest + "/connectors/" + name + "/status")
                                                        .body());
                                assertThat(status.path("connector").path("state").asText())
                                        .isEqualTo("RUNNING");
                                assertThat(status.path("tasks").path(0).path("state").asText())
                                        .isEqualTo("RUNNING");
                            });
            try (KafkaConsumer<String, SalesforceEvent> consumer =
                    h.consumer(SalesforceEvent.class, TopicNames.forChannel(channel))) {
                final List<String> expected = new ArrayList<>(h.publish(channel, 25, Map.of()));
                final Set<String> seen = new HashSet<>();
                await().atMost(Duration.ofSeconds(60))
                        .untilAsserted(
                                () -> {
                                    IngestHarness.drain(consumer)
                                            .forEach(
                                                    e -> {
                                                        assertThat(e.getOrgId())
                                                                .isEqualTo(
                                                                        h.emulator.org().orgId());
                                                        seen.add(e.getEventUuid());
                                                    });
                                    assertThat(seen).containsAll(expected);
                                });
            }
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(
                    e.getMessage() + "\n--- worker log (last 60 lines) ---\n" + tail(log, 60), e);
        }
    }

    /** This JVM's class path without sfpulse's own classes and jars: Kafka Connect's runtime and libraries only. */
    private static String workerClassPath() {
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.isBlank())
                .filter(
                        e ->
                                !e.contains("sfpulse-")
                                        && !e.contains(
                                                File.separator
                                                        + "io"
                                                        + File.separator
                                                        + "sfpulse"
                                                        + File.separator))
                .filter(e -> !Files.isDirectory(Path.of(e)))
                .collect(Collectors.joining(File.pathSeparator));
    }

    private HttpResponse<String> get(final String url) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void unzip(final Path zip, final Path into) throws IOException {
        try (InputStream in = Files.newInputStream(zip);
                ZipInputStream z = new ZipInputStream(in)) {
            for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                final Path target = into.resolve(e.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("entry outside the archive's directory: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(z, target);
                }
            }
        }
    }

    private static String tail(final Path file, final int lines) {
        try {
            final List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
