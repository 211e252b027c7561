package io.sfpulse.streams.detector.failures;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.streams.detector.Detector;
import io.sfpulse.streams.detector.DetectorProcessor;
import io.sfpulse.streams.state.StateSerde;
import io.sfpulse.streams.state.StateStores;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.state.StoreBuilder;

/** Failure rate after a deploy (or, with none in its window, against the span before): {@link PostDeployFailureProcessor}. */
public final class PostDeployFailureDetector implements Detector {

    public static final String NAME = "post-deploy-failures";

    /** Executions per org and minute (the failure rate's denominator), kept as long as a baseline and window need. */
    public static final String EXECUTIONS_STORE = NAME + "-executions-store";

    /** Failures and alert states per (org, component). */
    public static final String COMPONENTS_STORE = NAME + "-components-store";

    private final PostDeployFailureEvaluator evaluator;

    public PostDeployFailureDetector(final FailureSettings settings) {
        this.evaluator = new PostDeployFailureEvaluator(settings);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Processor<String, Signal, String, Alert> get() {
        return new PostDeployFailureProcessor(evaluator);
    }

    @Override
    public Set<StoreBuilder<?>> stores(final StateStores state) {
        final Set<StoreBuilder<?>> stores =
                new LinkedHashSet<>(
                        DetectorProcessor.stores(state, NAME, FailureHistory.class, true));
        stores.add(
                state.keyValue(
                                COMPONENTS_STORE,
                                Serdes.String(),
                                StateSerde.of(ComponentFailures.class))
                        .withCachingEnabled());
        stores.add(
                state.keyValue(EXECUTIONS_STORE, Serdes.Bytes(), Serdes.Long())
                        .withCachingEnabled());
        return stores;
    }
}
