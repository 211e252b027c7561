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
        LOG.atInfo()
                .addKeyValue("org", alert.getOrgId())
                .addKeyValue("alert", alert.getDedupKey())
                .addKeyValue("detector", alert.getDetector())
                .log(
                        "ALERT {} [{}] {} evidence={}",
                        alert.getStatus(),
                        alert.getSeverity(),
                        alert.getSummary(),
                        alert.getEvidence());
        return new DeliveryResult.Delivered(0);
    }
}
