package io.sfpulse.ingest.marker;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfpulse.schemas.deploy.DeploymentMarker;

/** Exposes the request validation of {@link MarkerApiServer} to tests in other packages. */
public final class MarkerApiServerTestAccess {
    private MarkerApiServerTestAccess() {}

    public static DeploymentMarker parse(final JsonNode json) {
        return MarkerApiServer.parse(json);
    }
}
