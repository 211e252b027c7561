package io.sfpulse.streams.detector;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-org failure counts in one-minute event-time buckets, the first minute the org was observed,
 * signature and location counts per release, and the alert state per release. Plain data (stored
 * as JSON in a state store); not thread-safe.
 */
public final class FailureHistory {

    public TreeMap<Long, Integer> failuresPerMinute = new TreeMap<>();
    public long firstObservedMinute = Long.MAX_VALUE;
    public Map<String, Map<String, Integer>> signaturesByRelease = new HashMap<>();
    public Map<String, Map<String, Integer>> locationsByRelease = new HashMap<>();
    public Map<String, AlertState> alerts = new HashMap<>();

    /** Lifecycle of one (org, release) alert. */
    public static final class AlertState {
        public String releaseId;
        public long releaseCompletedMs;
        public java.util.List<String> components = new java.util.ArrayList<>();
        public String status; // TRIGGERED, UPDATED, RESOLVED
        public int sequence;
        public long lastReportedCount;
        public long lastEmittedMs;
    }

    public void observe(final long eventTimeMs) {
        firstObservedMinute = Math.min(firstObservedMinute, eventTimeMs / 60_000);
    }

    public void addFailure(final long eventTimeMs, final String releaseId, final String signature, final String location) {
        observe(eventTimeMs);
        failuresPerMinute.merge(eventTimeMs / 60_000, 1, Integer::sum);
        if (releaseId != null) {
            if (signature != null) {
                signaturesByRelease.computeIfAbsent(releaseId, r -> new HashMap<>()).merge(signature, 1, Integer::sum);
            }
            if (location != null) {
                locationsByRelease.computeIfAbsent(releaseId, r -> new HashMap<>()).merge(location, 1, Integer::sum);
            }
        }
    }

    /** Failures with event time in [fromMs, toMs). */
    public long count(final long fromMs, final long toMs) {
        if (toMs <= fromMs) {
            return 0;
        }
        return failuresPerMinute.subMap(Math.floorDiv(fromMs, 60_000), true, Math.floorDiv(toMs - 1, 60_000), true)
            .values().stream().mapToLong(Integer::longValue).sum();
    }

    /** Forgets buckets older than {@code horizonMs}. */
    public void prune(final long horizonMs) {
        failuresPerMinute.headMap(horizonMs / 60_000).clear();
    }
}
