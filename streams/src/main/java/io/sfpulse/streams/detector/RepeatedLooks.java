package io.sfpulse.streams.detector;

import java.time.Duration;
import java.util.Locale;

/**
 * The significance level of one look when a detector re-tests a sliding span over and over in
 * event time: after a release, once every {@link #RELEASE_LOOK} of its window; without a deploy,
 * every minute of the day. The looks overlap, so their false alarms add up far faster than those of
 * disjoint windows (a scan statistic); dividing alpha by the looks taken (Bonferroni, conservative
 * for overlapping spans) keeps the chance of a false alarm over the whole window, or over a day, at
 * most alpha. Fewer looks cost less alpha each: the release-window detectors (value shift, shares,
 * drops) look every five minutes, 48 looks over a 4-hour window, at most five minutes later than
 * a look every minute would, and at a level five times less strict. Pure.
 */
public final class RepeatedLooks {

    /** How often the release-window detectors judge: a look every five minutes of event time. */
    public static final Duration RELEASE_LOOK = Duration.ofMinutes(5);

    private RepeatedLooks() {}

    /** How many distinct spans a once-a-minute test looks at over {@code lookedOver} (at least 1). */
    public static double over(final Duration lookedOver) {
        return over(lookedOver, Duration.ofMillis(MinuteCounts.MINUTE_MS));
    }

    /** How many looks a test taken every {@code every} takes over {@code lookedOver} (at least 1). */
    public static double over(final Duration lookedOver, final Duration every) {
        return Math.max(1, Math.ceil(lookedOver.toMillis() / (double) every.toMillis()));
    }

    /** Alpha spent evenly over the once-a-minute looks of {@code lookedOver}. */
    public static double level(final double alpha, final Duration lookedOver) {
        return alpha / over(lookedOver);
    }

    /** Alpha spent evenly over the looks, one every {@link #RELEASE_LOOK}, of a release window. */
    public static double releaseLevel(final double alpha, final Duration window) {
        return alpha / over(window, RELEASE_LOOK);
    }

    /**
     * The evidence that says how a release-window detector's alpha was spent, e.g. {@code 48 looks over the
     * release window, one every 5 min (alpha 0.001 over 6 fields, spent evenly)}; {@code alpha} says what
     * was divided before the looks.
     */
    public static String releaseLooksEvidence(final Duration window, final String alpha) {
        return String.format(
                Locale.ROOT,
                "%.0f looks over the release window, one every %d min (alpha %s, spent evenly)",
                over(window, RELEASE_LOOK),
                RELEASE_LOOK.toMinutes(),
                alpha);
    }

    /** The look a test every {@link #RELEASE_LOOK} takes at event time {@code t} (looks on a fixed grid of event time). */
    public static long releaseLook(final long t) {
        return Math.floorDiv(t, RELEASE_LOOK.toMillis());
    }
}
