package io.sfpulse.app.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dashboard, its provisioning and {@code docker-compose.yml} fit together without a Docker
 * engine: the dashboard is valid Grafana JSON on the provisioned data source, compose runs the
 * Kafka version the build uses, gives every service a health check, runs the emulator only under
 * its profile, and Prometheus scrapes the services compose defines. (That every queried metric is
 * exported is {@code PipelineE2EIT}'s to check: it needs the running pipeline.)
 */
class GrafanaDashboardTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A YAML file as JSON nodes, anchors and merge keys ({@code <<: *anchor}, which compose uses) resolved by SnakeYAML. */
    private static JsonNode yaml(final String path) throws IOException {
        final Object tree =
                new org.yaml.snakeyaml.Yaml()
                        .load(
                                Files.readString(
                                        Path.of("..").resolve(path), StandardCharsets.UTF_8));
        return JSON.valueToTree(tree);
    }

    @Test
    void dashboardIsValidGrafanaJsonOnTheProvisionedDataSource() throws IOException {
        final GrafanaDashboard dashboard = GrafanaDashboard.load();
        final JsonNode root = dashboard.root();
        assertThat(root.path("uid").asText()).isEqualTo("sfpulse");
        assertThat(root.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
        final String uid =
                yaml("ops/grafana/provisioning/datasources/prometheus.yml")
                        .path("datasources")
                        .get(0)
                        .path("uid")
                        .asText();
        final Set<Integer> ids = new HashSet<>();
        final List<String> titles = new ArrayList<>();
        for (final JsonNode panel : dashboard.panels()) {
            assertThat(ids.add(panel.path("id").asInt()))
                    .as("unique panel id %s", panel.path("id"))
                    .isTrue();
            assertThat(panel.path("title").asText()).isNotBlank();
            titles.add(panel.path("title").asText());
            final JsonNode pos = panel.path("gridPos");
            assertThat(pos.path("x").asInt() + pos.path("w").asInt())
                    .as("%s fits the 24 columns", panel.path("title"))
                    .isLessThanOrEqualTo(24);
            if (!panel.path("type").asText().equals("row")) {
                assertThat(panel.path("datasource").path("uid").asText())
                        .as(panel.path("title").asText())
                        .isEqualTo(uid);
                assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
                panel.path("targets")
                        .forEach(t -> assertThat(t.path("expr").asText()).isNotBlank());
            }
        }
        // What issue 19 asks the dashboard to show: ingest rates and lag, detector evaluations and
        // alerts, sink deliveries and
        // failures, Streams lag.
        assertThat(titles)
                .contains(
                        "Events received per org",
                        "Replay position age",
                        "Signals evaluated per detector",
                        "Alerts per detector",
                        "Delivery attempts and failures",
                        "Consumer lag");
        assertThat(dashboard.metricNames())
                .contains(
                        "sfpulse_connect_plugins_events_received",
                        "kafka_stream_detector_alerts_triggered_total",
                        "sfpulse_sink_delivery_failures_total",
                        "kafka_consumer_fetch_manager_records_lag");
        // Balanced brackets in every query (a typo Grafana would only show as a red panel).
        for (final String expr : dashboard.expressions()) {
            assertThat(count(expr, '(')).as(expr).isEqualTo(count(expr, ')'));
            assertThat(count(expr, '{')).as(expr).isEqualTo(count(expr, '}'));
            assertThat(count(expr, '[')).as(expr).isEqualTo(count(expr, ']'));
        }
    }

    private static long count(final String s, final char c) {
        return s.chars().filter(x -> x == c).count();
    }

    @Test
    void composeProvisionsPrometheusAndGrafanaWithTheDashboardOnTheBuildsKafka()
            throws IOException {
        final JsonNode services = yaml("docker-compose.yml").path("services");
        final Matcher kafka =
                Pattern.compile("<kafka.version>([^<]+)</kafka.version>")
                        .matcher(
                                Files.readString(Path.of("..", "pom.xml"), StandardCharsets.UTF_8));
        assertThat(kafka.find()).isTrue();
        assertThat(services.path("kafka").path("image").asText())
                .isEqualTo("apache/kafka:" + kafka.group(1));
        services.fields()
                .forEachRemaining(
                        e ->
                                assertThat(e.getValue().path("healthcheck").path("test"))
                                        .as("%s health check", e.getKey())
                                        .isNotEmpty());
        // No emulator unless asked: the only service that runs the emulated org is behind the
        // emulator profile, and the
        // ingest of real orgs behind its own, so a plain `docker compose up` runs neither.
        assertThat(services.path("ingest-emulated").path("profiles").toString())
                .isEqualTo("[\"emulator\"]");
        assertThat(services.path("ingest").path("profiles").toString())
                .isEqualTo("[\"salesforce\"]");
        services.fields()
                .forEachRemaining(
                        e -> {
                            if (!e.getKey().startsWith("ingest")) {
                                assertThat(e.getValue().path("profiles").isMissingNode())
                                        .as("%s runs by default", e.getKey())
                                        .isTrue();
                            }
                        });
        // Grafana mounts the dashboard where its provider looks, and the data source it queries.
        final String dashboards =
                yaml("ops/grafana/provisioning/dashboards/sfpulse.yml")
                        .path("providers")
                        .get(0)
                        .path("options")
                        .path("path")
                        .asText();
        final List<String> volumes = new ArrayList<>();
        services.path("grafana").path("volumes").forEach(v -> volumes.add(v.asText()));
        assertThat(volumes)
                .contains(
                        "./ops/grafana/sfpulse-dashboard.json:"
                                + dashboards
                                + "/sfpulse-dashboard.json:ro",
                        "./ops/grafana/provisioning:/etc/grafana/provisioning:ro");
        assertThat(Files.exists(Path.of("..", "ops", "grafana", "sfpulse-dashboard.json")))
                .isTrue();
        // Prometheus scrapes each sfpulse service compose runs, on the port compose gives its
        // operations endpoint.
        final JsonNode targets =
                yaml("ops/prometheus/prometheus.yml")
                        .path("scrape_configs")
                        .get(0)
                        .path("static_configs")
                        .get(0)
                        .path("targets");
        final String port =
                services.path("streams").path("environment").path("SFPULSE_OPS_PORT").asText();
        final List<String> scraped = new ArrayList<>();
        targets.forEach(t -> scraped.add(t.asText()));
        assertThat(scraped)
                .containsExactlyInAnyOrder("ingest:" + port, "streams:" + port, "sink:" + port);
        assertThat(services.has("streams") && services.has("sink") && services.has("ingest"))
                .isTrue();
        assertThat(services.path("prometheus").path("volumes").get(0).asText())
                .startsWith("./ops/prometheus/prometheus.yml:");
    }
}
