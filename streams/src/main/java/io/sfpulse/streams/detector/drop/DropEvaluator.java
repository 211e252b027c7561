package io.sfpulse.streams.detector.drop;

import static io.sfpulse.streams.detector.EvidenceFormat.window;

import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.MinuteCounts;
import io.sfpulse.streams.detector.RepeatedLooks;
import io.sfpulse.streams.stats.Binomial;
import io.sfpulse.streams.stats.RateComparison;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Has a subject (an entry point, an object's record creation, ...) stopped, or nearly, after a
 * release? Its occurrences in the judged span
 * (delivered time only: up to where its source's progress says everything arrived) against what its
 * baseline expects for that span: the same time of day on previous days when the history covers
 * several days (a nightly lull is not an absence), else the span before the release. The exact
 * conditional test of Poisson rates, lower tail ({@link RateComparison#compareDecrease}), at alpha
 * divided by the org's subjects and by the looks of the release window ({@link RepeatedLooks}, one every five minutes), with an expected-count guard (silence where little was expected
 * proves nothing) and a minimum effect. When the org has other activity of the same source family,
 * the subject's share of it must have fallen too (exact binomial test of the share, same alpha,
 * guard and effect): a drop the rest of the org shares (a quiet night, a planned outage, an org gone
 * silent) is INCONCLUSIVE, not a drop of this subject. Pure: no Kafka types, event time only.
 */
final class DropEvaluator {

    static final long DAY_MS = 86_400_000L;

    enum Verdict {
        DROPPED,
        NORMAL,
        INCONCLUSIVE
    }

    /** What a span is compared with, by the label evidence and summaries show. */
    enum BaselineKind {
        SEASONAL("same time of day on previous days"),
        BEFORE_RELEASE("span before the release");

        private final String label;

        BaselineKind(final String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    /** The baseline for one span: counts, exposure in hours, what kind and which windows. */
    record Baseline(long count, double hours, BaselineKind kind, List<String> windows) {
        double expected(final double spanHours) {
            return hours > 0 ? count / hours * spanHours : 0;
        }
    }

    /**
     * The subject's share of its family's occurrences, now against the baseline: did it fall
     * relative to the rest of the org (not merely with it)?
     * @param othersObserved    the family's other occurrences in the span
     * @param othersBaseline    the family's other occurrences in the baseline windows
     * @param expected          the subject's occurrences the baseline share expects, given everything that ran in the span
     * @param pValue            lower tail P(X <= observed | observed + othersObserved, baseline share)
     * @param ratio             observed share / baseline share
     */
    record ShareTest(
            long othersObserved,
            long othersBaseline,
            double expected,
            double pValue,
            double ratio) {}

    /** The call on one span, with everything the evidence shows; {@code share} is null when the family has no other activity. */
    record Assessment(
            Verdict verdict,
            String reason,
            RateComparison.Result test,
            double alpha,
            long fromMs,
            long toMs,
            long observed,
            double expected,
            Baseline baseline,
            ShareTest share) {}

    private final DropSettings settings;
    private final WatchedCounts watched;

    DropEvaluator(final DropSettings settings, final WatchedCounts watched) {
        this.settings = settings;
        this.watched = watched;
    }

    DropSettings settings() {
        return settings;
    }

    /** The span judged at {@code throughMs}: the last {@code span} of delivered time, not before {@code startMs} (the release or the last resolution). */
    long spanStart(final long startMs, final long throughMs) {
        return Math.max(startMs, throughMs - settings.span().toMillis());
    }

    /**
     * Judges {@code [fromMs, toMs)} of {@code series} (whose family total is {@code family}) against
     * its baseline for the release at {@code releaseMs}; {@code subjects} is the Bonferroni factor.
     */
    Assessment assess(
            final CountSeries series,
            final CountSeries family,
            final long releaseMs,
            final long fromMs,
            final long toMs,
            final int subjects) {
        // Counts are kept per minute: the span starts at the first whole minute at or after fromMs
        // and the baseline before
        // the release ends where the release's minute starts, so that minute (runs just before the
        // release among them)
        // counts in neither.
        final long from = Math.min(toMs, MinuteCounts.nextMinuteStart(fromMs));
        final long release = MinuteCounts.minuteStart(releaseMs);
        final double alpha =
                RepeatedLooks.releaseLevel(
                        settings.alpha() / Math.max(1, subjects), settings.window());
        final double spanHours = (toMs - from) / 3_600_000.0;
        final long observed = series.count(from, toMs);
        final Baseline baseline = baseline(series, release, from, toMs);
        final Baseline familyBaseline = baseline(family, release, from, toMs, baseline.kind());
        final RateComparison test = new RateComparison(alpha, 0, settings.minRatio(), 0);
        // Without a baseline nothing is expected: the expected-count guard makes the test
        // INCONCLUSIVE.
        final RateComparison.Result r =
                test.compareDecrease(
                        observed,
                        spanHours,
                        baseline.count(),
                        baseline.hours(),
                        settings.minExpected());
        final double expected = baseline.expected(spanHours);
        final long othersBaseline = Math.max(0, familyBaseline.count() - baseline.count());
        final ShareTest share =
                family == series || othersBaseline == 0
                        ? null
                        : share(
                                observed,
                                Math.max(0, family.count(from, toMs) - observed),
                                baseline.count(),
                                othersBaseline);
        final Verdict verdict;
        final String reason;
        if (baseline.hours() <= 0) {
            verdict = Verdict.INCONCLUSIVE;
            reason = "baseline shorter than " + settings.minBaseline() + " before the release";
        } else if (r.verdict() == RateComparison.Verdict.INCONCLUSIVE) {
            verdict = Verdict.INCONCLUSIVE;
            reason =
                    String.format(
                            Locale.ROOT,
                            "%.1f %s expected in the span, fewer than %.0f: silence proves nothing",
                            expected,
                            watched.unit(),
                            settings.minExpected());
        } else if (r.verdict() != RateComparison.Verdict.DECREASE) {
            verdict = Verdict.NORMAL;
            reason = "not significantly below its baseline";
        } else if (share != null
                && (share.pValue() >= alpha || share.ratio() > 1 / settings.minRatio())) {
            verdict = Verdict.INCONCLUSIVE;
            reason =
                    share.expected() < settings.minExpected()
                            ? String.format(
                                    Locale.ROOT,
                                    "the org's other activity fell too: given what ran, its share expects %.1f %s (p=%.3g)",
                                    share.expected(),
                                    watched.unit(),
                                    share.pValue())
                            : String.format(
                                    Locale.ROOT,
                                    "org-wide drop: its share of the org's activity did not fall (ratio %.2f, p=%.3g)",
                                    share.ratio(),
                                    share.pValue());
        } else {
            verdict = Verdict.DROPPED;
            reason =
                    share == null
                            ? "significantly below its baseline (no other activity of the org to compare with)"
                            : "significantly below its baseline and its share of the org's activity";
        }
        return new Assessment(
                verdict, reason, r, alpha, from, toMs, observed, expected, baseline, share);
    }

    private static ShareTest share(
            final long observed,
            final long othersObserved,
            final long baseline,
            final long othersBaseline) {
        final double p0 = (double) baseline / (baseline + othersBaseline);
        final long n = observed + othersObserved;
        final double expected = n * p0;
        final double pValue = n == 0 ? 1.0 : Binomial.lowerTail(n, observed, p0);
        final double ratio = n == 0 || p0 == 0 ? 1.0 : ((double) observed / n) / p0;
        return new ShareTest(othersObserved, othersBaseline, expected, pValue, ratio);
    }

    /** Whether a subject is back at a normal rate: in the recent span it ran, above 1/minRatio of expected, and is not significantly low. */
    boolean resumed(final Assessment recent) {
        return recent.observed() > 0
                && recent.verdict() != Verdict.DROPPED
                && recent.test().rateRatio() > 1 / settings.minRatio();
    }

    private Baseline baseline(
            final CountSeries s, final long releaseMs, final long fromMs, final long toMs) {
        final boolean seasonal =
                s.firstObservedMs() <= releaseMs - settings.seasonalHistory().toMillis();
        return baseline(
                s,
                releaseMs,
                fromMs,
                toMs,
                seasonal ? BaselineKind.SEASONAL : BaselineKind.BEFORE_RELEASE);
    }

    private Baseline baseline(
            final CountSeries s,
            final long releaseMs,
            final long fromMs,
            final long toMs,
            final BaselineKind kind) {
        final List<String> windows = new ArrayList<>();
        if (kind == BaselineKind.SEASONAL) {
            final long covered =
                    s.firstObservedMs() == Long.MAX_VALUE
                            ? 0
                            : (releaseMs - s.firstObservedMs()) / DAY_MS;
            final int days = (int) Math.max(0, Math.min(settings.seasonalDays(), covered));
            double count = 0;
            for (int k = 1; k <= days; k++) {
                count += s.hourlyCount(fromMs - k * DAY_MS, toMs - k * DAY_MS);
                windows.add(window(fromMs - k * DAY_MS, toMs - k * DAY_MS));
            }
            return new Baseline(
                    Math.round(count), days * (toMs - fromMs) / 3_600_000.0, kind, windows);
        }
        final long observedFrom =
                s.firstObservedMs() == Long.MAX_VALUE ? releaseMs : s.firstObservedMs();
        final long from =
                Math.min(
                        releaseMs,
                        Math.max(releaseMs - settings.baseline().toMillis(), observedFrom));
        if (releaseMs - from < settings.minBaseline().toMillis() || releaseMs - from <= 0) {
            return new Baseline(0, 0, kind, List.of());
        }
        windows.add(window(from, releaseMs));
        return new Baseline(
                s.count(from, releaseMs), (releaseMs - from) / 3_600_000.0, kind, windows);
    }

    /** Evidence of an assessment: the test, its windows and counts, the org-wide check, the series, the release and its suspects. */
    Map<String, String> evidence(
            final String subject,
            final CountSeries series,
            final Assessment a,
            final AlertState alert,
            final int subjects) {
        final Map<String, String> e = new LinkedHashMap<>();
        e.put("test", "exact conditional binomial test of Poisson rates (lower tail)");
        e.put("alpha", fmt(a.alpha()));
        e.put(
                "looks",
                RepeatedLooks.releaseLooksEvidence(
                        settings.window(), settings.alpha() + " over " + subjects));
        e.put(watched.testedKey(), String.valueOf(subjects));
        e.put("pValue", String.format(Locale.ROOT, "%.3g", a.test().pValue()));
        e.put(watched.evidenceKey(), subject);
        e.put("source", String.valueOf(series.source));
        e.put("currentWindow", window(a.fromMs(), a.toMs()));
        e.put("observedCount", String.valueOf(a.observed()));
        e.put("expectedCount", fmt(a.expected()));
        e.put("rateRatio", fmt(a.test().rateRatio()));
        e.put("baselineKind", a.baseline().kind().label());
        e.put("baselineWindows", String.join(",", a.baseline().windows()));
        e.put("baselineCount", String.valueOf(a.baseline().count()));
        e.put(
                "baselineRatePerHour",
                fmt(a.baseline().hours() > 0 ? a.baseline().count() / a.baseline().hours() : 0));
        if (a.share() != null) {
            e.put(
                    "shareTest",
                    "exact binomial test of its share of the org's activity (lower tail)");
            e.put("othersObserved", String.valueOf(a.share().othersObserved()));
            e.put("othersBaselineCount", String.valueOf(a.share().othersBaseline()));
            e.put("shareExpectedCount", fmt(a.share().expected()));
            e.put("sharePValue", String.format(Locale.ROOT, "%.3g", a.share().pValue()));
            e.put("shareRatio", fmt(a.share().ratio()));
        }
        e.put("reason", a.reason());
        final long seriesFrom =
                Math.min(alert.releaseCompletedMs() - settings.span().toMillis(), a.fromMs());
        e.put("series", series.minutes.series(seriesFrom, Math.max(a.toMs(), seriesFrom + 60_000)));
        if (alert.hasRelease()) {
            e.put("deployId", alert.releaseId());
            e.put("deployCompletedAt", Instant.ofEpochMilli(alert.releaseCompletedMs()).toString());
            e.put(
                    "suspectComponents",
                    String.join(",", watched.suspects(alert.components(), subject)));
        }
        return e;
    }

    private static String fmt(final double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
