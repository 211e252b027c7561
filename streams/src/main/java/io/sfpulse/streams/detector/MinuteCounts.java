package io.sfpulse.streams.detector;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A per-minute count series in event time (failures, deletes of an entity, updates by one user...)
 * and the first instant the org was observed, so a baseline never reaches back before the data
 * did. The one count-series type every detector uses. Stored inside detector state as
 * {@code {"first": ms, "minutes": [minute, count, gap, count, ...]}} (each minute as the gap from
 * the one before, so Smile writes a series as a run of small numbers with no field name per
 * minute); not thread-safe.
 */
@JsonSerialize(using = MinuteCounts.Writer.class)
@JsonDeserialize(using = MinuteCounts.Reader.class)
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
        return perMinute
                .subMap(
                        Math.floorDiv(fromMs, MINUTE_MS),
                        true,
                        Math.floorDiv(toMs - 1, MINUTE_MS),
                        true)
                .values()
                .stream()
                .mapToLong(Long::longValue)
                .sum();
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

    /** Writes the series as its first-observed instant and the gap-encoded minutes with their counts. */
    static final class Writer extends StdSerializer<MinuteCounts> {
        Writer() {
            super(MinuteCounts.class);
        }

        @Override
        public void serialize(
                final MinuteCounts c, final JsonGenerator g, final SerializerProvider provider)
                throws IOException {
            g.writeStartObject();
            g.writeNumberField("first", c.firstObservedMs);
            g.writeFieldName("minutes");
            g.writeStartArray();
            long previous = 0;
            for (final Map.Entry<Long, Long> e : c.perMinute.entrySet()) {
                g.writeNumber(e.getKey() - previous);
                g.writeNumber(e.getValue());
                previous = e.getKey();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /** Reads what {@link Writer} wrote, and the earlier field-per-minute shape ({@code perMinute}, {@code firstObservedMs}). */
    static final class Reader extends StdDeserializer<MinuteCounts> {
        Reader() {
            super(MinuteCounts.class);
        }

        @Override
        public MinuteCounts deserialize(final JsonParser p, final DeserializationContext ctx)
                throws IOException {
            final MinuteCounts c = new MinuteCounts();
            for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
                final JsonToken value = p.nextToken();
                switch (field) {
                    case "first", "firstObservedMs" -> c.firstObservedMs = p.getLongValue();
                    case "minutes" -> {
                        long minute = 0;
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            minute += p.getLongValue();
                            p.nextToken();
                            c.perMinute.put(minute, p.getLongValue());
                        }
                    }
                    case "perMinute" -> {
                        for (String m = p.nextFieldName(); m != null; m = p.nextFieldName()) {
                            p.nextToken();
                            c.perMinute.put(Long.parseLong(m), p.getLongValue());
                        }
                    }
                    default -> {
                        if (value.isStructStart()) {
                            p.skipChildren();
                        }
                    }
                }
            }
            return c;
        }
    }
}
