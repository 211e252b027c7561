package io.sfpulse.streams.detector;

import io.sfpulse.streams.stats.RateComparison;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Decides, from a {@link FailureHistory}, whether failures rose after a deploy: compares the rate
 * in [deploy, now] (capped at the detection window) with the rate in the baseline before the
 * deploy using the exact conditional test of {@link RateComparison}. Also decides resolution
 * (recent rate back to baseline) and builds the evidence. Pure: no Kafka types, event time only.
 */
public final class PostDeployFailureEvaluator {

    /** The test result with the windows it used. */
    public record Evaluation(RateComparison.Result result, long currentFromMs, long currentToMs, long baselineFromMs, long baselineToMs) {
    }

    private final PostDeployFailureSettings settings;
    private final RateComparison test;
    private final RateComparison rollingTest;

    public PostDeployFailureEvaluator(final PostDeployFailureSettings settings) {
        this.settings = settings;
        this.test = new RateComparison(settings.alpha(), settings.minCount(), settings.minRatio(), settings.minBaseline().toMillis() / 3_600_000.0);
        // The no-deploy check runs continuously, not once after a deploy: a ten times stricter level and
        // a baseline at least twice the compared span keep its false alarms rare.
        this.rollingTest = new RateComparison(settings.alpha() / 10, settings.minCount(), settings.minRatio(),
            Math.max(settings.minBaseline().toMillis(), 2 * settings.noDeployWindow().toMillis()) / 3_600_000.0);
    }

    public PostDeployFailureSettings settings() {
        return settings;
    }

    /** After-vs-before evaluation of the release completed at {@code deployMs}, as of {@code nowMs}. */
    public Evaluation sinceDeploy(final FailureHistory h, final long deployMs, final long nowMs) {
        final long currentTo = Math.min(nowMs, deployMs + settings.window().toMillis());
        return evaluate(h, deployMs, Math.max(currentTo, deployMs + 60_000), deployMs, test);
    }

    /**
     * For regressions without a deploy: the last {@code noDeployWindow} (ending now) vs the baseline
     * span before it, as if a release had gone live at the start of that window.
     */
    public Evaluation rolling(final FailureHistory h, final long nowMs) {
        final long start = nowMs - settings.noDeployWindow().toMillis();
        return evaluate(h, start, nowMs, start, rollingTest);
    }

    /** Recent window (ending now) vs the same pre-deploy baseline: is the release back to normal? */
    public Evaluation recent(final FailureHistory h, final long deployMs, final long nowMs) {
        final long from = Math.max(deployMs, nowMs - settings.resolveWindow().toMillis());
        return evaluate(h, from, Math.max(nowMs, from + 60_000), deployMs, test);
    }

    private Evaluation evaluate(final FailureHistory h, final long from, final long to, final long deployMs, final RateComparison test) {
        final long observedFrom = h.firstObservedMinute == Long.MAX_VALUE ? deployMs : h.firstObservedMinute * 60_000;
        final long baselineFrom = Math.min(deployMs, Math.max(deployMs - settings.baseline().toMillis(), observedFrom));
        final long current = h.count(from, to);
        final long baseline = h.count(baselineFrom, deployMs);
        final RateComparison.Result result = test.compare(current, (to - from) / 3_600_000.0, baseline, (deployMs - baselineFrom) / 3_600_000.0);
        return new Evaluation(result, from, to, baselineFrom, deployMs);
    }

    /** Evidence for an alert: test, windows, counts, rates, effect size, p-value, top signatures, suspects. */
    public Map<String, String> evidence(final Evaluation e, final FailureHistory h, final FailureHistory.AlertState alert) {
        final RateComparison.Result r = e.result();
        final Map<String, Integer> signatures = h.signaturesByRelease.getOrDefault(alert.releaseId, Map.of());
        final Map<String, Integer> locations = h.locationsByRelease.getOrDefault(alert.releaseId, Map.of());
        final Map<String, String> evidence = new java.util.LinkedHashMap<>();
        evidence.put("test", "exact conditional binomial test of Poisson rates (one-sided)");
        evidence.put("alpha", fmt(alert.releaseId == null ? rollingTest.alpha() : test.alpha()));
        evidence.put("pValue", String.format(Locale.ROOT, "%.3g", r.pValue()));
        evidence.put("currentWindow", java.time.Instant.ofEpochMilli(e.currentFromMs()) + "/" + java.time.Instant.ofEpochMilli(e.currentToMs()));
        evidence.put("baselineWindow", java.time.Instant.ofEpochMilli(e.baselineFromMs()) + "/" + java.time.Instant.ofEpochMilli(e.baselineToMs()));
        evidence.put("currentCount", String.valueOf(r.current()));
        evidence.put("baselineCount", String.valueOf(r.baseline()));
        evidence.put("currentRatePerHour", fmt(r.currentRate()));
        evidence.put("baselineRatePerHour", fmt(r.baselineRate()));
        evidence.put("rateRatio", fmt(r.rateRatio()));
        evidence.put("topSignatures", top(signatures));
        evidence.put("topLocations", top(locations));
        evidence.put("suspectComponents", String.join(", ", SuspectComponents.byLocation(alert.components, locations.keySet())));
        evidence.put("series", series(h, e.baselineFromMs(), Math.max(e.currentToMs(), alert.releaseCompletedMs + 60_000)));
        if (alert.releaseId != null) {
            evidence.put("deployId", alert.releaseId);
            evidence.put("deployCompletedAt", java.time.Instant.ofEpochMilli(alert.releaseCompletedMs).toString());
        }
        return evidence;
    }

    /** Failures per minute from {@code fromMs} to {@code toMs} (at most the last 300 minutes): {@code start=<ms>;step=60000;values=a,b,...}. */
    static String series(final FailureHistory h, final long fromMs, final long toMs) {
        final long lastMinute = Math.floorDiv(toMs - 1, 60_000);
        final long firstMinute = Math.max(Math.floorDiv(fromMs, 60_000), lastMinute - 299);
        final StringBuilder values = new StringBuilder();
        for (long m = firstMinute; m <= lastMinute; m++) {
            values.append(m == firstMinute ? "" : ",").append(h.failuresPerMinute.getOrDefault(m, 0));
        }
        return "start=" + firstMinute * 60_000 + ";step=60000;values=" + values;
    }

    private static String top(final Map<String, Integer> counts) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(3)
            .map(en -> en.getKey() + " (" + en.getValue() + ")").collect(Collectors.joining("; "));
    }

    private static String fmt(final double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
