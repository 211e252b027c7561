package io.sfpulse.sink.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.schemas.alert.Alert;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** The JSON form of an alert shared by the file and webhook channels. */
public final class AlertJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AlertJson() {}

    public static Map<String, Object> toMap(final Alert a) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("alertId", a.getAlertId());
        m.put("dedupKey", a.getDedupKey());
        m.put("status", a.getStatus().name());
        m.put("severity", a.getSeverity().name());
        m.put("orgId", a.getOrgId());
        m.put("releaseId", a.getReleaseId());
        m.put("detector", a.getDetector());
        m.put("subject", a.getSubject());
        m.put("summary", a.getSummary());
        m.put("windowStart", a.getWindowStart().toString());
        m.put("windowEnd", a.getWindowEnd().toString());
        m.put("sequence", a.getSequence());
        m.put("eventTime", a.getEventTime().toString());
        m.put("evidence", new TreeMap<>(a.getEvidence()));
        return m;
    }

    /** The action links offered with an alert state (empty without approval actions). */
    static java.util.List<io.sfpulse.sink.action.ActionLinks.Link> linksOf(
            final io.sfpulse.sink.action.ActionLinks links, final Alert a) {
        return links == null ? java.util.List.of() : links.forAlert(a);
    }

    public static String toJson(final Alert a) {
        try {
            return JSON.writeValueAsString(toMap(a));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot render alert " + a.getAlertId(), e);
        }
    }
}
