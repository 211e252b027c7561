package io.sfpulse.app;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people type them on a command line or in an API call. Pure. */
public final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {}

    /** {@code 30m}, {@code 90s}, {@code 1h30m}, {@code 500ms}, {@code 2d}, or ISO-8601 ({@code PT30M}). */
    public static Duration parse(final String text) {
        if (text.startsWith("P") || text.startsWith("p")) {
            return Duration.parse(text);
        }
        final Matcher m = PART.matcher(text);
        Duration d = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            final long n = Long.parseLong(m.group(1));
            d =
                    d.plus(
                            switch (m.group(2)) {
                                case "ms" -> Duration.ofMillis(n);
                                case "s" -> Duration.ofSeconds(n);
                                case "m" -> Duration.ofMinutes(n);
                                case "h" -> Duration.ofHours(n);
                                default -> Duration.ofDays(n);
                            });
            end = m.end();
        }
        if (end != text.length() || text.isEmpty()) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a duration (e.g. 30m, 90s, 1h30m)");
        }
        return d;
    }
}
