package io.sfpulse.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.sfpulse.schemas.verdict.ReleaseVerdict;
import io.sfpulse.schemas.verdict.VerdictStatus;
import io.sfpulse.suite.LabelledScenarios;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Release verdicts through the whole detection topology: a release a detector alerts on is FAULTY
 * (at once, and final at the last checkpoint), a clean release that saw traffic is HEALTHY at every
 * checkpoint, one nobody exercised is INCONCLUSIVE with what was missing, and the next release ends
 * the evaluation of the one before.
 */
class ReleaseVerdictTopologyTest extends DetectorTopologyTestBase {

    private List<ReleaseVerdict> run(final LabelledScenarios.Scenario scenario) {
        for (final LabelledScenarios.Input in : scenario.inputs()) {
            if (in.marker() != null) {
                driver.deploy(in.marker());
            } else if (in.progress() != null) {
                driver.progress(
                        in.progress().getOrgId(),
                        in.progress().getSource(),
                        in.progress().getDeliveredThrough());
            } else {
                driver.pipe(in.event());
            }
        }
        return driver.verdicts(scenario.label().orgId());
    }

    private static ReleaseVerdict last(final List<ReleaseVerdict> verdicts) {
        return verdicts.get(verdicts.size() - 1);
    }

    @Test
    void aReleaseADetectorAlertsOnIsFaultyAtOnceAndFinallyWithTheAlertAsReason() {
        final LabelledScenarios.Scenario sc =
                LabelledScenarios.generate(
                        LabelledScenarios.Kind.FAILURE_RATE, LabelledScenarios.orgId(1), T0, 5);
        final List<ReleaseVerdict> verdicts = run(sc);

        assertThat(verdicts.get(0).getStatus()).isEqualTo(VerdictStatus.PENDING);
        assertThat(verdicts.get(0).getReleaseId()).isEqualTo(sc.label().deployId());
        final ReleaseVerdict firstFaulty =
                verdicts.stream()
                        .filter(v -> v.getStatus() == VerdictStatus.FAULTY)
                        .findFirst()
                        .orElseThrow();
        assertThat(firstFaulty.getCheckpointMinutes())
                .as("the alert, not a checkpoint, made it faulty")
                .isNull();
        assertThat(firstFaulty.getIsFinal()).isFalse();
        assertThat(firstFaulty.getAlerts())
                .extracting(a -> a.getDetector())
                .contains("post-deploy-failures");
        assertThat(firstFaulty.getReasons().get(0)).contains("post-deploy-failures alerted on");
        final ReleaseVerdict fin = last(verdicts);
        assertThat(fin.getStatus()).isEqualTo(VerdictStatus.FAULTY);
        assertThat(fin.getIsFinal()).isTrue();
        assertThat(fin.getCheckpointMinutes()).isEqualTo(60);
        assertThat(fin.getMinutesAfterRelease()).isEqualTo(60.0);
        assertThat(verdicts)
                .as("nothing after the final verdict")
                .filteredOn(ReleaseVerdict::getIsFinal)
                .hasSize(1);
    }

    @Test
    void aCleanReleaseThatSawTrafficIsHealthyAtEveryCheckpointNamingWhatRan() {
        final LabelledScenarios.Scenario sc =
                LabelledScenarios.generate(
                        LabelledScenarios.Kind.CLEAN_DEPLOY, LabelledScenarios.orgId(2), T0, 6);
        final List<ReleaseVerdict> verdicts = run(sc);

        assertThat(verdicts)
                .extracting(ReleaseVerdict::getStatus)
                .containsExactly(
                        VerdictStatus.PENDING,
                        VerdictStatus.HEALTHY,
                        VerdictStatus.HEALTHY,
                        VerdictStatus.HEALTHY);
        assertThat(verdicts)
                .extracting(ReleaseVerdict::getCheckpointMinutes)
                .containsExactly(null, 10, 20, 60);
        final ReleaseVerdict fin = last(verdicts);
        assertThat(fin.getIsFinal()).isTrue();
        assertThat(fin.getEvaluatedAt())
                .isEqualTo(sc.label().changeAt().plus(Duration.ofMinutes(60)));
        assertThat(fin.getAlerts()).isEmpty();
        assertThat(fin.getExposure().getSignals()).isGreaterThan(30);
        assertThat(fin.getExposure().getComponentExecutions().get("Flow:Invoice_Flow"))
                .as("the flow ran ~40 times an hour")
                .isGreaterThanOrEqualTo(10);
        assertThat(fin.getReasons())
                .anyMatch(r -> r.startsWith("no detector alerted on the release in the 60 min"))
                .anyMatch(
                        r ->
                                r.contains("components exercised: ")
                                        && r.contains("Flow:Invoice_Flow ("));
    }

    @Test
    void aReleaseNobodyExercisedIsInconclusiveSayingWhatWasMissing() {
        final LabelledScenarios.Scenario sc =
                LabelledScenarios.generate(
                        LabelledScenarios.Kind.UNEXERCISED, LabelledScenarios.orgId(3), T0, 7);
        final List<ReleaseVerdict> verdicts = run(sc);

        final ReleaseVerdict fin = last(verdicts);
        assertThat(verdicts)
                .extracting(ReleaseVerdict::getStatus)
                .doesNotContain(VerdictStatus.HEALTHY, VerdictStatus.FAULTY);
        assertThat(fin.getStatus()).isEqualTo(VerdictStatus.INCONCLUSIVE);
        assertThat(fin.getIsFinal())
                .as("progress records moved the quiet org's clock to the last checkpoint")
                .isTrue();
        assertThat(fin.getExposure().getSignals()).isZero();
        assertThat(fin.getExposure().getUnexercised())
                .containsExactlyElementsOf(fin.getComponents());
        assertThat(fin.getReasons())
                .anyMatch(
                        r ->
                                r.equals(
                                        "too little traffic to tell: 0 signals in the org in the 60 min since the release, 30 needed"))
                .anyMatch(r -> r.contains("not seen in any signal: ApexClass:InvoiceService"));
    }

    @Test
    void theNextReleaseEndsTheEvaluationOfTheOneBefore() {
        final Instant second = DEPLOY.plus(Duration.ofMinutes(15));
        driver.deploy(Fixtures.deploy("0AfFIRST0000001AAA", DEPLOY, "ApexClass:InvoiceService"));
        driver.deploy(Fixtures.deploy("0AfSECOND000001AAA", second, "ApexClass:InvoiceService"));
        for (Instant t = DEPLOY.minus(Duration.ofMinutes(5));
                t.isBefore(DEPLOY.plus(Duration.ofMinutes(90)));
                t = t.plusSeconds(20)) {
            driver.pipe(Fixtures.loggedFrom(t, "Apex", "InvoiceService.calculate"));
        }
        final List<ReleaseVerdict> verdicts = driver.verdicts(Fixtures.ORG);

        final List<ReleaseVerdict> first =
                verdicts.stream()
                        .filter(v -> v.getReleaseId().equals("0AfFIRST0000001AAA"))
                        .toList();
        final ReleaseVerdict ended = last(first);
        assertThat(ended.getIsFinal()).isTrue();
        assertThat(ended.getSupersededBy()).isEqualTo("0AfSECOND000001AAA");
        assertThat(ended.getEvaluatedAt()).isEqualTo(second);
        assertThat(ended.getReasons().get(0))
                .isEqualTo("evaluation ended when release 0AfSECOND000001AAA went live");
        assertThat(ended.getStatus())
                .as("45 signals, the class ran in each: %s", ended)
                .isEqualTo(VerdictStatus.HEALTHY);
        assertThat(first)
                .extracting(ReleaseVerdict::getCheckpointMinutes)
                .containsExactly(null, 10, null);
        final ReleaseVerdict secondFinal = last(verdicts);
        assertThat(secondFinal.getReleaseId()).isEqualTo("0AfSECOND000001AAA");
        assertThat(secondFinal.getIsFinal()).isTrue();
        assertThat(secondFinal.getRollbackTo().getReleaseId())
                .as("the release before ended HEALTHY")
                .isEqualTo("0AfFIRST0000001AAA");
        assertThat(first.get(0).getRollbackTo()).isNull();
        assertThat(secondFinal.getExposure().getComponentExecutions())
                .containsEntry("ApexClass:InvoiceService", secondFinal.getExposure().getSignals());
    }
}
