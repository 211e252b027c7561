package io.sfpulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BacktestCommandTest {

    private static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");
    private static final Instant DEPLOY = T0.plus(Duration.ofHours(2));

    @TempDir Path dir;

    private Path latencies(final double afterMean) throws Exception {
        final Random random = new Random(3);
        final List<String> lines = new ArrayList<>(List.of("timestamp,value"));
        for (int i = 0; i < 240; i++) {
            lines.add(T0.plusSeconds(30L * i) + "," + (200 + 20 * random.nextGaussian()));
        }
        for (int i = 0; i < 40; i++) {
            lines.add(
                    DEPLOY.plusSeconds(30L + 30L * i).toEpochMilli()
                            + ","
                            + (afterMean + 30 * random.nextGaussian()));
        }
        return Files.write(dir.resolve("latency-" + afterMean + ".csv"), lines);
    }

    private Path markers() throws Exception {
        return Files.write(
                dir.resolve("markers.csv"),
                List.of(
                        "timestamp,deployId,components",
                        DEPLOY + ",release-42,ApexClass:QuoteService"));
    }

    private String run(final Path signals, final String kind, final String out) throws Exception {
        final ByteArrayOutputStream console = new ByteArrayOutputStream();
        final int code =
                new BacktestCommand(new PrintStream(console, true))
                        .run(
                                Cli.parse(
                                        "backtest",
                                        "--signals",
                                        signals.toString(),
                                        "--markers",
                                        markers().toString(),
                                        "--out",
                                        dir.resolve(out).toString(),
                                        "--kind",
                                        kind,
                                        "--operation",
                                        "Quote__c"));
        assertThat(code).isZero();
        return Files.readString(dir.resolve(out));
    }

    @Test
    void shouldFindTheLatencyRegressionOfAPastReleaseWithTheLiveDetectors() throws Exception {
        final String json = run(latencies(450), "latency", "detections.json");
        assertThat(json.lines().toList())
                .anySatisfy(
                        l ->
                                assertThat(l)
                                        .contains(
                                                "\"status\":\"TRIGGERED\"",
                                                "\"detector\":\"latency-spikes\"",
                                                "\"releaseId\":\"release-42\"",
                                                "\"subject\":\"api Query Quote__c\""));
    }

    @Test
    void shouldReportNothingForACleanRelease() throws Exception {
        assertThat(run(latencies(200), "latency", "clean.json")).isEmpty();
    }

    @Test
    void shouldBacktestFailureCountsAndWriteCsv() throws Exception {
        final List<String> lines = new ArrayList<>(List.of("timestamp,value"));
        for (int m = 0; m < 120; m += 30) {
            lines.add(T0.plus(Duration.ofMinutes(m)) + ",1");
        }
        for (int m = 0; m < 10; m++) {
            lines.add(DEPLOY.plus(Duration.ofMinutes(1 + m)) + ",3");
        }
        // Hourly heartbeats give the baseline its observed span.
        for (int m = 0; m < 180; m += 10) {
            lines.add(T0.plus(Duration.ofMinutes(m)).plusSeconds(5) + ",0");
        }
        final String csv =
                run(Files.write(dir.resolve("failures.csv"), lines), "failures", "detections.csv");
        assertThat(csv.lines().findFirst())
                .contains(
                        "eventTime,status,severity,detector,org,release,subject,dedupKey,summary");
        assertThat(csv)
                .contains(",TRIGGERED,")
                .contains("post-deploy-failures")
                .contains("release-42");
    }
}
