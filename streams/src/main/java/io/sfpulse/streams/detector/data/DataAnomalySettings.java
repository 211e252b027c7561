package io.sfpulse.streams.detector.data;

import io.sfpulse.schemas.config.ConfigGroup;
import io.sfpulse.streams.detector.RateRegression;
import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of the data-anomalies detector ({@code detector.data-anomalies.*}); counts are records changed.
 * @param rate                       the rate test of each anomaly key, its windows and guards
 * @param cooldown                   least event time between UPDATED states (and before a resolved anomaly may regress again)
 * @param minNullRateBaselineUpdates fewest baseline updates of an entity for a conclusive null-rate test
 */
public record DataAnomalySettings(RateRegression.Parameters rate, Duration cooldown, long minNullRateBaselineUpdates) {

    public static final String GROUP = "Detector: data anomalies";
    private static final String PREFIX = "detector." + DataAnomalyDetector.NAME + ".";

    public static final String WINDOW_MS_CONFIG = PREFIX + "window.ms";
    private static final String WINDOW_MS_DOC = "Detection window after a deploy.";
    public static final String BASELINE_MS_CONFIG = PREFIX + "baseline.ms";
    private static final String BASELINE_MS_DOC = "Baseline span before a deploy.";
    public static final String RESOLVE_WINDOW_MS_CONFIG = PREFIX + "resolve.window.ms";
    private static final String RESOLVE_WINDOW_MS_DOC = "Recent span compared with the baseline to auto-resolve.";
    public static final String ALPHA_CONFIG = PREFIX + "alpha";
    private static final String ALPHA_DOC = "Significance level (rate test, and Fisher's exact test for null rates).";
    public static final String MIN_COUNT_CONFIG = PREFIX + "min.count";
    private static final String MIN_COUNT_DOC = "Fewest records changed (or nulled) before an anomaly can alert.";
    public static final String MIN_RATIO_CONFIG = PREFIX + "min.ratio";
    private static final String MIN_RATIO_DOC = "Smallest rate (or null-share) ratio that alerts.";
    public static final String MIN_BASELINE_MS_CONFIG = PREFIX + "min.baseline.ms";
    private static final String MIN_BASELINE_MS_DOC = "Shortest observed baseline for a conclusive test (shorter is INCONCLUSIVE).";
    public static final String COOLDOWN_MS_CONFIG = PREFIX + "cooldown.ms";
    private static final String COOLDOWN_MS_DOC = "Least event time between UPDATED states, and between a resolution and a new episode.";
    public static final String NO_DEPLOY_WINDOW_MS_CONFIG = PREFIX + "no-deploy.window.ms";
    private static final String NO_DEPLOY_WINDOW_MS_DOC = "Anomalies without a deploy: when no release is in its window, the last span "
        + "this long is compared with the baseline span before it (alpha/10); 0 disables.";
    public static final String NULL_RATE_MIN_BASELINE_UPDATES_CONFIG = PREFIX + "null-rate.min.baseline.updates";
    private static final String NULL_RATE_MIN_BASELINE_UPDATES_DOC =
        "Fewest baseline updates of an entity before a null-rate shift of one of its fields can be called.";

    public static DataAnomalySettings defaults() {
        return new DataAnomalySettings(new RateRegression.Parameters(0.001, 20, 3.0, Duration.ofHours(1), Duration.ofHours(2),
            Duration.ofMinutes(10), Duration.ofMinutes(15), Duration.ofMinutes(30)), Duration.ofMinutes(5), 30);
    }

    public static ConfigDef define(final ConfigDef def) {
        final DataAnomalySettings d = defaults();
        final RateRegression.Parameters r = d.rate();
        return ConfigGroup.of(def, GROUP)
            .define(WINDOW_MS_CONFIG, Type.LONG, r.window().toMillis(), Range.atLeast(60_000), Importance.MEDIUM, WINDOW_MS_DOC)
            .define(BASELINE_MS_CONFIG, Type.LONG, r.baseline().toMillis(), Range.atLeast(60_000), Importance.MEDIUM, BASELINE_MS_DOC)
            .define(RESOLVE_WINDOW_MS_CONFIG, Type.LONG, r.resolveWindow().toMillis(), Range.atLeast(60_000), Importance.MEDIUM,
                RESOLVE_WINDOW_MS_DOC)
            .define(ALPHA_CONFIG, Type.DOUBLE, r.alpha(), Range.between(1e-12, 0.5), Importance.MEDIUM, ALPHA_DOC)
            .define(MIN_COUNT_CONFIG, Type.LONG, r.minCount(), Range.atLeast(1), Importance.MEDIUM, MIN_COUNT_DOC)
            .define(MIN_RATIO_CONFIG, Type.DOUBLE, r.minRatio(), Range.atLeast(1.0), Importance.MEDIUM, MIN_RATIO_DOC)
            .define(MIN_BASELINE_MS_CONFIG, Type.LONG, r.minBaseline().toMillis(), Range.atLeast(0), Importance.LOW, MIN_BASELINE_MS_DOC)
            .define(COOLDOWN_MS_CONFIG, Type.LONG, d.cooldown().toMillis(), Range.atLeast(0), Importance.LOW, COOLDOWN_MS_DOC)
            .define(NO_DEPLOY_WINDOW_MS_CONFIG, Type.LONG, r.noDeployWindow().toMillis(), Range.atLeast(0), Importance.MEDIUM,
                NO_DEPLOY_WINDOW_MS_DOC)
            .define(NULL_RATE_MIN_BASELINE_UPDATES_CONFIG, Type.LONG, d.minNullRateBaselineUpdates(), Range.atLeast(1), Importance.LOW,
                NULL_RATE_MIN_BASELINE_UPDATES_DOC)
            .configDef();
    }

    public static DataAnomalySettings from(final AbstractConfig c) {
        return new DataAnomalySettings(new RateRegression.Parameters(c.getDouble(ALPHA_CONFIG), c.getLong(MIN_COUNT_CONFIG),
            c.getDouble(MIN_RATIO_CONFIG), ms(c, WINDOW_MS_CONFIG), ms(c, BASELINE_MS_CONFIG), ms(c, RESOLVE_WINDOW_MS_CONFIG),
            ms(c, MIN_BASELINE_MS_CONFIG), ms(c, NO_DEPLOY_WINDOW_MS_CONFIG)), ms(c, COOLDOWN_MS_CONFIG),
            c.getLong(NULL_RATE_MIN_BASELINE_UPDATES_CONFIG));
    }

    private static Duration ms(final AbstractConfig c, final String key) {
        return Duration.ofMillis(c.getLong(key));
    }
}
