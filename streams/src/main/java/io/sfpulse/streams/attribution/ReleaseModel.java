package io.sfpulse.streams.attribution;

import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.deploy.MarkerSource;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * What counts as a release, and when two markers are one release. A release is a {@code Succeeded}
 * or {@code SucceededPartial} deploy that is not check-only (DeployRequest, change set), a CI/CD
 * marker (unless it reports a failure), or a SetupAuditTrail change (ingest passes only the Actions
 * configured as releases). Failed, canceled and check-only deploys are attempts: kept with their
 * outcome, never the live release. A CI/CD marker and a DeployRequest are one release when the
 * marker names the deploy id, or when they completed within the merge window of each other and
 * the marker lists no components or the same ones. Pure.
 */
public final class ReleaseModel {

    private static final Set<String> SUCCEEDED = Set.of("Succeeded", "SucceededPartial");
    private static final Set<String> FAILED = Set.of("Failed", "Canceled", "Canceling", "Error");

    private final Duration mergeWindow;

    public ReleaseModel(final Duration mergeWindow) {
        this.mergeWindow = mergeWindow;
    }

    public static boolean isRelease(final DeploymentMarker m) {
        return switch (m.getSource()) {
            case DEPLOY_REQUEST, CHANGE_SET ->
                    !m.getCheckOnly() && SUCCEEDED.contains(m.getStatus());
            case MARKER_API -> !FAILED.contains(m.getStatus());
            case SETUP_AUDIT_TRAIL -> true;
        };
    }

    /** Whether {@code ci} (a CI/CD marker) and {@code deploy} (a DeployRequest) are the same release. */
    public boolean sameRelease(final DeploymentMarker ci, final DeploymentMarker deploy) {
        if (ci.getSource() != MarkerSource.MARKER_API
                || deploy.getSource() != MarkerSource.DEPLOY_REQUEST
                || isMerged(deploy)) {
            return false;
        }
        if (ci.getDeployId().equals(deploy.getDeployId())) {
            return true;
        }
        final long apart =
                Math.abs(
                        ci.getCompletedTime().toEpochMilli()
                                - deploy.getCompletedTime().toEpochMilli());
        return apart <= mergeWindow.toMillis()
                && (ci.getComponents().isEmpty()
                        || new HashSet<>(ci.getComponents())
                                .equals(new HashSet<>(deploy.getComponents())));
    }

    /** The one release: the deploy (its id, time, components and outcome) with the marker's label and commit. */
    public static DeploymentMarker merge(final DeploymentMarker ci, final DeploymentMarker deploy) {
        return DeploymentMarker.newBuilder(deploy)
                .setLabel(ci.getLabel())
                .setCommit(ci.getCommit())
                .setCommitTime(ci.getCommitTime())
                .setCreatedBy(
                        deploy.getCreatedBy() != null ? deploy.getCreatedBy() : ci.getCreatedBy())
                .build();
    }

    /** A DeployRequest that already carries a CI/CD marker's label. */
    public static boolean isMerged(final DeploymentMarker m) {
        return m.getSource() == MarkerSource.DEPLOY_REQUEST && m.getLabel() != null;
    }

    public Duration mergeWindow() {
        return mergeWindow;
    }
}
