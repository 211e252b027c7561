package io.sfpulse.streams.detector;

import java.time.Instant;
import java.util.Locale;

/** How alert evidence writes what every detector shows: time windows and shares. Pure. */
public final class EvidenceFormat {

    private EvidenceFormat() {}

    /** A window of event time, {@code 2026-11-20T10:00:00Z/2026-11-20T10:30:00Z}. */
    public static String window(final long fromMs, final long toMs) {
        return Instant.ofEpochMilli(fromMs) + "/" + Instant.ofEpochMilli(toMs);
    }

    /** A share (0..1) as a percentage with one decimal, {@code 25.0%}. */
    public static String pct(final double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }
}
