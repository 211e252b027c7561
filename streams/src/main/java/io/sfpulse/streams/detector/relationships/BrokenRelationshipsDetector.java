package io.sfpulse.streams.detector.relationships;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.streams.detector.Detector;
import io.sfpulse.streams.detector.DetectorProcessor;
import io.sfpulse.streams.state.StateStores;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * References an object's changes break after a release, from Change Data Capture: lookups nulled
 * ({@code Contact.AccountId nulled}) and references pointing at records deleted earlier
 * ({@code Contact.AccountId -> deleted}, child records left pointing at a deleted parent), each as a
 * share of the object's changes against the baseline: {@link RelationshipProcessor}. Suspects: the
 * release's components on the object and field.
 */
public final class BrokenRelationshipsDetector implements Detector {

    public static final String NAME = "broken-relationships";

    /** org + id of a deleted record -> when it was deleted (event time). */
    public static final String DELETED_STORE = NAME + "-deleted-store";

    private final RelationshipSettings settings;

    public BrokenRelationshipsDetector(final RelationshipSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Processor<String, Signal, String, Alert> get() {
        return new RelationshipProcessor(settings);
    }

    @Override
    public Set<StoreBuilder<?>> stores(final StateStores state) {
        final Set<StoreBuilder<?>> stores =
                new LinkedHashSet<>(
                        DetectorProcessor.stores(state, NAME, ObjectReferences.class, false));
        stores.add(
                state.keyValue(DELETED_STORE, Serdes.String(), Serdes.Long()).withCachingEnabled());
        return stores;
    }
}
