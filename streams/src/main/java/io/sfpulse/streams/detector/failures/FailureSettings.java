package io.sfpulse.streams.detector.failures;

import io.sfpulse.schemas.config.ConfigGroup;
import io.sfpulse.streams.detector.RateRegression;
import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of the post-deploy failure detector, with its own configuration group and keys
 * ({@code detector.post-deploy-failures.*}).
 * @param rate     the rate test, its windows and guards
 * @param cooldown least event time between two UPDATED states of one alert (and before a resolved
 *                 alert may regress again)
 * @param minBaselineExecutions fewest executions the org reported in the baseline (API calls, page
 *                 views, Apex executions) for failures to be judged per execution rather than per hour
 */
public record FailureSettings(RateRegression.Parameters rate, Duration cooldown, long minBaselineExecutions) {

    public static final String GROUP = "Detector: post-deploy failures";
    private static final String PREFIX = "detector." + PostDeployFailureDetector.NAME + ".";

    public static final String WINDOW_MS_CONFIG = PREFIX + "window.ms";
    private static final String WINDOW_MS_DOC = "Detection window after a deploy: an increase in it is attributed to the deploy.";
    public static final String BASELINE_MS_CONFIG = PREFIX + "baseline.ms";
    private static final String BASELINE_MS_DOC = "Baseline span before a deploy.";
    public static final String RESOLVE_WINDOW_MS_CONFIG = PREFIX + "resolve.window.ms";
    private static final String RESOLVE_WINDOW_MS_DOC = "Recent span compared with the baseline to auto-resolve.";
    public static final String ALPHA_CONFIG = PREFIX + "alpha";
    private static final String ALPHA_DOC = "Significance level (re-tested on every failure, so kept strict).";
    public static final String MIN_COUNT_CONFIG = PREFIX + "min.count";
    private static final String MIN_COUNT_DOC = "Fewest failures in the compared span that can trigger.";
    public static final String MIN_RATIO_CONFIG = PREFIX + "min.ratio";
    private static final String MIN_RATIO_DOC = "Smallest rate ratio (after / before) that triggers.";
    public static final String MIN_BASELINE_MS_CONFIG = PREFIX + "min.baseline.ms";
    private static final String MIN_BASELINE_MS_DOC = "Shortest observed baseline for a conclusive test (shorter is INCONCLUSIVE).";
    public static final String COOLDOWN_MS_CONFIG = PREFIX + "cooldown.ms";
    private static final String COOLDOWN_MS_DOC = "Least event time between UPDATED states, and between a resolution and a new episode.";
    public static final String NO_DEPLOY_WINDOW_MS_CONFIG = PREFIX + "no-deploy.window.ms";
    private static final String NO_DEPLOY_WINDOW_MS_DOC = "Regressions without a deploy: when no release is in its detection window, the "
        + "last span this long is compared with the baseline span before it (alpha/10, baseline at least twice as long); 0 disables.";

    public static final String MIN_BASELINE_EXECUTIONS_CONFIG = PREFIX + "min.baseline.executions";
    private static final String MIN_BASELINE_EXECUTIONS_DOC = "Where the org reports executions (ApiEventStream calls, Lightning page "
        + "views, ApexExecution and RestApi rows), failures are judged per execution once the baseline holds at least this many, so a "
        + "traffic ramp is not a regression; with fewer, per hour.";

    public static FailureSettings defaults() {
        return new FailureSettings(new RateRegression.Parameters(0.001, 5, 2.0, Duration.ofMinutes(60), Duration.ofHours(2),
            Duration.ofMinutes(10), Duration.ofMinutes(15), Duration.ofMinutes(30)), Duration.ofMinutes(5), 200);
    }

    /** Adds this detector's group to {@code def}. */
    public static ConfigDef define(final ConfigDef def) {
        final FailureSettings d = defaults();
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
            .define(MIN_BASELINE_EXECUTIONS_CONFIG, Type.LONG, d.minBaselineExecutions(), Range.atLeast(1), Importance.LOW,
                MIN_BASELINE_EXECUTIONS_DOC)
            .configDef();
    }

    public static FailureSettings from(final AbstractConfig c) {
        return new FailureSettings(new RateRegression.Parameters(c.getDouble(ALPHA_CONFIG), c.getLong(MIN_COUNT_CONFIG),
            c.getDouble(MIN_RATIO_CONFIG), ms(c, WINDOW_MS_CONFIG), ms(c, BASELINE_MS_CONFIG), ms(c, RESOLVE_WINDOW_MS_CONFIG),
            ms(c, MIN_BASELINE_MS_CONFIG), ms(c, NO_DEPLOY_WINDOW_MS_CONFIG)), ms(c, COOLDOWN_MS_CONFIG), c.getLong(MIN_BASELINE_EXECUTIONS_CONFIG));
    }

    private static Duration ms(final AbstractConfig c, final String key) {
        return Duration.ofMillis(c.getLong(key));
    }
}
