package io.sfpulse.streams.detector;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.signal.Signal;
import java.time.Duration;
import java.util.function.BiPredicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every detector processor shares: its per-org state store, a stream-time punctuation each
 * minute (event time, never wall clock) for resolutions, iteration over all orgs' state, and
 * forwarding alert states. Subclasses analyse signals and decide.
 * @param <S> the per-org state type
 */
abstract class DetectorProcessor<S> implements Processor<String, Signal, String, Alert> {

    private static final Logger LOG = LoggerFactory.getLogger(DetectorProcessor.class);
    private final String storeName;
    private final java.util.Map<io.sfpulse.schemas.alert.AlertStatus, org.apache.kafka.common.metrics.Sensor> alertSensors =
        new java.util.EnumMap<>(io.sfpulse.schemas.alert.AlertStatus.class);
    private org.apache.kafka.common.metrics.Sensor signalSensor;
    protected ProcessorContext<String, Alert> context;
    protected KeyValueStore<String, S> store;

    protected DetectorProcessor(final String storeName) {
        this.storeName = storeName;
    }

    @Override
    public final void init(final ProcessorContext<String, Alert> ctx) {
        this.context = ctx;
        this.store = ctx.getStateStore(storeName);
        ctx.schedule(Duration.ofMinutes(1), PunctuationType.STREAM_TIME, this::punctuate);
        // Kafka Streams metrics (JMX, and the launcher's Prometheus endpoint): stream-detector-metrics, tag detector-id.
        final String detector = storeName.replaceFirst("-store$", "");
        final org.apache.kafka.streams.StreamsMetrics metrics = ctx.metrics();
        signalSensor = metrics.addRateTotalSensor("detector", detector, "signals-evaluated",
            org.apache.kafka.common.metrics.Sensor.RecordingLevel.INFO);
        for (final io.sfpulse.schemas.alert.AlertStatus status : io.sfpulse.schemas.alert.AlertStatus.values()) {
            alertSensors.put(status, metrics.addRateTotalSensor("detector", detector,
                "alerts-" + status.name().toLowerCase(java.util.Locale.ROOT), org.apache.kafka.common.metrics.Sensor.RecordingLevel.INFO));
        }
    }

    @Override
    public final void process(final Record<String, Signal> record) {
        signalSensor.record();
        analyse(record);
    }

    /** Analyses one enriched signal (any kind: each detector picks what it needs). */
    protected abstract void analyse(Record<String, Signal> record);

    /** Runs every minute of stream time (e.g. to resolve alerts that recovered or went quiet). */
    protected abstract void punctuate(long streamTime);

    /** Applies {@code update} to every org's state and writes back the states it reports as changed. */
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
}
