package io.sfpulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sfpulse.emulator.SalesforceEmulator;
import io.sfpulse.emulator.scenario.ScenarioRunner;
import io.sfpulse.emulator.scenario.Scenarios;
import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.sink.SinkConfig;
import io.sfpulse.streams.DetectionConfig;
import io.sfpulse.streams.detector.newerrors.NewErrorTypeSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Emulator -> CometD -> ingest (Connect) -> real broker -> streams -> sink -> signed webhook, as the demo runs it. */
class PipelineE2EIT {

    private static final String OPS_TOKEN = "ops-token-for-the-it";
    private final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

    private java.net.http.HttpResponse<String> get(
            final int port, final String path, final String token) throws Exception {
        final java.net.http.HttpRequest.Builder b =
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** Health is public for probes; metrics need the token and carry ingest, detector and sink figures, every one the dashboard queries. */
    private void assertOperationsEndpoint(final int port) throws Exception {
        assertThat(get(port, "/health/live", null).statusCode()).isEqualTo(200);
        final java.net.http.HttpResponse<String> ready = get(port, "/health/ready", null);
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(ready.body())
                .contains(
                        "\"kafka\":\"UP\"",
                        "\"ingest:emulated\":\"UP\"",
                        "\"streams\":\"UP\"",
                        "\"sink\":\"UP\"");
        assertThat(get(port, "/metrics", null).statusCode()).isEqualTo(401);
        assertThat(get(port, "/metrics", "wrong").statusCode()).isEqualTo(401);
        final java.net.http.HttpResponse<String> metrics = get(port, "/metrics", OPS_TOKEN);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .containsPattern(
                        "kafka_stream_detector_alerts_triggered_total\\{[^}]*detector_id=\"post-deploy-failures\"[^}]*} [1-9]")
                .containsPattern("kafka_stream_detector_signals_evaluated_total\\{")
                .containsPattern(
                        "sfpulse_connect_plugins_events_received\\{[^}]*org=\"[^\"]+\"[^}]*} [1-9]")
                .containsPattern("sfpulse_connect_plugins_replay_position_age_ms\\{")
                .containsPattern("sfpulse_sink_alerts_delivered_total [1-9]")
                .containsPattern(
                        "sfpulse_sink_delivery_attempts_total\\{channel=\"webhook\"} [1-9]")
                .contains("kafka_consumer_fetch_manager_records_lag_max")
                .contains("jvm_memory_used_bytes");
        assertThat(metrics.body().lines().filter(l -> l.startsWith("sfpulse_")))
                .noneMatch(l -> l.endsWith("} "));
        assertThat(metrics.body()).doesNotContain(OPS_TOKEN);
        // The Grafana dashboard queries only metrics this pipeline (ingest, streams and sink in one
        // process) exports; the
        // KPIs appear once the page's read model holds the resolved incident (mean time to restore
        // needs one).
        final java.util.Set<String> queried =
                io.sfpulse.app.ops.GrafanaDashboard.load().metricNames();
        assertThat(queried).as("metrics the dashboard queries").isNotEmpty();
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () ->
                                assertThat(
                                                io.sfpulse.app.ops.GrafanaDashboard.exported(
                                                        get(port, "/metrics", OPS_TOKEN).body()))
                                        .as("exported metric names")
                                        .containsAll(queried));
    }

    @TempDir Path dir;

    /** Everything the pipeline logs (slf4j-simple writes to System.err) also goes to {@code copy}. */
    private static java.io.PrintStream tee(
            final java.io.ByteArrayOutputStream copy, final java.io.PrintStream original) {
        return new java.io.PrintStream(
                new java.io.OutputStream() {
                    @Override
                    public void write(final int b) {
                        copy.write(b);
                        original.write(b);
                    }

                    @Override
                    public void write(final byte[] b, final int off, final int len) {
                        copy.write(b, off, len);
                        original.write(b, off, len);
                    }
                },
                true);
    }

    @Test
    void shouldRaiseResolveAndDeliverAlertForScenarioDeploy() throws Exception {
        final java.io.PrintStream originalErr = System.err;
        final java.io.ByteArrayOutputStream logs = new java.io.ByteArrayOutputStream();
        System.setErr(tee(logs, originalErr));
        try {
            runPipeline(logs);
        } finally {
            System.setErr(originalErr);
        }
    }

    private void runPipeline(final java.io.ByteArrayOutputStream logs) throws Exception {
        try (SalesforceEmulator emulator =
                        SalesforceEmulator.builder()
                                .pubSubKeepalive(java.time.Duration.ofSeconds(3))
                                .build()
                                .start();
                WebhookReceiver webhook = new WebhookReceiver(r -> {})) {
            emulator.org().defineChannel(Scenarios.LOG_CHANNEL);
            final Map<String, String> props = new HashMap<>();
            props.put(AppConfig.DATA_DIR_CONFIG, dir.toString());
            props.put(SinkConfig.WEBHOOK_URL_CONFIG, webhook.url());
            props.put(SinkConfig.WEBHOOK_SECRET_CONFIG, webhook.secret());
            props.put(
                    DetectionConfig.JOIN_GRACE_MS_CONFIG,
                    String.valueOf(Duration.ofMinutes(5).toMillis()));
            props.put(
                    NewErrorTypeSettings.QUIET_MS_CONFIG,
                    String.valueOf(Duration.ofMinutes(15).toMillis()));
            props.put(AppConfig.OPS_PORT_CONFIG, "0");
            props.put(AppConfig.OPS_TOKEN_CONFIG, OPS_TOKEN);
            try (Pipeline pipeline =
                            new Pipeline(new AppConfig(props), m -> {})
                                    .withEmulator(emulator)
                                    .start();
                    AlertWatcher watcher =
                            new AlertWatcher(
                                    pipeline.bootstrapServers(), pipeline.registryUrl(), a -> {})) {
                new ScenarioRunner(Duration.ofMillis(120), m -> {})
                        .run(emulator.org(), Scenarios.deployErrorBurst(7));

                await().atMost(Duration.ofMinutes(3))
                        .until(
                                () ->
                                        watcher.seen().stream()
                                                        .filter(
                                                                a ->
                                                                        a.getStatus()
                                                                                == AlertStatus
                                                                                        .RESOLVED)
                                                        .map(Alert::getDetector)
                                                        .distinct()
                                                        .count()
                                                == 2);
                final List<Alert> all = watcher.seen();
                final List<Alert> alerts =
                        all.stream()
                                .filter(a -> a.getDetector().equals("post-deploy-failures"))
                                .toList();
                // The burst's NullPointerException was never seen before the deploy: a new error
                // type too.
                final Alert newError =
                        all.stream()
                                .filter(a -> a.getDetector().equals("new-error-types"))
                                .findFirst()
                                .orElseThrow();
                assertThat(newError.getStatus()).isEqualTo(AlertStatus.TRIGGERED);
                assertThat(newError.getSubject())
                        .isEqualTo(
                                "System.NullPointerException: Attempt to de-reference a null object");
                assertThat(newError.getReleaseId()).isEqualTo(Scenarios.DEPLOY_ID);
                final Alert triggered = alerts.get(0);
                assertThat(triggered.getStatus()).isEqualTo(AlertStatus.TRIGGERED);
                assertThat(triggered.getOrgId()).isEqualTo(emulator.org().orgId());
                assertThat(triggered.getReleaseId()).isEqualTo(Scenarios.DEPLOY_ID);
                assertThat(triggered.getDedupKey())
                        .isEqualTo(
                                emulator.org().orgId()
                                        + "|"
                                        + Scenarios.DEPLOY_ID
                                        + "|post-deploy-failures|failures");
                assertThat(triggered.getSeverity()).isIn(Severity.ERROR, Severity.CRITICAL);
                assertThat(triggered.getEvidence())
                        .containsEntry("suspectComponents", "ApexClass:InvoiceService")
                        .containsEntry("deployId", Scenarios.DEPLOY_ID);
                assertThat(triggered.getEvidence().get("topSignatures"))
                        .startsWith(
                                "System.NullPointerException: Attempt to de-reference a null object");
                assertThat(Double.parseDouble(triggered.getEvidence().get("pValue")))
                        .isLessThan(0.01);
                assertThat(alerts)
                        .extracting(Alert::getDedupKey)
                        .containsOnly(triggered.getDedupKey());
                assertThat(alerts.get(alerts.size() - 1).getStatus())
                        .isEqualTo(AlertStatus.RESOLVED);

                // The sink pushed every state to the webhook, signed, once each.
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> webhook.received().size() >= all.size());
                assertThat(webhook.received()).allMatch(WebhookReceiver.Received::signatureValid);
                assertThat(webhook.received())
                        .extracting(WebhookReceiver.Received::idempotencyKey)
                        .doesNotHaveDuplicates();
                assertThat(Files.readAllLines(dir.resolve("alerts.jsonl"))).hasSize(all.size());

                assertOperationsEndpoint(pipeline.ops().port());

                // No configured secret ever reaches the logs (the run logged plenty: connector
                // configs, deliveries, alerts).
                final String logged = logs.toString(java.nio.charset.StandardCharsets.UTF_8);
                assertThat(logged)
                        .contains("Alert TRIGGERED")
                        .contains("ALERT TRIGGERED")
                        .hasSizeGreaterThan(10_000);
                // Structured context (SLF4J key-value pairs, rendered key=value by slf4j-simple, as
                // fields by JSON layouts):
                // the ingest's lines name org and channel, detection's and the sink's name org,
                // alert (dedup key) and detector.
                final String org = "org=" + emulator.org().orgId();
                assertThat(logged.lines())
                        .anyMatch(
                                l ->
                                        l.contains(
                                                org
                                                        + " channel="
                                                        + Scenarios.LOG_CHANNEL
                                                        + " Subscribing from "))
                        .anyMatch(
                                l ->
                                        l.contains(
                                                org
                                                        + " alert="
                                                        + triggered.getDedupKey()
                                                        + " detector=post-deploy-failures Alert TRIGGERED"))
                        .anyMatch(
                                l ->
                                        l.contains(
                                                org
                                                        + " alert="
                                                        + triggered.getDedupKey()
                                                        + " detector=post-deploy-failures ALERT TRIGGERED"))
                        .anyMatch(l -> l.contains(org + " Logged in at"));
                assertThat(logged)
                        .doesNotContain(emulator.org().clientSecret())
                        .doesNotContain(webhook.secret())
                        .doesNotContain(webhook.secret().substring("whsec_".length()))
                        .doesNotContain(OPS_TOKEN)
                        .doesNotContain(Files.readString(dir.resolve("connect/rest-token")).trim());
            }
        }
    }
}
