package io.sfpulse.ingest.stream;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-channel replay positions for (re)subscribing: the last event Kafka acknowledged, else the
 * last one received, else where the channel started (its committed offset or a preset). A position
 * never moves on receipt alone past an acknowledgement. Thread-safe.
 */
public final class ReplayPositions {

    private final Map<String, ReplayId> start = new ConcurrentHashMap<>();
    private final Map<String, ReplayId> received = new ConcurrentHashMap<>();
    private final Map<String, ReplayId> acked = new ConcurrentHashMap<>();

    /** Restarts {@code channel} from {@code replayId}, forgetting what was received or acknowledged. */
    public void setStart(final String channel, final ReplayId replayId) {
        start.put(channel, replayId);
        received.remove(channel);
        acked.remove(channel);
    }

    public void received(final String channel, final ReplayId replayId) {
        received.put(channel, replayId);
    }

    /**
     * Kafka acknowledged the record of the event at {@code replayId}. Acknowledgements of one channel
     * arrive in order (one producer, one partition per channel record stream), so the latest wins.
     */
    public void acked(final String channel, final ReplayId replayId) {
        acked.put(channel, replayId);
    }

    /** Where to subscribe {@code channel} from now. */
    public ReplayId forSubscribe(final String channel) {
        final ReplayId a = acked.get(channel);
        if (a != null) {
            return a;
        }
        final ReplayId r = received.get(channel);
        return r != null ? r : start.getOrDefault(channel, ReplayId.LATEST);
    }
}
