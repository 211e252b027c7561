package io.sfpulse.sink.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.sink.action.ActionLinks;
import io.sfpulse.sink.chart.AlertChart;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * PagerDuty Events API v2: TRIGGERED and UPDATED send {@code trigger} (PagerDuty folds repeats
 * into the open alert with the same {@code dedup_key}), RESOLVED sends {@code resolve}; the
 * alert's dedup key is the {@code dedup_key}, the evidence is {@code custom_details}. Deployment
 * markers become change events ({@code /v2/change/enqueue}). 202 is success; 400 is permanent;
 * 429 and 5xx are retried by the caller.
 */
public final class PagerDutyChannel implements AlertChannel {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_SUMMARY = 1024;
    private static final int MAX_DEDUP_KEY = 255;
    private final URI enqueue;
    private final URI changeEnqueue;
    private final String routingKey;
    private final String linkBaseUrl;
    private final AlertChart charts;
    private final ActionLinks actionLinks;
    private final HttpJsonPoster poster = new HttpJsonPoster();

    /**
     * @param baseUrl     {@code https://events.pagerduty.com} (or a test server)
     * @param linkBaseUrl where humans can look at an org's releases, or null
     * @param actionLinks signer of action links offered as incident links, or null
     */
    public PagerDutyChannel(
            final String baseUrl,
            final String routingKey,
            final String linkBaseUrl,
            final AlertChart charts,
            final ActionLinks actionLinks) {
        this.actionLinks = actionLinks;
        final String base = baseUrl.replaceAll("/+$", "");
        this.enqueue = URI.create(base + "/v2/enqueue");
        this.changeEnqueue = URI.create(base + "/v2/change/enqueue");
        this.routingKey = routingKey;
        this.linkBaseUrl = linkBaseUrl;
        this.charts = charts;
    }

    @Override
    public String name() {
        return "pagerduty";
    }

    @Override
    public DeliveryResult deliver(final Alert alert) {
        return poster.post(enqueue, json(event(alert)), Map.of());
    }

    /** Sends a deployment marker as a PagerDuty change event. */
    public DeliveryResult deliverChange(final DeploymentMarker marker) {
        final Map<String, Object> payload = new LinkedHashMap<>();
        payload.put(
                "summary",
                truncate(
                        "Salesforce deploy "
                                + marker.getDeployId()
                                + " "
                                + marker.getStatus()
                                + " in org "
                                + marker.getOrgId()
                                + " ("
                                + marker.getComponentCount()
                                + " components)",
                        MAX_SUMMARY));
        payload.put("timestamp", marker.getCompletedTime().toString());
        payload.put("source", marker.getOrgId());
        final Map<String, Object> details = new LinkedHashMap<>();
        details.put("deployId", marker.getDeployId());
        details.put("source", marker.getSource().name());
        details.put("status", marker.getStatus());
        details.put("createdBy", marker.getCreatedBy());
        details.put("components", marker.getComponents());
        if (marker.getLabel() != null) {
            details.put("label", marker.getLabel());
        }
        if (marker.getCommit() != null) {
            details.put("commit", marker.getCommit());
        }
        payload.put("custom_details", details);
        final Map<String, Object> event = new LinkedHashMap<>();
        event.put("routing_key", routingKey);
        event.put("payload", payload);
        return poster.post(changeEnqueue, json(event), Map.of());
    }

    Map<String, Object> event(final Alert alert) {
        final Map<String, Object> event = new LinkedHashMap<>();
        event.put("routing_key", routingKey);
        event.put(
                "event_action", alert.getStatus() == AlertStatus.RESOLVED ? "resolve" : "trigger");
        event.put("dedup_key", truncate(alert.getDedupKey(), MAX_DEDUP_KEY));
        event.put("client", "sfpulse");
        if (alert.getStatus() != AlertStatus.RESOLVED) {
            final Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("summary", truncate(alert.getSummary(), MAX_SUMMARY));
            payload.put("source", alert.getOrgId());
            payload.put("severity", alert.getSeverity().name().toLowerCase(Locale.ROOT));
            payload.put("timestamp", alert.getEventTime().toString());
            payload.put("component", alert.getDetector());
            payload.put(
                    "group", alert.getReleaseId() == null ? "no-release" : alert.getReleaseId());
            payload.put("class", alert.getSubject());
            payload.put("custom_details", new LinkedHashMap<>(alert.getEvidence()));
            event.put("payload", payload);
            final List<Map<String, String>> links = new ArrayList<>();
            if (linkBaseUrl != null && !linkBaseUrl.isBlank()) {
                links.add(
                        Map.of(
                                "href",
                                linkBaseUrl.replaceAll("/+$", "") + "/orgs/" + alert.getOrgId(),
                                "text",
                                "Release health"));
                event.put("client_url", linkBaseUrl);
            }
            AlertJson.linksOf(actionLinks, alert)
                    .forEach(
                            l ->
                                    links.add(
                                            Map.of(
                                                    "href",
                                                    l.url(),
                                                    "text",
                                                    "Run " + l.action() + " (approval)")));
            if (!links.isEmpty()) {
                event.put("links", links);
            }
            charts.url(alert)
                    .filter(u -> u.startsWith("https://"))
                    .ifPresent(
                            u ->
                                    event.put(
                                            "images",
                                            List.of(
                                                    Map.of(
                                                            "src",
                                                            u,
                                                            "alt",
                                                            "before/after chart"))));
        }
        return event;
    }

    private static String truncate(final String s, final int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static String json(final Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "PagerDutyChannel[" + enqueue.getHost() + ", routing_key=****]";
    }
}
