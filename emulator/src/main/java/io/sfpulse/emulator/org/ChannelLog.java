package io.sfpulse.emulator.org;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * The retained event log of one channel, with Salesforce replay semantics: replay ids increase
 * but are not contiguous, events are retained for a window (72 h by default), and a subscriber
 * asking for an id that is no longer (or never was) retained is refused. Publishing and attaching
 * a subscriber are serialized so each subscriber sees every event exactly once, in order.
 */
public final class ChannelLog {

    /** One retained event: its replay id, when it was published, and the Bayeux {@code data}. */
    public record StoredEvent(long replayId, Instant publishedAt, Map<String, Object> data) {
    }

    private final String channel;
    private final Duration retention;
    private final List<StoredEvent> events = new ArrayList<>();
    private final Map<String, BiConsumer<String, Map<String, Object>>> subscribers = new LinkedHashMap<>();
    private long lastReplayId;

    public ChannelLog(final String channel, final Duration retention) {
        this.channel = channel;
        this.retention = retention;
    }

    public String channel() {
        return channel;
    }

    /** Appends an event, assigns its replay id and delivers it to current subscribers. */
    public synchronized StoredEvent publish(final Instant now, final java.util.function.LongFunction<Map<String, Object>> dataForReplayId) {
        // Replay ids are opaque and not contiguous on Salesforce: leave random gaps.
        lastReplayId += 1 + ThreadLocalRandom.current().nextInt(3);
        final StoredEvent event = new StoredEvent(lastReplayId, now, dataForReplayId.apply(lastReplayId));
        events.add(event);
        subscribers.values().forEach(s -> s.accept(channel, event.data()));
        return event;
    }

    /** True if {@code replayId} can be resumed from: -1, -2 or the id of a retained event. */
    public synchronized boolean isValidReplayId(final long replayId, final Instant now) {
        prune(now);
        return replayId == -1 || replayId == -2 || events.stream().anyMatch(e -> e.replayId() == replayId);
    }

    /**
     * Attaches a subscriber: delivers the retained events after {@code replayId} (all for -2, none
     * for -1), then every new event.
     */
    public synchronized void subscribe(final String sessionId, final long replayId, final Instant now,
                                       final BiConsumer<String, Map<String, Object>> sink) {
        prune(now);
        if (replayId != -1) {
            events.stream().filter(e -> replayId == -2 || e.replayId() > replayId).forEach(e -> sink.accept(channel, e.data()));
        }
        subscribers.put(sessionId, sink);
    }

    public synchronized void unsubscribe(final String sessionId) {
        subscribers.remove(sessionId);
    }

    public synchronized int subscriberCount() {
        return subscribers.size();
    }

    public synchronized List<StoredEvent> retained(final Instant now) {
        prune(now);
        return List.copyOf(events);
    }

    /** Drops every retained event (as if they aged out of the retention window). */
    public synchronized void purge() {
        events.clear();
    }

    private void prune(final Instant now) {
        final Instant horizon = now.minus(retention);
        events.removeIf(e -> e.publishedAt().isBefore(horizon));
    }
}
