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

    @TempDir
    Path dir;

    @Test
    void shouldRaiseResolveAndDeliverAlertForScenarioDeploy() throws Exception {
        try (SalesforceEmulator emulator = SalesforceEmulator.builder().build().start();
             WebhookReceiver webhook = new WebhookReceiver(r -> { })) {
            emulator.org().defineChannel(Scenarios.LOG_CHANNEL);
            final Map<String, String> props = new HashMap<>();
            props.put(AppConfig.DATA_DIR_CONFIG, dir.toString());
            props.put(SinkConfig.WEBHOOK_URL_CONFIG, webhook.url());
            props.put(SinkConfig.WEBHOOK_SECRET_CONFIG, webhook.secret());
            props.put(DetectionConfig.JOIN_GRACE_MS_CONFIG, String.valueOf(Duration.ofMinutes(5).toMillis()));
            props.put(DetectionConfig.NE_QUIET_MS_CONFIG, String.valueOf(Duration.ofMinutes(15).toMillis()));
            try (Pipeline pipeline = new Pipeline(new AppConfig(props), m -> { }).withEmulator(emulator).start();
                 AlertWatcher watcher = new AlertWatcher(pipeline.bootstrapServers(), pipeline.registryUrl(), a -> { })) {
                new ScenarioRunner(Duration.ofMillis(120), m -> { }).run(emulator.org(), Scenarios.deployErrorBurst(7));

                await().atMost(Duration.ofMinutes(3)).until(() -> watcher.seen().stream()
                    .filter(a -> a.getStatus() == AlertStatus.RESOLVED).map(Alert::getDetector).distinct().count() == 2);
                final List<Alert> all = watcher.seen();
                final List<Alert> alerts = all.stream().filter(a -> a.getDetector().equals("post-deploy-failures")).toList();
                // The burst's NullPointerException was never seen before the deploy: a new error type too.
                final Alert newError = all.stream().filter(a -> a.getDetector().equals("new-error-types")).findFirst().orElseThrow();
                assertThat(newError.getStatus()).isEqualTo(AlertStatus.TRIGGERED);
                assertThat(newError.getSubject()).isEqualTo("System.NullPointerException: Attempt to de-reference a null object");
                assertThat(newError.getReleaseId()).isEqualTo(Scenarios.DEPLOY_ID);
                final Alert triggered = alerts.get(0);
                assertThat(triggered.getStatus()).isEqualTo(AlertStatus.TRIGGERED);
                assertThat(triggered.getOrgId()).isEqualTo(emulator.org().orgId());
                assertThat(triggered.getReleaseId()).isEqualTo(Scenarios.DEPLOY_ID);
                assertThat(triggered.getDedupKey()).isEqualTo(emulator.org().orgId() + "|" + Scenarios.DEPLOY_ID + "|post-deploy-failures|failures");
                assertThat(triggered.getSeverity()).isIn(Severity.ERROR, Severity.CRITICAL);
                assertThat(triggered.getEvidence())
                    .containsEntry("suspectComponents", "ApexClass:InvoiceService")
                    .containsEntry("deployId", Scenarios.DEPLOY_ID);
                assertThat(triggered.getEvidence().get("topSignatures")).startsWith("System.NullPointerException: Attempt to de-reference a null object");
                assertThat(Double.parseDouble(triggered.getEvidence().get("pValue"))).isLessThan(0.01);
                assertThat(alerts).extracting(Alert::getDedupKey).containsOnly(triggered.getDedupKey());
                assertThat(alerts.get(alerts.size() - 1).getStatus()).isEqualTo(AlertStatus.RESOLVED);

                // The sink pushed every state to the webhook, signed, once each.
                await().atMost(Duration.ofSeconds(60)).until(() -> webhook.received().size() >= all.size());
                assertThat(webhook.received()).allMatch(WebhookReceiver.Received::signatureValid);
                assertThat(webhook.received()).extracting(WebhookReceiver.Received::idempotencyKey).doesNotHaveDuplicates();
                assertThat(Files.readAllLines(dir.resolve("alerts.jsonl"))).hasSize(all.size());
            }
        }
    }
}
