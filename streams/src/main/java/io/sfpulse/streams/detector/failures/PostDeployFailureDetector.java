package io.sfpulse.streams.detector.failures;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.streams.detector.Detector;
import io.sfpulse.streams.detector.DetectorProcessor;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.state.StoreBuilder;

/** Failure rate after a deploy (or, with none in its window, against the span before): {@link PostDeployFailureProcessor}. */
public final class PostDeployFailureDetector implements Detector {

    public static final String NAME = "post-deploy-failures";
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
    public Set<StoreBuilder<?>> stores() {
        return DetectorProcessor.stateStore(NAME, FailureHistory.class);
    }
}
