package io.sfpulse.ingest.deploy;

import io.sfpulse.ingest.poll.PollCursor;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import java.io.IOException;
import java.util.List;

/** A source of deployment markers polled from the org, resuming from a {@link PollCursor}. */
public interface MarkerPoller {

    /** One marker and the cursor to store once it is in Kafka. */
    record Found(DeploymentMarker marker, PollCursor cursorAfter) {}

    /** Name used in source partitions and logs, e.g. "DeployRequest". */
    String source();

    /** Markers found and the cursor after every row read (including rows that made no marker). */
    record Result(List<Found> found, PollCursor next) {}

    /** Markers newer than {@code cursor}, in time order. */
    Result poll(PollCursor cursor) throws IOException;
}
