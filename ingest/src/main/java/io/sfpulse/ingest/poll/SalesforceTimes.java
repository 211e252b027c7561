package io.sfpulse.ingest.poll;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/** Salesforce date-time strings: {@code 2026-11-20T12:00:00.000+0000}, ISO {@code ...Z}, and EventLogFile's {@code 20130715233322.670}. */
public final class SalesforceTimes {

    private static final DateTimeFormatter SF_OFFSET =
            new java.time.format.DateTimeFormatterBuilder()
                    .appendPattern("yyyy-MM-dd'T'HH:mm:ss")
                    .optionalStart()
                    .appendFraction(java.time.temporal.ChronoField.NANO_OF_SECOND, 0, 9, true)
                    .optionalEnd()
                    .appendPattern("XX")
                    .toFormatter();
    private static final DateTimeFormatter ELF_COMPACT =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss[.SSS]").withZone(java.time.ZoneOffset.UTC);

    private SalesforceTimes() {}

    public static Instant parse(final String s) {
        if (s.endsWith("Z")) {
            return Instant.parse(s);
        }
        if (s.matches("\\d{14}(\\.\\d{1,3})?")) {
            return ELF_COMPACT.parse(s, Instant::from);
        }
        return OffsetDateTime.parse(s, SF_OFFSET).toInstant();
    }
}
