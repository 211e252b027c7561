package io.sfpulse.streams.detector.drop;

import io.sfpulse.schemas.config.ConfigGroup;
import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of a drop detector ({@code detector.<name>.*}: every drop detector has its own keys and
 * defaults, defined by {@link #define} with its name).
 * @param window             how long after a release a drop of a subject's occurrences is attributed to it
 * @param span               the span judged: the last {@code span} of delivered time (or less, right after the release)
 * @param baseline           how far before the release the baseline reaches when history is shorter than {@code seasonalHistory}
 * @param minBaseline        shortest observed baseline for a conclusive call
 * @param seasonalHistory    history before the release from which the baseline is the same time of day on previous days
 * @param seasonalDays       how many previous days that baseline averages at most
 * @param alpha              significance level of the lower-tail test, divided by the org's subjects (Bonferroni)
 * @param minExpected        fewest occurrences expected in the judged span for silence to prove anything
 * @param minRatio           the rate (and, when the org has other activity, the share of it) must fall to 1/minRatio or lower
 * @param resolveWindow      recent span that must show the subject back at a normal rate to resolve
 */
public record DropSettings(
        Duration window,
        Duration span,
        Duration baseline,
        Duration minBaseline,
        Duration seasonalHistory,
        int seasonalDays,
        double alpha,
        double minExpected,
        double minRatio,
        Duration resolveWindow) {

    public static final String WINDOW_MS = "window.ms";
    public static final String SPAN_MS = "span.ms";
    public static final String BASELINE_MS = "baseline.ms";
    public static final String MIN_BASELINE_MS = "min.baseline.ms";
    public static final String SEASONAL_HISTORY_MS = "seasonal.history.ms";
    public static final String SEASONAL_DAYS = "seasonal.days";
    public static final String ALPHA = "alpha";
    public static final String MIN_EXPECTED = "min.expected";
    public static final String MIN_RATIO = "min.ratio";
    public static final String RESOLVE_WINDOW_MS = "resolve.window.ms";

    /** The full key of setting {@code suffix} (one of the constants above) of detector {@code detectorName}. */
    public static String key(final String detectorName, final String suffix) {
        return "detector." + detectorName + "." + suffix;
    }

    /**
     * Adds detector {@code name}'s group to {@code def}, with its defaults; {@code what} names its
     * occurrences in the docs (e.g. "executions of an entry point").
     */
    public static ConfigDef define(
            final ConfigDef def,
            final String name,
            final String group,
            final String what,
            final DropSettings d) {
        return ConfigGroup.of(def, group)
                .define(
                        key(name, WINDOW_MS),
                        Type.LONG,
                        d.window().toMillis(),
                        Range.atLeast(60_000),
                        Importance.MEDIUM,
                        "How long after a release a drop or silence of "
                                + what
                                + " is attributed to it.")
                .define(
                        key(name, SPAN_MS),
                        Type.LONG,
                        d.span().toMillis(),
                        Range.atLeast(60_000),
                        Importance.MEDIUM,
                        "Span of delivered time judged at each look (every five minutes of the window): the last span.ms (less right after the release).")
                .define(
                        key(name, BASELINE_MS),
                        Type.LONG,
                        d.baseline().toMillis(),
                        Range.atLeast(60_000),
                        Importance.MEDIUM,
                        "Baseline before the release when the history is shorter than seasonal.history.ms.")
                .define(
                        key(name, MIN_BASELINE_MS),
                        Type.LONG,
                        d.minBaseline().toMillis(),
                        Range.atLeast(0),
                        Importance.LOW,
                        "Shortest observed baseline for a conclusive call.")
                .define(
                        key(name, SEASONAL_HISTORY_MS),
                        Type.LONG,
                        d.seasonalHistory().toMillis(),
                        Range.atLeast(86_400_000L),
                        Importance.LOW,
                        "With this much history before the release, the baseline is the same time of day on previous days (a nightly lull is not a drop).")
                .define(
                        key(name, SEASONAL_DAYS),
                        Type.INT,
                        d.seasonalDays(),
                        Range.between(1, 7),
                        Importance.LOW,
                        "How many previous days the same-time-of-day baseline averages at most.")
                .define(
                        key(name, ALPHA),
                        Type.DOUBLE,
                        d.alpha(),
                        Range.between(1e-12, 0.5),
                        Importance.MEDIUM,
                        "Significance level of the lower-tail rate test and of the share test, divided by the number of subjects of the org and by the "
                                + "looks of the window (one every five minutes).")
                .define(
                        key(name, MIN_EXPECTED),
                        Type.DOUBLE,
                        d.minExpected(),
                        Range.atLeast(1.0),
                        Importance.MEDIUM,
                        "Fewest "
                                + what
                                + " expected in the judged span; below it silence proves nothing (INCONCLUSIVE).")
                .define(
                        key(name, MIN_RATIO),
                        Type.DOUBLE,
                        d.minRatio(),
                        Range.atLeast(1.0),
                        Importance.MEDIUM,
                        "The observed rate must be at most expected / min.ratio to alert.")
                .define(
                        key(name, RESOLVE_WINDOW_MS),
                        Type.LONG,
                        d.resolveWindow().toMillis(),
                        Range.atLeast(60_000),
                        Importance.LOW,
                        "Recent span in which "
                                + what
                                + " must be back at a normal rate to resolve.")
                .configDef();
    }

    /** Detector {@code name}'s settings from a configuration its group was defined in. */
    public static DropSettings from(final AbstractConfig c, final String name) {
        return new DropSettings(
                ms(c, key(name, WINDOW_MS)),
                ms(c, key(name, SPAN_MS)),
                ms(c, key(name, BASELINE_MS)),
                ms(c, key(name, MIN_BASELINE_MS)),
                ms(c, key(name, SEASONAL_HISTORY_MS)),
                c.getInt(key(name, SEASONAL_DAYS)),
                c.getDouble(key(name, ALPHA)),
                c.getDouble(key(name, MIN_EXPECTED)),
                c.getDouble(key(name, MIN_RATIO)),
                ms(c, key(name, RESOLVE_WINDOW_MS)));
    }

    private static Duration ms(final AbstractConfig c, final String key) {
        return Duration.ofMillis(c.getLong(key));
    }
}
