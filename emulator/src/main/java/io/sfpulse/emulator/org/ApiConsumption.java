package io.sfpulse.emulator.org;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * API requests the org's integrations make besides sfpulse's own (which the REST endpoints count),
 * as rates per hour of org time from given instants: what {@code /limits} reports as used is the
 * requests of the last 24 hours (Salesforce's daily allocation is a rolling 24-hour window), so a
 * deploy that triples an integration's traffic shows as usage that climbs until it runs out.
 * Thread-safe.
 */
final class ApiConsumption {

    private static final Duration WINDOW = Duration.ofDays(1);

    /** From {@code from} on, {@code perHour} requests per hour (until the next segment). */
    private record Segment(Instant from, double perHour) {}

    private final List<Segment> segments = new ArrayList<>();

    synchronized void rate(final Instant from, final double perHour) {
        segments.removeIf(s -> !s.from().isBefore(from));
        segments.add(new Segment(from, perHour));
    }

    /** Requests made in the 24 hours up to {@code now}. */
    synchronized long usedInWindow(final Instant now) {
        final long start = now.minus(WINDOW).toEpochMilli();
        final long end = now.toEpochMilli();
        double used = 0;
        for (int i = 0; i < segments.size(); i++) {
            final long from = Math.max(start, segments.get(i).from().toEpochMilli());
            final long to =
                    Math.min(
                            end,
                            i + 1 < segments.size()
                                    ? segments.get(i + 1).from().toEpochMilli()
                                    : Long.MAX_VALUE);
            if (to > from) {
                used += segments.get(i).perHour() * (to - from) / 3_600_000.0;
            }
        }
        return Math.round(used);
    }
}
