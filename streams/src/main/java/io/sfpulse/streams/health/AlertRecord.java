package io.sfpulse.streams.health;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import java.util.HashMap;
import java.util.Map;

/**
 * The history of one alert (one dedup key) as the release-health view needs it: its latest state
 * and evidence, when it was first triggered and when it resolved (for mean time to restore).
 * Plain data kept in binary ({@link io.sfpulse.streams.state.StateSerde}) in {@code alert-history-store}; not thread-safe.
 */
public final class AlertRecord {

    public String dedupKey;
    public String orgId;
    public String releaseId;
    public String detector;
    public String subject;
    public String severity;
    public String status;
    public String summary;
    public String trigger;
    public Map<String, String> evidence = new HashMap<>();
    public long triggeredAtMs = -1;
    public long resolvedAtMs = -1;
    public long lastUpdateMs;
    public int states;

    /** Folds one alert state into the history. */
    public AlertRecord apply(final Alert a) {
        dedupKey = a.getDedupKey();
        orgId = a.getOrgId();
        releaseId = a.getReleaseId();
        detector = a.getDetector();
        subject = a.getSubject();
        severity = a.getSeverity().name();
        status = a.getStatus().name();
        summary = a.getSummary();
        evidence = new HashMap<>(a.getEvidence());
        trigger = evidence.getOrDefault("trigger", "deploy");
        final long t = a.getEventTime().toEpochMilli();
        if (a.getStatus() == AlertStatus.TRIGGERED && triggeredAtMs < 0) {
            triggeredAtMs = t;
        }
        resolvedAtMs = a.getStatus() == AlertStatus.RESOLVED ? t : -1;
        lastUpdateMs = Math.max(lastUpdateMs, t);
        states++;
        return this;
    }

    public boolean open() {
        return !"RESOLVED".equals(status);
    }
}
