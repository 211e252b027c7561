package io.sfpulse.streams.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Snapshots of the org's limits (REST {@code /limits}, polled onto {@value #CHANNEL}): one USAGE
 * signal per allocation that resets in a window — every {@code Daily*} and {@code Hourly*} entry
 * with a positive Max — valued at what is used (Max − Remaining), with {@code max} and
 * {@code remaining} attributes, for the limit-exhaustion detector. Members other than Max and
 * Remaining (per connected app breakdowns) are skipped; values written as text (the v29 pilot's
 * {@code "4980"}) are read as numbers. A snapshot that is not an object of limits, or whose windowed
 * entry lacks a numeric Max or Remaining, is malformed (dead-lettered with the entry named).
 */
final class OrgLimitsNormalizer implements SourceNormalizer {

    /** The channel the ingest's limits poller writes. */
    static final String CHANNEL = "rest/limits";

    /** Attributes of a USAGE signal. */
    public static final String MAX = "max";

    public static final String REMAINING = "remaining";

    @Override
    public boolean handles(final String channel, final JsonNode payload) {
        return CHANNEL.equals(channel);
    }

    @Override
    public List<Signal> normalize(final SalesforceEvent event, final JsonNode payload) {
        final List<Signal> out = new ArrayList<>();
        final Iterator<Map.Entry<String, JsonNode>> entries = payload.fields();
        while (entries.hasNext()) {
            final Map.Entry<String, JsonNode> e = entries.next();
            final String name = e.getKey();
            if (!name.startsWith("Daily") && !name.startsWith("Hourly")) {
                continue;
            }
            final long max = number(e.getValue().get("Max"));
            final long remaining = number(e.getValue().get("Remaining"));
            if (!e.getValue().isObject() || max < 0 || remaining < 0) {
                throw malformed(event, "entry '" + name + "' has no numeric Max and Remaining");
            }
            if (max == 0) {
                continue; // not allocated to this org
            }
            out.add(
                    NormalizedSignals.base(event, SignalKind.USAGE, name)
                            .setValue(Math.max(0, max - remaining))
                            .setAttributes(
                                    Map.of(
                                            MAX,
                                            String.valueOf(max),
                                            REMAINING,
                                            String.valueOf(remaining)))
                            .build());
        }
        if (out.isEmpty()) {
            throw malformed(event, "holds no Daily or Hourly limit with a positive Max");
        }
        return out;
    }

    /** A non-negative integer from a number or numeric text, else -1. */
    private static long number(final JsonNode v) {
        if (v == null) {
            return -1;
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        if (v.isTextual() && v.asText().matches("\\d{1,18}")) {
            return Long.parseLong(v.asText());
        }
        return -1;
    }

    private static SignalNormalizer.MalformedEventException malformed(
            final SalesforceEvent event, final String what) {
        return new SignalNormalizer.MalformedEventException(
                "Limits snapshot "
                        + event.getEventUuid()
                        + " of org "
                        + event.getOrgId()
                        + " "
                        + what,
                null);
    }
}
