package io.sfpulse.streams.verdict;

import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.verdict.VerdictStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decides a release's verdict from what its {@link ReleaseOutcome} holds. FAULTY when a detector
 * alerted on the release (an alert at least {@code faultyMinSeverity}, triggered after it went live,
 * even if it has resolved since: the release caused an incident). Otherwise never HEALTHY on thin
 * data: fewer signals than {@code minSignals} since the release, or a release that lists components
 * none of which ran {@code minComponentExecutions} times, is INCONCLUSIVE, saying what was missing.
 * Before the first checkpoint a release without alerts is PENDING. Reasons are sentences a release
 * manager can check against the page. Pure.
 */
public final class VerdictJudge {

    /** A decision and why. */
    public record Judgement(VerdictStatus status, List<String> reasons) {}

    private final VerdictSettings settings;

    public VerdictJudge(final VerdictSettings settings) {
        this.settings = settings;
    }

    /**
     * @param atMs        org event time of the evaluation
     * @param checkpoint  whether a checkpoint (or the end of the evaluation) has been reached: without one only FAULTY or PENDING
     */
    public Judgement judge(final ReleaseOutcome o, final long atMs, final boolean checkpoint) {
        final List<String> reasons = new ArrayList<>();
        final String after = String.format(Locale.ROOT, "%.0f min", o.minutesAfterRelease(atMs));
        final List<String> failing = new ArrayList<>();
        final List<String> minor = new ArrayList<>();
        for (final Map.Entry<String, ReleaseOutcome.AlertOutcome> e : o.alerts.entrySet()) {
            final ReleaseOutcome.AlertOutcome a = e.getValue();
            final String line =
                    String.format(
                            Locale.ROOT,
                            "%s alerted on %s (%s, %s %.0f min after the release%s): %s",
                            a.detector,
                            a.subject,
                            a.severity,
                            "triggered",
                            (a.triggeredAtMs - o.liveAtMs) / 60_000.0,
                            "RESOLVED".equals(a.status) ? ", since resolved" : "",
                            a.summary);
            (settings.failing(Severity.valueOf(a.severity)) ? failing : minor).add(line);
        }
        if (!failing.isEmpty()) {
            reasons.addAll(failing);
            reasons.addAll(minor);
            reasons.add(exposure(o, after));
            reasons.add(
                    o.rollbackReleaseId == null
                            ? "no earlier release of the org ended HEALTHY: no rollback target"
                            : "rollback target: release "
                                    + o.rollbackReleaseId
                                    + (o.rollbackLabel == null ? "" : " (" + o.rollbackLabel + ")")
                                    + (o.rollbackCommit == null
                                            ? ""
                                            : " commit " + o.rollbackCommit)
                                    + ", the last one that ended HEALTHY");
            return new Judgement(VerdictStatus.FAULTY, reasons);
        }
        if (!checkpoint) {
            reasons.add(
                    "waiting for the first checkpoint ("
                            + settings.checkpointsMinutes().get(0)
                            + " min after the release); "
                            + exposure(o, after));
            reasons.addAll(minor);
            return new Judgement(VerdictStatus.PENDING, reasons);
        }
        reasons.addAll(minor);
        final List<String> exercised =
                o.componentExecutions.entrySet().stream()
                        .filter(e -> e.getValue() >= settings.minComponentExecutions())
                        .map(Map.Entry::getKey)
                        .toList();
        if (o.signals < settings.minSignals()) {
            reasons.add(
                    String.format(
                            Locale.ROOT,
                            "too little traffic to tell: %d signal%s in the org in the %s since the release, %d needed",
                            o.signals,
                            o.signals == 1 ? "" : "s",
                            after,
                            settings.minSignals()));
            reasons.add(components(o));
            return new Judgement(VerdictStatus.INCONCLUSIVE, reasons);
        }
        if (!o.components.isEmpty() && exercised.isEmpty()) {
            reasons.add(
                    String.format(
                            Locale.ROOT,
                            "the release's changed components were not exercised: none ran %d times in the %s since the release "
                                    + "(%d signals in the org)",
                            settings.minComponentExecutions(),
                            after,
                            o.signals));
            reasons.add(components(o));
            return new Judgement(VerdictStatus.INCONCLUSIVE, reasons);
        }
        reasons.add(
                String.format(
                        Locale.ROOT,
                        "no detector alerted on the release in the %s since it went live",
                        after));
        reasons.add(exposure(o, after));
        if (!o.components.isEmpty()) {
            reasons.add(components(o));
        }
        return new Judgement(VerdictStatus.HEALTHY, reasons);
    }

    private static String exposure(final ReleaseOutcome o, final String after) {
        return String.format(
                Locale.ROOT,
                "%d signals (%d failures) in the %s since the release",
                o.signals,
                o.failures,
                after);
    }

    private static String components(final ReleaseOutcome o) {
        if (o.components.isEmpty()) {
            return "the release lists no components";
        }
        final StringBuilder s = new StringBuilder("components exercised: ");
        final List<String> seen =
                o.components.stream()
                        .filter(c -> o.componentExecutions.getOrDefault(c, 0L) > 0)
                        .toList();
        s.append(
                seen.isEmpty()
                        ? "none"
                        : String.join(
                                ", ",
                                seen.stream()
                                        .map(c -> c + " (" + o.componentExecutions.get(c) + ")")
                                        .toList()));
        final List<String> unseen = unexercised(o);
        if (!unseen.isEmpty()) {
            s.append("; not seen in any signal: ").append(String.join(", ", unseen));
        }
        return s.toString();
    }

    static List<String> unexercised(final ReleaseOutcome o) {
        return o.components.stream()
                .filter(c -> o.componentExecutions.getOrDefault(c, 0L) == 0)
                .toList();
    }
}
