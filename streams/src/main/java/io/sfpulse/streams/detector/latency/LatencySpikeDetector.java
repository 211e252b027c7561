package io.sfpulse.streams.detector.latency;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.streams.detector.Detector;
import io.sfpulse.streams.detector.DetectorProcessor;
import io.sfpulse.streams.state.StateStores;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.state.StoreBuilder;

/** Latency distribution shifts per operation: {@link LatencySpikeProcessor}. */
public final class LatencySpikeDetector implements Detector {

    public static final String NAME = "latency-spikes";

    /** The 5-minute latency sketches of every (org, operation), one key each (binary). */
    public static final String SKETCHES_STORE = NAME + "-sketches-store";

    private final LatencySpikeEvaluator evaluator;

    public LatencySpikeDetector(final LatencySpikeSettings settings) {
        this.evaluator = new LatencySpikeEvaluator(settings);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Processor<String, Signal, String, Alert> get() {
        return new LatencySpikeProcessor(evaluator);
    }

    @Override
    public Set<StoreBuilder<?>> stores(final StateStores state) {
        final Set<StoreBuilder<?>> stores =
                new LinkedHashSet<>(
                        DetectorProcessor.stores(state, NAME, LatencyHistory.class, false));
        stores.add(
                state.keyValue(SKETCHES_STORE, Serdes.Bytes(), Serdes.ByteArray())
                        .withCachingEnabled());
        return stores;
    }
}
