package io.sfpulse.emulator.org;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The org's {@code ManagedEventSubscription} records (Pub/Sub's managed subscriptions, beta): a
 * developer name, an 18-character id, the topic, where a first start begins, the replay id the
 * server committed for it, and whether a client is streaming it now (one at a time). Thread-safe.
 */
public final class ManagedSubscriptions {

    /** One managed subscription; {@code committedReplayId} null until the first commit. */
    public record Subscription(
            String id,
            String developerName,
            String topic,
            boolean earliest,
            Long committedReplayId) {
        Subscription committed(final long replayId) {
            return new Subscription(id, developerName, topic, earliest, replayId);
        }
    }

    private final Map<String, Subscription> byId = new ConcurrentHashMap<>();
    private final Map<String, Boolean> active = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger(1);

    /** Defines a subscription to {@code topic} starting, before its first commit, at the earliest retained event or the tip. */
    public Subscription define(
            final String developerName, final String topic, final boolean earliest) {
        final String id = String.format("18x%012dAAA", next.getAndIncrement());
        final Subscription s = new Subscription(id, developerName, topic, earliest, null);
        byId.put(id, s);
        return s;
    }

    public Optional<Subscription> byId(final String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Optional<Subscription> byDeveloperName(final String developerName) {
        return byId.values().stream()
                .filter(s -> s.developerName().equals(developerName))
                .findFirst();
    }

    public void commit(final String id, final long replayId) {
        byId.computeIfPresent(id, (k, s) -> s.committed(replayId));
    }

    /** Marks the subscription streamed; false if a client streams it already. */
    public boolean activate(final String id) {
        return active.putIfAbsent(id, Boolean.TRUE) == null;
    }

    public void deactivate(final String id) {
        active.remove(id);
    }
}
