package io.sfpulse.streams.detector.newerrors;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.streams.detector.Detector;
import io.sfpulse.streams.detector.DetectorProcessor;
import io.sfpulse.streams.state.StateStores;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.state.StoreBuilder;

/** Error signatures a release introduced: {@link NewErrorTypeProcessor}. */
public final class NewErrorTypeDetector implements Detector {

    public static final String NAME = "new-error-types";
    private final NewErrorTypeEvaluator evaluator;

    public NewErrorTypeDetector(final NewErrorTypeSettings settings) {
        this.evaluator = new NewErrorTypeEvaluator(settings);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Processor<String, Signal, String, Alert> get() {
        return new NewErrorTypeProcessor(evaluator);
    }

    @Override
    public Set<StoreBuilder<?>> stores(final StateStores state) {
        return DetectorProcessor.stores(state, NAME, SignatureHistory.class, true);
    }
}
