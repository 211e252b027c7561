package io.sfpulse.streams.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Real-Time Event Monitoring threat detections (Salesforce's own machine-learning verdicts, some
 * minutes after the fact): ApiAnomalyEvent, CredentialStuffingEvent, SessionHijackingEvent,
 * ReportAnomalyEvent, LoginAnomalyEvent and GuestUserAnomalyEvent become one OBSERVATION each whose
 * attributes carry the detection ({@code threat.*}: type, Score, Summary, user, source IP, the
 * features of SecurityEventData that contributed most), for the threat-events detector to pass on.
 * A detection without Score or Summary is malformed (dead-lettered, never a silent threat).
 */
final class ThreatEventNormalizer implements SourceNormalizer {

    /** The channels of Salesforce's threat-detection events. */
    static final Set<String> CHANNELS =
            Set.of(
                    "/event/ApiAnomalyEvent",
                    "/event/CredentialStuffingEvent",
                    "/event/SessionHijackingEvent",
                    "/event/ReportAnomalyEvent",
                    "/event/LoginAnomalyEvent",
                    "/event/GuestUserAnomalyEvent");

    /** Most SecurityEventData features kept, by contribution. */
    private static final int FEATURES = 5;

    @Override
    public boolean handles(final String channel, final JsonNode payload) {
        return CHANNELS.contains(channel);
    }

    @Override
    public List<Signal> normalize(final SalesforceEvent event, final JsonNode payload) {
        final String type = event.getChannel().substring("/event/".length());
        if (!payload.path("Score").isNumber() || !payload.path("Summary").isTextual()) {
            throw new SignalNormalizer.MalformedEventException(
                    type
                            + " "
                            + event.getEventUuid()
                            + " of org "
                            + event.getOrgId()
                            + " has no numeric Score or no Summary: not a threat detection"
                            + " Salesforce documents",
                    null);
        }
        final Map<String, String> a = new LinkedHashMap<>();
        a.put(ThreatSignals.TYPE, type);
        a.put(ThreatSignals.SCORE, String.valueOf(payload.get("Score").asDouble()));
        a.put(ThreatSignals.SUMMARY, payload.get("Summary").asText());
        put(a, ThreatSignals.USER, PayloadFields.text(payload, "Username", "UserId"));
        put(a, ThreatSignals.USER_ID, PayloadFields.text(payload, "UserId"));
        put(a, ThreatSignals.SOURCE_IP, PayloadFields.text(payload, "SourceIp", "CurrentIp"));
        put(a, ThreatSignals.EVENT_ID, PayloadFields.text(payload, "EventIdentifier"));
        put(a, ThreatSignals.POLICY_OUTCOME, PayloadFields.text(payload, "PolicyOutcome"));
        put(a, ThreatSignals.FEATURES, features(payload.path("SecurityEventData")));
        return List.of(
                NormalizedSignals.base(event, SignalKind.OBSERVATION, "threat " + type)
                        .setAttributes(a)
                        .build());
    }

    private static void put(final Map<String, String> a, final String key, final String value) {
        if (value != null && !value.isBlank()) {
            a.put(key, value);
        }
    }

    /** The features that contributed most: {@code name=value (contribution), ...}; SecurityEventData is a JSON array, sometimes as a string. */
    private static String features(final JsonNode data) {
        JsonNode array = data;
        if (data.isTextual()) {
            try {
                array = new com.fasterxml.jackson.databind.ObjectMapper().readTree(data.asText());
            } catch (java.io.IOException e) {
                return null;
            }
        }
        if (array == null || !array.isArray()) {
            return null;
        }
        final List<JsonNode> sorted = new java.util.ArrayList<>();
        array.forEach(sorted::add);
        sorted.sort(
                (x, y) ->
                        Double.compare(
                                Math.abs(y.path("featureContribution").asDouble(0)),
                                Math.abs(x.path("featureContribution").asDouble(0))));
        final StringBuilder out = new StringBuilder();
        for (final JsonNode f : sorted.subList(0, Math.min(FEATURES, sorted.size()))) {
            out.append(out.length() == 0 ? "" : ", ")
                    .append(f.path("featureName").asText("?"))
                    .append('=')
                    .append(f.path("featureValue").asText(""))
                    .append(" (")
                    .append(f.path("featureContribution").asText(""))
                    .append(')');
        }
        return out.length() == 0 ? null : out.toString();
    }
}
