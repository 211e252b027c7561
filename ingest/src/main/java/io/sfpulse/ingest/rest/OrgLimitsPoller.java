package io.sfpulse.ingest.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfpulse.ingest.poll.Poller;
import io.sfpulse.ingest.record.SourceRecords;
import io.sfpulse.schemas.event.EventSource;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.progress.ProgressTransport;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Reads the org's limits ({@code GET /services/data/vXX.X/limits}) on each poll and writes the whole
 * answer, verbatim, as one event on {@value #CHANNEL}, timed by the org's clock (the answer's Date
 * header; the local clock when it has none), at most one per second of that clock (its id). A snapshot has nothing to resume: a poll that fails is
 * retried by the scheduler and a missed snapshot is not refetched (Salesforce keeps no history of
 * its limits). A refusal (no "View Setup and Configuration", an API version without the resource)
 * is permanent: the scheduler stops this poller with one ERROR and counts it.
 */
public final class OrgLimitsPoller implements Poller {

    public static final String SOURCE = "Limits";
    public static final String CHANNEL = "rest/limits";

    private final SalesforceRestClient rest;
    private final String orgId;
    private final SourceRecords records;
    private volatile Instant lastAt = Instant.MIN;

    public OrgLimitsPoller(
            final SalesforceRestClient rest, final String orgId, final SourceRecords records) {
        this.rest = rest;
        this.orgId = orgId;
        this.records = records;
    }

    @Override
    public String source() {
        return SOURCE;
    }

    @Override
    public ProgressTransport transport() {
        return ProgressTransport.REST;
    }

    @Override
    public Batch poll() throws Exception {
        final JsonNode limits = rest.get("/limits");
        final Instant now = Instant.now();
        final Instant serverDate = rest.lastServerDate();
        final Instant at = serverDate != null ? serverDate : now;
        if (!at.isAfter(lastAt)) {
            // The org's clock (to the second) has not moved since the last snapshot: the same one.
            return new Batch(List.of(), null, Map.of());
        }
        lastAt = at;
        final SalesforceEvent snapshot =
                SalesforceEvent.newBuilder()
                        .setOrgId(orgId)
                        .setChannel(CHANNEL)
                        .setSource(EventSource.REST_POLL)
                        .setReplayId(null)
                        .setEventUuid(orgId + "/limits/" + at.toEpochMilli())
                        .setSchemaId(null)
                        .setEventTime(at)
                        .setReceivedTime(now)
                        .setPayload(limits.toString())
                        .setChange(null)
                        .build();
        return new Batch(List.of(records.polledSnapshot(SOURCE, snapshot)), null, Map.of());
    }

    @Override
    public void advance(final Batch batch) {}
}
