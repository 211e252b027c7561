package io.sfpulse.streams.detector.limits;

import io.sfpulse.schemas.config.ConfigGroup;
import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of the limit-exhaustion detector ({@code detector.limit-exhaustion.*}).
 *
 * @param recent span of snapshots whose usage slope is forecast (for an hourly limit, at most half an hour)
 * @param baseline span before the release (or before the recent span) whose slope is the baseline
 *     when no snapshots of the same time yesterday exist
 * @param window how long after a release a forecast exhaustion is attributed to it
 * @param minSamples fewest snapshots in the recent span and in the baseline for a conclusive call
 * @param alpha significance level of the slope comparison, spent over the looks of the window (or of a day without a release)
 * @param minIncreaseShare smallest rise of consumption, over the limit's window, as a share of its Max, that alerts
 * @param resolveLooks consecutive conclusive snapshots without a forecast exhaustion that resolve the alert
 * @param quiet no snapshot of the limit for this long resolves its alert (the poller stopped)
 */
public record LimitSettings(
        Duration recent,
        Duration baseline,
        Duration window,
        int minSamples,
        double alpha,
        double minIncreaseShare,
        int resolveLooks,
        Duration quiet) {

    public static final String GROUP = "Detector: limit exhaustion";
    private static final String PREFIX = "detector." + LimitExhaustionDetector.NAME + ".";

    public static final String RECENT_MS_CONFIG = PREFIX + "recent.ms";
    public static final String BASELINE_MS_CONFIG = PREFIX + "baseline.ms";
    public static final String WINDOW_MS_CONFIG = PREFIX + "window.ms";
    public static final String MIN_SAMPLES_CONFIG = PREFIX + "min.samples";
    public static final String ALPHA_CONFIG = PREFIX + "alpha";
    public static final String MIN_INCREASE_SHARE_CONFIG = PREFIX + "min.increase.share";
    public static final String RESOLVE_LOOKS_CONFIG = PREFIX + "resolve.looks";
    public static final String QUIET_MS_CONFIG = PREFIX + "quiet.ms";

    public static LimitSettings defaults() {
        return new LimitSettings(
                Duration.ofHours(1),
                Duration.ofHours(2),
                Duration.ofHours(24),
                6,
                0.001,
                0.05,
                3,
                Duration.ofHours(6));
    }

    public static ConfigDef define(final ConfigDef def) {
        final LimitSettings d = defaults();
        return ConfigGroup.of(def, GROUP)
                .define(
                        RECENT_MS_CONFIG,
                        Type.LONG,
                        d.recent().toMillis(),
                        Range.atLeast(600_000),
                        Importance.MEDIUM,
                        "Span of limit snapshots whose usage slope (least squares) is forecast; for an Hourly limit at most half an hour.")
                .define(
                        BASELINE_MS_CONFIG,
                        Type.LONG,
                        d.baseline().toMillis(),
                        Range.atLeast(600_000),
                        Importance.MEDIUM,
                        "Span before the release (or before the recent span) whose slope is the baseline when the history holds no "
                                + "snapshots of the same time yesterday (which are preferred: the daily ramp of an org is not a regression).")
                .define(
                        WINDOW_MS_CONFIG,
                        Type.LONG,
                        d.window().toMillis(),
                        Range.atLeast(600_000),
                        Importance.MEDIUM,
                        "How long after a release a forecast exhaustion is attributed to it.")
                .define(
                        MIN_SAMPLES_CONFIG,
                        Type.INT,
                        d.minSamples(),
                        Range.atLeast(3),
                        Importance.LOW,
                        "Fewest snapshots in the recent span and in the baseline for a conclusive call.")
                .define(
                        ALPHA_CONFIG,
                        Type.DOUBLE,
                        d.alpha(),
                        Range.between(1e-12, 0.5),
                        Importance.MEDIUM,
                        "Significance level of the comparison of the usage slopes, spent evenly over the looks of the window "
                                + "(one per 5 minutes) after a release, over a day of once-a-minute looks without one.")
                .define(
                        MIN_INCREASE_SHARE_CONFIG,
                        Type.DOUBLE,
                        d.minIncreaseShare(),
                        Range.between(0.0, 1.0),
                        Importance.LOW,
                        "Smallest rise of consumption over the limit's window (24 h for Daily, 1 h for Hourly limits), as a share of its Max, that alerts.")
                .define(
                        RESOLVE_LOOKS_CONFIG,
                        Type.INT,
                        d.resolveLooks(),
                        Range.atLeast(1),
                        Importance.LOW,
                        "Consecutive conclusive snapshots without a forecast exhaustion that resolve the alert.")
                .define(
                        QUIET_MS_CONFIG,
                        Type.LONG,
                        d.quiet().toMillis(),
                        Range.atLeast(600_000),
                        Importance.LOW,
                        "No snapshot of the limit for this long (event time) resolves its alert.")
                .configDef();
    }

    public static LimitSettings from(final AbstractConfig c) {
        return new LimitSettings(
                Duration.ofMillis(c.getLong(RECENT_MS_CONFIG)),
                Duration.ofMillis(c.getLong(BASELINE_MS_CONFIG)),
                Duration.ofMillis(c.getLong(WINDOW_MS_CONFIG)),
                c.getInt(MIN_SAMPLES_CONFIG),
                c.getDouble(ALPHA_CONFIG),
                c.getDouble(MIN_INCREASE_SHARE_CONFIG),
                c.getInt(RESOLVE_LOOKS_CONFIG),
                Duration.ofMillis(c.getLong(QUIET_MS_CONFIG)));
    }
}
