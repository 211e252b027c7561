package io.sfpulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.app.ops.OpsEndpoint;
import io.sfpulse.app.ops.ReleaseHealthPage;
import io.sfpulse.app.ops.SilenceApi;
import io.sfpulse.embedded.EmbeddedKafka;
import io.sfpulse.embedded.registry.EmbeddedSchemaRegistry;
import io.sfpulse.schemas.serde.AvroSerdeConfig;
import io.sfpulse.schemas.serde.SfpulseSerdes;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import io.sfpulse.sink.silence.SilenceBook;
import io.sfpulse.streams.DetectionConfig;
import io.sfpulse.streams.DetectionService;
import io.sfpulse.streams.DetectionTopology;
import io.sfpulse.streams.health.ReleaseHealthQueries;
import io.sfpulse.streams.verdict.ReleaseVerdictQueries;
import io.sfpulse.suite.LabelledScenarios;
import io.sfpulse.suite.ScenarioPublisher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release-health page end to end: a failed release (failure-rate regression) and a healthy
 * one go through the detection app on a real broker; the page's API answers from interactive
 * queries; headless Chromium (Debian's package) loads the page, runs its script and the rendered
 * DOM shows the KPIs, the chart, the releases and the alerts. The API needs the bearer token.
 */
class ReleaseHealthPageIT {

    private static final Instant T0 = Instant.parse("2026-11-09T08:00:00Z");
    private static final String TOKEN = "page-token-0123";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir Path dir;

    @Test
    void showsReleasesAlertsAndKpisInHeadlessChromium() throws Exception {
        final Path chromium = Path.of("/usr/bin/chromium");
        assertThat(chromium)
                .as("headless Chromium (Debian package 'chromium'; .ci/run installs it)")
                .isExecutable();
        try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary();
                EmbeddedSchemaRegistry registry =
                        new EmbeddedSchemaRegistry(
                                        kafka.bootstrapServers(),
                                        TopicNames.SCHEMA_REGISTRY,
                                        0,
                                        null)
                                .start()) {
            final Map<String, Object> props = new HashMap<>();
            props.put(DetectionConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            props.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
            props.put(DetectionConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
            props.put(DetectionConfig.APPLICATION_ID_CONFIG, "page-it-" + UUID.randomUUID());
            final DetectionConfig config = new DetectionConfig(props);
            final Set<String> topics = new LinkedHashSet<>(DetectionTopology.topics(config));
            topics.add(TopicNames.SILENCES);
            kafka.createTopics(1, topics);
            final LabelledScenarios.Scenario failed =
                    LabelledScenarios.generate(
                            LabelledScenarios.Kind.FAILURE_RATE,
                            LabelledScenarios.orgId(1),
                            T0,
                            11);
            final LabelledScenarios.Scenario healthy =
                    LabelledScenarios.generate(
                            LabelledScenarios.Kind.CLEAN_DEPLOY,
                            LabelledScenarios.orgId(2),
                            T0,
                            12);
            ScenarioPublisher.publish(
                    kafka.bootstrapServers(),
                    Topics.create(SfpulseSerdes.forRegistry(registry.url())),
                    List.of(failed, healthy),
                    T0);

            final Topics catalogue = Topics.create(SfpulseSerdes.forRegistry(registry.url()));
            try (DetectionService service = new DetectionService(config).start();
                    OpsEndpoint ops =
                            new OpsEndpoint("127.0.0.1", 0, TOKEN, true)
                                    .streams(service.streams());
                    SilenceBook book =
                            new SilenceBook(
                                    kafka.bootstrapServers(),
                                    catalogue.silences().valueSerde(),
                                    Clock.systemUTC());
                    SilenceApi silences =
                            new SilenceApi(
                                    kafka.bootstrapServers(), catalogue, book, Clock.systemUTC())) {
                final ReleaseHealthPage page =
                        new ReleaseHealthPage(
                                new ReleaseHealthQueries(service.streams()),
                                new ReleaseVerdictQueries(service.streams()),
                                null);
                page.register(ops.server());
                ops.kpis(page::localKpis);
                silences.register(ops.server());
                ops.start();
                final String base = "http://127.0.0.1:" + ops.port();
                final String failedOrg = failed.label().orgId();
                final HttpResponse<String> silenced =
                        http.send(
                                HttpRequest.newBuilder(URI.create(base + "/v1/silences"))
                                        .header("Authorization", "Bearer " + TOKEN)
                                        .POST(
                                                HttpRequest.BodyPublishers.ofString(
                                                        "{\"orgId\":\""
                                                                + failedOrg
                                                                + "\",\"detector\":\"post-deploy-failures\",\"duration\":\"2h\",\"reason\":\"invoice batch replay\",\"createdBy\":\"ana\"}"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                assertThat(silenced.statusCode()).as(silenced.body()).isEqualTo(201);
                await().atMost(Duration.ofSeconds(20)).until(() -> book.all().size() == 1);
                await().atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(500))
                        .untilAsserted(
                                () -> {
                                    final String body =
                                            get(base + "/api/orgs/" + failedOrg, TOKEN).body();
                                    final JsonNode org = JSON.readTree(body);
                                    assertThat(
                                                    org.path("kpis")
                                                            .path("changeFailureRate")
                                                            .asDouble())
                                            .as(
                                                    body.length() > 3000
                                                            ? body.substring(0, 3000)
                                                            : body)
                                            .isEqualTo(1.0);
                                    assertThat(org.path("kpis").path("openAlerts").asInt())
                                            .isZero();
                                    assertThat(
                                                    org.path("kpis")
                                                            .path("meanTimeToRestoreMinutes")
                                                            .asDouble())
                                            .isPositive();
                                    assertThat(
                                                    org.path("kpis")
                                                            .path("defectsPerRelease")
                                                            .asDouble())
                                            .isPositive();
                                    assertThat(
                                                    org.path("kpis")
                                                            .path("errorBudget")
                                                            .path("executions")
                                                            .asLong())
                                            .isPositive();
                                    assertThat(org.path("releases").get(0).path("defects").asInt())
                                            .isPositive();
                                    // Signal buckets come through their own sub-topology (read back
                                    // from the enriched topic): wait for them too.
                                    assertThat(
                                                    org.path("releases")
                                                            .get(0)
                                                            .path("after")
                                                            .path("failures")
                                                            .asLong())
                                            .isGreaterThan(
                                                    org.path("releases")
                                                            .get(0)
                                                            .path("before")
                                                            .path("failures")
                                                            .asLong());
                                    final JsonNode clean =
                                            JSON.readTree(
                                                    get(
                                                                    base
                                                                            + "/api/orgs/"
                                                                            + healthy.label()
                                                                                    .orgId(),
                                                                    TOKEN)
                                                            .body());
                                    assertThat(
                                                    clean.path("kpis")
                                                            .path("changeFailureRate")
                                                            .asDouble())
                                            .isZero();
                                    assertThat(
                                                    clean.path("releases")
                                                            .get(0)
                                                            .path("deployId")
                                                            .asText())
                                            .isEqualTo(healthy.label().deployId());
                                    assertThat(
                                                    clean.path("releases")
                                                            .get(0)
                                                            .path("verdict")
                                                            .path("status")
                                                            .asText())
                                            .isEqualTo("HEALTHY");
                                    assertThat(
                                                    org.path("releases")
                                                            .get(0)
                                                            .path("verdict")
                                                            .path("isFinal")
                                                            .asBoolean())
                                            .isTrue();
                                });
                assertThat(get(base + "/api/orgs", null).statusCode()).isEqualTo(401);
                // The KPIs as Markdown (sfpulse report) and as Prometheus gauges.
                final java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();
                assertThat(
                                new ReportCommand(
                                                new java.io.PrintStream(
                                                        console, true, StandardCharsets.UTF_8),
                                                Map.of())
                                        .run(
                                                Cli.parse(
                                                        "report", "--org", failedOrg, "--since",
                                                        "3650d", "--url", base, "--token", TOKEN)))
                        .isZero();
                assertThat(console.toString(StandardCharsets.UTF_8))
                        .contains(
                                "# sfpulse report: org " + failedOrg,
                                "| change-failure rate | 100.0% (1 of 1 releases with a post-deploy alert) |",
                                "| error budget spent (",
                                "| " + failed.label().deployId() + " | ",
                                " | FAULTY | ");
                assertThat(get(base + "/api/orgs/" + failedOrg + "?since=soon", TOKEN).statusCode())
                        .isEqualTo(400);
                final String metrics = get(base + "/metrics", TOKEN).body();
                assertThat(metrics)
                        .contains("sfpulse_kpi_change_failure_rate{org=\"" + failedOrg + "\"} 1.0")
                        .contains("sfpulse_kpi_error_budget_consumed{org=\"" + failedOrg + "\"}");
                final JsonNode orgs = JSON.readTree(get(base + "/api/orgs", TOKEN).body());
                assertThat(orgs.path("orgs").findValuesAsText("orgId"))
                        .contains(failedOrg, healthy.label().orgId());

                final String dom =
                        chromium(chromium, base + "/#token=" + TOKEN + "&org=" + failedOrg);
                assertThat(dom)
                        .contains(
                                "data-ready=\"true\"",
                                "Change-failure rate",
                                "100%",
                                "1 of 1 releases",
                                failed.label().deployId(),
                                "failed (",
                                "class=\"verdict\"",
                                "id=\"silence-form\"",
                                "Error budget spent (28 days)",
                                "Defects per release",
                                "class=\"release-kpis\"",
                                "invoice batch replay",
                                "active</span>",
                                "FAULTY</span>",
                                "post-deploy-failures alerted on",
                                "Failures back to baseline",
                                "pValue: ",
                                "class=\"failure-bar\"",
                                "class=\"latency-line\"",
                                "class=\"release-line\"",
                                "Mean time to restore",
                                healthy.label().orgId());
                // The chart has a time axis and a legend for the series it draws; a release opens
                // in detail (on a laptop-sized
                // window, screenshotted): verdict, signals before/after, what each detector said,
                // suspects.
                assertThat(dom)
                        .contains(
                                "class=\"time-axis\"",
                                "class=\"time-tick\"",
                                "class=\"legend-failure-bar\"",
                                "class=\"legend-release-line\"",
                                "class=\"release-link\"")
                        .doesNotContain("id=\"release-detail\"");
                final Path screenshot = dir.resolve("release-detail.png");
                final String detail =
                        chromium(
                                chromium,
                                base
                                        + "/#token="
                                        + TOKEN
                                        + "&org="
                                        + failedOrg
                                        + "&release="
                                        + failed.label().deployId(),
                                screenshot);
                assertThat(detail)
                        .contains(
                                "data-ready=\"true\"",
                                "id=\"release-detail\"",
                                "Release " + failed.label().deployId(),
                                "id=\"release-signals\"",
                                "1 h before",
                                "class=\"release-detector\"",
                                "post-deploy-failures",
                                "id=\"release-suspects\"");
                final byte[] png = Files.readAllBytes(screenshot);
                assertThat(png)
                        .as("a PNG screenshot of the page")
                        .startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
                assertThat(png.length)
                        .as("a screenshot with content, not a blank page")
                        .isGreaterThan(20_000);
                final String denied = chromium(chromium, base + "/");
                assertThat(denied).contains("data-ready=\"error\"", "HTTP 401");
            }
        }
    }

    /**
     * Two instances of the application over four partitions: each holds some orgs' stores, yet the
     * API of either one answers for every org (it gathers from the other through application.server).
     */
    @Test
    void eitherInstanceAnswersForEveryOrgAcrossInstances() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary();
                EmbeddedSchemaRegistry registry =
                        new EmbeddedSchemaRegistry(
                                        kafka.bootstrapServers(),
                                        TopicNames.SCHEMA_REGISTRY,
                                        0,
                                        null)
                                .start()) {
            final String applicationId = "page-multi-it-" + UUID.randomUUID();
            final List<LabelledScenarios.Scenario> scenarios = new ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                scenarios.add(
                        LabelledScenarios.generate(
                                i % 2 == 0
                                        ? LabelledScenarios.Kind.CLEAN_DEPLOY
                                        : LabelledScenarios.Kind.FAILURE_RATE,
                                LabelledScenarios.orgId(i),
                                T0,
                                20 + i));
            }
            final List<String> orgIds = scenarios.stream().map(sc -> sc.label().orgId()).toList();
            try (OpsEndpoint opsA = new OpsEndpoint("127.0.0.1", 0, TOKEN, true);
                    OpsEndpoint opsB = new OpsEndpoint("127.0.0.1", 0, TOKEN, true)) {
                final DetectionConfig configA =
                        instance(kafka, registry, applicationId, "a", opsA.port());
                final Set<String> topics = new LinkedHashSet<>(DetectionTopology.topics(configA));
                kafka.createTopics(4, topics);
                ScenarioPublisher.publish(
                        kafka.bootstrapServers(),
                        Topics.create(SfpulseSerdes.forRegistry(registry.url())),
                        scenarios,
                        T0);
                try (DetectionService a = new DetectionService(configA).start();
                        DetectionService b =
                                new DetectionService(
                                                instance(
                                                        kafka,
                                                        registry,
                                                        applicationId,
                                                        "b",
                                                        opsB.port()))
                                        .start()) {
                    serve(opsA, a);
                    serve(opsB, b);
                    final String baseA = "http://127.0.0.1:" + opsA.port();
                    final String baseB = "http://127.0.0.1:" + opsB.port();
                    // Instance A answers for every org (regressions' releases failed); detector
                    // precision is not this test's subject.
                    await().atMost(Duration.ofMinutes(3))
                            .pollInterval(Duration.ofMillis(500))
                            .untilAsserted(
                                    () -> {
                                        final JsonNode all =
                                                JSON.readTree(
                                                        get(baseA + "/api/orgs", TOKEN).body());
                                        assertThat(all.path("unreachableInstances")).isEmpty();
                                        assertThat(all.path("orgs").findValuesAsText("orgId"))
                                                .containsExactlyInAnyOrderElementsOf(orgIds);
                                        for (final LabelledScenarios.Scenario sc : scenarios) {
                                            final JsonNode org =
                                                    JSON.readTree(
                                                            get(
                                                                            baseA
                                                                                    + "/api/orgs/"
                                                                                    + sc.label()
                                                                                            .orgId(),
                                                                            TOKEN)
                                                                    .body());
                                            assertThat(
                                                            org.path("releases")
                                                                    .findValuesAsText("deployId"))
                                                    .containsExactly(sc.label().deployId());
                                            if (sc.label().kind().regression()) {
                                                assertThat(
                                                                org.path("kpis")
                                                                        .path("changeFailureRate")
                                                                        .asDouble())
                                                        .as(sc.label().orgId())
                                                        .isEqualTo(1.0);
                                            }
                                        }
                                    });
                    // Instance B, holding the other partitions, gives the same answers (once both
                    // have processed everything:
                    // while signals still flow, an answer can change between the two requests).
                    await().atMost(Duration.ofMinutes(2))
                            .pollInterval(Duration.ofSeconds(1))
                            .untilAsserted(
                                    () -> {
                                        for (final String org : orgIds) {
                                            assertThat(
                                                            JSON.readTree(
                                                                    get(
                                                                                    baseB
                                                                                            + "/api/orgs/"
                                                                                            + org,
                                                                                    TOKEN)
                                                                            .body()))
                                                    .isEqualTo(
                                                            JSON.readTree(
                                                                    get(
                                                                                    baseA
                                                                                            + "/api/orgs/"
                                                                                            + org,
                                                                                    TOKEN)
                                                                            .body()));
                                        }
                                        assertThat(
                                                        JSON.readTree(
                                                                get(baseB + "/api/orgs", TOKEN)
                                                                        .body()))
                                                .isEqualTo(
                                                        JSON.readTree(
                                                                get(baseA + "/api/orgs", TOKEN)
                                                                        .body()));
                                    });
                    // The work really is split: each instance holds the signal buckets of some orgs
                    // only (org-keyed partitions;
                    // alert histories are keyed by dedup key, so either instance may hold an alert
                    // of any org), together all.
                    final String all = String.join(",", orgIds);
                    final int bucketsOnA =
                            orgsWithBuckets(
                                    JSON.readTree(
                                            get(baseA + "/api/local/snapshots?orgs=" + all, TOKEN)
                                                    .body()));
                    final int bucketsOnB =
                            orgsWithBuckets(
                                    JSON.readTree(
                                            get(baseB + "/api/local/snapshots?orgs=" + all, TOKEN)
                                                    .body()));
                    assertThat(bucketsOnA).isLessThan(orgIds.size()).isPositive();
                    assertThat(bucketsOnB).isLessThan(orgIds.size()).isPositive();
                    assertThat(bucketsOnA + bucketsOnB).isEqualTo(orgIds.size());
                }
            }
        }
    }

    private DetectionConfig instance(
            final EmbeddedKafka kafka,
            final EmbeddedSchemaRegistry registry,
            final String applicationId,
            final String name,
            final int opsPort) {
        final Map<String, Object> props = new HashMap<>();
        props.put(DetectionConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
        props.put(DetectionConfig.STATE_DIR_CONFIG, dir.resolve("state-" + name).toString());
        props.put(DetectionConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(
                DetectionConfig.STREAMS_OVERRIDE_PREFIX + "application.server",
                "127.0.0.1:" + opsPort);
        return new DetectionConfig(props);
    }

    private static void serve(final OpsEndpoint ops, final DetectionService service) {
        ops.streams(service.streams());
        new ReleaseHealthPage(
                        new ReleaseHealthQueries(service.streams()),
                        new ReleaseVerdictQueries(service.streams()),
                        new io.sfpulse.app.ops.InstancePeers(
                                service.streams(), "127.0.0.1:" + ops.port(), TOKEN))
                .register(ops.server());
        ops.start();
    }

    private HttpResponse<String> get(final String url, final String token) throws Exception {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The DOM after the page's script ran, from headless Chromium. */
    private String chromium(final Path binary, final String url) throws Exception {
        return chromium(binary, url, null);
    }

    /** The same, and a screenshot of a laptop-sized window into {@code screenshot} (a second run: Chromium does one or the other). */
    private String chromium(final Path binary, final String url, final Path screenshot)
            throws Exception {
        final String dom = runChromium(binary, url, "--dump-dom");
        if (screenshot != null) {
            runChromium(
                    binary,
                    url,
                    "--screenshot=" + screenshot,
                    "--window-size=1366,2400",
                    "--hide-scrollbars");
            assertThat(screenshot).exists();
        }
        return dom;
    }

    private String runChromium(final Path binary, final String url, final String... mode)
            throws Exception {
        final Path profile = Files.createTempDirectory(dir, "chromium");
        final List<String> command =
                new ArrayList<>(
                        List.of(
                                binary.toString(),
                                "--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-dev-shm-usage",
                                "--user-data-dir=" + profile,
                                "--virtual-time-budget=20000"));
        command.addAll(List.of(mode));
        command.add(url);
        final Process p =
                new ProcessBuilder(command)
                        .redirectError(dir.resolve("chromium.log").toFile())
                        .start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        return out;
    }

    private static int orgsWithBuckets(final JsonNode snapshots) {
        int n = 0;
        for (final JsonNode snapshot : snapshots) {
            n += snapshot.path("buckets").isEmpty() ? 0 : 1;
        }
        return n;
    }
}
