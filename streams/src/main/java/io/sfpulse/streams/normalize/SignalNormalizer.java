package io.sfpulse.streams.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.signal.Signal;
import java.io.IOException;
import java.util.List;

/**
 * Turns a raw Salesforce event into its signals, once, upstream of every detector: parses the
 * payload, rejects what is not a JSON object (or a change event without its header), and hands the
 * event to the normalizer of its source family - Nebula Logger, standard error events, change
 * events, Real-Time Event Monitoring streams and threat detections, EventLogFile rows, other custom platform events (in
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
        families =
                List.of(
                        new NebulaLogNormalizer(),
                        new PlatformEventNormalizer(),
                        new ChangeEventNormalizer(categoryFields),
                        new MonitoringEventNormalizer(),
                        new ThreatEventNormalizer(),
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
        for (final SourceNormalizer family : families) {
            if (family.handles(channel, payload)) {
                return family.normalize(event, payload);
            }
        }
        return List.of(NormalizedSignals.observation(event));
    }
}
