package io.sfpulse.streams.normalize;

import static io.sfpulse.streams.normalize.NormalizedSignals.activity;
import static io.sfpulse.streams.normalize.NormalizedSignals.failure;
import static io.sfpulse.streams.normalize.NormalizedSignals.observation;
import static io.sfpulse.streams.normalize.NormalizedSignals.signature;
import static io.sfpulse.streams.normalize.NormalizedSignals.topFrame;
import static io.sfpulse.streams.normalize.PayloadFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.signal.Signal;
import java.util.List;
import java.util.Locale;

/**
 * Nebula Logger's {@code LogEntryEvent__e} (with or without the {@code Nebula__} namespace): an
 * ERROR or FATAL entry is a failure whose signature is the exception (else the message) and whose
 * location is the top stack frame, else the entry's source (a flow's logging action has no trace).
 * Any other entry that names its origin is ACTIVITY of that entry point (the flow, Apex method or
 * component that logged it ran): what the absent-activity detector counts. An entry without an
 * origin only proves the org was watched.
 */
final class NebulaLogNormalizer implements SourceNormalizer {

    @Override
    public boolean handles(final String channel, final JsonNode payload) {
        return channel.endsWith("LogEntryEvent__e");
    }

    @Override
    public List<Signal> normalize(final SalesforceEvent event, final JsonNode payload) {
        final String level =
                text(payload, "LoggingLevel__c", "Nebula__LoggingLevel__c")
                        .toUpperCase(Locale.ROOT);
        if (!level.equals("ERROR") && !level.equals("FATAL")) {
            final String entryPoint = entryPoint(payload);
            return List.of(
                    entryPoint == null ? observation(event) : activity(event, entryPoint, 1));
        }
        final String type = text(payload, "ExceptionType__c", "Nebula__ExceptionType__c");
        final String message = text(payload, "ExceptionMessage__c", "Nebula__ExceptionMessage__c");
        final String fallback = text(payload, "Message__c", "Nebula__Message__c");
        final String trace =
                text(
                        payload,
                        "ExceptionStackTrace__c",
                        "StackTrace__c",
                        "Nebula__ExceptionStackTrace__c");
        final String frame = topFrame(trace);
        return List.of(
                failure(
                        event,
                        signature(type, message.isEmpty() ? fallback : message),
                        frame != null ? frame : source(payload)));
    }

    /**
     * The entry point an entry was logged from, named as deploys name its component's member:
     * {@code Flow.Invoice_Update} (OriginType__c Flow), {@code Class.InvoiceBatch.execute} (Apex; a
     * "line n" suffix dropped), {@code Component.invoiceList}; null when OriginLocation__c is empty.
     */
    static String entryPoint(final JsonNode payload) {
        final String type = text(payload, "OriginType__c", "Nebula__OriginType__c");
        final String rawLocation =
                text(payload, "OriginLocation__c", "Nebula__OriginLocation__c").trim();
        final String location = rawLocation.isEmpty() ? null : topFrame(rawLocation);
        if (location == null) {
            return null;
        }
        switch (type) {
            case "Flow":
                return location.startsWith("Flow.") ? location : "Flow." + location;
            case "Apex":
                return location.startsWith("Class.") || location.startsWith("Trigger.")
                        ? location
                        : "Class." + location;
            case "Component":
                return location.startsWith("Component.") ? location : "Component." + location;
            default:
                return location;
        }
    }

    /**
     * Where an entry without a stack trace came from, e.g. a flow's logging action:
     * "Flow.Invoice_Approval" from ExceptionSourceMetadataType__c / ExceptionSourceApiName__c, else
     * OriginType__c / OriginLocation__c; null when the entry names no source.
     */
    static String source(final JsonNode payload) {
        final String type =
                text(
                        payload,
                        "ExceptionSourceMetadataType__c",
                        "Nebula__ExceptionSourceMetadataType__c",
                        "OriginType__c",
                        "Nebula__OriginType__c");
        final String name =
                text(
                        payload,
                        "ExceptionSourceApiName__c",
                        "Nebula__ExceptionSourceApiName__c",
                        "OriginLocation__c",
                        "Nebula__OriginLocation__c");
        if (name.isEmpty()) {
            return null;
        }
        return type.isEmpty() ? name : type + "." + name;
    }
}
