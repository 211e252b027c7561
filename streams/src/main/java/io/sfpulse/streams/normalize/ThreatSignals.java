package io.sfpulse.streams.normalize;

import io.sfpulse.schemas.signal.Signal;

/** The attributes of a threat-detection signal ({@link ThreatEventNormalizer}), by name. */
public final class ThreatSignals {

    public static final String TYPE = "threat.type";
    public static final String SCORE = "threat.score";
    public static final String SUMMARY = "threat.summary";
    public static final String USER = "threat.user";
    public static final String USER_ID = "threat.userId";
    public static final String SOURCE_IP = "threat.sourceIp";
    public static final String EVENT_ID = "threat.eventIdentifier";
    public static final String POLICY_OUTCOME = "threat.policyOutcome";
    public static final String FEATURES = "threat.features";

    private ThreatSignals() {}

    /** Whether {@code s} is a threat detection. */
    public static boolean isThreat(final Signal s) {
        return s.getAttributes() != null && s.getAttributes().containsKey(TYPE);
    }
}
