package io.sfpulse.streams.attribution;

import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.signal.Signal;

/** Attaches the release live at a signal's event time (from the versioned marker table) to the signal. Pure. */
public final class ReleaseAttribution {

    private ReleaseAttribution() {}

    /** @param live the marker valid at the signal's timestamp, or null when none was */
    public static Signal attribute(final Signal signal, final DeploymentMarker live) {
        if (live == null) {
            return signal;
        }
        final long completed = live.getCompletedTime().toEpochMilli();
        return Signal.newBuilder(signal)
                .setReleaseId(live.getDeployId())
                .setReleaseCompletedTime(live.getCompletedTime())
                .setReleaseComponents(live.getComponents())
                .setReleaseLabel(live.getLabel())
                .setReleaseCommit(live.getCommit())
                .setMinutesSinceDeploy(
                        (signal.getEventTime().toEpochMilli() - completed) / 60_000.0)
                .build();
    }
}
