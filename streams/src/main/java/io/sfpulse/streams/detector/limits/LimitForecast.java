package io.sfpulse.streams.detector.limits;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.regression.SimpleRegression;

/**
 * Whether an org limit will run out before its window lets it recover, from its snapshots. The
 * usage slope of the recent span (least squares over the snapshots since the release, at most
 * {@code recent}) is compared with the slope of a baseline: the same time yesterday when the history
 * holds it (a daily ramp is the org's normal), else the span before the release, else the span
 * before the recent one. Each slope's standard error is at least the Poisson error of the units
 * consumed over its span, so a series that rises in perfect steps is never infinitely certain. The
 * call is EXHAUSTING when the recent slope is significantly above the baseline (one-sided z test of
 * the difference, at the level spent over the looks), the rise over the limit's window is at least
 * {@code minIncreaseShare} of its Max, and the conservative forecast — the recent slope less its
 * error at that level — uses up what remains within the limit's window (24 hours for Daily, one hour
 * for Hourly limits: Salesforce's daily allocations are rolling 24-hour windows, so usage that grows
 * for that long exceeds the allocation); INCONCLUSIVE with fewer than {@code minSamples} snapshots in
 * either span. Pure.
 */
final class LimitForecast {

    /** The call. */
    enum Verdict {
        EXHAUSTING,
        NOT_EXHAUSTING,
        INCONCLUSIVE
    }

    /** A least-squares usage slope (units per hour) over the snapshots in [fromMs, toMs]. */
    record Slope(double perHour, double stdErr, int samples, long fromMs, long toMs) {}

    /** The call with every figure behind it. */
    record Result(
            Verdict verdict,
            long max,
            long used,
            long remaining,
            Slope recent,
            Slope baseline,
            String baselineKind,
            double pValue,
            double level,
            double conservativePerHour,
            double hoursToExhaustion,
            Duration horizon,
            String reason) {}

    private static final NormalDistribution NORMAL = new NormalDistribution();
    private static final long HOUR_MS = Duration.ofHours(1).toMillis();
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    private final LimitSettings settings;

    LimitForecast(final LimitSettings settings) {
        this.settings = settings;
    }

    LimitSettings settings() {
        return settings;
    }

    /** The window a limit recovers in: an hour for {@code Hourly*} limits, a day for the others. */
    static Duration horizon(final String limit) {
        return limit.startsWith("Hourly") ? Duration.ofHours(1) : Duration.ofDays(1);
    }

    /** The span whose slope is forecast: {@code recent}, at most half the limit's window. */
    Duration recentSpan(final String limit) {
        final Duration half = horizon(limit).dividedBy(2);
        return settings.recent().compareTo(half) < 0 ? settings.recent() : half;
    }

    /**
     * The call at snapshot time {@code t}; {@code deployMs} is the completion of the release the
     * snapshot is attributed to, or {@code Long.MIN_VALUE} without one.
     */
    Result evaluate(
            final String limit,
            final LimitHistory h,
            final long t,
            final long deployMs,
            final double level) {
        final Duration horizon = horizon(limit);
        final long span = recentSpan(limit).toMillis();
        final boolean released = deployMs != Long.MIN_VALUE && deployMs <= t;
        final long recentFrom = released ? Math.max(t - span, deployMs) : t - span;
        final Slope recent = fit(h, recentFrom, t);
        Slope baseline = fit(h, t - DAY_MS - span, t - DAY_MS);
        String kind = "the same time yesterday";
        if (baseline.samples() < settings.minSamples()) {
            final long end = released ? deployMs : recentFrom;
            baseline = fit(h, end - settings.baseline().toMillis(), end);
            kind = released ? "the span before the release" : "the span before";
        }
        if (recent.samples() < settings.minSamples()
                || baseline.samples() < settings.minSamples()) {
            return new Result(
                    Verdict.INCONCLUSIVE,
                    h.max,
                    h.max - h.remaining,
                    h.remaining,
                    recent,
                    baseline,
                    kind,
                    Double.NaN,
                    level,
                    Double.NaN,
                    Double.POSITIVE_INFINITY,
                    horizon,
                    String.format(
                            Locale.ROOT,
                            "%d snapshots recently and %d in the baseline (at least %d each needed)",
                            recent.samples(),
                            baseline.samples(),
                            settings.minSamples()));
        }
        final double diff = recent.perHour() - baseline.perHour();
        final double se = Math.hypot(recent.stdErr(), baseline.stdErr());
        final double p = se > 0 ? 1 - NORMAL.cumulativeProbability(diff / se) : diff > 0 ? 0 : 1;
        final double conservative =
                recent.perHour() - NORMAL.inverseCumulativeProbability(1 - level) * recent.stdErr();
        final double hours =
                h.remaining == 0
                        ? 0
                        : conservative > 0 ? h.remaining / conservative : Double.POSITIVE_INFINITY;
        final double horizonHours = horizon.toMillis() / (double) HOUR_MS;
        final boolean risen = diff * horizonHours >= settings.minIncreaseShare() * h.max;
        final boolean exhausting = p < level && risen && hours <= horizonHours;
        final String reason;
        if (exhausting) {
            reason = "forecast to run out within the limit's window";
        } else if (p >= level) {
            reason = "usage slope not significantly above the baseline";
        } else if (!risen) {
            reason = "rise below the minimum share of Max";
        } else {
            reason = "enough left for the limit's window at the conservative slope";
        }
        return new Result(
                exhausting ? Verdict.EXHAUSTING : Verdict.NOT_EXHAUSTING,
                h.max,
                h.max - h.remaining,
                h.remaining,
                recent,
                baseline,
                kind,
                p,
                level,
                conservative,
                hours,
                horizon,
                reason);
    }

    /** The least-squares slope of usage over the snapshots in [fromMs, toMs]. */
    static Slope fit(final LimitHistory h, final long fromMs, final long toMs) {
        final SimpleRegression r = new SimpleRegression();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long firstUsed = 0;
        long lastUsed = 0;
        for (int i = 0; i < h.times.length; i++) {
            final long ti = h.times[i];
            if (ti < fromMs || ti > toMs) {
                continue;
            }
            if (first == Long.MAX_VALUE) {
                first = ti;
                firstUsed = h.used[i];
            }
            last = ti;
            lastUsed = h.used[i];
            r.addData((ti - fromMs) / (double) HOUR_MS, h.used[i]);
        }
        final int n = (int) r.getN();
        if (n < 3 || last <= first) {
            return new Slope(0, Double.POSITIVE_INFINITY, n, fromMs, toMs);
        }
        final double spanHours = (last - first) / (double) HOUR_MS;
        // The units consumed over the span are counts: their Poisson error bounds the slope's.
        final double poisson = Math.sqrt(Math.max(1, Math.abs(lastUsed - firstUsed))) / spanHours;
        final double stdErr = r.getSlopeStdErr();
        return new Slope(
                r.getSlope(),
                Double.isNaN(stdErr) ? poisson : Math.max(stdErr, poisson),
                n,
                fromMs,
                toMs);
    }

    /** The evidence of a call: limit, usage, both slopes and their spans, the test, the forecast. */
    static Map<String, String> evidence(final String limit, final Result r) {
        final Map<String, String> e = new LinkedHashMap<>();
        e.put(
                "test",
                "one-sided z test of the usage slope (least squares, units per hour) against "
                        + r.baselineKind()
                        + "; forecast at the slope less its error at the level");
        e.put("limit", limit);
        e.put("max", String.valueOf(r.max()));
        e.put("used", String.valueOf(r.used()));
        e.put("remaining", String.valueOf(r.remaining()));
        e.put("consumptionAfterPerHour", fmt(r.recent().perHour()));
        e.put("consumptionBeforePerHour", fmt(r.baseline().perHour()));
        e.put("baseline", r.baselineKind());
        e.put("windowAfter", span(r.recent()));
        e.put("windowBefore", span(r.baseline()));
        e.put("samplesAfter", String.valueOf(r.recent().samples()));
        e.put("samplesBefore", String.valueOf(r.baseline().samples()));
        e.put("pValue", String.format(Locale.ROOT, "%.3g", r.pValue()));
        e.put("level", String.format(Locale.ROOT, "%.3g", r.level()));
        e.put("conservativePerHour", fmt(r.conservativePerHour()));
        e.put(
                "hoursToExhaustion",
                Double.isInfinite(r.hoursToExhaustion()) ? "never" : fmt(r.hoursToExhaustion()));
        e.put("limitWindow", r.horizon().toString());
        e.put("call", r.verdict() + ": " + r.reason());
        return e;
    }

    private static String span(final Slope s) {
        return Instant.ofEpochMilli(s.fromMs()) + "/" + Instant.ofEpochMilli(s.toMs());
    }

    private static String fmt(final double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
