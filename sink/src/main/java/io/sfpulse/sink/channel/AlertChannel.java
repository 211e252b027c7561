package io.sfpulse.sink.channel;

import io.sfpulse.schemas.alert.Alert;

/** A destination for alerts. Implementations are thread-safe and make exactly one attempt per call. */
public interface AlertChannel extends AutoCloseable {

    /** Short name used in logs, metrics and dead-letter headers, e.g. "webhook". */
    String name();

    /** One delivery attempt; never throws for destination errors, returns them classified. */
    DeliveryResult deliver(Alert alert);

    @Override
    default void close() {}
}
