package io.sfpulse.streams.detector.limits;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.streams.detector.Detector;
import io.sfpulse.streams.detector.DetectorProcessor;
import io.sfpulse.streams.state.StateStores;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Org limits (API requests, async Apex executions, delivered platform events, ... from polled
 * {@code /limits} snapshots) forecast to run out within their window after consumption rose:
 * {@link LimitExhaustionProcessor}, {@link LimitForecast}.
 */
public final class LimitExhaustionDetector implements Detector {

    public static final String NAME = "limit-exhaustion";
    private final LimitSettings settings;

    public LimitExhaustionDetector(final LimitSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Processor<String, Signal, String, Alert> get() {
        return new LimitExhaustionProcessor(settings);
    }

    @Override
    public Set<StoreBuilder<?>> stores(final StateStores state) {
        return DetectorProcessor.stores(state, NAME, LimitHistory.class, false);
    }
}
