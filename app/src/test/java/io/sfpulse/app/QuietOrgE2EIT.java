package io.sfpulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.emulator.SalesforceEmulator;
import io.sfpulse.emulator.scenario.ScenarioRunner;
import io.sfpulse.emulator.scenario.Scenarios;
import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.streams.detector.newerrors.NewErrorTypeSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Time that moves when the org is quiet: the emulated org raises alerts and then goes silent, its
 * clock running on at the scenario's compressed pace (as a real org's clock keeps running). With
 * no further event published, only the ingest's progress records move detection's time, and every
 * alert the scenario raised resolves within quiet.ms + grace of the org's time after the scenario
 * ended (plus one progress step), in wall-clock seconds.
 */
class QuietOrgE2EIT {

    private static final String OPS_TOKEN = "ops-token-quiet-org";
    private static final Duration WALL_PER_VIRTUAL_MINUTE = Duration.ofMillis(150);
    private static final Duration LONG_POLL = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    @Test
    void everyAlertResolvesOnProgressAloneAfterTheOrgGoesSilent() throws Exception {
        try (SalesforceEmulator emulator =
                SalesforceEmulator.builder()
                        .longPollTimeout(LONG_POLL)
                        .pubSubKeepalive(LONG_POLL)
                        .build()
                        .start()) {
            emulator.org().defineChannel(Scenarios.LOG_CHANNEL);
            final Map<String, String> props = new HashMap<>();
            props.put(AppConfig.DATA_DIR_CONFIG, dir.toString());
            props.put(AppConfig.OPS_PORT_CONFIG, "0");
            props.put(AppConfig.OPS_TOKEN_CONFIG, OPS_TOKEN);
            try (Pipeline pipeline =
                            new Pipeline(new AppConfig(props), m -> {})
                                    .withEmulator(emulator)
                                    .start();
                    AlertWatcher watcher =
                            new AlertWatcher(
                                    pipeline.bootstrapServers(), pipeline.registryUrl(), a -> {})) {
                new ScenarioRunner(WALL_PER_VIRTUAL_MINUTE, m -> {})
                        .clockKeepsRunning()
                        .run(emulator.org(), Scenarios.deployErrorBurstThenSilence(7));
                final Instant silentFrom = emulator.org().clock().instant();
                final long published = emulator.org().publishedCount();

                await().atMost(Duration.ofMinutes(3))
                        .pollInterval(Duration.ofMillis(500))
                        .until(
                                () -> {
                                    final Set<String> raised =
                                            keys(watcher.seen(), AlertStatus.TRIGGERED);
                                    return raised.size() >= 2
                                            && keys(watcher.seen(), AlertStatus.RESOLVED)
                                                    .containsAll(raised);
                                });
                assertThat(emulator.org().publishedCount())
                        .as("no event after the scenario")
                        .isEqualTo(published);
                final List<Alert> all = watcher.seen();
                assertThat(
                                all.stream()
                                        .filter(a -> a.getStatus() == AlertStatus.TRIGGERED)
                                        .map(Alert::getDetector))
                        .contains("post-deploy-failures", "new-error-types");
                // Resolved on the org's time: within quiet + grace after the silence began, plus
                // one progress step
                // (a held /meta/connect's worth of compressed org time) and the punctuation's
                // minute.
                final Duration step =
                        Duration.ofMillis(
                                LONG_POLL.toMillis() * 60_000 / WALL_PER_VIRTUAL_MINUTE.toMillis());
                final Duration bound =
                        NewErrorTypeSettings.defaults()
                                .quiet()
                                .plus(Duration.ofMinutes(1))
                                .plus(step.multipliedBy(2))
                                .plus(Duration.ofMinutes(1));
                assertThat(all.stream().filter(a -> a.getStatus() == AlertStatus.RESOLVED))
                        .allSatisfy(
                                a ->
                                        assertThat(Duration.between(silentFrom, a.getEventTime()))
                                                .as(a.getDedupKey())
                                                .isLessThanOrEqualTo(bound));

                // Visible on the page: the source's progress is past the silence, and no alert is
                // open.
                final String org = emulator.org().orgId();
                // The page reads the alerts back from their topic: eventually the same answer.
                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500))
                        .untilAsserted(
                                () -> {
                                    final JsonNode page =
                                            JSON.readTree(
                                                    HttpClient.newHttpClient()
                                                            .send(
                                                                    HttpRequest.newBuilder(
                                                                                    URI.create(
                                                                                            "http://127.0.0.1:"
                                                                                                    + pipeline.ops()
                                                                                                            .port()
                                                                                                    + "/api/orgs/"
                                                                                                    + org))
                                                                            .header(
                                                                                    "Authorization",
                                                                                    "Bearer "
                                                                                            + OPS_TOKEN)
                                                                            .build(),
                                                                    HttpResponse.BodyHandlers
                                                                            .ofString())
                                                            .body());
                                    assertThat(page.path("kpis").path("openAlerts").asInt())
                                            .as(page.path("alerts").toString())
                                            .isZero();
                                    assertThat(
                                                    Instant.parse(
                                                            findSource(page, Scenarios.LOG_CHANNEL)
                                                                    .path("deliveredThrough")
                                                                    .asText()))
                                            .isAfter(silentFrom);
                                });
            }
        }
    }

    private static Set<String> keys(final List<Alert> alerts, final AlertStatus status) {
        return alerts.stream()
                .filter(a -> a.getStatus() == status)
                .map(Alert::getDedupKey)
                .collect(Collectors.toSet());
    }

    private static JsonNode findSource(final JsonNode page, final String source) {
        for (final JsonNode s : page.path("sources")) {
            if (source.equals(s.path("source").asText())) {
                return s;
            }
        }
        throw new AssertionError(
                "no progress for " + source + " on the page: " + page.path("sources"));
    }
}
