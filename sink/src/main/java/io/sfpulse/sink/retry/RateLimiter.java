package io.sfpulse.sink.retry;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Sliding-window rate limit: at most {@code permits} acquisitions in any {@code window} (e.g.
 * PagerDuty's 120 events per minute per routing key, Slack's 1 message per second). Blocks the
 * caller until a slot frees; the delay is computed by a pure method for tests. Thread-safe.
 */
public final class RateLimiter {

    private final int permits;
    private final long windowNanos;
    private final Deque<Long> granted = new ArrayDeque<>();

    public RateLimiter(final int permits, final Duration window) {
        this.permits = permits;
        this.windowNanos = window.toNanos();
    }

    public static RateLimiter unlimited() {
        return new RateLimiter(Integer.MAX_VALUE, Duration.ofNanos(1));
    }

    /** Takes a slot at {@code nowNanos} if one is free (returns 0), else returns how long to wait before asking again. */
    public synchronized long tryAcquire(final long nowNanos) {
        while (!granted.isEmpty() && nowNanos - granted.peekFirst() >= windowNanos) {
            granted.pollFirst();
        }
        if (granted.size() < permits) {
            granted.addLast(nowNanos);
            return 0;
        }
        return granted.peekFirst() + windowNanos - nowNanos;
    }

    /** Blocks until a slot is free. */
    public void acquire() throws InterruptedException {
        long wait;
        while ((wait = tryAcquire(System.nanoTime())) > 0) {
            Thread.sleep(Math.max(1, wait / 1_000_000)); // throttling, by design
        }
    }
}
