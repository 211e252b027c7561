package io.sfpulse.streams.detector.threats;

import io.sfpulse.schemas.config.ConfigGroup;
import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of the threat-events detector ({@code detector.threat-events.*}).
 *
 * @param minScore detections scored below this are logged, not alerted
 * @param criticalScore detections scored at least this are CRITICAL (else ERROR)
 * @param quiet no further detection of the same kind for the same user this long resolves the alert
 */
public record ThreatSettings(double minScore, double criticalScore, Duration quiet) {

    public static final String GROUP = "Detector: threat events";
    private static final String PREFIX = "detector." + ThreatEventsDetector.NAME + ".";

    public static final String MIN_SCORE_CONFIG = PREFIX + "min.score";
    private static final String MIN_SCORE_DOC =
            "Detections Salesforce scored below this (Score, 0-1) are logged, not alerted.";
    public static final String CRITICAL_SCORE_CONFIG = PREFIX + "critical.score";
    private static final String CRITICAL_SCORE_DOC =
            "Detections scored at least this are CRITICAL alerts, the others ERROR.";
    public static final String QUIET_MS_CONFIG = PREFIX + "quiet.ms";
    private static final String QUIET_MS_DOC =
            "No further detection of the same kind for the same user for this long (event time) resolves its alert.";

    public static ThreatSettings defaults() {
        return new ThreatSettings(0.0, 0.9, Duration.ofHours(24));
    }

    public static ConfigDef define(final ConfigDef def) {
        final ThreatSettings d = defaults();
        return ConfigGroup.of(def, GROUP)
                .define(
                        MIN_SCORE_CONFIG,
                        Type.DOUBLE,
                        d.minScore(),
                        Range.between(0.0, 1.0),
                        Importance.MEDIUM,
                        MIN_SCORE_DOC)
                .define(
                        CRITICAL_SCORE_CONFIG,
                        Type.DOUBLE,
                        d.criticalScore(),
                        Range.between(0.0, 1.0),
                        Importance.LOW,
                        CRITICAL_SCORE_DOC)
                .define(
                        QUIET_MS_CONFIG,
                        Type.LONG,
                        d.quiet().toMillis(),
                        Range.atLeast(60_000),
                        Importance.LOW,
                        QUIET_MS_DOC)
                .configDef();
    }

    public static ThreatSettings from(final AbstractConfig c) {
        return new ThreatSettings(
                c.getDouble(MIN_SCORE_CONFIG),
                c.getDouble(CRITICAL_SCORE_CONFIG),
                Duration.ofMillis(c.getLong(QUIET_MS_CONFIG)));
    }
}
