package io.sfpulse.emulator.org;

import java.time.Instant;

/** A SetupAuditTrail row. */
public record SetupAuditRecord(
        String id,
        String action,
        String section,
        String display,
        String createdByName,
        Instant createdDate) {}
