package io.sfpulse.streams.detector.drop;

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

/**
 * A detector of occurrences that stop, or nearly, after a release ({@link DropProcessor}): what it
 * counts is its {@link WatchedCounts}, its settings its own ({@code detector.<name>.*}). Its
 * stores: the per-(org, subject) series, {@code <name>-store}, and per org the live release,
 * progress per source and number of subjects, {@code <name>-org-store}.
 */
public class DropDetector implements Detector {

    private final String name;
    private final WatchedCounts watched;
    private final DropEvaluator evaluator;

    protected DropDetector(
            final String name, final DropSettings settings, final WatchedCounts watched) {
        this.name = name;
        this.watched = watched;
        this.evaluator = new DropEvaluator(settings, watched);
    }

    /** Store of what the detector knows per org. */
    public static String orgStoreName(final String detectorName) {
        return detectorName + "-org-store";
    }

    @Override
    public final String name() {
        return name;
    }

    /** Silence is judged on delivered time: the detector reads the progress records. */
    @Override
    public final boolean readsProgress() {
        return true;
    }

    @Override
    public final Processor<String, Signal, String, Alert> get() {
        return new DropProcessor(name, watched, evaluator);
    }

    @Override
    public final Set<StoreBuilder<?>> stores(final StateStores state) {
        final Set<StoreBuilder<?>> stores =
                new LinkedHashSet<>(
                        DetectorProcessor.stores(state, name, CountSeries.class, false));
        stores.add(
                state.keyValue(
                                orgStoreName(name),
                                Serdes.String(),
                                StateSerde.of(OrgReleases.class))
                        .withCachingEnabled());
        return stores;
    }
}
