package io.sfpulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.sfpulse.app.bench.DetectionSuite;
import io.sfpulse.schemas.verdict.VerdictStatus;
import io.sfpulse.suite.LabelledScenarios;
import io.sfpulse.suite.SuiteScore;
import io.sfpulse.suite.VerdictScore;
import org.junit.jupiter.api.Test;

/** The labelled suite end to end in-process: one org per scenario kind, scored against its labels. */
class DetectionSuiteTest {

    @Test
    void detectsEveryInjectedRegressionWithTheRightLabelAndReportsTheScore() {
        final OneOrgPerKind.Run run = OneOrgPerKind.run();
        final DetectionSuite.Result result = run.result();
        final SuiteScore score = result.alerts();
        assertThat(score.recall()).as(score.report()).isEqualTo(1.0);
        assertThat(score.byKind()).containsOnlyKeys(LabelledScenarios.Kind.values());
        score.byKind().values().stream()
                .filter(k -> k.kind().regression())
                .forEach(
                        k -> {
                            assertThat(k.resolved()).as("%s resolved", k.kind()).isEqualTo(1);
                            assertThat(k.medianTimeToDetect())
                                    .as("%s time to detect", k.kind())
                                    .isLessThan(LabelledScenarios.REGRESSION);
                        });
        assertThat(score.byKind().get(LabelledScenarios.Kind.CLEAN_DEPLOY).falseAlerts()).isZero();
        assertThat(score.byKind().get(LabelledScenarios.Kind.TRAFFIC_RAMP).falseAlerts())
                .as("a traffic ramp is no regression")
                .isZero();
        assertThat(run.console())
                .contains("| scenario | orgs | detected |")
                .contains("precision ")
                .contains("| scenario | releases | expected | FAULTY |")
                .contains("verdict accuracy ");
        // Every labelled release gets a final verdict; a release that regressed is FAULTY, a clean
        // one never is.
        final VerdictScore verdicts = result.verdicts();
        assertThat(verdicts.byKind().values())
                .allSatisfy(k -> assertThat(k.notFinal()).as("%s not final", k.kind()).isZero());
        verdicts.byKind().values().stream()
                .filter(k -> k.kind().regression())
                .forEach(
                        k ->
                                assertThat(k.correct())
                                        .as("%s FAULTY\n%s", k.kind(), verdicts.report())
                                        .isEqualTo(k.releases()));
        assertThat(verdicts.byKind().get(LabelledScenarios.Kind.CLEAN_DEPLOY).byStatus())
                .containsOnlyKeys(VerdictStatus.HEALTHY);
        assertThat(verdicts.byKind().get(LabelledScenarios.Kind.UNEXERCISED).byStatus())
                .containsOnlyKeys(VerdictStatus.INCONCLUSIVE);
    }
}
