package io.sfpulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sfpulse demo --scenario flow-stops} on its embedded parts (KRaft broker, registry, emulator
 * over Pub/Sub, Connect worker, Kafka Streams, sink, signed webhook): the flow that stops after the
 * deploy that changed it raises an absent-activity alert naming flow and deploy, which resolves when
 * the flow runs again; every state reaches the webhook; the command exits 0. And {@code ./sfpulse demo}
 * itself, as a newcomer runs it first: it completes and prints no warning.
 */
class DemoScenarioIT {

    @Test
    void flowStopsScenarioAlertsOnTheSilentFlowAndResolvesEndToEndToTheWebhook() throws Exception {
        final ByteArrayOutputStream console = new ByteArrayOutputStream();
        final int code =
                new DemoCommand(new PrintStream(console, true, StandardCharsets.UTF_8))
                        .run(Cli.parse("demo", "--scenario", "flow-stops"));
        final String out = console.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        assertThat(out)
                .contains(
                        "=== ALERT TRIGGERED [ERROR] Flow.Invoice_Update stopped after deploy 0Af5g00000Demo2CAA")
                .contains(
                        "=== ALERT RESOLVED [ERROR] Flow.Invoice_Update runs again after deploy 0Af5g00000Demo2CAA")
                .containsPattern("suspectComponents\\s+Flow:Invoice_Update")
                .contains("[webhook] received TRIGGERED (Standard Webhooks signature valid")
                .contains("[webhook] received RESOLVED (Standard Webhooks signature valid")
                .doesNotContain("Failures up")
                .doesNotContain("New error after");
    }

    @Test
    void theFirstCommandANewcomerRunsCompletesWithoutAWarning(@TempDir final Path dir)
            throws Exception {
        // ./sfpulse demo exactly as the README says, in its own JVM with the launcher's logging
        // (the build packaged
        // app/target/sfpulse-app.jar and app/target/lib before the integration tests run).
        final Path script = Path.of("..", "sfpulse").toAbsolutePath().normalize();
        final Path log = dir.resolve("demo.log");
        final ProcessBuilder pb =
                new ProcessBuilder("bash", script.toString(), "demo")
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        pb.environment().remove("SFPULSE_REBUILD");
        final Process demo = pb.start();
        try {
            assertThat(demo.waitFor(5, TimeUnit.MINUTES)).as("demo finished").isTrue();
        } finally {
            demo.destroyForcibly();
        }
        final String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(demo.exitValue()).as(out).isZero();
        assertThat(out).contains("[sfpulse] demo complete").contains("=== ALERT RESOLVED");
        assertThat(
                        out.lines()
                                .filter(
                                        l ->
                                                l.contains(" WARN ")
                                                        || l.contains(" ERROR ")
                                                        || l.startsWith("WARNING"))
                                .toList())
                .as("warnings and errors printed by ./sfpulse demo")
                .isEmpty();
    }

    @Test
    void anUnknownScenarioIsRefusedWithTheKnownOnes() {
        final DemoCommand demo =
                new DemoCommand(
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> demo.run(Cli.parse("demo", "--scenario", "nope")))
                .hasMessageContaining("Unknown scenario 'nope'")
                .hasMessageContaining("flow-stops")
                .hasMessageContaining("deploy-error-burst");
    }
}
