package io.sfpulse.streams.detector.valueshift;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.streams.detector.Detector;
import io.sfpulse.streams.detector.DetectorProcessor;
import io.sfpulse.streams.state.StateStores;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Picklist and category fields ({@code streams.category.fields}, e.g. {@code Case.Status}) whose
 * mix of values written shifts after a release, e.g. Cases suddenly mostly {@code Closed}:
 * {@link ValueShiftProcessor}. Suspects: the release's components on the object and field.
 */
public final class ValueShiftDetector implements Detector {

    public static final String NAME = "value-shift";
    private final ValueShiftEvaluator evaluator;

    /** @param fieldsTested how many category fields are configured (the Bonferroni factor) */
    public ValueShiftDetector(final ValueShiftSettings settings, final int fieldsTested) {
        this.evaluator = new ValueShiftEvaluator(settings, fieldsTested);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Processor<String, Signal, String, Alert> get() {
        return new ValueShiftProcessor(evaluator);
    }

    @Override
    public Set<StoreBuilder<?>> stores(final StateStores state) {
        return DetectorProcessor.stores(state, NAME, FieldValues.class, false);
    }
}
