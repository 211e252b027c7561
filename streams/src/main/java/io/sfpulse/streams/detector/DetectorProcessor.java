package io.sfpulse.streams.detector;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.streams.state.StateSerde;
import io.sfpulse.streams.state.StateStores;
import io.sfpulse.streams.state.StoreScans;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every detector processor shares, as a template: per signal it notes, cheaply, since when
 * the org has been observed (its own small store: baselines never reach back before the data did),
 * skips what the detector does not analyse, loads the state of the signal's series (key: org and
 * series, see {@link #stateKey}; decoded states kept for the next signal, written through), lets the
 * detector analyse, prunes and saves; a stream-time
 * punctuation each minute (event time, never wall clock) for resolutions; metrics per detector;
 * forwarding alert states keyed by dedup key.
 * @param <S> the state type of one series (or of the org, for what is org-wide)
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

    /**
     * The states last loaded or saved, decoded (write-through: the store always holds the same bytes),
     * so a series' next signal does not decode its state again. Bounded, least recently used first out;
     * emptied at init (a task that moved or restored starts from the store).
     */
    private final Map<String, S> decoded =
            new java.util.LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(final Map.Entry<String, S> eldest) {
                    return size() > DECODED_STATES;
                }
            };

    private static final int DECODED_STATES = 20_000;
    private KeyValueStore<String, Long> observedStore;

    protected DetectorProcessor(final String name) {
        this.name = name;
        this.storeName = Detector.storeName(name);
    }

    /**
     * The key-value store of a detector's per-series state, in the compact binary {@link StateSerde};
     * cached, so a state rewritten many times within a commit interval reaches RocksDB and the
     * changelog once.
     */
    public static <S> StoreBuilder<?> stateStore(
            final StateStores state, final String detectorName, final Class<S> stateType) {
        return state.keyValue(
                        Detector.storeName(detectorName), Serdes.String(), StateSerde.of(stateType))
                .withCachingEnabled();
    }

    /** The store of when each org was first observed (org -> event time), for a detector whose baselines are time spans. */
    public static StoreBuilder<?> observedStore(
            final StateStores state, final String detectorName) {
        return state.keyValue(
                        Detector.observedStoreName(detectorName), Serdes.String(), Serdes.Long())
                .withCachingEnabled();
    }

    /** The state store and, when baselines are time spans, the observed-since store: what most detectors own. */
    public static <S> Set<StoreBuilder<?>> stores(
            final StateStores state,
            final String detectorName,
            final Class<S> stateType,
            final boolean observesOrg) {
        final Set<StoreBuilder<?>> stores = new LinkedHashSet<>();
        stores.add(stateStore(state, detectorName, stateType));
        if (observesOrg) {
            stores.add(observedStore(state, detectorName));
        }
        return stores;
    }

    @Override
    public final void init(final ProcessorContext<String, Alert> ctx) {
        this.context = ctx;
        this.store = ctx.getStateStore(storeName);
        decoded.clear();
        if (observesOrg()) {
            this.observedStore = ctx.getStateStore(Detector.observedStoreName(name));
        }
        connectStores(ctx);
        ctx.schedule(Duration.ofMinutes(1), PunctuationType.STREAM_TIME, this::punctuate);
        // Kafka Streams metrics (JMX, and the launcher's Prometheus endpoint):
        // stream-detector-metrics, tag detector-id.
        final StreamsMetrics metrics = ctx.metrics();
        signalSensor =
                metrics.addRateTotalSensor(
                        "detector", name, "signals-evaluated", Sensor.RecordingLevel.INFO);
        for (final AlertStatus status : AlertStatus.values()) {
            alertSensors.put(
                    status,
                    metrics.addRateTotalSensor(
                            "detector",
                            name,
                            "alerts-" + status.name().toLowerCase(Locale.ROOT),
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
        if (observesOrg() && !observed.alreadyPersisted(org, t)) {
            final Long since = observedStore.get(org);
            final long first = since == null ? t : Math.min(since, t);
            if (since == null || first < since) {
                observedStore.put(org, first);
            }
            observed.persisted(org, first);
        }
        if (!analyses(s)) {
            return;
        }
        final String key = stateKey(org, s);
        final S state = load(key);
        try {
            analyse(org, s, t, state);
            prune(state, t);
        } catch (RuntimeException e) {
            decoded.remove(
                    key); // the store still holds the state before this signal; so must the next
            // load
            throw e;
        }
        save(key, state);
    }

    /** The state under {@code key}, or an empty one. */
    protected final S load(final String key) {
        final S cached = decoded.get(key);
        if (cached != null) {
            return cached;
        }
        final S stored = store.get(key);
        if (stored != null) {
            decoded.put(key, stored);
        }
        return stored != null ? stored : emptyState();
    }

    /** Writes the state under {@code key} back, or deletes it when it holds nothing worth keeping ({@link #discard}). */
    protected final void save(final String key, final S state) {
        if (discard(state)) {
            store.delete(key);
            decoded.remove(key);
        } else {
            store.put(key, state);
            decoded.put(key, state);
        }
    }

    /**
     * The earliest event time at which the org was observed (any signal, analysed or not),
     * {@code Long.MAX_VALUE} when never (or when the detector does not observe orgs).
     */
    protected final long observedSinceMs(final String org) {
        if (observedStore == null) {
            return Long.MAX_VALUE;
        }
        final long cached = observed.since(org);
        if (cached != Long.MAX_VALUE) {
            return cached;
        }
        final Long since = observedStore.get(org);
        if (since == null) {
            return Long.MAX_VALUE;
        }
        observed.persisted(org, since);
        return since;
    }

    /** Connects the detector's further stores (beyond its per-org state), if it has any. */
    protected void connectStores(final ProcessorContext<String, Alert> ctx) {}

    /**
     * Handles a signal outside the per-org state (e.g. counting it in a series store of its own)
     * and reports whether that was all; default: nothing is handled aside.
     */
    protected boolean handledAside(final String org, final Signal s, final long t) {
        return false;
    }

    /**
     * The store key of the state a signal belongs to: the org by default; a detector whose state
     * divides by series (per operation, per error signature, per entity) keys it
     * {@code org + SERIES_SEPARATOR + series} ({@link #seriesKey}), so a signal reads and rewrites
     * its series' state only.
     */
    protected String stateKey(final String org, final Signal s) {
        return org;
    }

    /** Separates the org from the series in a state key. */
    public static final char SERIES_SEPARATOR = '\u001f';

    /** The state key of one series of an org. */
    protected static String seriesKey(final String org, final String series) {
        return org + SERIES_SEPARATOR + series;
    }

    /** The series of a state key (empty for an org-wide key). */
    protected static String seriesOf(final String stateKey) {
        final int i = stateKey.indexOf(SERIES_SEPARATOR);
        return i < 0 ? "" : stateKey.substring(i + 1);
    }

    /** The org of a state key. */
    protected static String orgOf(final String stateKey) {
        final int i = stateKey.indexOf(SERIES_SEPARATOR);
        return i < 0 ? stateKey : stateKey.substring(0, i);
    }

    /** Whether a state holds nothing worth keeping (it is then deleted rather than rewritten). */
    protected boolean discard(final S state) {
        return false;
    }

    /** The signals this detector analyses; every signal marks the org as observed (see {@link #observesOrg()}). */
    protected abstract boolean analyses(Signal s);

    /** Whether signals count as the org being watched since their event time (rate baselines are time spans that must not reach back before it). */
    protected boolean observesOrg() {
        return true;
    }

    protected abstract S emptyState();

    /** Analyses one signal of the org against its state (which is saved afterwards). */
    protected abstract void analyse(String org, Signal s, long t, S state);

    /** Forgets what is older than the detector needs, as of event time {@code t}. */
    protected abstract void prune(S state, long t);

    /** Runs every minute of stream time (e.g. to resolve alerts that recovered or went quiet). */
    protected abstract void punctuate(long streamTime);

    protected final String name() {
        return name;
    }

    /** Applies {@code update} to every state (key: org, or org and series) and writes back the states it reports as changed. */
    protected final void updateEachState(final BiPredicate<String, S> update) {
        updateEachState(update, (key, state) -> false);
    }

    /**
     * Applies {@code update} to every state and writes back the states it reports as changed; then
     * deletes those that {@code expired} reports as worth keeping no longer.
     */
    protected final void updateEachState(
            final BiPredicate<String, S> update, final BiPredicate<String, S> expired) {
        StoreScans.rewriteEach(
                store,
                (key, state) -> {
                    final boolean changed = update.test(key, state);
                    final StoreScans.Rewrite r =
                            expired.test(key, state)
                                    ? StoreScans.Rewrite.DELETE
                                    : changed ? StoreScans.Rewrite.PUT : StoreScans.Rewrite.KEEP;
                    // The scan visits decoded copies: what is written back replaces the cached
                    // state, what is kept leaves it as stored.
                    switch (r) {
                        case PUT -> decoded.put(key, state);
                        case DELETE -> decoded.remove(key);
                        case KEEP -> {}
                    }
                    return r;
                });
    }

    /** Sends an alert state downstream, keyed by its dedup key, at its event time. */
    protected final void forward(final Alert alert) {
        LOG.atInfo()
                .addKeyValue("org", alert.getOrgId())
                .addKeyValue("alert", alert.getDedupKey())
                .addKeyValue("detector", alert.getDetector())
                .log("Alert {}: {}", alert.getStatus(), alert.getSummary());
        alertSensors.get(alert.getStatus()).record();
        context.forward(
                new Record<>(alert.getDedupKey(), alert, alert.getEventTime().toEpochMilli()));
    }

    /** Moves {@code a} to {@code status} and forwards the alert state. */
    protected final void emit(
            final AlertState a,
            final AlertStatus status,
            final AlertLifecycle.Draft draft,
            final long reportedCount,
            final long now) {
        forward(AlertLifecycle.next(a, status, draft, reportedCount, now));
    }
}
