package io.sfpulse.ingest.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfpulse.ingest.poll.PollCursor;
import io.sfpulse.ingest.poll.SalesforceTimes;
import io.sfpulse.ingest.rest.SalesforceRestClient;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.deploy.MarkerSource;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Polls SetupAuditTrail and turns setup changes whose Action matches a pattern (permission set
 * changes, Apex and flow edits, ...) into markers: a setup change in production is a release too.
 */
public final class SetupAuditTrailPoller implements MarkerPoller {

    private final SalesforceRestClient rest;
    private final String orgId;
    private final Pattern actions;

    public SetupAuditTrailPoller(
            final SalesforceRestClient rest, final String orgId, final Pattern actions) {
        this.rest = rest;
        this.orgId = orgId;
        this.actions = actions;
    }

    @Override
    public String source() {
        return "SetupAuditTrail";
    }

    @Override
    public Result poll(final PollCursor cursor) throws IOException {
        final String soql =
                "SELECT Id, Action, Section, Display, CreatedDate, CreatedBy.Name FROM SetupAuditTrail WHERE CreatedDate >= "
                        + cursor.after()
                        + " ORDER BY CreatedDate ASC";
        final JsonNode answer =
                rest.get("/query?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8));
        final List<Found> found = new ArrayList<>();
        PollCursor next = cursor;
        for (final JsonNode r : answer.path("records")) {
            final String id = r.path("Id").asText();
            final Instant created = SalesforceTimes.parse(r.path("CreatedDate").asText());
            if (next.seen(created, id)) {
                continue;
            }
            next = next.advance(created, id);
            final String action = r.path("Action").asText();
            if (!actions.matcher(action).matches()) {
                continue; // consumed (cursor moves) but not a release
            }
            found.add(
                    new Found(
                            DeploymentMarker.newBuilder()
                                    .setOrgId(orgId)
                                    .setDeployId(id)
                                    .setSource(MarkerSource.SETUP_AUDIT_TRAIL)
                                    .setStatus(action)
                                    .setCompletedTime(created)
                                    .setCreatedBy(r.path("CreatedBy").path("Name").asText(null))
                                    .setLabel(r.path("Display").asText(null))
                                    .setComponents(
                                            List.of(r.path("Section").asText("") + ":" + action))
                                    .setComponentCount(1)
                                    .build(),
                            next));
        }
        return new Result(found, next);
    }
}
