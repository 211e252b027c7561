package io.sfpulse.streams.detector.failures;

import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.MinuteCounts;
import io.sfpulse.streams.detector.RateRegression;
import io.sfpulse.streams.detector.SuspectComponents;
import io.sfpulse.streams.stats.ProportionComparison;
import io.sfpulse.streams.stats.RateComparison;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Decides whether failures rose after a deploy - org-wide, or in one component - and whether they
 * are back to baseline, and builds the evidence. The windows come from {@link RateRegression}; the
 * test depends on what the org reports: where it reports executions (enough of them in the
 * baseline), failures per execution with Fisher's exact test, so a traffic ramp (executions x3,
 * failures x3) is no regression; elsewhere failures per hour with the exact rate test. Component
 * tests share the significance level (Bonferroni over the components tested). Pure: no Kafka
 * types, event time only.
 */
final class PostDeployFailureEvaluator {

    /**
     * One call: the verdict, its p-value and effect, the failures counted, the windows, whether it
     * was per execution, a one-line account and the evidence.
     */
    record Finding(
            RateComparison.Verdict verdict,
            double pValue,
            double ratio,
            long current,
            RateRegression.Evaluation windows,
            boolean perExecution,
            String facts,
            Supplier<Map<String, String>> evidence) {}

    private final FailureSettings settings;
    private final RateRegression rate;
    private final ProportionComparison perExecution;

    PostDeployFailureEvaluator(final FailureSettings settings) {
        this.settings = settings;
        this.rate = new RateRegression(settings.rate());
        final RateRegression.Parameters p = settings.rate();
        this.perExecution =
                new ProportionComparison(
                        p.alpha(), p.minCount(), p.minRatio(), settings.minBaselineExecutions());
    }

    FailureSettings settings() {
        return settings;
    }

    RateRegression rate() {
        return rate;
    }

    /**
     * Judges the span of {@code windows} for the series {@code failures}, per execution when the
     * executions (read only when the failures could make an increase; null: none reported) hold
     * enough in the baseline, else per hour. The evidence is built only when asked for (an alert).
     * @param tests how many such calls share the significance level (components), at least 1
     */
    Finding assess(
            final RateRegression.Evaluation windows,
            final MinuteCounts failures,
            final Supplier<MinuteCounts> executionsOf,
            final AlertState a,
            final int tests,
            final FailureHistory h) {
        final RateComparison.Result byTime = windows.result();
        final double level = rate.alpha(a) / Math.max(1, tests);
        // Either test needs minCount failures to call an increase: below it, the executions need
        // not be read at all.
        final MinuteCounts executions =
                byTime.current() >= settings.rate().minCount()
                                || byTime.verdict() == RateComparison.Verdict.INCREASE
                        ? executionsOf.get()
                        : null;
        final long baselineExecutions =
                executions == null
                        ? 0
                        : executions.count(windows.baselineFromMs(), windows.baselineToMs());
        final long currentExecutions =
                executions == null
                        ? 0
                        : executions.count(windows.currentFromMs(), windows.currentToMs());
        final Supplier<Map<String, String>> common =
                () -> {
                    final Map<String, String> evidence = rate.evidence(windows, failures, a);
                    if (tests > 1) {
                        evidence.put("alpha", String.format(Locale.ROOT, "%.4g", level));
                        evidence.put("testsSharingAlpha", String.valueOf(tests));
                    }
                    addReleaseContext(evidence, h, a);
                    return evidence;
                };
        if (baselineExecutions >= settings.minBaselineExecutions() && currentExecutions > 0) {
            final ProportionComparison.Result p =
                    perExecution.compare(
                            byTime.current(),
                            currentExecutions,
                            byTime.baseline(),
                            baselineExecutions);
            final RateComparison.Verdict verdict = adjusted(p.verdict(), p.pValue(), level);
            final Supplier<Map<String, String>> evidence =
                    () -> {
                        final Map<String, String> e = common.get();
                        e.put("test", "Fisher's exact test (one-sided) of failures per execution");
                        e.put("pValue", String.format(Locale.ROOT, "%.3g", p.pValue()));
                        e.put("executionsCurrent", String.valueOf(currentExecutions));
                        e.put("executionsBaseline", String.valueOf(baselineExecutions));
                        e.put("failuresPerExecutionBefore", fmt(p.baselineShare()));
                        e.put("failuresPerExecutionAfter", fmt(p.currentShare()));
                        e.put("perExecutionRatio", fmt(p.ratio()));
                        return e;
                    };
            return new Finding(
                    verdict,
                    p.pValue(),
                    p.ratio(),
                    byTime.current(),
                    windows,
                    true,
                    String.format(
                            Locale.ROOT,
                            "%.2f%% of %d executions failed vs %.2f%% before (%.1fx, p=%.2g)",
                            100 * p.currentShare(),
                            currentExecutions,
                            100 * p.baselineShare(),
                            p.ratio(),
                            p.pValue()),
                    evidence);
        }
        final RateComparison.Verdict verdict = adjusted(byTime.verdict(), byTime.pValue(), level);
        final long minutes = (windows.currentToMs() - windows.currentFromMs()) / 60_000;
        return new Finding(
                verdict,
                byTime.pValue(),
                byTime.rateRatio(),
                byTime.current(),
                windows,
                false,
                String.format(
                        Locale.ROOT,
                        "%d in %d min vs %.2f/h before (%.1fx, p=%.2g)",
                        byTime.current(),
                        minutes,
                        byTime.baselineRate(),
                        byTime.rateRatio(),
                        byTime.pValue()),
                common);
    }

    /** The test's verdict at a stricter level (several tests share alpha): an increase above the level is not one. */
    private static RateComparison.Verdict adjusted(
            final RateComparison.Verdict verdict, final double p, final double level) {
        return verdict == RateComparison.Verdict.INCREASE && p >= level
                ? RateComparison.Verdict.NO_INCREASE
                : verdict;
    }

    private static void addReleaseContext(
            final Map<String, String> evidence, final FailureHistory h, final AlertState alert) {
        final Map<String, Integer> signatures =
                h.signaturesByRelease.getOrDefault(alert.releaseId(), Map.of());
        final Map<String, Integer> locations =
                h.locationsByRelease.getOrDefault(alert.releaseId(), Map.of());
        evidence.put("topSignatures", top(signatures));
        evidence.put("topLocations", top(locations));
        evidence.put(
                "suspectComponents",
                String.join(
                        ", ",
                        SuspectComponents.byLocation(alert.components(), locations.keySet())));
    }

    /** The release's components that name {@code component} (e.g. ApexClass:InvoiceService for Class.InvoiceService). */
    static List<String> suspectsFor(final AlertState alert, final String component) {
        return SuspectComponents.byLocation(alert.components(), Set.of(component));
    }

    private static String top(final Map<String, Integer> counts) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(3)
                .map(en -> en.getKey() + " (" + en.getValue() + ")")
                .collect(Collectors.joining("; "));
    }

    private static String fmt(final double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
