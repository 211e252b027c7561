package io.sfpulse.streams.detector.newerrors;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import io.sfpulse.streams.detector.AlertState;
import java.util.HashMap;
import java.util.Map;

/**
 * One error signature of one org (its store key): when it was first and last seen (event time),
 * its first location, how often it occurred under each release, and the alert state per release.
 * Plain data in the detector's binary state store; not thread-safe.
 */
@JsonAutoDetect(
        fieldVisibility = Visibility.ANY,
        getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE)
final class SignatureHistory {

    long firstSeenMs = Long.MAX_VALUE;
    long lastSeenMs = Long.MIN_VALUE;
    String location;
    Map<String, Integer> countsByRelease = new HashMap<>();

    /** Alert state per release id. */
    Map<String, AlertState> alerts = new HashMap<>();

    void add(final long t, final String loc, final String releaseId) {
        firstSeenMs = Math.min(firstSeenMs, t);
        lastSeenMs = Math.max(lastSeenMs, t);
        if (location == null && loc != null) {
            location = loc;
        }
        if (releaseId != null) {
            countsByRelease.merge(releaseId, 1, Integer::sum);
        }
    }

    int count(final String releaseId) {
        return countsByRelease.getOrDefault(releaseId, 0);
    }

    /** Forgets the alert and count of one release. */
    void forget(final String releaseId) {
        alerts.remove(releaseId);
        countsByRelease.remove(releaseId);
    }

    /** Nothing left worth keeping: not seen since {@code horizonMs} and no alert (the look-back then starts later). */
    boolean forgotten(final long horizonMs) {
        return lastSeenMs < horizonMs && alerts.isEmpty();
    }
}
