package io.sfpulse.streams.detector.failures;

import io.sfpulse.schemas.config.ConfigGroup;
import io.sfpulse.streams.detector.RateRegression;
import io.sfpulse.streams.detector.RateRegressionKeys;
import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of the post-deploy failure detector, with its own configuration group and keys
 * ({@code detector.post-deploy-failures.*}: the rate-test keys of {@link RateRegressionKeys} and
 * the executions guard).
 * @param rate     the rate test, its windows and guards
 * @param cooldown least event time between two UPDATED states of one alert (and before a resolved
 *                 alert may regress again)
 * @param minBaselineExecutions fewest executions the org reported in the baseline (API calls, page
 *                 views, Apex executions) for failures to be judged per execution rather than per hour
 */
public record FailureSettings(
        RateRegression.Parameters rate, Duration cooldown, long minBaselineExecutions) {

    public static final String GROUP = "Detector: post-deploy failures";
    public static final String PREFIX = "detector." + PostDeployFailureDetector.NAME + ".";
    public static final String NO_DEPLOY_WINDOW_MS_CONFIG =
            PREFIX + RateRegressionKeys.NO_DEPLOY_WINDOW_MS;
    public static final String MIN_BASELINE_EXECUTIONS_CONFIG = PREFIX + "min.baseline.executions";
    private static final String MIN_BASELINE_EXECUTIONS_DOC =
            "Where the org reports executions (ApiEventStream calls, Lightning page "
                    + "views, ApexExecution and RestApi rows), failures are judged per execution once the baseline holds at least this many, so a "
                    + "traffic ramp is not a regression; with fewer, per hour.";

    public static FailureSettings defaults() {
        return new FailureSettings(
                new RateRegression.Parameters(
                        0.001,
                        5,
                        2.0,
                        Duration.ofMinutes(60),
                        Duration.ofHours(2),
                        Duration.ofMinutes(10),
                        Duration.ofMinutes(15),
                        Duration.ofMinutes(30)),
                Duration.ofMinutes(5),
                200);
    }

    /** Adds this detector's group to {@code def}. */
    public static ConfigDef define(final ConfigDef def) {
        final FailureSettings d = defaults();
        return RateRegressionKeys.define(
                        ConfigGroup.of(def, GROUP), PREFIX, d.rate(), d.cooldown(), "failures")
                .define(
                        MIN_BASELINE_EXECUTIONS_CONFIG,
                        Type.LONG,
                        d.minBaselineExecutions(),
                        Range.atLeast(1),
                        Importance.LOW,
                        MIN_BASELINE_EXECUTIONS_DOC)
                .configDef();
    }

    public static FailureSettings from(final AbstractConfig c) {
        return new FailureSettings(
                RateRegressionKeys.parameters(c, PREFIX),
                RateRegressionKeys.cooldown(c, PREFIX),
                c.getLong(MIN_BASELINE_EXECUTIONS_CONFIG));
    }
}
