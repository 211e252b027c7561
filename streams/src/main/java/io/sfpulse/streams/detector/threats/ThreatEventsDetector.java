package io.sfpulse.streams.detector.threats;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.streams.detector.Detector;
import io.sfpulse.streams.detector.DetectorProcessor;
import io.sfpulse.streams.state.StateStores;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.state.StoreBuilder;

/** Salesforce's own threat detections passed on as alerts of their kind: {@link ThreatEventsProcessor}. */
public final class ThreatEventsDetector implements Detector {

    public static final String NAME = "threat-events";
    private final ThreatSettings settings;

    public ThreatEventsDetector(final ThreatSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Processor<String, Signal, String, Alert> get() {
        return new ThreatEventsProcessor(settings);
    }

    @Override
    public Set<StoreBuilder<?>> stores(final StateStores state) {
        return DetectorProcessor.stores(state, NAME, ThreatHistory.class, false);
    }
}
