package io.sfpulse.streams.detector;

import io.sfpulse.schemas.config.ConfigGroup;
import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The keys of a count-based detector's {@link RateRegression} and cooldown, defined under that
 * detector's own prefix (e.g. {@code detector.data-anomalies.window.ms}): one definition, many
 * detectors, no shared keys.
 */
public final class RateRegressionKeys {

    public static final String WINDOW_MS = "window.ms";
    public static final String BASELINE_MS = "baseline.ms";
    public static final String RESOLVE_WINDOW_MS = "resolve.window.ms";
    public static final String ALPHA = "alpha";
    public static final String MIN_COUNT = "min.count";
    public static final String MIN_RATIO = "min.ratio";
    public static final String MIN_BASELINE_MS = "min.baseline.ms";
    public static final String COOLDOWN_MS = "cooldown.ms";
    public static final String NO_DEPLOY_WINDOW_MS = "no-deploy.window.ms";

    private RateRegressionKeys() {}

    /**
     * Defines the keys under {@code prefix} with {@code defaults}; {@code counted} names what the
     * detector counts in its documentation (e.g. "failures", "records changed").
     */
    public static ConfigGroup define(
            final ConfigGroup group,
            final String prefix,
            final RateRegression.Parameters defaults,
            final Duration cooldown,
            final String counted) {
        return group.define(
                        prefix + WINDOW_MS,
                        Type.LONG,
                        defaults.window().toMillis(),
                        Range.atLeast(60_000),
                        Importance.MEDIUM,
                        "Detection window after a deploy: a rise of "
                                + counted
                                + " in it is attributed to the deploy.")
                .define(
                        prefix + BASELINE_MS,
                        Type.LONG,
                        defaults.baseline().toMillis(),
                        Range.atLeast(60_000),
                        Importance.MEDIUM,
                        "Baseline span before a deploy.")
                .define(
                        prefix + RESOLVE_WINDOW_MS,
                        Type.LONG,
                        defaults.resolveWindow().toMillis(),
                        Range.atLeast(60_000),
                        Importance.MEDIUM,
                        "Recent span compared with the baseline to auto-resolve.")
                .define(
                        prefix + ALPHA,
                        Type.DOUBLE,
                        defaults.alpha(),
                        Range.between(1e-12, 0.5),
                        Importance.MEDIUM,
                        "Significance level of the one-sided test (re-tested as "
                                + counted
                                + " arrive, so kept strict).")
                .define(
                        prefix + MIN_COUNT,
                        Type.LONG,
                        defaults.minCount(),
                        Range.atLeast(1),
                        Importance.MEDIUM,
                        "Fewest " + counted + " in the compared span that can alert.")
                .define(
                        prefix + MIN_RATIO,
                        Type.DOUBLE,
                        defaults.minRatio(),
                        Range.atLeast(1.0),
                        Importance.MEDIUM,
                        "Smallest ratio (after / before) that alerts.")
                .define(
                        prefix + MIN_BASELINE_MS,
                        Type.LONG,
                        defaults.minBaseline().toMillis(),
                        Range.atLeast(0),
                        Importance.LOW,
                        "Shortest observed baseline for a conclusive test (shorter is INCONCLUSIVE).")
                .define(
                        prefix + COOLDOWN_MS,
                        Type.LONG,
                        cooldown.toMillis(),
                        Range.atLeast(0),
                        Importance.LOW,
                        "Least event time between UPDATED states, and between a resolution and a new episode.")
                .define(
                        prefix + NO_DEPLOY_WINDOW_MS,
                        Type.LONG,
                        defaults.noDeployWindow().toMillis(),
                        Range.atLeast(0),
                        Importance.MEDIUM,
                        "Regressions without a deploy: when no release is in its detection window, the last span this long is compared with "
                                + "the baseline span before it (at alpha divided by the windows in a day - 48 for 30 minutes, at least 10 -, baseline at least twice as long); 0 disables.");
    }

    public static RateRegression.Parameters parameters(
            final AbstractConfig c, final String prefix) {
        return new RateRegression.Parameters(
                c.getDouble(prefix + ALPHA),
                c.getLong(prefix + MIN_COUNT),
                c.getDouble(prefix + MIN_RATIO),
                ms(c, prefix + WINDOW_MS),
                ms(c, prefix + BASELINE_MS),
                ms(c, prefix + RESOLVE_WINDOW_MS),
                ms(c, prefix + MIN_BASELINE_MS),
                ms(c, prefix + NO_DEPLOY_WINDOW_MS));
    }

    public static Duration cooldown(final AbstractConfig c, final String prefix) {
        return ms(c, prefix + COOLDOWN_MS);
    }

    private static Duration ms(final AbstractConfig c, final String key) {
        return Duration.ofMillis(c.getLong(key));
    }
}
