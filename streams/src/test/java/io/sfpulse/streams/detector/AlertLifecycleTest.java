package io.sfpulse.streams.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertLifecycleTest {

    private static final long DEPLOY = Instant.parse("2026-11-20T12:00:00Z").toEpochMilli();

    private static AlertState released() {
        return AlertState.forRelease(
                Signal.newBuilder()
                        .setOrgId("00D")
                        .setKind(SignalKind.FAILURE)
                        .setSubject("failures")
                        .setEventTime(Instant.ofEpochMilli(DEPLOY + 60_000))
                        .setChannel("/event/X")
                        .setReleaseId("0Af1")
                        .setReleaseCompletedTime(Instant.ofEpochMilli(DEPLOY))
                        .setReleaseComponents(List.of("ApexClass:A"))
                        .build());
    }

    private static AlertLifecycle.Draft draft() {
        return new AlertLifecycle.Draft(
                "00D",
                "post-deploy-failures",
                "failures",
                "failures",
                "Failures up",
                Severity.ERROR,
                Map.of("pValue", "1e-9"),
                DEPLOY,
                DEPLOY + 600_000);
    }

    @Test
    void movesThroughTriggeredUpdatedResolvedWithOneDedupKeyAndGrowingSequence() {
        final AlertState a = released();
        assertThat(a.isPending()).isTrue();
        final Alert t = AlertLifecycle.next(a, AlertStatus.TRIGGERED, draft(), 5, DEPLOY + 300_000);
        final Alert u = AlertLifecycle.next(a, AlertStatus.UPDATED, draft(), 10, DEPLOY + 600_000);
        final Alert r =
                AlertLifecycle.next(a, AlertStatus.RESOLVED, draft(), 10, DEPLOY + 1_200_000);
        assertThat(List.of(t, u, r))
                .extracting(Alert::getDedupKey)
                .containsOnly("00D|0Af1|post-deploy-failures|failures");
        assertThat(List.of(t, u, r)).extracting(Alert::getSequence).containsExactly(0, 1, 2);
        assertThat(List.of(t, u, r))
                .extracting(Alert::getAlertId)
                .containsExactly(
                        "00D|0Af1|post-deploy-failures|failures#0",
                        "00D|0Af1|post-deploy-failures|failures#1",
                        "00D|0Af1|post-deploy-failures|failures#2");
        assertThat(t.getEvidence())
                .containsEntry("trigger", "deploy")
                .containsEntry("pValue", "1e-9")
                .doesNotContainKey("episode");
        assertThat(a.isResolved()).isTrue();
        assertThat(a.lastReportedCount()).isEqualTo(10);
    }

    @Test
    void aRegressionAfterResolvingIsANewIncidentThatNamesTheResolvedOne() {
        final AlertState a = released();
        AlertLifecycle.next(a, AlertStatus.TRIGGERED, draft(), 5, DEPLOY + 300_000);
        AlertLifecycle.next(a, AlertStatus.RESOLVED, draft(), 5, DEPLOY + 1_200_000);
        AlertLifecycle.reopen(a, "00D", "post-deploy-failures", "failures");
        assertThat(a.isPending()).isTrue();
        assertThat(a.episode()).isEqualTo(2);
        assertThat(a.episodeStartMs()).isEqualTo(DEPLOY + 1_200_000);
        final Alert again =
                AlertLifecycle.next(a, AlertStatus.TRIGGERED, draft(), 6, DEPLOY + 1_800_000);
        assertThat(again.getDedupKey())
                .isEqualTo("00D|0Af1|post-deploy-failures|failures|episode-2");
        assertThat(again.getSequence()).isZero();
        assertThat(again.getSummary()).isEqualTo("Regressed again: Failures up");
        assertThat(again.getEvidence())
                .containsEntry("episode", "2")
                .containsEntry("regressedAgainAfter", "00D|0Af1|post-deploy-failures|failures");
    }

    @Test
    void onlyAResolvedAlertCanRegressAgain() {
        final AlertState a = released();
        AlertLifecycle.next(a, AlertStatus.TRIGGERED, draft(), 5, DEPLOY + 300_000);
        assertThatThrownBy(
                        () -> AlertLifecycle.reopen(a, "00D", "post-deploy-failures", "failures"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aRegressionWithoutADeployIsKeyedByItsStart() {
        final AlertState a = AlertState.noDeploy(DEPLOY);
        final Alert t = AlertLifecycle.next(a, AlertStatus.TRIGGERED, draft(), 5, DEPLOY + 60_000);
        assertThat(t.getDedupKey())
                .isEqualTo("00D|no-deploy@2026-11-20T12:00:00Z|post-deploy-failures|failures");
        assertThat(t.getEvidence())
                .containsEntry("trigger", "no-deploy")
                .containsEntry("regressionStart", "2026-11-20T12:00:00Z");
        assertThat(AlertLifecycle.mayStartEpisode(a, DEPLOY + 120_000, 0)).isFalse();
        AlertLifecycle.next(a, AlertStatus.RESOLVED, draft(), 5, DEPLOY + 600_000);
        assertThat(AlertLifecycle.mayStartEpisode(a, DEPLOY + 700_000, 300_000)).isFalse();
        assertThat(AlertLifecycle.mayStartEpisode(a, DEPLOY + 900_000, 300_000)).isTrue();
    }
}
