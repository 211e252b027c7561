package io.sfpulse.emulator.org;

import java.time.Instant;

/** An EventLogFile: one CSV of one event type for one hour (Hourly, Sequence 1..n) or day (Daily, Sequence 0). */
public record EventLogFileRecord(
        String id,
        String eventType,
        String interval,
        Instant logDate,
        int sequence,
        Instant createdDate,
        String csv) {}
