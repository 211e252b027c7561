package io.sfpulse.streams.normalize;

import static io.sfpulse.streams.normalize.NormalizedSignals.latency;
import static io.sfpulse.streams.normalize.PayloadFields.number;
import static io.sfpulse.streams.normalize.PayloadFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.signal.Signal;
import java.util.List;

/**
 * Real-Time Event Monitoring streams: ApiEventStream ElapsedTime and LightningUriEventStream
 * EffectivePageTime as latencies per operation and entity; a Lightning page view also carries its
 * viewer (UserId) and app (AppName), for release adoption.
 */
final class MonitoringEventNormalizer implements SourceNormalizer {

    @Override
    public boolean handles(final String channel, final JsonNode payload) {
        return channel.equals("/event/ApiEventStream")
                || channel.equals("/event/LightningUriEventStream");
    }

    @Override
    public List<Signal> normalize(final SalesforceEvent event, final JsonNode payload) {
        if (event.getChannel().equals("/event/ApiEventStream")) {
            return List.of(
                    latency(
                            event,
                            "api "
                                    + text(payload, "Operation")
                                    + " "
                                    + text(payload, "QueriedEntities"),
                            number(payload, "ElapsedTime")));
        }
        return List.of(
                NormalizedSignals.pageView(
                        latency(
                                event,
                                "page "
                                        + text(payload, "Operation")
                                        + " "
                                        + text(payload, "QueriedEntities"),
                                number(payload, "EffectivePageTime")),
                        text(payload, "UserId"),
                        text(payload, "AppName"),
                        ""));
    }
}
