package io.sfpulse.streams.verdict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.verdict.VerdictStatus;
import io.sfpulse.streams.DetectionConfig;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class VerdictJudgeTest {

    private static final long LIVE = 1_000_000_000L;
    private final VerdictJudge judge = new VerdictJudge(VerdictSettings.defaults());

    private static ReleaseOutcome release(final long signals, final String... components) {
        final ReleaseOutcome o = new ReleaseOutcome();
        o.orgId = "00D000000000001EAA";
        o.releaseId = "0Af000000000001AAA";
        o.liveAtMs = LIVE;
        o.components = new java.util.ArrayList<>(List.of(components));
        o.signals = signals;
        return o;
    }

    private static ReleaseOutcome.AlertOutcome alert(final Severity severity, final String status) {
        final ReleaseOutcome.AlertOutcome a = new ReleaseOutcome.AlertOutcome();
        a.detector = "latency-spikes";
        a.subject = "SOQL Account";
        a.severity = severity.name();
        a.status = status;
        a.summary = "p95 latency up 4x";
        a.triggeredAtMs = LIVE + 7 * 60_000;
        return a;
    }

    @Test
    void
            anAlertAtOrAboveTheThresholdMakesTheReleaseFaultyEvenBeforeTheFirstCheckpointAndAfterItResolved() {
        final ReleaseOutcome o = release(500, "ApexClass:InvoiceService");
        o.alerts.put("k", alert(Severity.WARNING, "RESOLVED"));
        final VerdictJudge.Judgement j = judge.judge(o, LIVE + 8 * 60_000, false);
        assertThat(j.status()).isEqualTo(VerdictStatus.FAULTY);
        assertThat(j.reasons().get(0))
                .isEqualTo(
                        "latency-spikes alerted on SOQL Account (WARNING, triggered 7 min after the release, since resolved): p95 latency up 4x");
    }

    @Test
    void aLessSevereAlertIsAReasonOnly() {
        final ReleaseOutcome o = release(500);
        o.alerts.put("k", alert(Severity.INFO, "TRIGGERED"));
        final VerdictJudge.Judgement j = judge.judge(o, LIVE + 10 * 60_000, true);
        assertThat(j.status()).isEqualTo(VerdictStatus.HEALTHY);
        assertThat(j.reasons())
                .anyMatch(r -> r.startsWith("latency-spikes alerted on SOQL Account (INFO"));
    }

    @Test
    void thinDataIsInconclusiveNeverHealthy() {
        assertThat(judge.judge(release(29), LIVE + 60 * 60_000, true).status())
                .isEqualTo(VerdictStatus.INCONCLUSIVE);
        final ReleaseOutcome unexercised =
                release(400, "ApexClass:InvoiceService", "Layout:Account-Account Layout");
        unexercised.componentExecutions.put("ApexClass:InvoiceService", 9L);
        final VerdictJudge.Judgement j = judge.judge(unexercised, LIVE + 60 * 60_000, true);
        assertThat(j.status()).isEqualTo(VerdictStatus.INCONCLUSIVE);
        assertThat(j.reasons())
                .containsExactly(
                        "the release's changed components were not exercised: none ran 10 times in the 60 min since the release (400 signals in the org)",
                        "components exercised: ApexClass:InvoiceService (9); not seen in any signal: Layout:Account-Account Layout");
        unexercised.componentExecutions.put("ApexClass:InvoiceService", 10L);
        assertThat(judge.judge(unexercised, LIVE + 60 * 60_000, true).status())
                .isEqualTo(VerdictStatus.HEALTHY);
    }

    @Test
    void beforeTheFirstCheckpointAReleaseWithoutAlertsIsPending() {
        final VerdictJudge.Judgement j = judge.judge(release(400), LIVE + 5 * 60_000, false);
        assertThat(j.status()).isEqualTo(VerdictStatus.PENDING);
        assertThat(j.reasons().get(0))
                .isEqualTo(
                        "waiting for the first checkpoint (10 min after the release); 400 signals (0 failures) in the 5 min since the release");
    }

    @Test
    void checkpointsAreValidatedAtStartUpNamingTheKey() {
        final Map<String, String> base =
                Map.of(
                        DetectionConfig.BOOTSTRAP_SERVERS_CONFIG,
                        "x:9092",
                        "schema.registry.url",
                        "mock://verdict-judge");
        final Map<String, String> bad = new java.util.HashMap<>(base);
        bad.put(VerdictSettings.CHECKPOINTS_CONFIG, "20,10");
        assertThatThrownBy(() -> new DetectionConfig(bad))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(VerdictSettings.CHECKPOINTS_CONFIG)
                .hasMessageContaining("ascending");
        bad.put(VerdictSettings.CHECKPOINTS_CONFIG, "10,1h");
        assertThatThrownBy(() -> new DetectionConfig(bad))
                .hasMessageContaining("'1h' is not a whole number of minutes");
        final Map<String, String> ok = new java.util.HashMap<>(base);
        ok.put(VerdictSettings.CHECKPOINTS_CONFIG, "5, 30");
        assertThat(new DetectionConfig(ok).verdictSettings().checkpointsMinutes())
                .containsExactly(5, 30);
        assertThat(new DetectionConfig(base).verdictSettings())
                .isEqualTo(VerdictSettings.defaults());
    }
}
