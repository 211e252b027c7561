package io.sfpulse.sink;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import java.time.Instant;
import java.util.Map;

/** Test alerts. */
final class Alerts {

    private Alerts() {}

    static Alert sample(final String release, final AlertStatus status, final int sequence) {
        final String key = "00D000000000001EAA|" + release + "|post-deploy-failures|failures";
        return Alert.newBuilder()
                .setAlertId(key + "#" + sequence)
                .setDedupKey(key)
                .setStatus(status)
                .setSeverity(Severity.ERROR)
                .setOrgId("00D000000000001EAA")
                .setReleaseId(release)
                .setDetector("post-deploy-failures")
                .setSubject("failures")
                .setSummary("Failures up after deploy " + release)
                .setEvidence(Map.of("pValue", "1e-9"))
                .setWindowStart(Instant.parse("2026-11-20T12:00:00Z"))
                .setWindowEnd(Instant.parse("2026-11-20T12:10:00Z"))
                .setSequence(sequence)
                .setEventTime(Instant.parse("2026-11-20T12:10:00Z"))
                .build();
    }
}
