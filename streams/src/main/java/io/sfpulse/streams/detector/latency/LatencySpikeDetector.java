package io.sfpulse.streams.detector.latency;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.streams.detector.Detector;
import io.sfpulse.streams.detector.DetectorProcessor;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.state.StoreBuilder;

/** Latency distribution shifts per operation: {@link LatencySpikeProcessor}. */
public final class LatencySpikeDetector implements Detector {

    public static final String NAME = "latency-spikes";
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
    public Set<StoreBuilder<?>> stores() {
        return DetectorProcessor.stateStore(NAME, LatencyHistory.class);
    }
}
