package io.sfpulse.sink.channel;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** POSTs JSON bodies (or sends any body, for actions) and classifies the answer ({@link DeliveryResult#ofHttp}); network errors are retriable. Thread-safe. */
public final class HttpJsonPoster {

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public DeliveryResult post(
            final URI url, final String body, final Map<String, String> headers) {
        return send("POST", url, "application/json", body, headers);
    }

    /** One request of {@code method} with a {@code contentType} body, classified like {@link #post}. */
    public DeliveryResult send(
            final String method,
            final URI url,
            final String contentType,
            final String body,
            final Map<String, String> headers) {
        final HttpRequest.Builder request =
                HttpRequest.newBuilder(url)
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", contentType)
                        .method(method, HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        try {
            final HttpResponse<String> response =
                    http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return DeliveryResult.ofHttp(
                    response.statusCode(), response.body(), retryAfter(response));
        } catch (IOException e) {
            return new DeliveryResult.Retriable(-1, "Network error: " + e.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeliveryResult.Retriable(-1, "Interrupted", null);
        }
    }

    private static Duration retryAfter(final HttpResponse<?> response) {
        return response.headers()
                .firstValue("Retry-After")
                .map(
                        v -> {
                            try {
                                return Duration.ofSeconds(Long.parseLong(v.trim()));
                            } catch (NumberFormatException e) {
                                return null; // HTTP-date form: fall back to our own back-off
                            }
                        })
                .orElse(null);
    }

    /** A URL safe to log: scheme and host only (webhook URLs carry secrets in path and query). */
    public static String masked(final URI url) {
        return url.getScheme() + "://" + url.getHost() + "/****";
    }
}
