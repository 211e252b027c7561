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

/** Slack incoming webhook with a Block Kit message (header, facts, evidence, chart image, dedup key) and a text fallback. */
public final class SlackChannel implements AlertChannel {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI url;
    private final AlertChart charts;
    private final ActionLinks links;
    private final HttpJsonPoster poster = new HttpJsonPoster();

    /** @param links signer of action links offered as buttons, or null */
    public SlackChannel(final String webhookUrl, final AlertChart charts, final ActionLinks links) {
        this.links = links;
        this.url = URI.create(webhookUrl);
        this.charts = charts;
    }

    @Override
    public String name() {
        return "slack";
    }

    @Override
    public DeliveryResult deliver(final Alert alert) {
        try {
            return poster.post(url, JSON.writeValueAsString(message(alert)), Map.of());
        } catch (JsonProcessingException e) {
            return new DeliveryResult.Permanent(
                    0, "Cannot render Slack message: " + e.getMessage());
        }
    }

    Map<String, Object> message(final Alert a) {
        final String icon =
                a.getStatus() == AlertStatus.RESOLVED ? ":white_check_mark:" : ":rotating_light:";
        final String title = a.getStatus() + " " + a.getSeverity() + ": " + a.getSummary();
        final List<Object> blocks = new ArrayList<>();
        blocks.add(
                Map.of(
                        "type",
                        "header",
                        "text",
                        Map.of("type", "plain_text", "text", cut(title, 150), "emoji", true)));
        blocks.add(
                Map.of(
                        "type",
                        "section",
                        "fields",
                        List.of(
                                mrkdwn("*Org*\n" + a.getOrgId()),
                                mrkdwn(
                                        "*Release*\n"
                                                + (a.getReleaseId() == null
                                                        ? "none"
                                                        : a.getReleaseId())),
                                mrkdwn("*Detector*\n" + a.getDetector()),
                                mrkdwn(
                                        "*Window*\n"
                                                + a.getWindowStart()
                                                + " – "
                                                + a.getWindowEnd()))));
        final StringBuilder evidence = new StringBuilder("*Evidence*");
        new TreeMap<>(a.getEvidence())
                .forEach((k, v) -> evidence.append("\n• ").append(k).append(": ").append(v));
        blocks.add(Map.of("type", "section", "text", mrkdwn(cut(evidence.toString(), 3000))));
        charts.url(a)
                .ifPresent(
                        u ->
                                blocks.add(
                                        Map.of(
                                                "type",
                                                "image",
                                                "image_url",
                                                u,
                                                "alt_text",
                                                "before/after chart")));
        final List<ActionLinks.Link> offered = AlertJson.linksOf(links, a);
        if (!offered.isEmpty()) {
            blocks.add(
                    Map.of(
                            "type",
                            "actions",
                            "elements",
                            offered.stream()
                                    .map(
                                            l ->
                                                    Map.of(
                                                            "type",
                                                            "button",
                                                            "text",
                                                            Map.of(
                                                                    "type",
                                                                    "plain_text",
                                                                    "text",
                                                                    cut(
                                                                            "Run "
                                                                                    + l.action()
                                                                                    + " (approval)",
                                                                            75)),
                                                            "url",
                                                            l.url()))
                                    .toList()));
        }
        blocks.add(
                Map.of(
                        "type",
                        "context",
                        "elements",
                        List.of(mrkdwn("dedup key `" + a.getDedupKey() + "`"))));
        final Map<String, Object> message = new LinkedHashMap<>();
        message.put("text", icon + " " + cut(title, 300));
        message.put("blocks", blocks);
        return message;
    }

    private static Map<String, Object> mrkdwn(final String text) {
        return Map.of("type", "mrkdwn", "text", text);
    }

    private static String cut(final String s, final int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    @Override
    public String toString() {
        return "SlackChannel[" + HttpJsonPoster.masked(url) + "]";
    }
}
