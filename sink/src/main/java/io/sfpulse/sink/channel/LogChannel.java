package io.sfpulse.sink.channel;

import io.sfpulse.schemas.alert.Alert;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes each alert state as one log line with its evidence. */
public final class LogChannel implements AlertChannel {

    private static final Logger LOG = LoggerFactory.getLogger(LogChannel.class);

    @Override
    public String name() {
        return "log";
    }

    @Override
    public DeliveryResult deliver(final Alert alert) {
        LOG.info("ALERT {} [{}] {} - {} evidence={}", alert.getStatus(), alert.getSeverity(), alert.getDedupKey(), alert.getSummary(),
            alert.getEvidence());
        return new DeliveryResult.Delivered(0);
    }
}
