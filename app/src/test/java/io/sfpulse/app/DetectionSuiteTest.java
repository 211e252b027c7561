package io.sfpulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.sfpulse.app.bench.DetectionSuite;
import io.sfpulse.streams.scenario.LabelledScenarios;
import io.sfpulse.streams.scenario.SuiteScore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The labelled suite end to end in-process: one org per scenario kind, scored against its labels. */
class DetectionSuiteTest {

    @Test
    void detectsEveryInjectedRegressionWithTheRightLabelAndReportsTheScore() {
        final ByteArrayOutputStream console = new ByteArrayOutputStream();
        final SuiteScore score = new DetectionSuite(new PrintStream(console, true, StandardCharsets.UTF_8)).run(1, 3L, Map.of());
        assertThat(score.recall()).as(score.report()).isEqualTo(1.0);
        assertThat(score.byKind()).containsOnlyKeys(LabelledScenarios.Kind.values());
        score.byKind().values().stream().filter(k -> k.kind().regression()).forEach(k -> {
            assertThat(k.resolved()).as("%s resolved", k.kind()).isEqualTo(1);
            assertThat(k.medianTimeToDetect()).as("%s time to detect", k.kind()).isLessThan(LabelledScenarios.REGRESSION);
        });
        assertThat(score.byKind().get(LabelledScenarios.Kind.CLEAN_DEPLOY).falseAlerts()).isZero();
        assertThat(score.byKind().get(LabelledScenarios.Kind.TRAFFIC_RAMP).falseAlerts()).as("a traffic ramp is no regression").isZero();
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("| scenario | orgs | detected |").contains("precision ");
    }
}
