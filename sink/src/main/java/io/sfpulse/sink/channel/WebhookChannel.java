package io.sfpulse.sink.channel;

import io.sfpulse.schemas.alert.Alert;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/**
 * POSTs each alert state as JSON to a URL, signed per Standard Webhooks ({@code webhook-id},
 * {@code webhook-timestamp}, {@code webhook-signature}) with an {@code Idempotency-Key} of
 * dedup key + status + sequence, so receivers can drop repeats. One attempt per call.
 */
public final class WebhookChannel implements AlertChannel {

    private final URI url;
    private final StandardWebhookSigner signer;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public WebhookChannel(final String url, final String signingSecret) {
        this.url = URI.create(url);
        this.signer = signingSecret == null || signingSecret.isBlank() ? null : new StandardWebhookSigner(signingSecret);
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
        final String body = AlertJson.toJson(alert);
        final String id = "msg_" + Integer.toHexString(idempotencyKey(alert).hashCode()) + "_" + alert.getSequence();
        final long timestamp = Instant.now().getEpochSecond();
        final HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", idempotencyKey(alert))
            .header("webhook-id", id)
            .header("webhook-timestamp", String.valueOf(timestamp))
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signer != null) {
            request.header("webhook-signature", signer.sign(id, timestamp, body));
        }
        try {
            final HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return DeliveryResult.ofHttp(response.statusCode(), response.body(), retryAfter(response));
        } catch (IOException e) {
            return new DeliveryResult.Retriable(-1, "Network error: " + e.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeliveryResult.Retriable(-1, "Interrupted", null);
        }
    }

    private static Duration retryAfter(final HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(v -> {
            try {
                return Duration.ofSeconds(Long.parseLong(v.trim()));
            } catch (NumberFormatException e) {
                return null; // HTTP-date form: fall back to our own back-off
            }
        }).orElse(null);
    }

    /** The URL with path and query masked (webhook URLs often embed secrets). */
    @Override
    public String toString() {
        return "WebhookChannel[" + url.getScheme() + "://" + url.getAuthority() + "/****]";
    }
}
