package io.sfpulse.streams.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns raw Salesforce events into signals: Nebula Logger ERROR/FATAL entries, BatchApexErrorEvents,
 * ApexUnexpectedException log rows and 5xx REST calls become FAILURE signals with a normalised
 * signature and top frame; ApiEventStream ElapsedTime, Lightning EffectivePageTime and EventLogFile
 * RUN_TIME / EFFECTIVE_PAGE_TIME become LATENCY signals per operation; every other event is an OBSERVATION (it proves the org was watched at that time, which rate
 * baselines need when errors are rare). Pure, thread-safe.
 */
public final class SignalNormalizer {

    public static final String FAILURES = "failures";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SF_ID = Pattern.compile("\\b(?=[a-zA-Z0-9]*\\d)[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?\\b");
    private static final Pattern NUMBER = Pattern.compile("\\d+");
    private static final int MAX_SIGNATURE = 200;

    /** Thrown for payloads that are not JSON objects. */
    public static final class MalformedEventException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public MalformedEventException(final String message, final Throwable cause) {
            super(message, cause);
        }
    }

    public List<Signal> normalize(final SalesforceEvent event) {
        final JsonNode payload;
        try {
            payload = JSON.readTree(event.getPayload());
        } catch (IOException e) {
            throw new MalformedEventException("Payload of " + event.getEventUuid() + " on '" + event.getChannel() + "' is not JSON", e);
        }
        final String channel = event.getChannel();
        if (!payload.isObject()) {
            throw new MalformedEventException("Payload of " + event.getEventUuid() + " on '" + channel + "' is JSON but not an object", null);
        }
        if (channel.startsWith("/data/") && !payload.path("ChangeEventHeader").isObject()) {
            throw new MalformedEventException("Change event " + event.getEventUuid() + " on '" + channel + "' has no ChangeEventHeader", null);
        }
        if (channel.endsWith("LogEntryEvent__e")) {
            final String level = text(payload, "LoggingLevel__c", "Nebula__LoggingLevel__c").toUpperCase(Locale.ROOT);
            if (level.equals("ERROR") || level.equals("FATAL")) {
                final String type = text(payload, "ExceptionType__c", "Nebula__ExceptionType__c");
                final String message = text(payload, "ExceptionMessage__c", "Nebula__ExceptionMessage__c");
                final String fallback = text(payload, "Message__c", "Nebula__Message__c");
                final String trace = text(payload, "ExceptionStackTrace__c", "StackTrace__c", "Nebula__ExceptionStackTrace__c");
                final String frame = topFrame(trace);
                return List.of(failure(event, signature(type, message.isEmpty() ? fallback : message), frame != null ? frame : nebulaSource(payload)));
            }
        } else if (channel.startsWith("/event/")
            && (channel.endsWith("FlowExecutionErrorEvent") || payload.has("FlowApiName") || payload.has("FlowApiName__c"))) {
            // Screen-flow errors: FlowExecutionErrorEvent itself (Pub/Sub API only) or a custom event a flow relays it to.
            final String flow = text(payload, "FlowApiName", "FlowApiName__c");
            final String element = text(payload, "ElementApiName", "ElementApiName__c");
            return List.of(failure(event, signature("Flow." + flow, text(payload, "ErrorMessage", "ErrorMessage__c")),
                "Flow." + flow + (element.isEmpty() ? "" : "." + element)));
        } else if (channel.equals("/event/BatchApexErrorEvent")) {
            return List.of(failure(event, signature(text(payload, "ExceptionType"), text(payload, "Message")),
                topFrame(text(payload, "StackTrace"))));
        } else if (channel.startsWith("/data/")) {
            return List.of(dataChange(event, payload));
        } else if (channel.equals("/event/ApiEventStream")) {
            return latency(event, "api " + text(payload, "Operation") + " " + text(payload, "QueriedEntities"), number(payload, "ElapsedTime"));
        } else if (channel.equals("/event/LightningUriEventStream")) {
            return latency(event, "page " + text(payload, "Operation") + " " + text(payload, "QueriedEntities"),
                number(payload, "EffectivePageTime"));
        } else if (channel.equals("elf/ApexUnexpectedException")) {
            return List.of(failure(event, signature(text(payload, "EXCEPTION_TYPE"), text(payload, "EXCEPTION_MESSAGE")),
                topFrame(text(payload, "STACK_TRACE"))));
        } else if (channel.equals("elf/ApexExecution")) {
            // Wall time and Apex CPU time as two series: a release can burn CPU (limits) before users feel it.
            final List<Signal> out = new java.util.ArrayList<>(latency(event, "apex " + text(payload, "ENTRY_POINT"), number(payload, "RUN_TIME")));
            final double cpu = number(payload, "CPU_TIME");
            if (!Double.isNaN(cpu)) {
                out.addAll(latency(event, "apex cpu " + text(payload, "ENTRY_POINT"), cpu));
            }
            return out;
        } else if (channel.equals("elf/LightningPageView")) {
            return latency(event, "page " + path(text(payload, "PAGE_URL")), number(payload, "EFFECTIVE_PAGE_TIME"));
        } else if (channel.equals("elf/RestApi") || channel.equals("elf/API")) {
            return restCall(event, payload);
        }
        return List.of(base(event, SignalKind.OBSERVATION, "observation").build());
    }

    /** A CDC event: entity, change type, commit user, record count and the fields the change set to null. */
    private static Signal dataChange(final SalesforceEvent event, final JsonNode payload) {
        final JsonNode header = payload.get("ChangeEventHeader");
        final java.util.Map<String, String> attrs = new java.util.LinkedHashMap<>();
        attrs.put("changeType", text(header, "changeType"));
        attrs.put("commitUser", text(header, "commitUser"));
        attrs.put("records", String.valueOf(Math.max(1, header.path("recordIds").size())));
        final List<String> nulled = new java.util.ArrayList<>();
        payload.fields().forEachRemaining(f -> {
            if (f.getValue().isNull() && !f.getKey().equals("ChangeEventHeader")) {
                nulled.add(f.getKey());
            }
        });
        attrs.put("nulledFields", String.join(",", nulled));
        return base(event, SignalKind.DATA_CHANGE, text(header, "entityName")).setAttributes(attrs).build();
    }

    /** A REST call: its latency, and a failure when the status is a server error. */
    private static List<Signal> restCall(final SalesforceEvent event, final JsonNode p) {
        final String operation = "rest " + text(p, "METHOD", "METHOD_NAME") + " " + path(text(p, "URI", "ENTITY_NAME"));
        final List<Signal> out = new java.util.ArrayList<>(latency(event, operation, number(p, "RUN_TIME")));
        final String status = text(p, "STATUS_CODE");
        if (status.matches("5\\d\\d")) {
            out.add(failure(event, "HTTP " + status + " " + operation, operation));
        }
        return out;
    }

    private static List<Signal> latency(final SalesforceEvent event, final String operation, final double millis) {
        if (Double.isNaN(millis)) {
            return List.of(base(event, SignalKind.OBSERVATION, "observation").build());
        }
        return List.of(base(event, SignalKind.LATENCY, operation.trim().replaceAll("\\s+", " ")).setValue(millis).build());
    }

    /** URL path with record ids and numbers masked: /lightning/r/Account/001xx.../view -> /lightning/r/Account/<id>/view. */
    static String path(final String url) {
        final String p = url.replaceFirst("^[a-z]+://[^/]+", "").replaceFirst("\\?.*$", "");
        return NUMBER.matcher(SF_ID.matcher(p).replaceAll("<id>")).replaceAll("<n>");
    }

    private static double number(final JsonNode node, final String field) {
        final JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Double.NaN;
        }
        try {
            return v.isNumber() ? v.asDouble() : Double.parseDouble(v.asText().trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static Signal failure(final SalesforceEvent event, final String signature, final String location) {
        return base(event, SignalKind.FAILURE, FAILURES).setSignature(signature).setLocation(location).build();
    }

    private static Signal.Builder base(final SalesforceEvent event, final SignalKind kind, final String subject) {
        return Signal.newBuilder().setOrgId(event.getOrgId()).setKind(kind).setSubject(subject).setValue(1.0)
            .setEventTime(event.getEventTime()).setChannel(event.getChannel()).setEventUuid(event.getEventUuid());
    }

    /** "System.NullPointerException: Attempt to de-reference a null object on 001xx00000ABCDE" -> ids and numbers masked. */
    static String signature(final String type, final String message) {
        final String firstLine = message.lines().findFirst().orElse("");
        String s = (type.isEmpty() ? "" : type + ": ") + firstLine;
        s = SF_ID.matcher(s).replaceAll("<id>");
        s = NUMBER.matcher(s).replaceAll("<n>");
        s = s.isBlank() ? "unknown error" : s.trim();
        return s.length() > MAX_SIGNATURE ? s.substring(0, MAX_SIGNATURE) : s;
    }

    /**
     * Where a Nebula Logger entry without a stack trace came from, e.g. a flow's logging action:
     * "Flow.Invoice_Approval" from ExceptionSourceMetadataType__c / ExceptionSourceApiName__c, else
     * OriginType__c / OriginLocation__c; null when the entry names no source.
     */
    static String nebulaSource(final JsonNode payload) {
        final String type = text(payload, "ExceptionSourceMetadataType__c", "Nebula__ExceptionSourceMetadataType__c", "OriginType__c",
            "Nebula__OriginType__c");
        final String name = text(payload, "ExceptionSourceApiName__c", "Nebula__ExceptionSourceApiName__c", "OriginLocation__c",
            "Nebula__OriginLocation__c");
        if (name.isEmpty()) {
            return null;
        }
        return type.isEmpty() ? name : type + "." + name;
    }

    /** "Class.InvoiceService.calculate: line 42, column 1\n..." -> "Class.InvoiceService.calculate". */
    static String topFrame(final String trace) {
        final String first = trace.lines().map(String::trim).filter(l -> !l.isEmpty()).findFirst().orElse("");
        final int colon = first.indexOf(':');
        final String frame = colon > 0 ? first.substring(0, colon) : first;
        return frame.isEmpty() ? null : frame;
    }

    private static String text(final JsonNode node, final String... fields) {
        for (final String f : fields) {
            final JsonNode v = node.get(f);
            if (v != null && !v.isNull()) {
                return v.asText();
            }
        }
        return "";
    }
}
