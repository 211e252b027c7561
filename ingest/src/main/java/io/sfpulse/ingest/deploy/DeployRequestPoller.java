package io.sfpulse.ingest.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.deploy.MarkerSource;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Polls the Tooling API for DeployRequests completed since a cursor and turns the real deploys
 * (not check-only validations) into {@link DeploymentMarker}s with their component list. The
 * cursor is (last CompletedDate, ids seen at that instant), so deploys finishing in the same
 * second are neither skipped nor repeated.
 */
public final class DeployRequestPoller {

    /** Where polling resumes; stored in Connect's offsets. */
    public record Cursor(Instant completedAfter, Set<String> idsAtCursor) {
        public static final Cursor START = new Cursor(Instant.EPOCH, Set.of());
    }

    /** Markers found and the cursor after them. */
    public record Result(List<DeploymentMarker> markers, Cursor next) {
    }

    private final SalesforceRestClient rest;
    private final String orgId;

    public DeployRequestPoller(final SalesforceRestClient rest, final String orgId) {
        this.rest = rest;
        this.orgId = orgId;
    }

    public Result poll(final Cursor cursor) throws IOException {
        final String soql = "SELECT Id, Status, CheckOnly, StartDate, CompletedDate, CreatedBy.Name, NumberComponentsDeployed, "
            + "NumberComponentErrors FROM DeployRequest WHERE CompletedDate >= " + cursor.completedAfter()
            + " AND CheckOnly = false ORDER BY CompletedDate ASC";
        final JsonNode answer = rest.get("/tooling/query?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8));
        final List<DeploymentMarker> markers = new ArrayList<>();
        Instant last = cursor.completedAfter();
        Set<String> idsAtLast = new HashSet<>(cursor.idsAtCursor());
        for (final JsonNode record : answer.path("records")) {
            final String id = record.path("Id").asText();
            final Instant completed = Instant.parse(record.path("CompletedDate").asText());
            if (record.path("CheckOnly").asBoolean(false) || (completed.equals(cursor.completedAfter()) && cursor.idsAtCursor().contains(id))) {
                continue;
            }
            markers.add(toMarker(record, id, completed, components(id)));
            if (completed.isAfter(last)) {
                last = completed;
                idsAtLast = new HashSet<>();
            }
            idsAtLast.add(id);
        }
        return new Result(markers, new Cursor(last, Set.copyOf(idsAtLast)));
    }

    private List<String> components(final String deployId) throws IOException {
        final JsonNode details = rest.get("/metadata/deployRequest/" + deployId + "?includeDetails=true");
        final List<String> names = new ArrayList<>();
        for (final JsonNode c : details.path("deployResult").path("details").path("componentSuccesses")) {
            final String type = c.path("componentType").asText("");
            names.add(type.isEmpty() ? c.path("fullName").asText() : type + ":" + c.path("fullName").asText());
        }
        return names;
    }

    private DeploymentMarker toMarker(final JsonNode r, final String id, final Instant completed, final List<String> components) {
        final String started = r.path("StartDate").asText(null);
        return DeploymentMarker.newBuilder()
            .setOrgId(orgId)
            .setDeployId(id)
            .setSource(MarkerSource.DEPLOY_REQUEST)
            .setStatus(r.path("Status").asText())
            .setStartedTime(started == null || started.equals("null") ? null : Instant.parse(started))
            .setCompletedTime(completed)
            .setCreatedBy(r.path("CreatedBy").path("Name").asText(null))
            .setComponents(components)
            .setComponentCount(components.size())
            .setCheckOnly(false)
            .build();
    }
}
