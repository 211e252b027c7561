package io.sfpulse.ingest.cometd;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-channel replay ids for (re)subscribing: the id of the last event Kafka acknowledged, else
 * the last received one, else the starting id (committed offset, -1 or -2). Positions never
 * advance on receipt alone past what is acknowledged when an ack exists. Thread-safe.
 */
public final class ReplayPositions {

    private final Map<String, Long> start = new ConcurrentHashMap<>();
    private final Map<String, Long> received = new ConcurrentHashMap<>();
    private final Map<String, Long> acked = new ConcurrentHashMap<>();

    public void setStart(final String channel, final long replayId) {
        start.put(channel, replayId);
        received.remove(channel);
        acked.remove(channel);
    }

    public void received(final String channel, final long replayId) {
        received.put(channel, replayId);
    }

    public void acked(final String channel, final long replayId) {
        acked.merge(channel, replayId, Math::max);
    }

    /** The replay id to send when subscribing to {@code channel} now. */
    public long forSubscribe(final String channel) {
        final Long a = acked.get(channel);
        if (a != null) {
            return a;
        }
        final Long r = received.get(channel);
        return r != null ? r : start.getOrDefault(channel, -1L);
    }

    /** The whole channel -> replay id map (Salesforce accepts, and EMP sends, all channels). */
    public Map<String, Object> replayMap(final Iterable<String> channels) {
        final Map<String, Object> map = new ConcurrentHashMap<>();
        channels.forEach(c -> map.put(c, forSubscribe(c)));
        return map;
    }
}
