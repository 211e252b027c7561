package io.sfpulse.sink.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off with full jitter, a maximum number of attempts, and the server's
 * {@code Retry-After} honoured (capped at the maximum delay). Immutable, thread-safe.
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {

    /** Delay before attempt {@code attempt + 1} (attempt counts from 1). */
    public Duration delayAfter(final int attempt, final Duration retryAfter) {
        if (retryAfter != null) {
            return retryAfter.compareTo(maxDelay) > 0 ? maxDelay : retryAfter;
        }
        final long cap =
                Math.min(maxDelay.toMillis(), initialDelay.toMillis() << Math.min(attempt - 1, 20));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
    }
}
