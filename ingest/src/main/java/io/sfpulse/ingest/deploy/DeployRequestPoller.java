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

/**
 * Polls the Tooling API for DeployRequests completed since a cursor and turns each into a
 * {@link DeploymentMarker} with its outcome (status, check-only flag) and component list. Every
 * outcome is kept: detection makes only succeeded, non-check-only deploys the live release, and
 * shows failed, canceled and validation-only ones as attempts.
 */
public final class DeployRequestPoller implements MarkerPoller {

    private final SalesforceRestClient rest;
    private final String orgId;

    public DeployRequestPoller(final SalesforceRestClient rest, final String orgId) {
        this.rest = rest;
        this.orgId = orgId;
    }

    @Override
    public String source() {
        return "DeployRequest";
    }

    @Override
    public Result poll(final PollCursor cursor) throws IOException {
        final String soql =
                "SELECT Id, Status, CheckOnly, StartDate, CompletedDate, CreatedBy.Name, NumberComponentsDeployed, "
                        + "NumberComponentErrors FROM DeployRequest WHERE CompletedDate >= "
                        + cursor.after()
                        + " ORDER BY CompletedDate ASC";
        final JsonNode answer =
                rest.get("/tooling/query?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8));
        final List<Found> found = new ArrayList<>();
        PollCursor next = cursor;
        for (final JsonNode record : answer.path("records")) {
            final String id = record.path("Id").asText();
            final Instant completed = SalesforceTimes.parse(record.path("CompletedDate").asText());
            if (next.seen(completed, id)) {
                continue;
            }
            next = next.advance(completed, id);
            found.add(new Found(toMarker(record, id, completed, components(id)), next));
        }
        return new Result(found, next);
    }

    private List<String> components(final String deployId) throws IOException {
        final JsonNode details =
                rest.get("/metadata/deployRequest/" + deployId + "?includeDetails=true");
        final List<String> names = new ArrayList<>();
        for (final JsonNode c :
                details.path("deployResult").path("details").path("componentSuccesses")) {
            final String type = c.path("componentType").asText("");
            names.add(
                    type.isEmpty()
                            ? c.path("fullName").asText()
                            : type + ":" + c.path("fullName").asText());
        }
        return names;
    }

    private DeploymentMarker toMarker(
            final JsonNode r,
            final String id,
            final Instant completed,
            final List<String> components) {
        final String started = r.path("StartDate").asText(null);
        return DeploymentMarker.newBuilder()
                .setOrgId(orgId)
                .setDeployId(id)
                .setSource(MarkerSource.DEPLOY_REQUEST)
                .setStatus(r.path("Status").asText())
                .setStartedTime(
                        started == null || started.equals("null")
                                ? null
                                : SalesforceTimes.parse(started))
                .setCompletedTime(completed)
                .setCreatedBy(r.path("CreatedBy").path("Name").asText(null))
                .setComponents(components)
                .setComponentCount(components.size())
                .setCheckOnly(r.path("CheckOnly").asBoolean(false))
                .build();
    }
}
