package io.sfpulse.emulator.pubsub;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** What the Pub/Sub endpoint saw, for tests that check a client's behaviour (flow control, resubscribes, keepalives). Thread-safe. */
public final class PubSubStats {

    private final AtomicLong subscribes = new AtomicLong();
    private final AtomicLong keepalives = new AtomicLong();
    private final AtomicLong eventsSent = new AtomicLong();
    private final AtomicInteger maxOutstanding = new AtomicInteger();
    private final java.util.Map<String, AtomicInteger> maxOutstandingByTopic =
            new java.util.concurrent.ConcurrentHashMap<>();

    void subscribed() {
        subscribes.incrementAndGet();
    }

    void keepaliveSent() {
        keepalives.incrementAndGet();
    }

    void eventsSent(final int n) {
        eventsSent.addAndGet(n);
    }

    private final java.util.Map<String, AtomicInteger> maxRequestByTopic =
            new java.util.concurrent.ConcurrentHashMap<>();

    void requested(final String topic, final int n) {
        maxRequestByTopic
                .computeIfAbsent(topic, t -> new AtomicInteger())
                .accumulateAndGet(n, Math::max);
    }

    /** The largest num_requested of one request on {@code topic} (0 if none). */
    public int maxRequested(final String topic) {
        final AtomicInteger max = maxRequestByTopic.get(topic);
        return max == null ? 0 : max.get();
    }

    void outstanding(final String topic, final int demand) {
        maxOutstanding.accumulateAndGet(demand, Math::max);
        maxOutstandingByTopic
                .computeIfAbsent(topic, t -> new AtomicInteger())
                .accumulateAndGet(demand, Math::max);
    }

    /** Subscribe calls accepted (first request valid). */
    public long subscribes() {
        return subscribes.get();
    }

    public long keepalives() {
        return keepalives.get();
    }

    public long eventsSent() {
        return eventsSent.get();
    }

    /** The most events any one subscription had requested and not yet received. */
    public int maxOutstandingDemand() {
        return maxOutstanding.get();
    }

    /** The most events any one subscription to {@code topic} had requested and not yet received (0 if none). */
    public int maxOutstandingDemand(final String topic) {
        final AtomicInteger max = maxOutstandingByTopic.get(topic);
        return max == null ? 0 : max.get();
    }
}
