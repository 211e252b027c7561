package io.sfpulse.sink.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.sink.action.ActionLinks;
import io.sfpulse.sink.chart.AlertChart;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Microsoft Teams via a Workflows ("When a Teams webhook request is received") URL: a message
 * with one Adaptive Card (title, facts, evidence, chart image). Office 365 connectors are retired.
 */
public final class TeamsChannel implements AlertChannel {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI url;
    private final AlertChart charts;
    private final ActionLinks links;
    private final HttpJsonPoster poster = new HttpJsonPoster();

    /** @param links signer of action links offered as card actions, or null */
    public TeamsChannel(
            final String workflowUrl, final AlertChart charts, final ActionLinks links) {
        this.links = links;
        this.url = URI.create(workflowUrl);
        this.charts = charts;
    }

    @Override
    public String name() {
        return "teams";
    }

    @Override
    public DeliveryResult deliver(final Alert alert) {
        try {
            return poster.post(url, JSON.writeValueAsString(message(alert)), Map.of());
        } catch (JsonProcessingException e) {
            return new DeliveryResult.Permanent(0, "Cannot render Teams card: " + e.getMessage());
        }
    }

    Map<String, Object> message(final Alert a) {
        final List<Object> body = new ArrayList<>();
        body.add(
                Map.of(
                        "type",
                        "TextBlock",
                        "size",
                        "Large",
                        "weight",
                        "Bolder",
                        "wrap",
                        true,
                        "color",
                        a.getStatus() == AlertStatus.RESOLVED ? "Good" : "Attention",
                        "text",
                        a.getStatus() + " " + a.getSeverity() + ": " + a.getSummary()));
        final List<Object> facts = new ArrayList<>();
        facts.add(fact("Org", a.getOrgId()));
        facts.add(fact("Release", a.getReleaseId() == null ? "none" : a.getReleaseId()));
        facts.add(fact("Detector", a.getDetector()));
        facts.add(fact("Window", a.getWindowStart() + " – " + a.getWindowEnd()));
        facts.add(fact("Dedup key", a.getDedupKey()));
        new TreeMap<>(a.getEvidence()).forEach((k, v) -> facts.add(fact(k, v)));
        body.add(Map.of("type", "FactSet", "facts", facts));
        charts.url(a)
                .ifPresent(
                        u ->
                                body.add(
                                        Map.of(
                                                "type",
                                                "Image",
                                                "url",
                                                u,
                                                "altText",
                                                "before/after chart")));
        final Map<String, Object> card = new LinkedHashMap<>();
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        card.put("version", "1.4");
        card.put("body", body);
        final List<ActionLinks.Link> offered = AlertJson.linksOf(links, a);
        if (!offered.isEmpty()) {
            card.put(
                    "actions",
                    offered.stream()
                            .map(
                                    l ->
                                            Map.of(
                                                    "type",
                                                    "Action.OpenUrl",
                                                    "title",
                                                    "Run " + l.action() + " (approval)",
                                                    "url",
                                                    l.url()))
                            .toList());
        }
        final Map<String, Object> attachment = new LinkedHashMap<>();
        attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
        attachment.put("contentUrl", null);
        attachment.put("content", card);
        final Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "message");
        message.put("attachments", List.of(attachment));
        return message;
    }

    private static Map<String, String> fact(final String title, final String value) {
        return Map.of("title", title, "value", value == null ? "" : value);
    }

    @Override
    public String toString() {
        return "TeamsChannel[" + HttpJsonPoster.masked(url) + "]";
    }
}
