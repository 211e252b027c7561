package io.sfpulse.streams.verdict;

import io.sfpulse.schemas.verdict.ReleaseExposure;
import io.sfpulse.schemas.verdict.ReleaseVerdict;
import io.sfpulse.schemas.verdict.RollbackTarget;
import io.sfpulse.schemas.verdict.VerdictAlert;
import io.sfpulse.schemas.verdict.VerdictStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A release's latest verdict as the record written to the verdicts topic. Pure. */
public final class VerdictRecords {

    private VerdictRecords() {}

    public static ReleaseVerdict of(final ReleaseOutcome o) {
        final Map<String, Long> executions = new LinkedHashMap<>();
        o.components.forEach(c -> executions.put(c, o.componentExecutions.getOrDefault(c, 0L)));
        final List<VerdictAlert> alerts =
                o.alerts.entrySet().stream()
                        .map(
                                e ->
                                        VerdictAlert.newBuilder()
                                                .setDedupKey(e.getKey())
                                                .setDetector(e.getValue().detector)
                                                .setSubject(e.getValue().subject)
                                                .setSeverity(e.getValue().severity)
                                                .setStatus(e.getValue().status)
                                                .setTriggeredAt(
                                                        Instant.ofEpochMilli(
                                                                e.getValue().triggeredAtMs))
                                                .setSummary(e.getValue().summary)
                                                .build())
                        .toList();
        return ReleaseVerdict.newBuilder()
                .setOrgId(o.orgId)
                .setReleaseId(o.releaseId)
                .setLabel(o.label)
                .setCommit(o.commit)
                .setReleaseCompletedTime(Instant.ofEpochMilli(o.liveAtMs))
                .setComponents(List.copyOf(o.components))
                .setStatus(VerdictStatus.valueOf(o.status))
                .setMinutesAfterRelease(o.minutesAfterRelease(o.evaluatedAtMs))
                .setCheckpointMinutes(o.checkpointMinutes)
                .setIsFinal(o.finalized)
                .setEvaluatedAt(Instant.ofEpochMilli(o.evaluatedAtMs))
                .setReasons(List.copyOf(o.reasons))
                .setAlerts(alerts)
                .setExposure(
                        ReleaseExposure.newBuilder()
                                .setSignals(o.signals)
                                .setFailures(o.failures)
                                .setComponentExecutions(executions)
                                .setUnexercised(VerdictJudge.unexercised(o))
                                .build())
                .setSupersededBy(o.supersededBy)
                .setRollbackTo(
                        o.rollbackReleaseId == null
                                ? null
                                : RollbackTarget.newBuilder()
                                        .setReleaseId(o.rollbackReleaseId)
                                        .setLabel(o.rollbackLabel)
                                        .setCommit(o.rollbackCommit)
                                        .setReleaseCompletedTime(
                                                Instant.ofEpochMilli(o.rollbackLiveAtMs))
                                        .build())
                .build();
    }
}
