package io.sfpulse.sink;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Delivery attempts and failed attempts per channel, for the metrics endpoint. Thread-safe. */
public final class DeliveryCounters {

    private final Map<String, LongAdder> attempts = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

    void attempt(final String channel, final boolean failed) {
        attempts.computeIfAbsent(channel, c -> new LongAdder()).increment();
        if (failed) {
            failures.computeIfAbsent(channel, c -> new LongAdder()).increment();
        }
    }

    /** Channels seen so far. */
    public java.util.Set<String> channels() {
        return attempts.keySet();
    }

    public long attempts(final String channel) {
        final LongAdder a = attempts.get(channel);
        return a == null ? 0 : a.sum();
    }

    public long failures(final String channel) {
        final LongAdder f = failures.get(channel);
        return f == null ? 0 : f.sum();
    }
}
