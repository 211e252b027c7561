package io.sfpulse.ingest.error;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off with full jitter, bounded by a maximum delay and a maximum total elapsed
 * time since the first failure. {@link #reset()} after a success. Not thread-safe.
 */
public final class Backoff {

    private final Duration initial;
    private final Duration max;
    private final Duration maxElapsed;
    private int attempt;
    private long firstFailureNanos = -1;

    public Backoff(final Duration initial, final Duration max, final Duration maxElapsed) {
        this.initial = initial;
        this.max = max;
        this.maxElapsed = maxElapsed;
    }

    /** The next delay, or empty-handed ({@code null}) when the elapsed budget is spent. */
    public Duration next() {
        final long now = System.nanoTime();
        if (firstFailureNanos < 0) {
            firstFailureNanos = now;
        } else if (now - firstFailureNanos > maxElapsed.toNanos()) {
            return null;
        }
        final long cap = Math.min(max.toMillis(), initial.toMillis() << Math.min(attempt, 20));
        attempt++;
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
    }

    public int attempt() {
        return attempt;
    }

    public void reset() {
        attempt = 0;
        firstFailureNanos = -1;
    }
}
