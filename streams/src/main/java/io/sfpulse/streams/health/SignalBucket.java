package io.sfpulse.streams.health;

import io.sfpulse.schemas.signal.Signal;

/**
 * What one org's signals looked like in one 5-minute event-time window: failures, latency
 * samples (count, sum, max) and data changes. Plain data kept in binary ({@link io.sfpulse.streams.state.StateSerde}) in {@code signal-buckets-store}.
 */
public final class SignalBucket {

    public long failures;
    public long latencySamples;
    public double latencySumMs;
    public double latencyMaxMs;
    public long dataChanges;
    public long observations;

    public SignalBucket add(final Signal s) {
        switch (s.getKind()) {
            case FAILURE -> failures++;
            case LATENCY -> {
                latencySamples++;
                latencySumMs += s.getValue();
                latencyMaxMs = Math.max(latencyMaxMs, s.getValue());
            }
            case DATA_CHANGE -> dataChanges++;
            default -> observations++;
        }
        return this;
    }

    /** Everything the org ran in the window (failures, latency samples, data changes, activity and observations): the error budget's denominator. */
    public long executions() {
        return failures + latencySamples + dataChanges + observations;
    }

    public double latencyMeanMs() {
        return latencySamples == 0 ? Double.NaN : latencySumMs / latencySamples;
    }
}
