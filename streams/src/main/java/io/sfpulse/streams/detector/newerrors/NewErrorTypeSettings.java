package io.sfpulse.streams.detector.newerrors;

import io.sfpulse.schemas.config.ConfigGroup;
import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of the new-error-types detector ({@code detector.new-error-types.*}).
 * @param window      a signature first seen this long after a deploy is attributed to it
 * @param lookback    how far back "never seen before" looks
 * @param minLookback least observed history before the deploy for a conclusive call
 * @param minCount    occurrences under the release before it alerts (and again after a resolution)
 * @param quiet       no occurrence for this long resolves the alert
 */
public record NewErrorTypeSettings(
        Duration window, Duration lookback, Duration minLookback, int minCount, Duration quiet) {

    public static final String GROUP = "Detector: new error types";
    private static final String PREFIX = "detector." + NewErrorTypeDetector.NAME + ".";

    public static final String WINDOW_MS_CONFIG = PREFIX + "window.ms";
    private static final String WINDOW_MS_DOC =
            "A signature first seen up to this long after a deploy is attributed to it.";
    public static final String LOOKBACK_MS_CONFIG = PREFIX + "lookback.ms";
    private static final String LOOKBACK_MS_DOC = "How far back 'never seen before' looks.";
    public static final String MIN_LOOKBACK_MS_CONFIG = PREFIX + "min.lookback.ms";
    private static final String MIN_LOOKBACK_MS_DOC =
            "Least observed history before a deploy for 'new' to be conclusive.";
    public static final String MIN_COUNT_CONFIG = PREFIX + "min.count";
    private static final String MIN_COUNT_DOC =
            "Occurrences before a new signature alerts (and before a resolved one alerts again).";
    public static final String QUIET_MS_CONFIG = PREFIX + "quiet.ms";
    private static final String QUIET_MS_DOC =
            "No occurrence for this long (event time) resolves a new-error alert.";

    public static NewErrorTypeSettings defaults() {
        return new NewErrorTypeSettings(
                Duration.ofHours(24),
                Duration.ofDays(14),
                Duration.ofHours(1),
                3,
                Duration.ofMinutes(30));
    }

    public static ConfigDef define(final ConfigDef def) {
        final NewErrorTypeSettings d = defaults();
        return ConfigGroup.of(def, GROUP)
                .define(
                        WINDOW_MS_CONFIG,
                        Type.LONG,
                        d.window().toMillis(),
                        Range.atLeast(60_000),
                        Importance.MEDIUM,
                        WINDOW_MS_DOC)
                .define(
                        LOOKBACK_MS_CONFIG,
                        Type.LONG,
                        d.lookback().toMillis(),
                        Range.atLeast(60_000),
                        Importance.MEDIUM,
                        LOOKBACK_MS_DOC)
                .define(
                        MIN_LOOKBACK_MS_CONFIG,
                        Type.LONG,
                        d.minLookback().toMillis(),
                        Range.atLeast(0),
                        Importance.LOW,
                        MIN_LOOKBACK_MS_DOC)
                .define(
                        MIN_COUNT_CONFIG,
                        Type.INT,
                        d.minCount(),
                        Range.atLeast(1),
                        Importance.MEDIUM,
                        MIN_COUNT_DOC)
                .define(
                        QUIET_MS_CONFIG,
                        Type.LONG,
                        d.quiet().toMillis(),
                        Range.atLeast(60_000),
                        Importance.LOW,
                        QUIET_MS_DOC)
                .configDef();
    }

    public static NewErrorTypeSettings from(final AbstractConfig c) {
        return new NewErrorTypeSettings(
                Duration.ofMillis(c.getLong(WINDOW_MS_CONFIG)),
                Duration.ofMillis(c.getLong(LOOKBACK_MS_CONFIG)),
                Duration.ofMillis(c.getLong(MIN_LOOKBACK_MS_CONFIG)),
                c.getInt(MIN_COUNT_CONFIG),
                Duration.ofMillis(c.getLong(QUIET_MS_CONFIG)));
    }
}
