package io.sfpulse.streams.normalize;

import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import java.util.regex.Pattern;

/**
 * What every source family's normalizer builds its signals with: the common fields from the event,
 * failures with a normalised signature, latencies per operation, masking of ids and numbers. Pure.
 */
final class NormalizedSignals {

    private static final Pattern SF_ID =
            Pattern.compile("\\b(?=[a-zA-Z0-9]*\\d)[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?\\b");
    private static final Pattern NUMBER = Pattern.compile("\\d+");
    private static final int MAX_SIGNATURE = 200;

    private NormalizedSignals() {}

    /** A signal of {@code kind} about {@code subject}, with the event's org, time, channel and uuid, value 1. */
    static Signal.Builder base(
            final SalesforceEvent event, final SignalKind kind, final String subject) {
        return Signal.newBuilder()
                .setOrgId(event.getOrgId())
                .setKind(kind)
                .setSubject(subject)
                .setValue(1.0)
                .setEventTime(event.getEventTime())
                .setChannel(event.getChannel())
                .setEventUuid(event.getEventUuid());
    }

    /** The event only proves the org was watched at its time. */
    static Signal observation(final SalesforceEvent event) {
        return base(event, SignalKind.OBSERVATION, "observation").build();
    }

    /** An entry point ran {@code executions} times: subject and location are the entry point. */
    static Signal activity(
            final SalesforceEvent event, final String entryPoint, final double executions) {
        return base(event, SignalKind.ACTIVITY, entryPoint)
                .setLocation(entryPoint)
                .setValue(executions)
                .build();
    }

    static Signal failure(
            final SalesforceEvent event, final String signature, final String location) {
        return base(event, SignalKind.FAILURE, SignalNormalizer.FAILURES)
                .setSignature(signature)
                .setLocation(location)
                .build();
    }

    /** A latency of {@code operation} (whitespace collapsed), or an observation when the duration is missing. */
    static Signal latency(
            final SalesforceEvent event, final String operation, final double millis) {
        if (Double.isNaN(millis)) {
            return observation(event);
        }
        return base(event, SignalKind.LATENCY, operation.trim().replaceAll("\\s+", " "))
                .setValue(millis)
                .build();
    }

    /**
     * A page view: its latency (or observation) with who viewed it, the app and the page as attributes
     * (empty values left out), what release adoption counts.
     */
    static Signal pageView(
            final Signal signal, final String viewer, final String app, final String page) {
        final java.util.Map<String, String> attrs =
                new java.util.LinkedHashMap<>(signal.getAttributes());
        if (!viewer.isBlank()) {
            attrs.put(SignalNormalizer.VIEWER, viewer);
        }
        if (!app.isBlank()) {
            attrs.put(SignalNormalizer.APP, app);
        }
        if (!page.isBlank()) {
            attrs.put(SignalNormalizer.PAGE, page);
        }
        return Signal.newBuilder(signal).setAttributes(attrs).build();
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

    /** URL path with record ids and numbers masked: /lightning/r/Account/001xx.../view -> /lightning/r/Account/<id>/view. */
    static String path(final String url) {
        final String p = url.replaceFirst("^[a-z]+://[^/]+", "").replaceFirst("\\?.*$", "");
        return NUMBER.matcher(SF_ID.matcher(p).replaceAll("<id>")).replaceAll("<n>");
    }

    /** "Class.InvoiceService.calculate: line 42, column 1\n..." -> "Class.InvoiceService.calculate". */
    static String topFrame(final String trace) {
        final String first =
                trace.lines().map(String::trim).filter(l -> !l.isEmpty()).findFirst().orElse("");
        final int colon = first.indexOf(':');
        final String frame = colon > 0 ? first.substring(0, colon) : first;
        return frame.isEmpty() ? null : frame;
    }
}
