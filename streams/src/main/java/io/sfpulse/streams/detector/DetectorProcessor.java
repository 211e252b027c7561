package io.sfpulse.streams.detector;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.streams.JsonSerde;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every detector processor shares, as a template: per signal it skips what the detector does
 * not analyse (only noting, cheaply, that the org was observed), loads the org's state, lets the
 * detector analyse, prunes and saves; a stream-time punctuation each minute (event time, never wall
 * clock) for resolutions; metrics per detector; forwarding alert states keyed by dedup key.
 * @param <S> the per-org state type
 */
public abstract class DetectorProcessor<S> implements Processor<String, Signal, String, Alert> {

    private static final Logger LOG = LoggerFactory.getLogger(DetectorProcessor.class);
    private final String name;
    private final String storeName;
    private final Map<AlertStatus, Sensor> alertSensors = new EnumMap<>(AlertStatus.class);
    private final ObservedSince observed = new ObservedSince();
    private Sensor signalSensor;
    private ProcessorContext<String, Alert> context;
    private KeyValueStore<String, S> store;

    protected DetectorProcessor(final String name) {
        this.name = name;
        this.storeName = Detector.storeName(name);
    }

    /**
     * The key-value store of a detector's per-org state, JSON-encoded; cached, so an org's state
     * rewritten many times within a commit interval reaches RocksDB and the changelog once.
     */
    public static <S> Set<StoreBuilder<?>> stateStore(final String detectorName, final Class<S> stateType) {
        return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Detector.storeName(detectorName)), Serdes.String(),
            JsonSerde.of(stateType)).withCachingEnabled());
    }

    @Override
    public final void init(final ProcessorContext<String, Alert> ctx) {
        this.context = ctx;
        this.store = ctx.getStateStore(storeName);
        connectStores(ctx);
        ctx.schedule(Duration.ofMinutes(1), PunctuationType.STREAM_TIME, this::punctuate);
        // Kafka Streams metrics (JMX, and the launcher's Prometheus endpoint): stream-detector-metrics, tag detector-id.
        final StreamsMetrics metrics = ctx.metrics();
        signalSensor = metrics.addRateTotalSensor("detector", name, "signals-evaluated", Sensor.RecordingLevel.INFO);
        for (final AlertStatus status : AlertStatus.values()) {
            alertSensors.put(status, metrics.addRateTotalSensor("detector", name, "alerts-" + status.name().toLowerCase(Locale.ROOT),
                Sensor.RecordingLevel.INFO));
        }
    }

    @Override
    public final void process(final Record<String, Signal> record) {
        signalSensor.record();
        final Signal s = record.value();
        final String org = record.key();
        if (s == null || org == null) {
            return;
        }
        final long t = s.getEventTime().toEpochMilli();
        if (handledAside(org, s, t)) {
            return;
        }
        final boolean relevant = analyses(s);
        if (!relevant && (!observesOrg() || observed.alreadyPersisted(org, t))) {
            return; // nothing to record: the org is already known to be observed since at most t
        }
        final String key = stateKey(org, s);
        final S stored = store.get(key);
        final S state = stored != null ? stored : emptyState();
        if (relevant) {
            analyse(org, s, t, state);
        } else {
            observe(state, t);
        }
        prune(state, t);
        if (discard(state)) {
            store.delete(key);
        } else {
            store.put(key, state);
        }
        observed.persisted(key, firstObservedMs(state));
    }

    /** Connects the detector's further stores (beyond its per-org state), if it has any. */
    protected void connectStores(final ProcessorContext<String, Alert> ctx) {
    }

    /**
     * Handles a signal outside the per-org state (e.g. counting it in a series store of its own)
     * and reports whether that was all; default: nothing is handled aside.
     */
    protected boolean handledAside(final String org, final Signal s, final long t) {
        return false;
    }

    /**
     * The store key of the state a signal belongs to: the org by default; a detector whose state
     * divides by series (e.g. per operation) keys it {@code org + SERIES_SEPARATOR + series}, so a
     * signal reads and rewrites its series' state only.
     */
    protected String stateKey(final String org, final Signal s) {
        return org;
    }

    /** Separates the org from the series in a state key. */
    public static final char SERIES_SEPARATOR = '\u001f';

    /** The org of a state key. */
    protected static String orgOf(final String stateKey) {
        final int i = stateKey.indexOf(SERIES_SEPARATOR);
        return i < 0 ? stateKey : stateKey.substring(0, i);
    }

    /** Whether a state holds nothing worth keeping (it is then deleted rather than rewritten). */
    protected boolean discard(final S state) {
        return false;
    }

    /** The signals this detector analyses; the others only mark the org as observed (see {@link #observesOrg()}). */
    protected abstract boolean analyses(Signal s);

    /** Whether signals it does not analyse still count as the org being watched (exposure for rate baselines). */
    protected boolean observesOrg() {
        return true;
    }

    protected abstract S emptyState();

    /** Analyses one signal of the org against its state (which is saved afterwards). */
    protected abstract void analyse(String org, Signal s, long t, S state);

    /** Notes that the org was observed at {@code t}. */
    protected void observe(final S state, final long t) {
    }

    /** The earliest instant the state knows the org was observed, {@code Long.MAX_VALUE} when none. */
    protected long firstObservedMs(final S state) {
        return Long.MAX_VALUE;
    }

    /** Forgets what is older than the detector needs, as of event time {@code t}. */
    protected abstract void prune(S state, long t);

    /** Runs every minute of stream time (e.g. to resolve alerts that recovered or went quiet). */
    protected abstract void punctuate(long streamTime);

    protected final String name() {
        return name;
    }

    /** Applies {@code update} to every state (key: org, or org and series) and writes back the states it reports as changed. */
    protected final void updateEachOrg(final BiPredicate<String, S> update) {
        try (KeyValueIterator<String, S> all = store.all()) {
            while (all.hasNext()) {
                final KeyValue<String, S> entry = all.next();
                if (update.test(entry.key, entry.value)) {
                    store.put(entry.key, entry.value);
                }
            }
        }
    }

    /** Sends an alert state downstream, keyed by its dedup key, at its event time. */
    protected final void forward(final Alert alert) {
        LOG.atInfo().addKeyValue("org", alert.getOrgId()).addKeyValue("alert", alert.getDedupKey()).addKeyValue("detector", alert.getDetector())
            .log("Alert {}: {}", alert.getStatus(), alert.getSummary());
        alertSensors.get(alert.getStatus()).record();
        context.forward(new Record<>(alert.getDedupKey(), alert, alert.getEventTime().toEpochMilli()));
    }

    /** Moves {@code a} to {@code status} and forwards the alert state. */
    protected final void emit(final AlertState a, final AlertStatus status, final AlertLifecycle.Draft draft, final long reportedCount,
                              final long now) {
        forward(AlertLifecycle.next(a, status, draft, reportedCount, now));
    }
}
