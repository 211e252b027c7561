package io.sfpulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gate's option handling (its HTTP side is {@code ReleaseGateIT}). */
class GateCommandTest {

    @Test
    void durationsReadAsPipelinesWriteThem() {
        assertThat(GateCommand.duration("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(GateCommand.duration("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GateCommand.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(GateCommand.duration("PT2M")).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> GateCommand.duration("30 minutes"))
                .hasMessageContaining("'30 minutes' is not a duration");
        assertThatThrownBy(() -> GateCommand.duration(""))
                .hasMessageContaining("is not a duration");
    }

    @Test
    void aReleaseIsNamedByIdCommitOrLabelInTheApiPath() {
        final String org = "00D000000000001EAA";
        assertThat(GateCommand.verdictPath(org, Map.of("release", "0Af000000000001AAA")))
                .isEqualTo("/v1/releases/00D000000000001EAA/0Af000000000001AAA/verdict");
        assertThat(GateCommand.verdictPath(org, Map.of("label", "v1.2 rc")))
                .isEqualTo("/v1/releases/00D000000000001EAA/verdict?label=v1.2+rc");
        assertThat(GateCommand.verdictPath(org, Map.of("commit", "3f9c2d1")))
                .isEqualTo("/v1/releases/00D000000000001EAA/verdict?commit=3f9c2d1");
    }

    @Test
    void badOptionsExit3WithTheUsage() throws Exception {
        for (final List<String> args :
                List.of(
                        List.of("--org", "00D000000000001EAA"),
                        List.of("--release", "x"),
                        List.of("--org", "00D000000000001EAA", "--label", "v1", "--commit", "abc"),
                        List.of("--org", "acme", "--label", "v1"),
                        List.of(
                                "--org",
                                "00D000000000001EAA",
                                "--label",
                                "v1",
                                "--wait",
                                "soon"))) {
            final ByteArrayOutputStream console = new ByteArrayOutputStream();
            final PrintStream print = new PrintStream(console, true, StandardCharsets.UTF_8);
            final List<String> line = new java.util.ArrayList<>(List.of("gate"));
            line.addAll(args);
            final int code = new Cli(print, print, Map.of()).execute(line.toArray(String[]::new));
            assertThat(code).as("%s", args).isEqualTo(GateCommand.BAD_INPUT);
            assertThat(console.toString(StandardCharsets.UTF_8))
                    .contains("Usage:")
                    .contains("sfpulse gate");
        }
    }
}
