package io.sfpulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sfpulse.ingest.Version;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line: help per command with its options and exit codes, --version, and usage errors with their exit codes. */
class CliTest {

    private record Ran(int code, String out, String err) {}

    private static Ran run(final String... args) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code =
                new Cli(
                                new PrintStream(out, true, StandardCharsets.UTF_8),
                                new PrintStream(err, true, StandardCharsets.UTF_8),
                                Map.of())
                        .execute(args);
        return new Ran(
                code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryCommandAndTheExitCodes() {
        final Ran help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("Usage: sfpulse", "--version", "--verbose", "Exit codes:");
        for (final String command :
                List.of(
                        "demo",
                        "run",
                        "mark",
                        "gate",
                        "silence",
                        "report",
                        "backtest",
                        "bench",
                        "docs")) {
            assertThat(help.out()).as(command).containsPattern("(?m)^\\s+" + command + "\\s");
        }
    }

    @Test
    void eachCommandHasItsOwnHelpWithOptionsAndExitCodes() {
        final Ran gate = run("gate", "--help");
        assertThat(gate.code()).isZero();
        assertThat(gate.out())
                .contains(
                        "Usage: sfpulse gate",
                        "--org=ORG_ID",
                        "--commit=SHA",
                        "--wait=DURATION",
                        "--dry-run",
                        "Exit codes:",
                        "HEALTHY",
                        "FAULTY",
                        "INCONCLUSIVE");
        final Ran bench = run("bench", "--help");
        assertThat(bench.out()).contains("BENCHMARK", "--set=KEY=VALUE", "--orgs-per-kind=N");
        assertThat(run("demo", "--help").out()).contains("--scenario=NAME", "--keep-running");
    }

    @Test
    void versionIsTheBuildsVersion() {
        final Ran version = run("--version");
        assertThat(version.code()).isZero();
        assertThat(version.out().trim()).isEqualTo("sfpulse " + Version.get());
        assertThat(run("gate", "--version").out().trim()).isEqualTo("sfpulse " + Version.get());
    }

    @Test
    void usageErrorsNameTheProblemAndExit2Or3ForTheGate() {
        final Ran unknown =
                run("mark", "--org", "00D000000000001EAA", "--label", "v1", "--colour", "red");
        assertThat(unknown.code()).isEqualTo(Cli.USAGE);
        assertThat(unknown.err())
                .contains("Unknown options: '--colour', 'red'")
                .contains("Usage: sfpulse mark");
        final Ran missing = run("mark", "--org", "00D000000000001EAA");
        assertThat(missing.code()).isEqualTo(Cli.USAGE);
        assertThat(missing.err()).contains("Missing required option: '--label=VERSION'");
        assertThat(run("gate", "--label", "v1").code())
                .as("the gate's callers read 3 as bad input")
                .isEqualTo(GateCommand.BAD_INPUT);
        assertThat(run("gate", "--org", "00D000000000001EAA", "--label", "v1", "--nope").code())
                .isEqualTo(GateCommand.BAD_INPUT);
        final Ran none = run();
        assertThat(none.code()).isEqualTo(Cli.USAGE);
        assertThat(none.err()).contains("Usage: sfpulse");
        assertThat(run("frobnicate").code()).isEqualTo(Cli.USAGE);
        final Ran bench = run("bench", "nope");
        assertThat(bench.code()).isEqualTo(Cli.USAGE);
        assertThat(bench.err()).contains("unknown benchmark 'nope'");
        assertThat(run("bench", "streams", "--events", "many").err())
                .contains("--events must be a number, got 'many'");
        final Ran demo = run("demo", "--scenario", "nope");
        assertThat(demo.code()).isEqualTo(Cli.USAGE);
        assertThat(demo.err()).contains("Unknown scenario 'nope'");
    }

    @Test
    void parsesOptionsFlagsRepeatedValuesAndPositionals() {
        final CommandOptions o =
                Cli.parse(
                        "bench",
                        "streams",
                        "--events",
                        "1000",
                        "--set",
                        "a=1",
                        "--set",
                        "b=2",
                        "--verbose");
        assertThat(o.positional()).containsExactly("streams");
        assertThat(o.values()).containsExactly(Map.entry("events", "1000"));
        assertThat(o.repeated()).containsExactly(Map.entry("set", List.of("a=1", "b=2")));
        assertThat(Cli.parse("gate", "--org", "x", "--label", "v", "--dry-run").values())
                .containsEntry("dry-run", "true");
        assertThatThrownBy(() -> Cli.parse("gate", "--org"))
                .hasMessageContaining("Missing required parameter for option '--org'");
    }
}
