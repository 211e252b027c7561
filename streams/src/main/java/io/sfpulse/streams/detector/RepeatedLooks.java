package io.sfpulse.streams.detector;

import java.time.Duration;

/**
 * The significance level of one look when a detector re-tests a sliding span once a minute of event
 * time: after a release, every minute of its window; without a deploy, every minute of the day. The
 * looks overlap, so their false alarms add up far faster than those of disjoint windows (a scan
 * statistic); dividing alpha by the minutes looked over (Bonferroni, conservative for overlapping
 * spans) keeps the chance of a false alarm over the whole window, or over a day, at most alpha.
 * Pure.
 */
public final class RepeatedLooks {

    private RepeatedLooks() {
    }

    /** How many distinct spans a once-a-minute test looks at over {@code lookedOver} (at least 1). */
    public static double over(final Duration lookedOver) {
        return Math.max(1, lookedOver.toMillis() / (double) MinuteCounts.MINUTE_MS);
    }

    /** Alpha spent evenly over the once-a-minute looks of {@code lookedOver}. */
    public static double level(final double alpha, final Duration lookedOver) {
        return alpha / over(lookedOver);
    }
}
