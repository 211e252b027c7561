package io.sfpulse.app;

import io.sfpulse.app.bench.DetectionSuite;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The labelled suite with one org per scenario kind (seed 3), run in-process once per test JVM and
 * shared by the tests that read it (its scores, the alerts it raised, its console report).
 */
public final class OneOrgPerKind {

    /** One run: its result and what it printed. */
    public record Run(DetectionSuite.Result result, String console) {}

    private static Run run;

    private OneOrgPerKind() {}

    public static synchronized Run run() {
        if (run == null) {
            final ByteArrayOutputStream console = new ByteArrayOutputStream();
            final DetectionSuite.Result result =
                    new DetectionSuite(new PrintStream(console, true, StandardCharsets.UTF_8))
                            .run(1, 3L, Map.of());
            run = new Run(result, console.toString(StandardCharsets.UTF_8));
        }
        return run;
    }
}
