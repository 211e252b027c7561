package io.sfpulse.streams.detector.absence;

import io.sfpulse.schemas.config.ConfigGroup;
import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of the absent-activity detector ({@code detector.absent-activity.*}).
 * @param window             how long after a release a drop of an entry point's activity is attributed to it
 * @param span               the span judged: the last {@code span} of delivered time (or less, right after the release)
 * @param baseline           how far before the release the baseline reaches when history is shorter than {@code seasonalHistory}
 * @param minBaseline        shortest observed baseline for a conclusive call
 * @param seasonalHistory    history before the release from which the baseline is the same time of day on previous days
 * @param seasonalDays       how many previous days that baseline averages at most
 * @param alpha              significance level of the lower-tail test, divided by the org's entry points (Bonferroni)
 * @param minExpected        fewest executions expected in the judged span for silence to prove anything
 * @param minRatio           the rate (and, when the org has other activity, the share of it) must fall to 1/minRatio or lower
 * @param resolveWindow      recent span that must show the entry point running again to resolve
 */
public record AbsenceSettings(Duration window, Duration span, Duration baseline, Duration minBaseline, Duration seasonalHistory,
                              int seasonalDays, double alpha, double minExpected, double minRatio,
                              Duration resolveWindow) {

    public static final String GROUP = "Detector: absent activity";
    private static final String PREFIX = "detector." + AbsenceDetector.NAME + ".";

    public static final String WINDOW_MS_CONFIG = PREFIX + "window.ms";
    private static final String WINDOW_MS_DOC = "How long after a release a drop or silence of an entry point is attributed to it.";
    public static final String SPAN_MS_CONFIG = PREFIX + "span.ms";
    private static final String SPAN_MS_DOC = "Span of delivered time judged each minute: the last span.ms (less right after the release).";
    public static final String BASELINE_MS_CONFIG = PREFIX + "baseline.ms";
    private static final String BASELINE_MS_DOC = "Baseline before the release when the history is shorter than seasonal.history.ms.";
    public static final String MIN_BASELINE_MS_CONFIG = PREFIX + "min.baseline.ms";
    private static final String MIN_BASELINE_MS_DOC = "Shortest observed baseline for a conclusive call.";
    public static final String SEASONAL_HISTORY_MS_CONFIG = PREFIX + "seasonal.history.ms";
    private static final String SEASONAL_HISTORY_MS_DOC =
        "With this much history before the release, the baseline is the same time of day on previous days (a nightly lull is not an absence).";
    public static final String SEASONAL_DAYS_CONFIG = PREFIX + "seasonal.days";
    private static final String SEASONAL_DAYS_DOC = "How many previous days the same-time-of-day baseline averages at most.";
    public static final String ALPHA_CONFIG = PREFIX + "alpha";
    private static final String ALPHA_DOC = "Significance level of the lower-tail rate test, divided by the number of entry points of the org.";
    public static final String MIN_EXPECTED_CONFIG = PREFIX + "min.expected";
    private static final String MIN_EXPECTED_DOC = "Fewest executions expected in the judged span; below it silence proves nothing (INCONCLUSIVE).";
    public static final String MIN_RATIO_CONFIG = PREFIX + "min.ratio";
    private static final String MIN_RATIO_DOC = "The observed rate must be at most expected / min.ratio to alert.";
    public static final String RESOLVE_WINDOW_MS_CONFIG = PREFIX + "resolve.window.ms";
    private static final String RESOLVE_WINDOW_MS_DOC = "Recent span in which the entry point must run again at a normal rate to resolve.";

    public static AbsenceSettings defaults() {
        return new AbsenceSettings(Duration.ofHours(4), Duration.ofMinutes(30), Duration.ofHours(3), Duration.ofHours(1), Duration.ofDays(3), 7,
            0.001, 8, 4, Duration.ofMinutes(20));
    }

    public static ConfigDef define(final ConfigDef def) {
        final AbsenceSettings d = defaults();
        return ConfigGroup.of(def, GROUP)
            .define(WINDOW_MS_CONFIG, Type.LONG, d.window().toMillis(), Range.atLeast(60_000), Importance.MEDIUM, WINDOW_MS_DOC)
            .define(SPAN_MS_CONFIG, Type.LONG, d.span().toMillis(), Range.atLeast(60_000), Importance.MEDIUM, SPAN_MS_DOC)
            .define(BASELINE_MS_CONFIG, Type.LONG, d.baseline().toMillis(), Range.atLeast(60_000), Importance.MEDIUM, BASELINE_MS_DOC)
            .define(MIN_BASELINE_MS_CONFIG, Type.LONG, d.minBaseline().toMillis(), Range.atLeast(0), Importance.LOW, MIN_BASELINE_MS_DOC)
            .define(SEASONAL_HISTORY_MS_CONFIG, Type.LONG, d.seasonalHistory().toMillis(), Range.atLeast(86_400_000L), Importance.LOW,
                SEASONAL_HISTORY_MS_DOC)
            .define(SEASONAL_DAYS_CONFIG, Type.INT, d.seasonalDays(), Range.between(1, 7), Importance.LOW, SEASONAL_DAYS_DOC)
            .define(ALPHA_CONFIG, Type.DOUBLE, d.alpha(), Range.between(1e-12, 0.5), Importance.MEDIUM, ALPHA_DOC)
            .define(MIN_EXPECTED_CONFIG, Type.DOUBLE, d.minExpected(), Range.atLeast(1.0), Importance.MEDIUM, MIN_EXPECTED_DOC)
            .define(MIN_RATIO_CONFIG, Type.DOUBLE, d.minRatio(), Range.atLeast(1.0), Importance.MEDIUM, MIN_RATIO_DOC)
            .define(RESOLVE_WINDOW_MS_CONFIG, Type.LONG, d.resolveWindow().toMillis(), Range.atLeast(60_000), Importance.LOW, RESOLVE_WINDOW_MS_DOC)
            .configDef();
    }

    public static AbsenceSettings from(final AbstractConfig c) {
        return new AbsenceSettings(ms(c, WINDOW_MS_CONFIG), ms(c, SPAN_MS_CONFIG), ms(c, BASELINE_MS_CONFIG), ms(c, MIN_BASELINE_MS_CONFIG),
            ms(c, SEASONAL_HISTORY_MS_CONFIG), c.getInt(SEASONAL_DAYS_CONFIG), c.getDouble(ALPHA_CONFIG), c.getDouble(MIN_EXPECTED_CONFIG),
            c.getDouble(MIN_RATIO_CONFIG), ms(c, RESOLVE_WINDOW_MS_CONFIG));
    }

    private static Duration ms(final AbstractConfig c, final String key) {
        return Duration.ofMillis(c.getLong(key));
    }
}
