package io.sfpulse.ingest.record;

import io.sfpulse.ingest.SalesforceSourceConfig.Transport;
import io.sfpulse.ingest.stream.ReplayId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/**
 * Every Connect source partition and offset the connector writes: a streamed channel's partition
 * {@code {org, channel}} with its replay position (CometD: {@code replayId} as a number; Pub/Sub:
 * {@code pubsubReplayId} as base64, the bytes kept as Salesforce sent them), and a REST poller's
 * partition {@code {org, source}} (its offset is the poller's cursor). The two transports' positions
 * are not interchangeable (Salesforce does not promise it), so each reads only its own key.
 */
public final class SourceOffsets {

    public static final String ORG_KEY = "org";
    public static final String CHANNEL_KEY = "channel";
    public static final String SOURCE_KEY = "source";
    static final String COMETD_REPLAY_KEY = "replayId";
    static final String PUBSUB_REPLAY_KEY = "pubsubReplayId";

    private SourceOffsets() {}

    public static Map<String, Object> channelPartition(final String orgId, final String channel) {
        return partition(ORG_KEY, orgId, CHANNEL_KEY, channel);
    }

    public static Map<String, Object> pollerPartition(final String orgId, final String source) {
        return partition(ORG_KEY, orgId, SOURCE_KEY, source);
    }

    /**
     * A source partition whose keys iterate in one fixed order ({@code org} first). Connect stores an
     * offset under the partition's serialized bytes (JSON in the map's iteration order) and looks it up
     * the same way, so the order must not change between JVMs: {@code Map.of}'s iteration order is
     * salted per JVM, and a worker that took over a task (or an ingest restarted) looked under the
     * other order half the time, found nothing and started over from the initial position.
     */
    public static Map<String, Object> partition(
            final String firstKey,
            final Object first,
            final String secondKey,
            final Object second) {
        final Map<String, Object> p = new LinkedHashMap<>();
        p.put(firstKey, first);
        p.put(secondKey, second);
        return Collections.unmodifiableMap(p);
    }

    /**
     * The offset committed for {@code partition}: under its fixed order, else (positions committed
     * before the order was fixed) under the reverse order of its two keys.
     */
    public static Map<String, Object> committed(
            final OffsetStorageReader reader, final Map<String, Object> partition) {
        final Map<String, Object> offset = reader.offset(partition);
        if (offset != null || partition.size() != 2) {
            return offset;
        }
        final List<Map.Entry<String, Object>> entries = new ArrayList<>(partition.entrySet());
        return reader.offset(
                partition(
                        entries.get(1).getKey(),
                        entries.get(1).getValue(),
                        entries.get(0).getKey(),
                        entries.get(0).getValue()));
    }

    /** The offset of a streamed event at {@code replayId}; null when the event has no position (never resumed from). */
    public static Map<String, Object> replayOffset(
            final Transport transport, final ReplayId replayId) {
        if (replayId == null || replayId.isPreset()) {
            return null;
        }
        return transport == Transport.PUBSUB
                ? Map.of(PUBSUB_REPLAY_KEY, replayId.base64())
                : Map.of(COMETD_REPLAY_KEY, replayId.asLong());
    }

    /** The position stored in {@code offset} for {@code transport}, or null when there is none. */
    public static ReplayId replayFrom(final Transport transport, final Map<String, ?> offset) {
        if (offset == null) {
            return null;
        }
        if (transport == Transport.PUBSUB) {
            return offset.get(PUBSUB_REPLAY_KEY) instanceof String s && !s.isEmpty()
                    ? ReplayId.ofBase64(s)
                    : null;
        }
        return offset.get(COMETD_REPLAY_KEY) instanceof Number n && n.longValue() >= 0
                ? ReplayId.of(n.longValue())
                : null;
    }

    /** Whether {@code offset} holds the other transport's position (a transport switch: it cannot be resumed from). */
    public static boolean hasOtherTransport(
            final Transport transport, final Map<String, ?> offset) {
        return offset != null
                && offset.containsKey(
                        transport == Transport.PUBSUB ? COMETD_REPLAY_KEY : PUBSUB_REPLAY_KEY);
    }

    /** The channel a record's partition names, or null for poller and progress partitions. */
    public static String channelOf(final Map<String, ?> partition) {
        return partition != null && partition.get(CHANNEL_KEY) instanceof String c ? c : null;
    }
}
