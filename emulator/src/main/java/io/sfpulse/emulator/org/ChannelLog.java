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
 * asking for an id that is no longer (or never was) retained is refused. Each subscriber has a
 * cursor: a caught-up subscriber gets new events at once; one with a backlog gets at most
 * {@link #BATCH} events per long-poll ({@link #pull}), as Salesforce batches its replies.
 * Thread-safe: publishing, subscribing and pulling are serialized, so each subscriber sees every
 * event exactly once, in order.
 */
public final class ChannelLog {

    /** Events handed to one subscriber per long-poll at most. */
    public static final int BATCH = 200;

    /** One retained event: its replay id, when it was published, and the Bayeux {@code data}. */
    public record StoredEvent(long replayId, Instant publishedAt, Map<String, Object> data) {}

    private static final class Subscriber {
        private final BiConsumer<String, Map<String, Object>> sink;
        private long cursor;

        Subscriber(final BiConsumer<String, Map<String, Object>> sink, final long cursor) {
            this.sink = sink;
            this.cursor = cursor;
        }
    }

    private final String channel;
    private final Duration retention;
    private final List<StoredEvent> events = new ArrayList<>();
    private final Map<String, Subscriber> subscribers = new LinkedHashMap<>();
    private long lastReplayId;

    public ChannelLog(final String channel, final Duration retention) {
        this.channel = channel;
        this.retention = retention;
    }

    public String channel() {
        return channel;
    }

    /** Appends an event, assigns its replay id and delivers it to caught-up subscribers. */
    public synchronized StoredEvent publish(
            final Instant now,
            final java.util.function.LongFunction<Map<String, Object>> dataForReplayId) {
        // Replay ids are opaque and not contiguous on Salesforce: leave random gaps.
        lastReplayId += 1 + ThreadLocalRandom.current().nextInt(3);
        final StoredEvent event =
                new StoredEvent(lastReplayId, now, dataForReplayId.apply(lastReplayId));
        events.add(event);
        notifyAll(); // Pub/Sub subscriptions waiting in awaitAfter
        subscribers
                .values()
                .forEach(
                        s -> {
                            if (backlog(s) <= BATCH) {
                                drain(s, BATCH);
                            }
                        });
        return event;
    }

    /** True if {@code replayId} can be resumed from: -1, -2 or the id of a retained event. */
    public synchronized boolean isValidReplayId(final long replayId, final Instant now) {
        prune(now);
        return replayId == -1
                || replayId == -2
                || events.stream().anyMatch(e -> e.replayId() == replayId);
    }

    /**
     * Attaches a subscriber positioned after {@code replayId} (all retained for -2, none for -1)
     * and hands it the first batch.
     */
    public synchronized void subscribe(
            final String sessionId,
            final long replayId,
            final Instant now,
            final BiConsumer<String, Map<String, Object>> sink) {
        prune(now);
        final long cursor =
                replayId == -2 ? Long.MIN_VALUE : replayId == -1 ? lastReplayId : replayId;
        final Subscriber s = new Subscriber(sink, cursor);
        subscribers.put(sessionId, s);
        drain(s, BATCH);
    }

    /** Called on each long-poll of the session: hands over the next batch of its backlog. */
    public synchronized void pull(final String sessionId) {
        final Subscriber s = subscribers.get(sessionId);
        if (s != null) {
            drain(s, BATCH);
        }
    }

    private int firstAfter(final long cursor) {
        int lo = 0;
        int hi = events.size();
        while (lo < hi) {
            final int mid = (lo + hi) >>> 1;
            if (events.get(mid).replayId() <= cursor) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private int backlog(final Subscriber s) {
        return events.size() - firstAfter(s.cursor);
    }

    private void drain(final Subscriber s, final int max) {
        final int from = firstAfter(s.cursor);
        final int to = Math.min(events.size(), from + max);
        for (int i = from; i < to; i++) {
            final StoredEvent e = events.get(i);
            s.sink.accept(channel, e.data());
            s.cursor = e.replayId();
        }
    }

    /** Up to {@code max} retained events after {@code cursor} (the replay id last delivered; {@link Long#MIN_VALUE} for all). */
    public synchronized List<StoredEvent> readAfter(final long cursor, final int max) {
        final int from = firstAfter(cursor);
        return List.copyOf(events.subList(from, Math.min(events.size(), from + max)));
    }

    /** The replay id of the newest event published on this channel (0 before the first). */
    public synchronized long latestReplayId() {
        return lastReplayId;
    }

    /** Waits up to {@code millis} for an event after {@code cursor}; true if one is there. */
    public synchronized boolean awaitAfter(final long cursor, final long millis)
            throws InterruptedException {
        final long deadline = System.nanoTime() + millis * 1_000_000L;
        while (lastReplayId <= cursor || firstAfter(cursor) >= events.size()) {
            final long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** True if a subscription may start after {@code replayId}: the id of a retained event, or the channel's tip. */
    public synchronized boolean isRetained(final long replayId, final Instant now) {
        prune(now);
        return replayId == lastReplayId || events.stream().anyMatch(e -> e.replayId() == replayId);
    }

    public synchronized void unsubscribe(final String sessionId) {
        subscribers.remove(sessionId);
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
