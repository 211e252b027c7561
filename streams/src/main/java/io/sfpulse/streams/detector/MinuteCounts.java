package io.sfpulse.streams.detector;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import java.util.TreeMap;

/**
 * A per-minute count series in event time (failures, deletes of an entity, updates by one user...)
 * and the first instant the org was observed, so a baseline never reaches back before the data
 * did. The one count-series type every detector uses. Stored inside detector state (JSON); not
 * thread-safe.
 */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE, isGetterVisibility = Visibility.NONE)
public final class MinuteCounts {

    public static final long MINUTE_MS = 60_000;

    private TreeMap<Long, Long> perMinute = new TreeMap<>();
    private long firstObservedMs = Long.MAX_VALUE;

    /** The org was watched at {@code t} (moves the start of the observed span back, never forward). */
    public void observe(final long t) {
        firstObservedMs = Math.min(firstObservedMs, t);
    }

    /** The start of the minute {@code ms} falls in. */
    public static long minuteStart(final long ms) {
        return Math.floorDiv(ms, MINUTE_MS) * MINUTE_MS;
    }

    /** The first whole minute at or after {@code ms}. */
    public static long nextMinuteStart(final long ms) {
        return Math.floorDiv(ms + MINUTE_MS - 1, MINUTE_MS) * MINUTE_MS;
    }

    /** Adds {@code n} at event time {@code t}. */
    public void add(final long t, final long n) {
        observe(t);
        perMinute.merge(Math.floorDiv(t, MINUTE_MS), n, Long::sum);
    }

    /** Sum with event time in [fromMs, toMs). */
    public long count(final long fromMs, final long toMs) {
        if (toMs <= fromMs) {
            return 0;
        }
        return perMinute.subMap(Math.floorDiv(fromMs, MINUTE_MS), true, Math.floorDiv(toMs - 1, MINUTE_MS), true)
            .values().stream().mapToLong(Long::longValue).sum();
    }

    /** Count of one minute (by minute index). */
    public long atMinute(final long minute) {
        return perMinute.getOrDefault(minute, 0L);
    }

    /** First observed instant, {@code Long.MAX_VALUE} when never observed. */
    public long firstObservedMs() {
        return firstObservedMs;
    }

    public boolean isEmpty() {
        return perMinute.isEmpty();
    }

    /** Forgets minutes before {@code horizonMs}. */
    public void prune(final long horizonMs) {
        perMinute.headMap(Math.floorDiv(horizonMs, MINUTE_MS)).clear();
    }

    /** The minutes from {@code fromMs} to {@code toMs} (at most the last 300): {@code start=<ms>;step=60000;values=a,b,...}. */
    public String series(final long fromMs, final long toMs) {
        final long lastMinute = Math.floorDiv(toMs - 1, MINUTE_MS);
        final long firstMinute = Math.max(Math.floorDiv(fromMs, MINUTE_MS), lastMinute - 299);
        final StringBuilder values = new StringBuilder();
        for (long m = firstMinute; m <= lastMinute; m++) {
            values.append(m == firstMinute ? "" : ",").append(atMinute(m));
        }
        return "start=" + firstMinute * MINUTE_MS + ";step=" + MINUTE_MS + ";values=" + values;
    }
}
