package io.sfpulse.streams.detector.latency;

import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.RepeatedLooks;
import io.sfpulse.streams.detector.SuspectComponents;
import io.sfpulse.streams.normalize.SignalNormalizer;
import io.sfpulse.streams.stats.ExceedanceTest;
import io.sfpulse.streams.stats.LatencySketch;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Latency regressions after a deploy, per org and operation: the baseline distribution (DDSketch
 * of the samples in the baseline window before the deploy) is frozen at the deploy (or, with no
 * release in its window, at the start of the last {@code noDeployWindow}: a rolling baseline); each later
 * sample counts as exceeding the baseline p50 and/or p95; exact binomial tails test whether more
 * samples than expected (50% and 5%) exceed them. Triggers when either test is significant with
 * enough samples and the current p95 is at least {@code minRatio} times the baseline p95 and at
 * least {@code minP95Ms}. Pure.
 */
final class LatencySpikeEvaluator {

    /** Verdict. */
    public enum Verdict {
        SPIKE,
        NO_SPIKE,
        INCONCLUSIVE
    }

    private final LatencySpikeSettings settings;

    /** The rolling no-deploy check's level: alpha over the once-a-minute looks of a day. */
    private final double noDeployLevel;

    LatencySpikeEvaluator(final LatencySpikeSettings settings) {
        this.settings = settings;
        this.noDeployLevel = RepeatedLooks.level(settings.alpha(), Duration.ofDays(1));
    }

    LatencySpikeSettings settings() {
        return settings;
    }

    /** An operation's 5-minute sketches: the merged sketch of the buckets in [fromMs, toMs). */
    @FunctionalInterface
    interface Buckets {
        LatencySketch merged(long fromMs, long toMs);
    }

    /** Freezes the baseline of an operation at the deploy. */
    public void freezeBaseline(
            final LatencyHistory.Exceedances e, final Buckets buckets, final long deployMs) {
        final LatencySketch base =
                buckets.merged(deployMs - settings.baseline().toMillis(), deployMs);
        e.baselineCount = base.count();
        e.baselineP50 = base.quantile(0.50);
        e.baselineP95 = base.quantile(0.95);
        e.baselineP99 = base.quantile(0.99);
    }

    /**
     * The rolling comparison used when no release is in its window: the whole 5-minute buckets of
     * the last {@code noDeployWindow} (up to now) against the baseline span before them, with the
     * same exceedance counts as after a deploy (counted from the sketch's bins).
     */
    public LatencyHistory.Exceedances rolling(final Buckets buckets, final long nowMs) {
        final long start =
                Math.floorDiv(
                                nowMs - settings.noDeployWindow().toMillis(),
                                LatencyHistory.BUCKET_MS)
                        * LatencyHistory.BUCKET_MS;
        final LatencyHistory.Exceedances e = new LatencyHistory.Exceedances();
        freezeBaseline(e, buckets, start);
        final LatencySketch current = buckets.merged(start, nowMs + 1);
        e.startMs = start;
        e.n = current.count();
        e.aboveP50 = current.countAbove(e.baselineP50);
        e.aboveP95 = current.countAbove(e.baselineP95);
        e.current = current.encode();
        e.lastSampleMs = nowMs;
        return e;
    }

    public void addSample(final LatencyHistory.Exceedances e, final double millis, final long t) {
        e.n++;
        if (millis > e.baselineP50) {
            e.aboveP50++;
        }
        if (millis > e.baselineP95) {
            e.aboveP95++;
        }
        e.lastSampleMs = Math.max(e.lastSampleMs, t);
        final LatencySketch current =
                e.current == null ? LatencySketch.empty() : LatencySketch.decode(e.current);
        current.add(millis);
        e.current = current.encode();
    }

    /**
     * The level a tracked episode is judged at: alpha after a release; without one, alpha over the
     * once-a-minute looks of a day ({@link RepeatedLooks}), since the rolling check re-tests its
     * sliding span every minute, all day long.
     */
    double level(final AlertState a) {
        return a.hasRelease() ? settings.alpha() : noDeployLevel;
    }

    public Verdict evaluate(final LatencyHistory.Exceedances e, final double level) {
        if (e.baselineCount < settings.minBaselineSamples() || e.n < settings.minSamples()) {
            return Verdict.INCONCLUSIVE;
        }
        final double p95 = LatencySketch.decode(e.current).quantile(0.95);
        final boolean significant = pTail(e) < level || pMedian(e) < level;
        return significant
                        && p95 >= settings.minRatio() * e.baselineP95
                        && p95 >= settings.minP95Ms()
                ? Verdict.SPIKE
                : Verdict.NO_SPIKE;
    }

    static double pTail(final LatencyHistory.Exceedances e) {
        return ExceedanceTest.pValue(e.n, e.aboveP95, 0.95);
    }

    static double pMedian(final LatencyHistory.Exceedances e) {
        return ExceedanceTest.pValue(e.n, e.aboveP50, 0.50);
    }

    public Map<String, String> evidence(
            final LatencyHistory.Exceedances e, final String operation, final AlertState a) {
        final LatencySketch current = LatencySketch.decode(e.current);
        final Map<String, String> m = new LinkedHashMap<>();
        m.put(
                "test",
                "exact binomial exceedance tests of the baseline p50 and p95 (DDSketch, 1% relative accuracy)");
        m.put("operation", operation);
        m.put("alpha", fmt(level(a)));
        if (!a.hasRelease()) {
            m.put(
                    "looks",
                    "1440 once-a-minute looks a day (alpha " + settings.alpha() + " spent evenly)");
        }
        m.put(
                "baselineWindow",
                Instant.ofEpochMilli(a.releaseCompletedMs() - settings.baseline().toMillis())
                        + "/"
                        + Instant.ofEpochMilli(a.releaseCompletedMs()));
        m.put("baselineSamples", String.valueOf(e.baselineCount));
        m.put("currentSamples", String.valueOf(e.n));
        m.put("p50Before", fmt(e.baselineP50));
        m.put("p95Before", fmt(e.baselineP95));
        m.put("p99Before", fmt(e.baselineP99));
        m.put("p50After", fmt(current.quantile(0.50)));
        m.put("p95After", fmt(current.quantile(0.95)));
        m.put("p99After", fmt(current.quantile(0.99)));
        m.put("p95Ratio", fmt(current.quantile(0.95) / e.baselineP95));
        m.put("aboveBaselineP95", e.aboveP95 + " of " + e.n + " (expected 5%)");
        m.put("pValueTail", String.format(Locale.ROOT, "%.3g", pTail(e)));
        m.put("pValueMedian", String.format(Locale.ROOT, "%.3g", pMedian(e)));
        if (a.hasRelease()) {
            m.put("deployId", a.releaseId());
            m.put("deployCompletedAt", Instant.ofEpochMilli(a.releaseCompletedMs()).toString());
        }
        m.put("suspectComponents", String.join(", ", suspects(a.components(), operation)));
        return m;
    }

    /**
     * Components named in the operation; for a channel's delivery lag, those touching the change
     * event's entity (automation that slows its commits) or named after the platform event.
     */
    static java.util.List<String> suspects(
            final java.util.List<String> components, final String operation) {
        if (!operation.startsWith(SignalNormalizer.DELIVERY_LAG_PREFIX)) {
            return SuspectComponents.byLocation(components, java.util.Set.of(operation));
        }
        final String channel = operation.substring(SignalNormalizer.DELIVERY_LAG_PREFIX.length());
        if (channel.startsWith("/data/") && channel.endsWith("ChangeEvent")) {
            final String entity = channel.substring(6, channel.length() - "ChangeEvent".length());
            return SuspectComponents.byEntity(
                    components, entity.endsWith("__") ? entity + "c" : entity, null);
        }
        return SuspectComponents.byLocation(
                components, java.util.Set.of(channel.substring(channel.lastIndexOf('/') + 1)));
    }

    private static String fmt(final double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
