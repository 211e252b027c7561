package io.sfpulse.ingest.stream;

import java.time.Instant;
import java.util.Map;

/**
 * One streaming connection to an org for a set of channels: CometD (Streaming API) or gRPC (Pub/Sub
 * API). The task hands it where each channel starts, and what Kafka acknowledged; it hands the task
 * events, delivery progress and terminal failures. The replay position flows one way: source →
 * event → record → acknowledgement → offset.
 */
public interface StreamingSource extends AutoCloseable {

    /** Receives what the source delivers, on the source's threads. */
    interface Listener {
        /**
         * One event, in the shape of a Bayeux {@code data} object ({@code event.replayId},
         * {@code event.EventUuid}, {@code schema}, {@code payload}) whatever the transport; may block
         * to apply back-pressure.
         */
        void onEvent(String channel, ReplayId replayId, Map<String, Object> data);

        /** Every event the org published up to {@code deliveredThrough} (its clock) has been handed to {@link #onEvent}. */
        void onDelivered(Instant deliveredThrough);

        /** The source gave up; the task must fail with this reason. */
        void onFatal(String reason, Throwable cause);
    }

    void start();

    /** Kafka acknowledged the record of the event at {@code replayId} on {@code channel}: a resubscribe may start after it. */
    void acknowledged(String channel, ReplayId replayId);

    /** The task handed {@code records} events of {@code channel} to Kafka Connect (flow control for pull-based transports). */
    default void handedOver(String channel, int records) {}

    /** Counters of this source for the task's metrics, by metric name. */
    Map<String, Long> counters();

    @Override
    void close();
}
