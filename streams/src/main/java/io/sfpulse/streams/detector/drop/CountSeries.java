package io.sfpulse.streams.detector.drop;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.MinuteCounts;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The occurrences of one subject of one org (or, as a family total, of all its subjects of one
 * source family): per minute for the recent hours, per hour for the previous days (the
 * same-time-of-day baseline), the channel they come from, and the alert state per release. Stored
 * per (org, subject) in the detector's store (binary); not thread-safe.
 */
@JsonAutoDetect(
        fieldVisibility = Visibility.ANY,
        getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE)
final class CountSeries {

    static final long HOUR_MS = 3_600_000L;

    MinuteCounts minutes = new MinuteCounts();
    TreeMap<Long, Long> hours = new TreeMap<>();

    /** Channel of the subject's signals, e.g. /event/LogEntryEvent__e, elf/FlowExecution or /data/ChangeEvents. */
    String source;

    long lastEventMs = Long.MIN_VALUE;

    /** Delivered time up to which the series was last judged (a span is judged again only when it grew). */
    long judgedThroughMs = Long.MIN_VALUE;

    /** Alert state per release id. */
    Map<String, AlertState> alerts = new LinkedHashMap<>();

    void add(final long t, final long occurrences, final String channel) {
        minutes.add(t, occurrences);
        hours.merge(Math.floorDiv(t, HOUR_MS), occurrences, Long::sum);
        lastEventMs = Math.max(lastEventMs, t);
        if (source == null) {
            source = channel;
        }
    }

    long firstObservedMs() {
        return minutes.firstObservedMs();
    }

    /** Occurrences in [fromMs, toMs), per minute. */
    long count(final long fromMs, final long toMs) {
        return minutes.count(fromMs, toMs);
    }

    /** Occurrences in [fromMs, toMs) from the hourly counts, each hour prorated by how much of it the span covers. */
    double hourlyCount(final long fromMs, final long toMs) {
        double sum = 0;
        for (long h = Math.floorDiv(fromMs, HOUR_MS); h * HOUR_MS < toMs; h++) {
            final long covered = Math.min(toMs, (h + 1) * HOUR_MS) - Math.max(fromMs, h * HOUR_MS);
            if (covered > 0) {
                sum += hours.getOrDefault(h, 0L) * (double) covered / HOUR_MS;
            }
        }
        return sum;
    }

    /** Forgets minutes before {@code minuteHorizonMs} and hours before {@code hourHorizonMs}. */
    void prune(final long minuteHorizonMs, final long hourHorizonMs) {
        minutes.prune(minuteHorizonMs);
        hours.headMap(Math.floorDiv(hourHorizonMs, HOUR_MS)).clear();
    }
}
