package io.sfpulse.streams.detector.valueshift;

import io.sfpulse.schemas.config.ConfigGroup;
import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of the value-shift detector ({@code detector.value-shift.*}).
 * @param window            how long after a release a shift of a field's values is attributed to it
 * @param span              the span judged: the values written in the last {@code span} (less right after the release)
 * @param baseline          how far before the release the baseline reaches
 * @param minBaseline       shortest observed baseline for a conclusive call
 * @param alpha             significance level of the chi-square test, divided by the number of category fields configured
 * @param minCurrent        fewest values written in the judged span for a conclusive call
 * @param minBaselineValues fewest values written in the baseline for a conclusive call
 * @param minShareChange    smallest change of one value's share (absolute, 0..1) that is an incident
 * @param resolveWindow     recent span whose values must be back to the usual mix to resolve
 */
public record ValueShiftSettings(
        Duration window,
        Duration span,
        Duration baseline,
        Duration minBaseline,
        double alpha,
        long minCurrent,
        long minBaselineValues,
        double minShareChange,
        Duration resolveWindow) {

    public static final String GROUP = "Detector: value shift";
    private static final String PREFIX = "detector." + ValueShiftDetector.NAME + ".";
    public static final String WINDOW_MS_CONFIG = PREFIX + "window.ms";
    public static final String SPAN_MS_CONFIG = PREFIX + "span.ms";
    public static final String BASELINE_MS_CONFIG = PREFIX + "baseline.ms";
    public static final String MIN_BASELINE_MS_CONFIG = PREFIX + "min.baseline.ms";
    public static final String ALPHA_CONFIG = PREFIX + "alpha";
    public static final String MIN_CURRENT_CONFIG = PREFIX + "min.current.values";
    public static final String MIN_BASELINE_VALUES_CONFIG = PREFIX + "min.baseline.values";
    public static final String MIN_SHARE_CHANGE_CONFIG = PREFIX + "min.share.change";
    public static final String RESOLVE_WINDOW_MS_CONFIG = PREFIX + "resolve.window.ms";

    public static ValueShiftSettings defaults() {
        return new ValueShiftSettings(
                Duration.ofHours(4),
                Duration.ofHours(1),
                Duration.ofHours(3),
                Duration.ofHours(1),
                0.001,
                20,
                50,
                0.25,
                Duration.ofMinutes(20));
    }

    public static ConfigDef define(final ConfigDef def) {
        final ValueShiftSettings d = defaults();
        return ConfigGroup.of(def, GROUP)
                .define(
                        WINDOW_MS_CONFIG,
                        Type.LONG,
                        d.window().toMillis(),
                        Range.atLeast(60_000),
                        Importance.MEDIUM,
                        "How long after a release a shift of a category field's values is attributed to it.")
                .define(
                        SPAN_MS_CONFIG,
                        Type.LONG,
                        d.span().toMillis(),
                        Range.atLeast(60_000),
                        Importance.MEDIUM,
                        "Span of values judged: those written in the last span.ms (less right after the release).")
                .define(
                        BASELINE_MS_CONFIG,
                        Type.LONG,
                        d.baseline().toMillis(),
                        Range.atLeast(60_000),
                        Importance.MEDIUM,
                        "How far before the release the baseline of the field's values reaches.")
                .define(
                        MIN_BASELINE_MS_CONFIG,
                        Type.LONG,
                        d.minBaseline().toMillis(),
                        Range.atLeast(0),
                        Importance.LOW,
                        "Shortest observed baseline for a conclusive call.")
                .define(
                        ALPHA_CONFIG,
                        Type.DOUBLE,
                        d.alpha(),
                        Range.between(1e-12, 0.5),
                        Importance.MEDIUM,
                        "Significance level of the chi-square test, divided by the number of category fields (streams.category.fields).")
                .define(
                        MIN_CURRENT_CONFIG,
                        Type.LONG,
                        d.minCurrent(),
                        Range.atLeast(1),
                        Importance.MEDIUM,
                        "Fewest values written in the judged span; fewer is INCONCLUSIVE.")
                .define(
                        MIN_BASELINE_VALUES_CONFIG,
                        Type.LONG,
                        d.minBaselineValues(),
                        Range.atLeast(1),
                        Importance.MEDIUM,
                        "Fewest values written in the baseline; fewer is INCONCLUSIVE.")
                .define(
                        MIN_SHARE_CHANGE_CONFIG,
                        Type.DOUBLE,
                        d.minShareChange(),
                        Range.between(0.0, 1.0),
                        Importance.MEDIUM,
                        "Smallest change of one value's share of the values written (absolute, 0..1) that is an incident.")
                .define(
                        RESOLVE_WINDOW_MS_CONFIG,
                        Type.LONG,
                        d.resolveWindow().toMillis(),
                        Range.atLeast(60_000),
                        Importance.LOW,
                        "Recent span whose values must be back to their usual mix to resolve.")
                .configDef();
    }

    public static ValueShiftSettings from(final AbstractConfig c) {
        return new ValueShiftSettings(
                ms(c, WINDOW_MS_CONFIG),
                ms(c, SPAN_MS_CONFIG),
                ms(c, BASELINE_MS_CONFIG),
                ms(c, MIN_BASELINE_MS_CONFIG),
                c.getDouble(ALPHA_CONFIG),
                c.getLong(MIN_CURRENT_CONFIG),
                c.getLong(MIN_BASELINE_VALUES_CONFIG),
                c.getDouble(MIN_SHARE_CHANGE_CONFIG),
                ms(c, RESOLVE_WINDOW_MS_CONFIG));
    }

    private static Duration ms(final AbstractConfig c, final String key) {
        return Duration.ofMillis(c.getLong(key));
    }
}
