package io.sfpulse.streams.normalize;

import static io.sfpulse.streams.normalize.NormalizedSignals.activity;
import static io.sfpulse.streams.normalize.NormalizedSignals.failure;
import static io.sfpulse.streams.normalize.NormalizedSignals.latency;
import static io.sfpulse.streams.normalize.NormalizedSignals.observation;
import static io.sfpulse.streams.normalize.NormalizedSignals.path;
import static io.sfpulse.streams.normalize.NormalizedSignals.signature;
import static io.sfpulse.streams.normalize.NormalizedSignals.topFrame;
import static io.sfpulse.streams.normalize.PayloadFields.number;
import static io.sfpulse.streams.normalize.PayloadFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.signal.Signal;
import java.util.ArrayList;
import java.util.List;

/**
 * EventLogFile rows ({@code elf/<EventType>}, one event per CSV row): ApexUnexpectedException rows
 * are failures; ApexExecution RUN_TIME and CPU_TIME, LightningPageView EFFECTIVE_PAGE_TIME and
 * RestApi/API RUN_TIME are latencies; a REST call with a 5xx status is also a failure; FlowExecution
 * rows are activity of their flow version. Requests — RestApi and API calls, ApexCallout callouts
 * (latency {@code callout <host>} from TIME), ApiTotalUsage rows — also say who made them and how
 * they ended ({@link SignalNormalizer#REQUESTER}, {@link SignalNormalizer#OUTCOME}), for the
 * integration-failures detector.
 */
final class EventLogFileNormalizer implements SourceNormalizer {

    @Override
    public boolean handles(final String channel, final JsonNode payload) {
        return channel.startsWith("elf/");
    }

    @Override
    public List<Signal> normalize(final SalesforceEvent event, final JsonNode payload) {
        switch (event.getChannel()) {
            case "elf/ApexUnexpectedException":
                return List.of(
                        failure(
                                event,
                                signature(
                                        text(payload, "EXCEPTION_TYPE"),
                                        text(payload, "EXCEPTION_MESSAGE")),
                                topFrame(text(payload, "STACK_TRACE"))));
            case "elf/ApexExecution":
                return apexExecution(event, payload);
            case "elf/LightningPageView":
                return List.of(
                        NormalizedSignals.pageView(
                                latency(
                                        event,
                                        "page " + path(text(payload, "PAGE_URL")),
                                        number(payload, "EFFECTIVE_PAGE_TIME")),
                                text(payload, "USER_ID_DERIVED", "USER_ID"),
                                text(payload, "APP_NAME", "PAGE_APP_NAME"),
                                text(payload, "PAGE_FLEXI_PAGE_NAME_OR_ID")));
            case "elf/FlowExecution":
                return List.of(flowExecution(event, payload));
            case "elf/RestApi":
            case "elf/API":
                return restCall(event, payload);
            case "elf/ApexCallout":
                return List.of(callout(event, payload));
            case "elf/ApiTotalUsage":
                return List.of(
                        request(observation(event), apiClient(payload), apiOutcome(payload)));
            default:
                return List.of(observation(event));
        }
    }

    /** Wall time and Apex CPU time as two series: a release can burn CPU (limits) before users feel it. */
    private static List<Signal> apexExecution(final SalesforceEvent event, final JsonNode payload) {
        final List<Signal> out = new ArrayList<>();
        out.add(
                latency(
                        event,
                        "apex " + text(payload, "ENTRY_POINT"),
                        number(payload, "RUN_TIME")));
        final double cpu = number(payload, "CPU_TIME");
        if (!Double.isNaN(cpu)) {
            out.add(latency(event, "apex cpu " + text(payload, "ENTRY_POINT"), cpu));
        }
        return out;
    }

    /**
     * A FlowExecution row aggregates one request's interviews of one flow version: ACTIVITY of
     * {@code FlowVersion.<FLOW_VERSION_ID>} (the file names no flow API name) with NUMBER_OF_INTERVIEWS executions.
     */
    private static Signal flowExecution(final SalesforceEvent event, final JsonNode payload) {
        final String version = text(payload, "FLOW_VERSION_ID");
        final double interviews = number(payload, "NUMBER_OF_INTERVIEWS");
        if (version.isEmpty() || Double.isNaN(interviews) || interviews <= 0) {
            return observation(event);
        }
        return activity(event, "FlowVersion." + version, interviews);
    }

    /** A REST call: its latency (with client and outcome), and a failure when the status is a server error. */
    private static List<Signal> restCall(final SalesforceEvent event, final JsonNode p) {
        final String operation =
                "rest "
                        + text(p, "METHOD", "METHOD_NAME")
                        + " "
                        + path(text(p, "URI", "ENTITY_NAME"));
        final List<Signal> out = new ArrayList<>();
        out.add(
                request(
                        latency(event, operation, number(p, "RUN_TIME")),
                        apiClient(p),
                        apiOutcome(p)));
        final String status = text(p, "STATUS_CODE");
        if (status.matches("5\\d\\d")) {
            out.add(failure(event, "HTTP " + status + " " + operation, operation));
        }
        return out;
    }

    /** An Apex callout: its duration per external host, and how it ended (no response, HTTP 4xx/5xx, ok). */
    private static Signal callout(final SalesforceEvent event, final JsonNode p) {
        final String host = host(text(p, "URL"));
        final String status = text(p, "STATUS_CODE");
        final String outcome =
                "0".equals(text(p, "SUCCESS"))
                        ? "no response"
                        : status.matches("[45]\\d\\d") ? "HTTP " + status : SignalNormalizer.OK;
        return request(
                latency(event, "callout " + host, number(p, "TIME")),
                "callouts to " + host,
                outcome);
    }

    /** Error codes a failed API call's exception message names, most specific first. */
    private static final List<String> API_ERROR_CODES =
            List.of(
                    "REQUEST_LIMIT_EXCEEDED",
                    "INVALID_SESSION_ID",
                    "INSUFFICIENT_ACCESS_OR_READONLY",
                    "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY",
                    "UNABLE_TO_LOCK_ROW",
                    "INVALID_FIELD",
                    "MALFORMED_QUERY",
                    "INVALID_TYPE");

    /** Who made an API call: its client name, else its connected app's name or id. */
    private static String apiClient(final JsonNode p) {
        // EventLogFile rows leave absent values empty: the first column that holds one.
        for (final String column :
                new String[] {"CLIENT_NAME", "CONNECTED_APP_NAME", "CONNECTED_APP_ID"}) {
            final String client = text(p, column);
            if (!client.isBlank()) {
                return "API client " + client;
            }
        }
        return "API client (unnamed)";
    }

    /** How an API call ended: the error code its exception names, else its HTTP status from 400 on, else its request status. */
    private static String apiOutcome(final JsonNode p) {
        final String exception = text(p, "EXCEPTION_MESSAGE");
        for (final String code : API_ERROR_CODES) {
            if (exception.contains(code)) {
                return code;
            }
        }
        final String status = text(p, "STATUS_CODE");
        if (status.matches("[45]\\d\\d")) {
            return "HTTP " + status;
        }
        return switch (text(p, "REQUEST_STATUS")) {
            case "F" -> "failed";
            case "A" -> "authorization error";
            default -> SignalNormalizer.OK;
        };
    }

    private static String host(final String url) {
        try {
            final String h = java.net.URI.create(url.trim()).getHost();
            return h == null || h.isBlank()
                    ? (url.isBlank() ? "(unknown host)" : url)
                    : h.toLowerCase(java.util.Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return url.isBlank() ? "(unknown host)" : url;
        }
    }

    private static Signal request(
            final Signal signal, final String requester, final String outcome) {
        final java.util.Map<String, String> attrs =
                new java.util.LinkedHashMap<>(signal.getAttributes());
        attrs.put(SignalNormalizer.REQUESTER, requester);
        attrs.put(SignalNormalizer.OUTCOME, outcome);
        return Signal.newBuilder(signal).setAttributes(attrs).build();
    }
}
