package io.sfpulse.ingest.progress;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The org's clock as its responses tell it: the HTTP {@code Date} header (RFC 1123, one-second
 * resolution). Everything the org published a second before the Date of a /meta/connect reply
 * (or a REST answer) has been handed out by then.
 */
public final class ServerDates {

    private ServerDates() {}

    /** The instant of a Date header, or null when absent or unparseable. */
    public static Instant parse(final String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** What a response with this Date proves delivered: a second before it (the header's resolution); null for no Date. */
    public static Instant deliveredThrough(final Instant date) {
        return date == null ? null : date.minusSeconds(1);
    }
}
