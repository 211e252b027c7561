package io.sfpulse.streams.detector.data;

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
 * Settings of the data-anomalies detector ({@code detector.data-anomalies.*}: its own rate-test keys
 * of {@link RateRegressionKeys} and the null-rate guard); counts are records changed.
 * @param rate                       the rate test of each anomaly key, its windows and guards
 * @param cooldown                   least event time between UPDATED states (and before a resolved anomaly may regress again)
 * @param minNullRateBaselineUpdates fewest baseline updates of an entity for a conclusive null-rate test
 */
public record DataAnomalySettings(
        RateRegression.Parameters rate, Duration cooldown, long minNullRateBaselineUpdates) {

    public static final String GROUP = "Detector: data anomalies";
    public static final String PREFIX = "detector." + DataAnomalyDetector.NAME + ".";
    public static final String NULL_RATE_MIN_BASELINE_UPDATES_CONFIG =
            PREFIX + "null-rate.min.baseline.updates";
    private static final String NULL_RATE_MIN_BASELINE_UPDATES_DOC =
            "Fewest baseline updates of an entity before a null-rate shift of one of its fields can be called.";

    public static DataAnomalySettings defaults() {
        return new DataAnomalySettings(
                new RateRegression.Parameters(
                        0.001,
                        20,
                        3.0,
                        Duration.ofHours(1),
                        Duration.ofHours(2),
                        Duration.ofMinutes(10),
                        Duration.ofMinutes(15),
                        Duration.ofMinutes(30)),
                Duration.ofMinutes(5),
                30);
    }

    public static ConfigDef define(final ConfigDef def) {
        final DataAnomalySettings d = defaults();
        return RateRegressionKeys.define(
                        ConfigGroup.of(def, GROUP),
                        PREFIX,
                        d.rate(),
                        d.cooldown(),
                        "records changed (or nulled)")
                .define(
                        NULL_RATE_MIN_BASELINE_UPDATES_CONFIG,
                        Type.LONG,
                        d.minNullRateBaselineUpdates(),
                        Range.atLeast(1),
                        Importance.LOW,
                        NULL_RATE_MIN_BASELINE_UPDATES_DOC)
                .configDef();
    }

    public static DataAnomalySettings from(final AbstractConfig c) {
        return new DataAnomalySettings(
                RateRegressionKeys.parameters(c, PREFIX),
                RateRegressionKeys.cooldown(c, PREFIX),
                c.getLong(NULL_RATE_MIN_BASELINE_UPDATES_CONFIG));
    }
}
