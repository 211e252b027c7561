package io.sfpulse.ingest.poll;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Where polling of a time-ordered object (DeployRequest, SetupAuditTrail, EventLogFile) resumes:
 * the last timestamp and the ids already seen at exactly that timestamp, so rows sharing a second
 * are neither skipped nor read twice. Queries use {@code >= timestamp}. Immutable; stored in
 * Connect's source offsets.
 */
public record PollCursor(Instant after, Set<String> idsAtCursor) {

    public static final PollCursor START = new PollCursor(Instant.EPOCH, Set.of());
    private static final String AFTER = "after";
    private static final String IDS = "ids";

    /** True if the row was already consumed. */
    public boolean seen(final Instant time, final String id) {
        return time.isBefore(after) || (time.equals(after) && idsAtCursor.contains(id));
    }

    /** The cursor after consuming the row (rows must be consumed in time order). */
    public PollCursor advance(final Instant time, final String id) {
        if (time.isAfter(after)) {
            return new PollCursor(time, Set.of(id));
        }
        final Set<String> ids = new HashSet<>(idsAtCursor);
        ids.add(id);
        return new PollCursor(after, Set.copyOf(ids));
    }

    public Map<String, Object> toOffset() {
        final Map<String, Object> m = new HashMap<>();
        m.put(AFTER, after.toString());
        m.put(IDS, String.join(",", idsAtCursor));
        return m;
    }

    public static PollCursor fromOffset(final Map<String, Object> offset) {
        if (offset == null || offset.get(AFTER) == null) {
            return START;
        }
        final String ids = String.valueOf(offset.getOrDefault(IDS, ""));
        return new PollCursor(
                Instant.parse((String) offset.get(AFTER)),
                ids.isEmpty()
                        ? Set.of()
                        : Set.copyOf(new HashSet<>(Arrays.asList(ids.split(",")))));
    }
}
