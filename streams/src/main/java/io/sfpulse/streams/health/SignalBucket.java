package io.sfpulse.streams.health;

import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.streams.normalize.SignalNormalizer;

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

    /** Delivery-lag samples of streamed events, and the largest lag (ms). */
    public long lagSamples;

    public double lagMaxMs;

    public SignalBucket add(final Signal s) {
        switch (s.getKind()) {
            case FAILURE -> failures++;
            case LATENCY -> {
                if (SignalNormalizer.isDeliveryLag(s)) {
                    // How late the org's events arrived, not something the org ran.
                    lagSamples++;
                    lagMaxMs = Math.max(lagMaxMs, s.getValue());
                    return this;
                }
                latencySamples++;
                latencySumMs += s.getValue();
                latencyMaxMs = Math.max(latencyMaxMs, s.getValue());
            }
            case DATA_CHANGE -> dataChanges++;
            case USAGE -> {} // an org limit's snapshot: nothing the org ran
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
