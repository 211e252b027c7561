package io.sfpulse.emulator.org;

import java.time.Instant;
import java.util.List;

/** A Metadata API deployment as the Tooling API's DeployRequest object reports it. */
public record DeployRequestRecord(
        String id,
        String status,
        boolean checkOnly,
        Instant startDate,
        Instant completedDate,
        String createdByName,
        List<String> components,
        int componentErrors) {}
