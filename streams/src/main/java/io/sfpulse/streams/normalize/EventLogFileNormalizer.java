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
 * rows are activity of their flow version.
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
                return List.of(failure(event, signature(text(payload, "EXCEPTION_TYPE"), text(payload, "EXCEPTION_MESSAGE")),
                    topFrame(text(payload, "STACK_TRACE"))));
            case "elf/ApexExecution":
                return apexExecution(event, payload);
            case "elf/LightningPageView":
                return List.of(latency(event, "page " + path(text(payload, "PAGE_URL")), number(payload, "EFFECTIVE_PAGE_TIME")));
            case "elf/FlowExecution":
                return List.of(flowExecution(event, payload));
            case "elf/RestApi":
            case "elf/API":
                return restCall(event, payload);
            default:
                return List.of(observation(event));
        }
    }

    /** Wall time and Apex CPU time as two series: a release can burn CPU (limits) before users feel it. */
    private static List<Signal> apexExecution(final SalesforceEvent event, final JsonNode payload) {
        final List<Signal> out = new ArrayList<>();
        out.add(latency(event, "apex " + text(payload, "ENTRY_POINT"), number(payload, "RUN_TIME")));
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

    /** A REST call: its latency, and a failure when the status is a server error. */
    private static List<Signal> restCall(final SalesforceEvent event, final JsonNode p) {
        final String operation = "rest " + text(p, "METHOD", "METHOD_NAME") + " " + path(text(p, "URI", "ENTITY_NAME"));
        final List<Signal> out = new ArrayList<>();
        out.add(latency(event, operation, number(p, "RUN_TIME")));
        final String status = text(p, "STATUS_CODE");
        if (status.matches("5\\d\\d")) {
            out.add(failure(event, "HTTP " + status + " " + operation, operation));
        }
        return out;
    }
}
