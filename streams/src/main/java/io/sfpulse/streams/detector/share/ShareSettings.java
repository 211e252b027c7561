package io.sfpulse.streams.detector.share;

import io.sfpulse.schemas.config.ConfigGroup;
import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of a share detector ({@code detector.<name>.*}: each has its own keys and defaults,
 * defined by {@link #define} with its name).
 * @param window            how long after a release a rise of the share is attributed to it
 * @param span              the span judged: the trials of the last {@code span} (less right after the release)
 * @param baseline          how far before the release the baseline reaches
 * @param minBaseline       shortest observed baseline for a conclusive call
 * @param alpha             significance level of Fisher's exact test
 * @param minHits           fewest hits in the span to alert
 * @param minRatio          smallest ratio of the share now to the share before
 * @param minBaselineTrials fewest trials in the baseline for a conclusive call
 * @param resolveWindow     recent span whose share must be back to the baseline to resolve
 */
public record ShareSettings(
        Duration window,
        Duration span,
        Duration baseline,
        Duration minBaseline,
        double alpha,
        long minHits,
        double minRatio,
        long minBaselineTrials,
        Duration resolveWindow) {

    public static String key(final String detectorName, final String suffix) {
        return "detector." + detectorName + "." + suffix;
    }

    /** Adds detector {@code name}'s group; {@code hits} and {@code trials} name what it counts in the docs. */
    public static ConfigDef define(
            final ConfigDef def,
            final String name,
            final String group,
            final String hits,
            final String trials,
            final ShareSettings d) {
        return ConfigGroup.of(def, group)
                .define(
                        key(name, "window.ms"),
                        Type.LONG,
                        d.window().toMillis(),
                        Range.atLeast(60_000),
                        Importance.MEDIUM,
                        "How long after a release a rise of " + hits + " is attributed to it.")
                .define(
                        key(name, "span.ms"),
                        Type.LONG,
                        d.span().toMillis(),
                        Range.atLeast(60_000),
                        Importance.MEDIUM,
                        "Span judged: the "
                                + trials
                                + " of the last span.ms (less right after the release).")
                .define(
                        key(name, "baseline.ms"),
                        Type.LONG,
                        d.baseline().toMillis(),
                        Range.atLeast(60_000),
                        Importance.MEDIUM,
                        "How far before the release the baseline reaches.")
                .define(
                        key(name, "min.baseline.ms"),
                        Type.LONG,
                        d.minBaseline().toMillis(),
                        Range.atLeast(0),
                        Importance.LOW,
                        "Shortest observed baseline for a conclusive call.")
                .define(
                        key(name, "alpha"),
                        Type.DOUBLE,
                        d.alpha(),
                        Range.between(1e-12, 0.5),
                        Importance.MEDIUM,
                        "Significance level of Fisher's exact test (one-sided) of the share of "
                                + trials
                                + " that are "
                                + hits
                                + ".")
                .define(
                        key(name, "min.hits"),
                        Type.LONG,
                        d.minHits(),
                        Range.atLeast(1),
                        Importance.MEDIUM,
                        "Fewest " + hits + " in the judged span to alert.")
                .define(
                        key(name, "min.ratio"),
                        Type.DOUBLE,
                        d.minRatio(),
                        Range.atLeast(1.0),
                        Importance.MEDIUM,
                        "Smallest ratio of the share now to before.")
                .define(
                        key(name, "min.baseline.trials"),
                        Type.LONG,
                        d.minBaselineTrials(),
                        Range.atLeast(1),
                        Importance.LOW,
                        "Fewest " + trials + " in the baseline for a conclusive call.")
                .define(
                        key(name, "resolve.window.ms"),
                        Type.LONG,
                        d.resolveWindow().toMillis(),
                        Range.atLeast(60_000),
                        Importance.LOW,
                        "Recent span whose share must be back to the baseline to resolve.")
                .configDef();
    }

    public static ShareSettings from(final AbstractConfig c, final String name) {
        return new ShareSettings(
                ms(c, key(name, "window.ms")),
                ms(c, key(name, "span.ms")),
                ms(c, key(name, "baseline.ms")),
                ms(c, key(name, "min.baseline.ms")),
                c.getDouble(key(name, "alpha")),
                c.getLong(key(name, "min.hits")),
                c.getDouble(key(name, "min.ratio")),
                c.getLong(key(name, "min.baseline.trials")),
                ms(c, key(name, "resolve.window.ms")));
    }

    private static Duration ms(final AbstractConfig c, final String key) {
        return Duration.ofMillis(c.getLong(key));
    }
}
