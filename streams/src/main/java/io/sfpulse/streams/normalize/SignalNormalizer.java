package io.sfpulse.streams.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.schemas.event.EventSource;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import java.io.IOException;
import java.util.List;

/**
 * Turns a raw Salesforce event into its signals, once, upstream of every detector: parses the
 * payload, rejects what is not a JSON object (or a change event without its header), and hands the
 * event to the normalizer of its source family - Nebula Logger, standard error events, change
 * events, Real-Time Event Monitoring streams and threat detections, org-limit snapshots, EventLogFile rows, other custom platform events (in
 * that order: the first family that handles an event normalizes it). An event no family analyses is an
 * OBSERVATION (it proves the org was watched at that time, which rate baselines need when errors
 * are rare). Pure, thread-safe.
 */
public final class SignalNormalizer {

    /** Attribute prefix of a category field's value in a data-change signal, e.g. {@code value.Status}. */
    public static final String CATEGORY_VALUE_PREFIX = "value.";

    /** Attribute prefix of a record reference written by a change event, e.g. {@code ref.AccountId}. */
    public static final String REFERENCE_PREFIX = "ref.";

    /** Attribute of a request signal: who made it, e.g. {@code API client Invoice Sync}, {@code callouts to erp.example.com}. */
    public static final String REQUESTER = "requester";

    /** Attribute of a request signal: {@code ok}, or how it failed ({@code HTTP 503}, {@code REQUEST_LIMIT_EXCEEDED}, {@code no response}). */
    public static final String OUTCOME = "outcome";

    /** Attributes of a page view (LightningUriEventStream, EventLogFile LightningPageView): who viewed, in which app, which page. */
    public static final String VIEWER = "viewer";

    public static final String APP = "app";
    public static final String PAGE = "page";

    /** The outcome of a request that did not fail. */
    public static final String OK = "ok";

    /** Most record ids a DELETE's {@code recordIds} attribute lists. */
    public static final int MAX_RECORD_IDS = 100;

    /** The value of a category field set to null. */
    public static final String NO_VALUE = "(none)";

    /**
     * Subject prefix of a streamed event's delivery lag (received time minus event time, for change
     * events commit time), e.g. {@code delivery lag of /data/AccountChangeEvent}.
     */
    public static final String DELIVERY_LAG_PREFIX = "delivery lag of ";

    /** Attributes of a USAGE signal (an org limit): its allocation and what is left of it. */
    public static final String LIMIT_MAX = OrgLimitsNormalizer.MAX;

    public static final String LIMIT_REMAINING = OrgLimitsNormalizer.REMAINING;

    /** Whether {@code s} is a streamed event's delivery lag. */
    public static boolean isDeliveryLag(final Signal s) {
        return s.getKind() == SignalKind.LATENCY && s.getSubject().startsWith(DELIVERY_LAG_PREFIX);
    }

    /**
     * Whether {@code s} says how the org was watched rather than what it ran: a delivery lag or an
     * org limit's snapshot (never exposure of a release).
     */
    public static boolean isDerived(final Signal s) {
        return s.getKind() == SignalKind.USAGE || isDeliveryLag(s);
    }

    /** Subject of every failure signal. */
    public static final String FAILURES = "failures";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<SourceNormalizer> families;

    /** Without category fields: change events carry no field values. */
    public SignalNormalizer() {
        this(java.util.Set.of());
    }

    /** @param categoryFields {@code Entity.Field}s whose values change events carry ({@code value.<Field>} attributes) */
    public SignalNormalizer(final java.util.Set<String> categoryFields) {
        this(categoryFields, java.util.Set.of());
    }

    /**
     * @param categoryFields {@code Entity.Field}s whose values change events carry
     * @param integrationUsers user ids whose changes are activity of their own (a sync that stops)
     */
    public SignalNormalizer(
            final java.util.Set<String> categoryFields,
            final java.util.Set<String> integrationUsers) {
        families =
                List.of(
                        new NebulaLogNormalizer(),
                        new PlatformEventNormalizer(),
                        new ChangeEventNormalizer(categoryFields, integrationUsers),
                        new MonitoringEventNormalizer(),
                        new ThreatEventNormalizer(),
                        new OrgLimitsNormalizer(),
                        new EventLogFileNormalizer(),
                        new CustomEventNormalizer());
    }

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
            throw new MalformedEventException(
                    "Payload of "
                            + event.getEventUuid()
                            + " on '"
                            + event.getChannel()
                            + "' is not JSON",
                    e);
        }
        final String channel = event.getChannel();
        if (!payload.isObject()) {
            throw new MalformedEventException(
                    "Payload of "
                            + event.getEventUuid()
                            + " on '"
                            + channel
                            + "' is JSON but not an object",
                    null);
        }
        if (channel.startsWith("/data/") && !payload.path("ChangeEventHeader").isObject()) {
            throw new MalformedEventException(
                    "Change event "
                            + event.getEventUuid()
                            + " on '"
                            + channel
                            + "' has no ChangeEventHeader",
                    null);
        }
        List<Signal> signals = List.of(NormalizedSignals.observation(event));
        for (final SourceNormalizer family : families) {
            if (family.handles(channel, payload)) {
                signals = family.normalize(event, payload);
                break;
            }
        }
        return withDeliveryLag(event, signals);
    }

    /**
     * A streamed event (CometD, Pub/Sub) also yields its delivery lag, a LATENCY of {@code delivery
     * lag of <channel>}: how long after it happened (a change event's commit) sfpulse received it.
     * EventLogFile rows ({@code elf/...}) and polled records are late by design and yield none.
     */
    private static List<Signal> withDeliveryLag(
            final SalesforceEvent event, final List<Signal> signals) {
        if (event.getSource() != EventSource.COMETD && event.getSource() != EventSource.PUBSUB
                || !event.getChannel().startsWith("/")) {
            return signals;
        }
        final long lag =
                event.getReceivedTime().toEpochMilli() - event.getEventTime().toEpochMilli();
        if (lag < 0) {
            return signals; // clocks apart: no lag to tell
        }
        final List<Signal> out = new java.util.ArrayList<>(signals.size() + 1);
        out.addAll(signals);
        out.add(
                NormalizedSignals.base(
                                event, SignalKind.LATENCY, DELIVERY_LAG_PREFIX + event.getChannel())
                        .setValue(lag)
                        .build());
        return out;
    }
}
