package io.sfpulse.streams.normalize;

import static io.sfpulse.streams.normalize.NormalizedSignals.failure;
import static io.sfpulse.streams.normalize.NormalizedSignals.signature;
import static io.sfpulse.streams.normalize.NormalizedSignals.topFrame;
import static io.sfpulse.streams.normalize.PayloadFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.signal.Signal;
import java.util.List;

/**
 * Standard error events: {@code FlowExecutionErrorEvent} (screen flows, Pub/Sub API only) or a
 * custom event a flow relays it to (carries {@code FlowApiName[__c]}), and {@code BatchApexErrorEvent};
 * each is a failure located at the flow element or the top stack frame.
 */
final class PlatformEventNormalizer implements SourceNormalizer {

    @Override
    public boolean handles(final String channel, final JsonNode payload) {
        return isFlowError(channel, payload) || channel.equals("/event/BatchApexErrorEvent");
    }

    private static boolean isFlowError(final String channel, final JsonNode payload) {
        return channel.startsWith("/event/")
                && (channel.endsWith("FlowExecutionErrorEvent")
                        || payload.has("FlowApiName")
                        || payload.has("FlowApiName__c"));
    }

    @Override
    public List<Signal> normalize(final SalesforceEvent event, final JsonNode payload) {
        if (isFlowError(event.getChannel(), payload)) {
            final String flow = text(payload, "FlowApiName", "FlowApiName__c");
            final String element = text(payload, "ElementApiName", "ElementApiName__c");
            return List.of(
                    failure(
                            event,
                            signature(
                                    "Flow." + flow,
                                    text(payload, "ErrorMessage", "ErrorMessage__c")),
                            "Flow." + flow + (element.isEmpty() ? "" : "." + element)));
        }
        return List.of(
                failure(
                        event,
                        signature(text(payload, "ExceptionType"), text(payload, "Message")),
                        topFrame(text(payload, "StackTrace"))));
    }
}
