package io.sfpulse.streams.detector;

import io.sfpulse.streams.stats.RateComparison;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Has the rate of a {@link MinuteCounts} series gone up? The shared core of the count-based
 * detectors, each of which configures its own instance from its own settings: the rate in
 * [episode start, now] (capped at the detection window after the release) against the rate in the
 * baseline before the release, with the exact conditional test of {@link RateComparison}; the
 * rolling comparison for regressions without a deploy; and the recent span for resolution. Pure:
 * no Kafka types, event time only.
 */
public final class RateRegression {

    /**
     * @param alpha          significance level of the one-sided rate test
     * @param minCount       fewest events in the compared span that can trigger
     * @param minRatio       smallest rate ratio worth an alert
     * @param window         how long after a release an increase is attributed to it
     * @param baseline       how far before the release the baseline reaches
     * @param resolveWindow  recent span compared with the baseline to auto-resolve
     * @param minBaseline    shortest observed baseline for a conclusive test
     * @param noDeployWindow recent span compared with the span before it when no release is in its window; zero disables
     */
    public record Parameters(
            double alpha,
            long minCount,
            double minRatio,
            Duration window,
            Duration baseline,
            Duration resolveWindow,
            Duration minBaseline,
            Duration noDeployWindow) {}

    /** The test result with the windows it used. */
    public record Evaluation(
            RateComparison.Result result,
            long currentFromMs,
            long currentToMs,
            long baselineFromMs,
            long baselineToMs) {}

    private final Parameters parameters;
    private final RateComparison test;
    private final RateComparison rollingTest;

    public RateRegression(final Parameters p) {
        this.parameters = p;
        this.test =
                new RateComparison(
                        p.alpha(),
                        p.minCount(),
                        p.minRatio(),
                        p.minBaseline().toMillis() / 3_600_000.0);
        // The no-deploy check runs continuously, not once after a deploy: it is evaluated on every
        // signal, over a window
        // whose edges move by the minute (the resolution of MinuteCounts), so a day holds 1,440
        // distinct windows per series,
        // overlapping ones - a scan statistic, whose false-alarm rate is many times that of
        // disjoint windows (dividing by
        // the 48 disjoint 30-minute windows of a day still let p = 1e-5 chance bursts through over
        // a few org-days). Its level
        // is alpha over the day's windows (Bonferroni, conservative for overlapping windows), so a
        // series raises at most
        // about alpha false alarms a day (RepeatedLooks); and its baseline is at least twice the
        // compared span.
        this.rollingTest =
                new RateComparison(
                        RepeatedLooks.level(p.alpha(), Duration.ofDays(1)),
                        p.minCount(),
                        p.minRatio(),
                        Math.max(p.minBaseline().toMillis(), 2 * p.noDeployWindow().toMillis())
                                / 3_600_000.0);
    }

    public Parameters parameters() {
        return parameters;
    }

    /** Whether {@code t} is inside the detection window of the release completed at {@code releaseMs}. */
    public boolean inWindow(final long releaseMs, final long t) {
        return t - releaseMs <= parameters.window().toMillis();
    }

    /**
     * The span from {@code fromMs} (the release, or the resolution of the previous episode) to now,
     * capped at the detection window, against the baseline before the release at {@code releaseMs}.
     */
    public Evaluation sinceRelease(
            final MinuteCounts counts, final long releaseMs, final long fromMs, final long nowMs) {
        final long currentTo = Math.min(nowMs, releaseMs + parameters.window().toMillis());
        return evaluate(
                counts,
                fromMs,
                Math.max(currentTo, fromMs + MinuteCounts.MINUTE_MS),
                releaseMs,
                test);
    }

    /**
     * For regressions without a deploy: the last {@code noDeployWindow} (ending now) vs the baseline
     * span before it, as if a release had gone live at the start of that window.
     */
    public Evaluation rolling(final MinuteCounts counts, final long nowMs) {
        return rolling(counts, nowMs, Long.MIN_VALUE);
    }

    /**
     * The same, knowing the org's last release (completed at {@code releaseMs}, {@code Long.MIN_VALUE} for none): the span
     * after a release, up to the end of its detection window, is that release's to judge (its regression, or a planned
     * lull while it went live), so it is neither the recent span judged here (the tail of a regression the release's own
     * check saw is not a rise without a deploy) nor the normal a rise is measured against (traffic coming back after a
     * post-release lull is no rise). The recent span starts no earlier than the end of the release's window, and while the
     * baseline before it would reach into that window, the baseline is the span before the release instead.
     */
    public Evaluation rolling(final MinuteCounts counts, final long nowMs, final long releaseMs) {
        long start = nowMs - parameters.noDeployWindow().toMillis();
        long baselineEnd = start;
        if (releaseMs != Long.MIN_VALUE && releaseMs < nowMs) {
            final long windowEnd = releaseMs + parameters.window().toMillis();
            start = Math.max(start, Math.min(windowEnd, nowMs - MinuteCounts.MINUTE_MS));
            if (start - parameters.baseline().toMillis() < windowEnd) {
                baselineEnd = releaseMs;
            }
        }
        return evaluate(counts, start, nowMs, Math.min(baselineEnd, start), rollingTest);
    }

    /** Recent window (ending now) vs the same pre-release baseline: is it back to normal? */
    public Evaluation recent(final MinuteCounts counts, final long releaseMs, final long nowMs) {
        final long from = Math.max(releaseMs, nowMs - parameters.resolveWindow().toMillis());
        return evaluate(
                counts, from, Math.max(nowMs, from + MinuteCounts.MINUTE_MS), releaseMs, test);
    }

    private Evaluation evaluate(
            final MinuteCounts counts,
            final long from,
            final long to,
            final long releaseMs,
            final RateComparison test) {
        final long observedFrom =
                counts.firstObservedMs() == Long.MAX_VALUE ? releaseMs : counts.firstObservedMs();
        final long baselineFrom =
                Math.min(
                        releaseMs,
                        Math.max(releaseMs - parameters.baseline().toMillis(), observedFrom));
        final long current = counts.count(from, to);
        final long baseline = counts.count(baselineFrom, releaseMs);
        final RateComparison.Result result =
                test.compare(
                        current,
                        (to - from) / 3_600_000.0,
                        baseline,
                        (releaseMs - baselineFrom) / 3_600_000.0);
        return new Evaluation(result, from, to, baselineFrom, releaseMs);
    }

    /** Whether the recent rate is back to baseline: no longer significantly above it (not merely too few to call). */
    public boolean backToBaseline(final Evaluation recent) {
        return backToBaseline(recent.result().pValue());
    }

    /** The same rule for any test of the recent span (a rate, a share of executions or of updates), by its p-value. */
    public boolean backToBaseline(final double recentPValue) {
        return recentPValue >= parameters.alpha();
    }

    /** The significance level an alert is judged at: alpha after a release, alpha over a day's windows for the continuous no-deploy check. */
    public double alpha(final AlertState alert) {
        return alert.hasRelease() ? test.alpha() : rollingTest.alpha();
    }

    /**
     * Whether an alert state has nothing left to do as of {@code t}: never raised and its release's
     * window is over, or resolved longer ago than a window and a baseline.
     */
    public boolean expired(final AlertState a, final long t) {
        return a.expired(
                t,
                parameters.window().toMillis(),
                parameters.window().toMillis() + parameters.baseline().toMillis());
    }

    /** Evidence of a rate comparison: test, windows, counts, rates, effect size, p-value, the per-minute series, the release. */
    public Map<String, String> evidence(
            final Evaluation e, final MinuteCounts counts, final AlertState alert) {
        final RateComparison.Result r = e.result();
        final Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("test", "exact conditional binomial test of Poisson rates (one-sided)");
        evidence.put("alpha", fmt(alpha(alert)));
        evidence.put("pValue", String.format(Locale.ROOT, "%.3g", r.pValue()));
        evidence.put("currentWindow", EvidenceFormat.window(e.currentFromMs(), e.currentToMs()));
        evidence.put("baselineWindow", EvidenceFormat.window(e.baselineFromMs(), e.baselineToMs()));
        evidence.put("currentCount", String.valueOf(r.current()));
        evidence.put("baselineCount", String.valueOf(r.baseline()));
        evidence.put("currentRatePerHour", fmt(r.currentRate()));
        evidence.put("baselineRatePerHour", fmt(r.baselineRate()));
        evidence.put("rateRatio", fmt(r.rateRatio()));
        evidence.put(
                "series",
                counts.series(
                        e.baselineFromMs(),
                        Math.max(
                                e.currentToMs(),
                                alert.releaseCompletedMs() + MinuteCounts.MINUTE_MS)));
        if (alert.hasRelease()) {
            evidence.put("deployId", alert.releaseId());
            evidence.put(
                    "deployCompletedAt",
                    Instant.ofEpochMilli(alert.releaseCompletedMs()).toString());
        }
        return evidence;
    }

    private static String fmt(final double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
