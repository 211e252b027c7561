package io.sfpulse.streams.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.signal.Signal;
import java.util.List;

/**
 * Custom platform events ({@code /event/<Name>__e}) no other family analyses: each is ACTIVITY of
 * its channel, {@code Event.Order_Created__e} (an integration or automation published it). Listed
 * after Nebula Logger and the flow-error relays, which are custom events too.
 */
final class CustomEventNormalizer implements SourceNormalizer {

    private static final String PREFIX = "/event/";

    @Override
    public boolean handles(final String channel, final JsonNode payload) {
        return channel.startsWith(PREFIX) && channel.endsWith("__e");
    }

    @Override
    public List<Signal> normalize(final SalesforceEvent event, final JsonNode payload) {
        return List.of(
                NormalizedSignals.activity(
                        event, "Event." + event.getChannel().substring(PREFIX.length()), 1));
    }
}
