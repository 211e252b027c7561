package io.sfpulse.streams.detector.latency;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.streams.detector.Detector;
import io.sfpulse.streams.detector.DetectorProcessor;
import io.sfpulse.streams.normalize.SignalNormalizer;
import io.sfpulse.streams.state.StateStores;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Latency distribution shifts per operation: {@link LatencySpikeProcessor}. The same judgement
 * serves other latency series under another name (the delivery-lag detector): each instance has its
 * own name, settings, stores and the series it reads.
 */
public final class LatencySpikeDetector implements Detector {

    public static final String NAME = "latency-spikes";
    public static final String GROUP = "Detector: latency spikes";

    private final String name;
    private final LatencySpikeEvaluator evaluator;
    private final Predicate<Signal> series;

    /** The latency-spikes detector: every latency series except those of other latency detectors. */
    public LatencySpikeDetector(final LatencySpikeSettings settings) {
        this(NAME, settings, s -> !s.getSubject().startsWith(SignalNormalizer.DELIVERY_LAG_PREFIX));
    }

    /** A latency detector named {@code name} over the LATENCY signals {@code series} accepts. */
    public LatencySpikeDetector(
            final String name,
            final LatencySpikeSettings settings,
            final Predicate<Signal> series) {
        this.name = name;
        this.evaluator = new LatencySpikeEvaluator(settings);
        this.series = series;
    }

    public static ConfigDef define(final ConfigDef def) {
        return LatencySpikeSettings.define(
                def, NAME, GROUP, "an operation's latency", LatencySpikeSettings.defaults());
    }

    public static LatencySpikeDetector from(final AbstractConfig config) {
        return new LatencySpikeDetector(LatencySpikeSettings.from(config, NAME));
    }

    /** The 5-minute latency sketches of every (org, series) of detector {@code name}, one key each (binary). */
    public static String sketchesStore(final String name) {
        return name + "-sketches-store";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Processor<String, Signal, String, Alert> get() {
        return new LatencySpikeProcessor(name, evaluator, series);
    }

    @Override
    public Set<StoreBuilder<?>> stores(final StateStores state) {
        final Set<StoreBuilder<?>> stores =
                new LinkedHashSet<>(
                        DetectorProcessor.stores(state, name, LatencyHistory.class, false));
        stores.add(
                state.keyValue(sketchesStore(name), Serdes.Bytes(), Serdes.ByteArray())
                        .withCachingEnabled());
        return stores;
    }
}
