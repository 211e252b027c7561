package io.sfpulse.sink.action;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.verdict.ReleaseVerdict;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What an action's URL, body and headers can say about the verdict or alert state that triggered
 * it: {@code {{org}}}, {@code {{trigger}}} (e.g. {@code verdict:FAULTY}), the release
 * ({@code {{release.id}}}, {@code .label}, {@code .commit}), the verdict ({@code {{verdict.status}}},
 * {@code .reasons}, {@code .final}), the alert ({@code {{alert.detector}}}, {@code .subject},
 * {@code .status}, {@code .severity}, {@code .summary}, {@code .dedupKey}), the rollback target
 * ({@code {{rollback.releaseId}}}, {@code .label}, {@code .commit}), the idempotency key, the action's
 * own secret ({@code {{secret}}}) and the approval link's approver ({@code {{approvedBy}}}). Pure.
 */
public final class ActionVariables {

    public static final Set<String> NAMES =
            Set.of(
                    "org",
                    "trigger",
                    "idempotencyKey",
                    "release.id",
                    "release.label",
                    "release.commit",
                    "verdict.status",
                    "verdict.reasons",
                    "verdict.final",
                    "alert.detector",
                    "alert.subject",
                    "alert.status",
                    "alert.severity",
                    "alert.summary",
                    "alert.dedupKey",
                    "rollback.releaseId",
                    "rollback.label",
                    "rollback.commit",
                    "secret",
                    "approvedBy");

    private ActionVariables() {}

    public static Map<String, String> of(final ReleaseVerdict v) {
        final Map<String, String> m = new LinkedHashMap<>();
        m.put("org", v.getOrgId());
        m.put("release.id", v.getReleaseId());
        m.put("release.label", nz(v.getLabel()));
        m.put("release.commit", nz(v.getCommit()));
        m.put("verdict.status", v.getStatus().name());
        m.put("verdict.reasons", String.join("; ", v.getReasons()));
        m.put("verdict.final", String.valueOf(v.getIsFinal()));
        if (v.getRollbackTo() != null) {
            m.put("rollback.releaseId", v.getRollbackTo().getReleaseId());
            m.put("rollback.label", nz(v.getRollbackTo().getLabel()));
            m.put("rollback.commit", nz(v.getRollbackTo().getCommit()));
        }
        return m;
    }

    /** @param verdict the latest verdict of the alert's release, when known (for the release's label, commit and rollback target) */
    public static Map<String, String> of(final Alert a, final ReleaseVerdict verdict) {
        final Map<String, String> m = verdict != null ? of(verdict) : new LinkedHashMap<>();
        m.put("org", a.getOrgId());
        m.putIfAbsent("release.id", nz(a.getReleaseId()));
        m.put("alert.detector", a.getDetector());
        m.put("alert.subject", a.getSubject());
        m.put("alert.status", a.getStatus().name());
        m.put("alert.severity", a.getSeverity().name());
        m.put("alert.summary", a.getSummary());
        m.put("alert.dedupKey", a.getDedupKey());
        return m;
    }

    private static String nz(final String s) {
        return s == null ? "" : s;
    }
}
