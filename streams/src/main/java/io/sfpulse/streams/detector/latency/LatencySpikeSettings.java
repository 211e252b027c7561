package io.sfpulse.streams.detector.latency;

import io.sfpulse.schemas.config.ConfigGroup;
import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of the latency-spikes detector ({@code detector.latency-spikes.*}).
 * @param window             detection window after a deploy
 * @param baseline           baseline span before a deploy
 * @param alpha              significance level of the exceedance tests
 * @param minBaselineSamples fewest baseline samples for a conclusive test
 * @param minSamples         fewest post-deploy samples for a conclusive test
 * @param minRatio           smallest p95 ratio that alerts
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
        Duration quiet,
        Duration noDeployWindow) {

    public static final String GROUP = "Detector: latency spikes";
    private static final String PREFIX = "detector." + LatencySpikeDetector.NAME + ".";

    public static final String WINDOW_MS_CONFIG = PREFIX + "window.ms";
    private static final String WINDOW_MS_DOC = "Detection window after a deploy.";
    public static final String BASELINE_MS_CONFIG = PREFIX + "baseline.ms";
    private static final String BASELINE_MS_DOC =
            "Baseline span before a deploy (its latency distribution is frozen at the deploy).";
    public static final String ALPHA_CONFIG = PREFIX + "alpha";
    private static final String ALPHA_DOC =
            "Significance level of the exceedance tests of the baseline p50 and p95.";
    public static final String MIN_BASELINE_SAMPLES_CONFIG = PREFIX + "min.baseline.samples";
    private static final String MIN_BASELINE_SAMPLES_DOC =
            "Fewest baseline samples for a conclusive test.";
    public static final String MIN_SAMPLES_CONFIG = PREFIX + "min.samples";
    private static final String MIN_SAMPLES_DOC =
            "Fewest post-deploy samples for a conclusive test.";
    public static final String MIN_P95_RATIO_CONFIG = PREFIX + "min.p95.ratio";
    private static final String MIN_P95_RATIO_DOC =
            "Smallest p95 ratio (after / before) that alerts.";
    public static final String QUIET_MS_CONFIG = PREFIX + "quiet.ms";
    private static final String QUIET_MS_DOC =
            "No samples of the operation for this long (event time) resolves its alert.";
    public static final String NO_DEPLOY_WINDOW_MS_CONFIG = PREFIX + "no-deploy.window.ms";
    private static final String NO_DEPLOY_WINDOW_MS_DOC =
            "Latency against a rolling baseline: when no release is in its window, the "
                    + "last span this long (whole 5-minute buckets) is compared with the baseline span before it, once a minute per operation; "
                    + "0 disables.";

    public static LatencySpikeSettings defaults() {
        return new LatencySpikeSettings(
                Duration.ofHours(2),
                Duration.ofHours(2),
                0.001,
                50,
                20,
                1.5,
                Duration.ofMinutes(30),
                Duration.ofMinutes(30));
    }

    public static ConfigDef define(final ConfigDef def) {
        final LatencySpikeSettings d = defaults();
        return ConfigGroup.of(def, GROUP)
                .define(
                        WINDOW_MS_CONFIG,
                        Type.LONG,
                        d.window().toMillis(),
                        Range.atLeast(60_000),
                        Importance.MEDIUM,
                        WINDOW_MS_DOC)
                .define(
                        BASELINE_MS_CONFIG,
                        Type.LONG,
                        d.baseline().toMillis(),
                        Range.atLeast(60_000),
                        Importance.MEDIUM,
                        BASELINE_MS_DOC)
                .define(
                        ALPHA_CONFIG,
                        Type.DOUBLE,
                        d.alpha(),
                        Range.between(1e-12, 0.5),
                        Importance.MEDIUM,
                        ALPHA_DOC)
                .define(
                        MIN_BASELINE_SAMPLES_CONFIG,
                        Type.LONG,
                        d.minBaselineSamples(),
                        Range.atLeast(1),
                        Importance.LOW,
                        MIN_BASELINE_SAMPLES_DOC)
                .define(
                        MIN_SAMPLES_CONFIG,
                        Type.LONG,
                        d.minSamples(),
                        Range.atLeast(1),
                        Importance.LOW,
                        MIN_SAMPLES_DOC)
                .define(
                        MIN_P95_RATIO_CONFIG,
                        Type.DOUBLE,
                        d.minRatio(),
                        Range.atLeast(1.0),
                        Importance.MEDIUM,
                        MIN_P95_RATIO_DOC)
                .define(
                        QUIET_MS_CONFIG,
                        Type.LONG,
                        d.quiet().toMillis(),
                        Range.atLeast(60_000),
                        Importance.LOW,
                        QUIET_MS_DOC)
                .define(
                        NO_DEPLOY_WINDOW_MS_CONFIG,
                        Type.LONG,
                        d.noDeployWindow().toMillis(),
                        Range.atLeast(0),
                        Importance.MEDIUM,
                        NO_DEPLOY_WINDOW_MS_DOC)
                .configDef();
    }

    public static LatencySpikeSettings from(final AbstractConfig c) {
        return new LatencySpikeSettings(
                ms(c, WINDOW_MS_CONFIG),
                ms(c, BASELINE_MS_CONFIG),
                c.getDouble(ALPHA_CONFIG),
                c.getLong(MIN_BASELINE_SAMPLES_CONFIG),
                c.getLong(MIN_SAMPLES_CONFIG),
                c.getDouble(MIN_P95_RATIO_CONFIG),
                ms(c, QUIET_MS_CONFIG),
                ms(c, NO_DEPLOY_WINDOW_MS_CONFIG));
    }

    private static Duration ms(final AbstractConfig c, final String key) {
        return Duration.ofMillis(c.getLong(key));
    }
}
