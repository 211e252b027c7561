package io.sfpulse.sink.channel;

import java.time.Duration;

/** Outcome of one delivery attempt. */
public sealed interface DeliveryResult {

    /** HTTP status of the last answer; 0 for non-HTTP channels, -1 when no answer came (network error). */
    int status();

    /** Why it failed; null when delivered. */
    default String error() {
        return null;
    }

    /** Accepted by the destination. */
    record Delivered(int status) implements DeliveryResult {}

    /** Worth retrying (network, 408, 429, 5xx); {@code retryAfter} when the server said. */
    record Retriable(int status, String error, Duration retryAfter) implements DeliveryResult {}

    /** Retrying cannot help (other 4xx, bad payload); goes to the dead-letter topic. */
    record Permanent(int status, String error) implements DeliveryResult {}

    /** Classifies an HTTP status the way the sink retries: 408, 429 and 5xx retry, other 4xx are permanent. */
    static DeliveryResult ofHttp(final int status, final String body, final Duration retryAfter) {
        if (status / 100 == 2) {
            return new Delivered(status);
        }
        final String error =
                "HTTP "
                        + status
                        + (body == null || body.isEmpty()
                                ? ""
                                : ": " + (body.length() > 512 ? body.substring(0, 512) : body));
        if (status == 408 || status == 429 || status >= 500) {
            return new Retriable(status, error, retryAfter);
        }
        return new Permanent(status, error);
    }
}
