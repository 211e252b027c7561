package io.sfpulse.streams.detector.threats;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import io.sfpulse.streams.detector.AlertState;

/**
 * The detections of one kind for one user of one org (its store key): how many, when, the highest
 * score, the latest summary and details, and the alert they raised. Plain data in the detector's
 * binary state store; not thread-safe.
 */
@JsonAutoDetect(
        fieldVisibility = Visibility.ANY,
        getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE)
final class ThreatHistory {

    int detections;
    long firstMs = Long.MAX_VALUE;
    long lastMs = Long.MIN_VALUE;
    double maxScore;
    double lastScore;
    String summary;
    String sourceIp;
    String userId;
    String features;
    String eventIdentifier;
    String policyOutcome;
    AlertState alert;
}
