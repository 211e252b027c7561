package io.sfpulse.streams.detector.absence;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.streams.detector.Detector;
import io.sfpulse.streams.detector.DetectorProcessor;
import io.sfpulse.streams.state.StateSerde;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/** Entry points (flows, Apex methods, platform-event channels) that stop running after a release: {@link AbsenceProcessor}. */
public final class AbsenceDetector implements Detector {

    public static final String NAME = "absent-activity";
    /** Per org: live release, progress per source, number of entry points. */
    public static final String ORG_STORE = NAME + "-org-store";
    private final AbsenceEvaluator evaluator;

    public AbsenceDetector(final AbsenceSettings settings) {
        this.evaluator = new AbsenceEvaluator(settings);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Silence is judged on delivered time: the detector reads the progress records. */
    @Override
    public boolean readsProgress() {
        return true;
    }

    @Override
    public Processor<String, Signal, String, Alert> get() {
        return new AbsenceProcessor(evaluator);
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        final Set<StoreBuilder<?>> stores = new LinkedHashSet<>(DetectorProcessor.stores(NAME, ActivitySeries.class, false));
        stores.add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ORG_STORE), Serdes.String(), StateSerde.of(OrgActivity.class))
            .withCachingEnabled());
        return stores;
    }
}
