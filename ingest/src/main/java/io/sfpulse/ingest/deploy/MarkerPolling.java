package io.sfpulse.ingest.deploy;

import io.sfpulse.ingest.poll.PollCursor;
import io.sfpulse.ingest.poll.Poller;
import io.sfpulse.ingest.progress.ServerDates;
import io.sfpulse.ingest.record.SourceRecords;
import io.sfpulse.ingest.rest.SalesforceRestClient;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.progress.ProgressTransport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link MarkerPoller} (DeployRequest, SetupAuditTrail) as a scheduled {@link Poller}: its cursor, its records, its progress. */
public final class MarkerPolling implements Poller {

    private static final Logger LOG = LoggerFactory.getLogger(MarkerPolling.class);

    private final MarkerPoller poller;
    private final SalesforceRestClient rest;
    private final SourceRecords records;
    private final String orgId;
    private volatile PollCursor cursor;

    public MarkerPolling(
            final MarkerPoller poller,
            final SalesforceRestClient rest,
            final SourceRecords records,
            final String orgId,
            final Map<String, Object> storedOffset) {
        this.poller = poller;
        this.rest = rest;
        this.records = records;
        this.orgId = orgId;
        this.cursor = PollCursor.fromOffset(storedOffset);
    }

    @Override
    public String source() {
        return poller.source();
    }

    @Override
    public ProgressTransport transport() {
        return ProgressTransport.REST;
    }

    @Override
    public Batch poll() throws Exception {
        final MarkerPoller.Result result = poller.poll(cursor);
        final List<SourceRecord> out = new ArrayList<>();
        for (final MarkerPoller.Found found : result.found()) {
            final DeploymentMarker marker = found.marker();
            LOG.atInfo()
                    .addKeyValue("org", orgId)
                    .addKeyValue("deployId", marker.getDeployId())
                    .log(
                            "{} marker at {} ({} components, {})",
                            poller.source(),
                            marker.getCompletedTime(),
                            marker.getComponentCount(),
                            marker.getStatus());
            out.add(records.marker(poller.source(), found.cursorAfter().toOffset(), marker));
        }
        final Instant through = ServerDates.deliveredThrough(rest.lastServerDate());
        return new Batch(
                out, result.next(), through == null ? Map.of() : Map.of(poller.source(), through));
    }

    @Override
    public void advance(final Batch batch) {
        cursor = (PollCursor) batch.next();
    }
}
