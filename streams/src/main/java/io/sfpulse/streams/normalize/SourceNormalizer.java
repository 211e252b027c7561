package io.sfpulse.streams.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.signal.Signal;
import java.util.List;

/** Turns the events of one source family (Nebula Logger, platform events, change events, ...) into signals. Pure, thread-safe. */
interface SourceNormalizer {

    /** Whether this family's events include {@code event} (payload already parsed: a JSON object). */
    boolean handles(String channel, JsonNode payload);

    /** The signals of one event of this family; never empty. */
    List<Signal> normalize(SalesforceEvent event, JsonNode payload);
}
