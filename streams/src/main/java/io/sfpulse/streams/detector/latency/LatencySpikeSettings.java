package io.sfpulse.streams.detector.latency;

import io.sfpulse.schemas.config.ConfigGroup;
import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of a latency detector ({@code detector.<name>.*}: the latency-spikes detector and the
 * delivery-lag detector each have their own keys and defaults, defined by {@link #define} with
 * their name).
 * @param window             detection window after a deploy
 * @param baseline           baseline span before a deploy
 * @param alpha              significance level of the exceedance tests
 * @param minBaselineSamples fewest baseline samples for a conclusive test
 * @param minSamples         fewest post-deploy samples for a conclusive test
 * @param minRatio           smallest p95 ratio that alerts
 * @param minP95Ms           smallest p95 after (milliseconds) that alerts: below it a shift is not worth an alert
 * @param quiet              no samples for this long resolves an alert
 * @param noDeployWindow     rolling baseline when no release is in its window; zero disables
 */
public record LatencySpikeSettings(
        Duration window,
        Duration baseline,
        double alpha,
        long minBaselineSamples,
        long minSamples,
        double minRatio,
        double minP95Ms,
        Duration quiet,
        Duration noDeployWindow) {

    public static String key(final String detectorName, final String suffix) {
        return "detector." + detectorName + "." + suffix;
    }

    /** The latency-spikes detector's defaults. */
    public static LatencySpikeSettings defaults() {
        return new LatencySpikeSettings(
                Duration.ofHours(2),
                Duration.ofHours(2),
                0.001,
                50,
                20,
                1.5,
                0,
                Duration.ofMinutes(30),
                Duration.ofMinutes(30));
    }

    /** Adds detector {@code name}'s group; {@code what} names the latency it judges in the docs, e.g. "an operation's latency". */
    public static ConfigDef define(
            final ConfigDef def,
            final String name,
            final String group,
            final String what,
            final LatencySpikeSettings d) {
        return ConfigGroup.of(def, group)
                .define(
                        key(name, "window.ms"),
                        Type.LONG,
                        d.window().toMillis(),
                        Range.atLeast(60_000),
                        Importance.MEDIUM,
                        "Detection window after a deploy.")
                .define(
                        key(name, "baseline.ms"),
                        Type.LONG,
                        d.baseline().toMillis(),
                        Range.atLeast(60_000),
                        Importance.MEDIUM,
                        "Baseline span before a deploy (the distribution of "
                                + what
                                + " is frozen at the deploy).")
                .define(
                        key(name, "alpha"),
                        Type.DOUBLE,
                        d.alpha(),
                        Range.between(1e-12, 0.5),
                        Importance.MEDIUM,
                        "Significance level of the exceedance tests of the baseline p50 and p95.")
                .define(
                        key(name, "min.baseline.samples"),
                        Type.LONG,
                        d.minBaselineSamples(),
                        Range.atLeast(1),
                        Importance.LOW,
                        "Fewest baseline samples for a conclusive test.")
                .define(
                        key(name, "min.samples"),
                        Type.LONG,
                        d.minSamples(),
                        Range.atLeast(1),
                        Importance.LOW,
                        "Fewest post-deploy samples for a conclusive test.")
                .define(
                        key(name, "min.p95.ratio"),
                        Type.DOUBLE,
                        d.minRatio(),
                        Range.atLeast(1.0),
                        Importance.MEDIUM,
                        "Smallest p95 ratio (after / before) that alerts.")
                .define(
                        key(name, "min.p95.ms"),
                        Type.DOUBLE,
                        d.minP95Ms(),
                        Range.atLeast(0.0),
                        Importance.MEDIUM,
                        "Smallest p95 of "
                                + what
                                + " after (milliseconds) that alerts: a shift that stays below it is not worth an alert.")
                .define(
                        key(name, "quiet.ms"),
                        Type.LONG,
                        d.quiet().toMillis(),
                        Range.atLeast(60_000),
                        Importance.LOW,
                        "No samples for this long (event time) resolves the alert.")
                .define(
                        key(name, "no-deploy.window.ms"),
                        Type.LONG,
                        d.noDeployWindow().toMillis(),
                        Range.atLeast(0),
                        Importance.MEDIUM,
                        "Against a rolling baseline: when no release is in its window, the last span this long "
                                + "(whole 5-minute buckets) is compared with the baseline span before it, once a minute per series; "
                                + "0 disables.")
                .configDef();
    }

    public static LatencySpikeSettings from(final AbstractConfig c, final String name) {
        return new LatencySpikeSettings(
                ms(c, key(name, "window.ms")),
                ms(c, key(name, "baseline.ms")),
                c.getDouble(key(name, "alpha")),
                c.getLong(key(name, "min.baseline.samples")),
                c.getLong(key(name, "min.samples")),
                c.getDouble(key(name, "min.p95.ratio")),
                c.getDouble(key(name, "min.p95.ms")),
                ms(c, key(name, "quiet.ms")),
                ms(c, key(name, "no-deploy.window.ms")));
    }

    private static Duration ms(final AbstractConfig c, final String key) {
        return Duration.ofMillis(c.getLong(key));
    }
}
