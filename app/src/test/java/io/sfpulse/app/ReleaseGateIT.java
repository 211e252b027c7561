package io.sfpulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.app.ops.OpsEndpoint;
import io.sfpulse.app.ops.VerdictApi;
import io.sfpulse.embedded.EmbeddedKafka;
import io.sfpulse.embedded.registry.EmbeddedSchemaRegistry;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.deploy.MarkerSource;
import io.sfpulse.schemas.serde.AvroSerdeConfig;
import io.sfpulse.schemas.serde.SfpulseSerdes;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import io.sfpulse.schemas.verdict.ReleaseVerdict;
import io.sfpulse.streams.DetectionConfig;
import io.sfpulse.streams.DetectionService;
import io.sfpulse.streams.DetectionTopology;
import io.sfpulse.streams.health.ReleaseHealthQueries;
import io.sfpulse.streams.verdict.ReleaseVerdictQueries;
import io.sfpulse.suite.LabelledScenarios;
import io.sfpulse.suite.ScenarioPublisher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release gate on a real broker: three releases go through the detection app - one a detector
 * alerts on, a clean one with traffic (announced by CI/CD with a label and commit), one nobody
 * exercised - and {@code sfpulse gate} (in-process, over HTTP to the verdict API) exits 1, 0 and 2;
 * unknown orgs and releases exit 3, as does a refused token; the API answers 401 and 404.
 */
class ReleaseGateIT {

    private static final Instant T0 = Instant.parse("2026-11-16T08:00:00Z");
    private static final String TOKEN = "gate-token-4711";
    private static final String LABEL = "2026.12.1";
    private static final String COMMIT = "3f9c2d1e7b5a4c3d2e1f";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path dir;
    private static EmbeddedKafka kafka;
    private static EmbeddedSchemaRegistry registry;
    private static DetectionService service;
    private static OpsEndpoint ops;
    private static String base;
    private static LabelledScenarios.Scenario faulty;
    private static LabelledScenarios.Scenario clean;
    private static LabelledScenarios.Scenario unexercised;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.startTemporary();
        registry =
                new EmbeddedSchemaRegistry(
                                kafka.bootstrapServers(), TopicNames.SCHEMA_REGISTRY, 0, null)
                        .start();
        final Map<String, Object> props = new HashMap<>();
        props.put(DetectionConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
        props.put(DetectionConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        props.put(DetectionConfig.APPLICATION_ID_CONFIG, "gate-it-" + UUID.randomUUID());
        final DetectionConfig config = new DetectionConfig(props);
        kafka.createTopics(1, DetectionTopology.topics(config));
        faulty =
                LabelledScenarios.generate(
                        LabelledScenarios.Kind.FAILURE_RATE, LabelledScenarios.orgId(1), T0, 31);
        clean =
                announced(
                        LabelledScenarios.generate(
                                LabelledScenarios.Kind.CLEAN_DEPLOY,
                                LabelledScenarios.orgId(2),
                                T0,
                                32));
        unexercised =
                LabelledScenarios.generate(
                        LabelledScenarios.Kind.UNEXERCISED, LabelledScenarios.orgId(3), T0, 33);
        ScenarioPublisher.publish(
                kafka.bootstrapServers(),
                Topics.create(SfpulseSerdes.forRegistry(registry.url())),
                List.of(faulty, clean, unexercised),
                T0);
        service = new DetectionService(config).start();
        ops = new OpsEndpoint("127.0.0.1", 0, TOKEN, true).streams(service.streams());
        new VerdictApi(
                        new ReleaseVerdictQueries(service.streams()),
                        new ReleaseHealthQueries(service.streams()),
                        null)
                .register(ops.server());
        ops.verdicts(new ReleaseVerdictQueries(service.streams())).start();
        base = "http://127.0.0.1:" + ops.port();
        // What a pipeline's gate can count on: sfpulse has heard from the orgs (the gate exits 3 at
        // once for an org it never did).
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(
                        () -> {
                            for (final LabelledScenarios.Scenario sc :
                                    List.of(faulty, clean, unexercised)) {
                                assertThat(
                                                get("/v1/releases/" + sc.label().orgId(), TOKEN)
                                                        .statusCode())
                                        .as(sc.label().orgId())
                                        .isEqualTo(200);
                            }
                        });
    }

    /** The clean deploy as CI/CD announces it too: a marker naming the deploy id, with the version label and commit. */
    private static LabelledScenarios.Scenario announced(final LabelledScenarios.Scenario sc) {
        final List<LabelledScenarios.Input> inputs = new ArrayList<>(sc.inputs());
        final DeploymentMarker ci =
                DeploymentMarker.newBuilder()
                        .setOrgId(sc.label().orgId())
                        .setDeployId(sc.label().deployId())
                        .setSource(MarkerSource.MARKER_API)
                        .setStatus("Succeeded")
                        .setCompletedTime(sc.label().changeAt())
                        .setLabel(LABEL)
                        .setCommit(COMMIT)
                        .setCreatedBy("GitHub Actions")
                        .build();
        inputs.add(
                inputs.indexOf(
                                inputs.stream()
                                        .filter(i -> i.marker() != null)
                                        .findFirst()
                                        .orElseThrow())
                        + 1,
                new LabelledScenarios.Input(sc.label().changeAt(), null, null, ci, null));
        return new LabelledScenarios.Scenario(sc.label(), inputs);
    }

    @AfterAll
    static void stop() {
        ops.close();
        service.close();
        registry.close();
        kafka.close();
    }

    private record Gate(int code, String output) {}

    private static Gate gate(final String... args) throws Exception {
        final ByteArrayOutputStream console = new ByteArrayOutputStream();
        final List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", base, "--poll", "500ms"));
        if (!all.contains("--token")) {
            all.addAll(List.of("--token", TOKEN));
        }
        final int code =
                new GateCommand(new PrintStream(console, true, StandardCharsets.UTF_8), Map.of())
                        .run(Cli.parse("gate", all));
        return new Gate(code, console.toString(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> get(final String path, final String token)
            throws Exception {
        final HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aFaultyReleaseFailsTheGateWithTheDetectorAsReason() throws Exception {
        final Gate g =
                gate(
                        "--org",
                        faulty.label().orgId(),
                        "--release",
                        faulty.label().deployId(),
                        "--wait",
                        "3m");
        assertThat(g.code()).as(g.output()).isEqualTo(GateCommand.FAULTY);
        assertThat(g.output())
                .contains(
                        "release " + faulty.label().deployId(),
                        ": FAULTY",
                        "post-deploy-failures alerted on");
        final Gate dry =
                gate(
                        "--org",
                        faulty.label().orgId(),
                        "--release",
                        faulty.label().deployId(),
                        "--dry-run");
        assertThat(dry.code()).isZero();
        assertThat(dry.output())
                .contains("FAULTY", "dry run: the gate would have exited 1; exiting 0");
    }

    @Test
    void aCleanReleaseWithTrafficPassesTheGateFoundByLabelOrCommit() throws Exception {
        final Gate byLabel = gate("--org", clean.label().orgId(), "--label", LABEL, "--wait", "3m");
        assertThat(byLabel.code()).as(byLabel.output()).isEqualTo(GateCommand.HEALTHY);
        assertThat(byLabel.output())
                .contains(
                        "release " + clean.label().deployId() + " (" + LABEL + ") commit " + COMMIT,
                        ": HEALTHY (final), 60 min after it went live",
                        "no detector alerted on the release",
                        "Flow:Invoice_Flow (");
        final Gate byShortCommit =
                gate(
                        "--org",
                        clean.label().orgId().substring(0, 15),
                        "--commit",
                        COMMIT.substring(0, 7),
                        "--wait",
                        "3m");
        assertThat(byShortCommit.code()).as(byShortCommit.output()).isEqualTo(GateCommand.HEALTHY);
    }

    @Test
    void aReleaseNobodyExercisedIsInconclusive() throws Exception {
        final Gate g =
                gate(
                        "--org",
                        unexercised.label().orgId(),
                        "--release",
                        unexercised.label().deployId(),
                        "--wait",
                        "3m");
        assertThat(g.code()).as(g.output()).isEqualTo(GateCommand.INCONCLUSIVE);
        assertThat(g.output())
                .contains(
                        ": INCONCLUSIVE (final)",
                        "too little traffic to tell: 0 signals",
                        "not seen in any signal: ApexClass:InvoiceService");
    }

    @Test
    void unknownOrgsReleasesAndRefusedTokensExit3AndTheApiSays404And401() throws Exception {
        // Wait until the org is known, so "unknown release" is about the release, not a slow start.
        final String org = clean.label().orgId();
        assertThat(gate("--org", org, "--label", LABEL, "--wait", "3m").code()).isZero();

        final Gate unknownOrg =
                gate(
                        "--org",
                        LabelledScenarios.orgId(77),
                        "--release",
                        "0Af000000000077AAA",
                        "--wait",
                        "1m");
        assertThat(unknownOrg.code()).as(unknownOrg.output()).isEqualTo(GateCommand.BAD_INPUT);
        assertThat(unknownOrg.output()).contains("unknown org " + LabelledScenarios.orgId(77));
        final Gate unknownRelease =
                gate("--org", org, "--release", "0Af0000000000NOAAA", "--wait", "2s");
        assertThat(unknownRelease.code())
                .as(unknownRelease.output())
                .isEqualTo(GateCommand.BAD_INPUT);
        assertThat(unknownRelease.output())
                .contains("has no release 0Af0000000000NOAAA", clean.label().deployId());
        assertThat(gate("--org", org, "--label", "no-such-version").code())
                .isEqualTo(GateCommand.BAD_INPUT);
        final Gate refused = gate("--org", org, "--label", LABEL, "--token", "wrong");
        assertThat(refused.code()).isEqualTo(GateCommand.BAD_INPUT);
        assertThat(refused.output()).contains("refused", "HTTP 401");
        assertThat(gate("--org", "not-an-org", "--label", LABEL).code())
                .isEqualTo(GateCommand.BAD_INPUT);

        final String path = "/v1/releases/" + org + "/" + clean.label().deployId() + "/verdict";
        final HttpResponse<String> noToken = get(path, null);
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(noToken.body()).isEqualTo("{\"error\":\"missing or wrong bearer token\"}");
        assertThat(get("/v1/releases/" + org + "/0Af0000000000NOAAA/verdict", TOKEN).statusCode())
                .isEqualTo(404);
        final JsonNode verdict = JSON.readTree(get(path, TOKEN).body());
        assertThat(verdict.path("status").asText()).isEqualTo("HEALTHY");
        assertThat(
                        verdict.path("exposure")
                                .path("componentExecutions")
                                .path("Flow:Invoice_Flow")
                                .asLong())
                .isGreaterThanOrEqualTo(10);
        final JsonNode list = JSON.readTree(get("/v1/releases/" + org, TOKEN).body());
        assertThat(list.path("releases").findValuesAsText("releaseId"))
                .contains(clean.label().deployId());
    }

    @Test
    void verdictsReachTheTopicAndTheMetrics() throws Exception {
        assertThat(
                        gate(
                                        "--org",
                                        faulty.label().orgId(),
                                        "--release",
                                        faulty.label().deployId(),
                                        "--wait",
                                        "3m")
                                .code())
                .isEqualTo(1);
        final Map<String, Object> c =
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "gate-it-reader",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest");
        final List<ReleaseVerdict> seen = new ArrayList<>();
        try (KafkaConsumer<String, ReleaseVerdict> consumer =
                new KafkaConsumer<>(
                        c,
                        new StringDeserializer(),
                        Topics.create(SfpulseSerdes.forRegistry(registry.url()))
                                .verdicts()
                                .valueSerde()
                                .deserializer())) {
            consumer.subscribe(List.of(TopicNames.VERDICTS));
            await().atMost(Duration.ofMinutes(1))
                    .untilAsserted(
                            () -> {
                                consumer.poll(Duration.ofMillis(500))
                                        .forEach(r -> seen.add(r.value()));
                                assertThat(seen)
                                        .filteredOn(
                                                v ->
                                                        v.getOrgId().equals(faulty.label().orgId())
                                                                && v.getIsFinal())
                                        .extracting(v -> v.getStatus().name())
                                        .containsExactly("FAULTY");
                            });
        }
        final String metrics = get("/metrics", TOKEN).body();
        assertThat(metrics)
                .contains(
                        "sfpulse_release_verdict_latest{org=\""
                                + faulty.label().orgId()
                                + "\",status=\"FAULTY\"} 1.0");
        assertThat(metrics)
                .contains(
                        "sfpulse_release_verdicts{org=\""
                                + unexercised.label().orgId()
                                + "\",status=\"INCONCLUSIVE\"} 1.0");
    }
}
