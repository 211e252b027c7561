package io.sfpulse.streams.detector.data;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.streams.detector.Detector;
import io.sfpulse.streams.detector.DetectorProcessor;
import io.sfpulse.streams.state.StateStores;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.state.StoreBuilder;

/** Data anomalies from Change Data Capture: {@link DataAnomalyProcessor}. */
public final class DataAnomalyDetector implements Detector {

    public static final String NAME = "data-anomalies";
    private final DataAnomalySettings settings;

    public DataAnomalyDetector(final DataAnomalySettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Processor<String, Signal, String, Alert> get() {
        return new DataAnomalyProcessor(settings);
    }

    @Override
    public Set<StoreBuilder<?>> stores(final StateStores state) {
        return DetectorProcessor.stores(state, NAME, DataAnomalyHistory.class, true);
    }
}
