package io.sfpulse.sink.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.sink.action.ActionLinks;
import io.sfpulse.sink.chart.AlertChart;
import java.net.URI;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * POSTs each alert state as JSON to a URL, signed per Standard Webhooks ({@code webhook-id},
 * {@code webhook-timestamp}, {@code webhook-signature}) with an {@code Idempotency-Key} of
 * dedup key + status + sequence, so receivers can drop repeats. The before/after chart is
 * attached as {@code chart.png_base64} (and linked when charts are served). One attempt per call.
 */
public final class WebhookChannel implements AlertChannel {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI url;
    private final StandardWebhookSigner signer;
    private final HttpJsonPoster poster = new HttpJsonPoster();
    private final AlertChart charts;
    private final ActionLinks links;

    /** @param links signer of action links offered in the payload ({@code actions}), or null */
    public WebhookChannel(
            final String url,
            final String signingSecret,
            final AlertChart charts,
            final ActionLinks links) {
        this.links = links;
        this.url = URI.create(url);
        this.signer =
                signingSecret == null || signingSecret.isBlank()
                        ? null
                        : new StandardWebhookSigner(signingSecret);
        this.charts = charts;
    }

    @Override
    public String name() {
        return "webhook";
    }

    /** The idempotency key of an alert state: stable across retries and restarts. */
    public static String idempotencyKey(final Alert alert) {
        return alert.getDedupKey() + "#" + alert.getStatus() + "#" + alert.getSequence();
    }

    @Override
    public DeliveryResult deliver(final Alert alert) {
        final String body = body(alert);
        final String id =
                "msg_"
                        + Integer.toHexString(idempotencyKey(alert).hashCode())
                        + "_"
                        + alert.getSequence();
        final long timestamp = Instant.now().getEpochSecond();
        final Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Idempotency-Key", idempotencyKey(alert));
        headers.put("webhook-id", id);
        headers.put("webhook-timestamp", String.valueOf(timestamp));
        if (signer != null) {
            headers.put("webhook-signature", signer.sign(id, timestamp, body));
        }
        return poster.post(url, body, headers);
    }

    private String body(final Alert alert) {
        final Map<String, Object> m = AlertJson.toMap(alert);
        final java.util.List<ActionLinks.Link> offered = AlertJson.linksOf(links, alert);
        if (!offered.isEmpty()) {
            m.put(
                    "actions",
                    offered.stream().map(l -> Map.of("name", l.action(), "url", l.url())).toList());
        }
        final Optional<byte[]> png = charts.png(alert);
        if (png.isPresent()) {
            final Map<String, Object> chart = new LinkedHashMap<>();
            chart.put("png_base64", Base64.getEncoder().encodeToString(png.get()));
            charts.url(alert).ifPresent(u -> chart.put("url", u));
            m.put("chart", chart);
        }
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot render alert " + alert.getAlertId(), e);
        }
    }

    @Override
    public String toString() {
        return "WebhookChannel[" + HttpJsonPoster.masked(url) + "]";
    }
}
