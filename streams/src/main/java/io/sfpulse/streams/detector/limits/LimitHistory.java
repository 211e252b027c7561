package io.sfpulse.streams.detector.limits;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import io.sfpulse.streams.detector.AlertState;
import java.util.Arrays;

/**
 * The snapshots of one limit of one org (its store key): when, how much was used, the latest Max and
 * Remaining, and the alert the forecast raised. Snapshots are kept in time order for a day and the
 * recent span (the same time yesterday is a baseline); plain data in the detector's binary state
 * store; not thread-safe.
 */
@JsonAutoDetect(
        fieldVisibility = Visibility.ANY,
        getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE)
final class LimitHistory {

    long[] times = new long[0];
    long[] used = new long[0];
    long max;
    long remaining;
    long lastMs = Long.MIN_VALUE;
    AlertState alert;

    /** Conclusive snapshots in a row without a forecast exhaustion, while the alert is open. */
    int clearLooks;

    /** Hours to exhaustion last reported (an UPDATED when it halves). */
    double reportedHours = Double.NaN;

    boolean reportedExhausted;

    /** Adds a snapshot; one at or before the last is a redelivery or late, and ignored. */
    boolean add(final long t, final long usedNow, final long maxNow, final long remainingNow) {
        if (t <= lastMs) {
            return false;
        }
        times = Arrays.copyOf(times, times.length + 1);
        used = Arrays.copyOf(used, used.length + 1);
        times[times.length - 1] = t;
        used[used.length - 1] = usedNow;
        max = maxNow;
        remaining = remainingNow;
        lastMs = t;
        return true;
    }

    /** Forgets snapshots older than {@code horizonMs}. */
    void prune(final long horizonMs) {
        int from = 0;
        while (from < times.length && times[from] < horizonMs) {
            from++;
        }
        if (from > 0) {
            times = Arrays.copyOfRange(times, from, times.length);
            used = Arrays.copyOfRange(used, from, used.length);
        }
    }
}
