package io.sfpulse.streams.detector;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.streams.state.StateStores;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * One detector of the detection topology: a processor over enriched signals (every kind; each
 * detector picks what it needs) that emits alert states keyed by dedup key, with the state stores
 * it owns ({@link #stores(StateStores)}, of the kind the configuration chooses). The topology adds every configured detector in one loop, naming its
 * operator {@link #name()}; a detector lives in its own package (processor, pure evaluator, settings
 * with its own config group) and is listed once in {@link Detectors}.
 */
public interface Detector extends ProcessorSupplier<String, Signal, String, Alert> {

    /** Operator name, metric tag and the {@code detector} field of its alerts, e.g. {@code post-deploy-failures}. */
    String name();

    /**
     * Whether the detector also receives progress signals ({@link io.sfpulse.streams.normalize.ProgressSignals},
     * attributed, after every signal of their time): a detector that judges silence needs to know
     * how far each source has delivered. Default: no, it sees enriched signals only.
     */
    default boolean readsProgress() {
        return false;
    }

    /** The state stores the detector owns, built by {@code state} (RocksDB in the service, in memory in a replay). */
    Set<StoreBuilder<?>> stores(StateStores state);

    /** This detector as the supplier the topology adds, with stores built by {@code state}. */
    default ProcessorSupplier<String, Signal, String, Alert> withStores(final StateStores state) {
        final Detector detector = this;
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, Signal, String, Alert> get() {
                return detector.get();
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return detector.stores(state);
            }
        };
    }

    /** State store of the detector, {@code <name>-store}. */
    static String storeName(final String detectorName) {
        return detectorName + "-store";
    }

    /** Store of when each org was first observed, {@code <name>-observed-store}. */
    static String observedStoreName(final String detectorName) {
        return detectorName + "-observed-store";
    }
}
