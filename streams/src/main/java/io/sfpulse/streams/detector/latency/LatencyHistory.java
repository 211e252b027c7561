package io.sfpulse.streams.detector.latency;

import io.sfpulse.streams.detector.AlertState;
import java.util.HashMap;
import java.util.Map;

/**
 * Latency state of one (org, operation) - its store key: which 5-minute buckets hold a sketch (the
 * sketches themselves are in {@link SketchBuckets}, one key each), and per release (or no-deploy
 * episode) the post-deploy samples with their exceedances of the baseline's p50 and p95, plus the
 * alert state. Plain data in the binary {@link io.sfpulse.streams.state.StateSerde}; not thread-safe.
 */
final class LatencyHistory {

    public static final long BUCKET_MS = 5 * 60_000L;

    /** Per operation, the oldest and newest 5-minute bucket holding a sketch in {@link SketchBuckets}. */
    public Map<String, Long> oldestBucket = new HashMap<>();

    public Map<String, Long> newestBucket = new HashMap<>();
    public Map<String, Exceedances> afterDeploy = new HashMap<>();
    public Map<String, AlertState> alerts = new HashMap<>();

    /** Per operation, the event time of the last check against the rolling baseline. */
    public Map<String, Long> lastRollingCheckMs = new HashMap<>();

    /** Post-deploy samples of one (release, operation) compared with its fixed pre-deploy baseline. */
    public static final class Exceedances {
        public long n;
        public long aboveP50;
        public long aboveP95;
        public long lastSampleMs;
        public double baselineP50 = Double.NaN;
        public double baselineP95 = Double.NaN;
        public double baselineP99 = Double.NaN;
        public long baselineCount;
        public long startMs; // the deploy, or the start of a no-deploy episode
        public String current; // encoded sketch of the post-deploy samples
        public String recent =
                ""; // last samples: '1' above the baseline p95, '0' not (newest last)

        /** Forgets the samples since the start (the frozen baseline stays): a resolved alert's next episode counts afresh. */
        void restartCounting() {
            n = 0;
            aboveP50 = 0;
            aboveP95 = 0;
            current = null;
            recent = "";
        }
    }

    public void prune(final long horizonMs) {
        final long horizon = Math.floorDiv(horizonMs, BUCKET_MS);
        newestBucket.values().removeIf(b -> b < horizon);
        oldestBucket.keySet().retainAll(newestBucket.keySet());
        lastRollingCheckMs.keySet().retainAll(newestBucket.keySet());
    }
}
