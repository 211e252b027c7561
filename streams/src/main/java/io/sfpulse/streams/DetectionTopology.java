package io.sfpulse.streams;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import io.sfpulse.streams.attribution.AttributionStores;
import io.sfpulse.streams.attribution.ReleaseAttributionProcessor;
import io.sfpulse.streams.attribution.ReleaseModel;
import io.sfpulse.streams.attribution.ReleaseRecorder;
import io.sfpulse.streams.dedupe.EventDeduplicator;
import io.sfpulse.streams.detector.Detector;
import io.sfpulse.streams.health.AdoptionBucket;
import io.sfpulse.streams.health.AlertRecord;
import io.sfpulse.streams.health.ReadModelStores;
import io.sfpulse.streams.health.SignalBucket;
import io.sfpulse.streams.normalize.ProgressSignals;
import io.sfpulse.streams.normalize.SignalNormalizer;
import io.sfpulse.streams.state.StateSerde;
import io.sfpulse.streams.state.StateStores;
import io.sfpulse.streams.time.DeploymentMarkerTimestampExtractor;
import io.sfpulse.streams.time.SalesforceEventTimestampExtractor;
import io.sfpulse.streams.time.SourceProgressTimestampExtractor;
import io.sfpulse.streams.verdict.ReleaseVerdictProcessor;
import io.sfpulse.streams.verdict.VerdictInput;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;

/**
 * The detection topology: raw events are deduplicated (redeliveries dropped) and become signals,
 * each signal is attributed to the release live in its org at its event time (lookup in a
 * versioned marker table after a grace period for late markers), enriched signals are written for
 * analytics, every configured {@link Detector} turns them into alerts, and each release gets a verdict
 * ({@link ReleaseVerdictProcessor}) from its exposure and those alerts. The one place that reads
 * and writes topics.
 */
public final class DetectionTopology {

    /** Releases per org, versioned by the instant each went live (see {@link AttributionStores}). */
    public static final String MARKERS_STORE = AttributionStores.RELEASES;

    public static final String MARKERS_BY_ID_STORE = AttributionStores.MARKERS_BY_ID;
    public static final String SOURCE_PROGRESS_STORE = AttributionStores.SOURCE_PROGRESS;
    public static final String ATTRIBUTION_BUFFER_STORE = AttributionStores.GRACE_BUFFER;

    /** Read models of the release-health page (see {@link ReadModelStores}). */
    public static final String ALERT_HISTORY_STORE = ReadModelStores.ALERT_HISTORY;

    public static final String SIGNAL_BUCKETS_STORE = ReadModelStores.SIGNAL_BUCKETS;
    public static final Duration BUCKET = ReadModelStores.BUCKET;

    private DetectionTopology() {}

    /** Ingest event topics the topology reads (one per configured channel). */
    public static List<String> eventTopics(final DetectionConfig config) {
        return config.inputChannels().stream().map(TopicNames::forChannel).toList();
    }

    /**
     * Every per-org ingest topic the topology reads besides the markers: the event topics and the
     * progress topic. All must be co-partitioned with the markers topic (same partition count, keyed by org id).
     */
    public static List<String> inputTopics(final DetectionConfig config) {
        final List<String> all = new java.util.ArrayList<>(eventTopics(config));
        all.add(TopicNames.SOURCE_PROGRESS);
        return all;
    }

    /** Topics the topology writes: enriched signals, alerts, verdicts and its dead-letter topic. */
    public static List<String> outputTopics() {
        return List.of(
                TopicNames.SIGNALS_ENRICHED,
                TopicNames.ALERTS,
                TopicNames.VERDICTS,
                TopicNames.STREAMS_DLQ);
    }

    /** Every topic the detection app reads or writes (besides its internal ones): what a deployment provisions. */
    public static List<String> topics(final DetectionConfig config) {
        final List<String> all = new java.util.ArrayList<>(inputTopics(config));
        all.add(TopicNames.DEPLOYMENT_MARKERS);
        all.addAll(outputTopics());
        return all;
    }

    public static Topology build(final DetectionConfig config, final Topics topics) {
        final StreamsBuilder builder = new StreamsBuilder();
        final StateStores state = config.stateStores();
        final Serde<SalesforceEvent> eventSerde = topics.serdes().valueSerde(SalesforceEvent.class);
        final Serde<Signal> signalSerde = topics.serdes().valueSerde(Signal.class);
        final Serde<DeploymentMarker> markerSerde = topics.deploymentMarkers().valueSerde();

        // Releases per org (versioned: which one was live at any instant) and every marker by id
        // (attempts too).
        builder.stream(
                        TopicNames.DEPLOYMENT_MARKERS,
                        Consumed.with(Serdes.String(), markerSerde)
                                .withTimestampExtractor(new DeploymentMarkerTimestampExtractor())
                                .withName("deploy-markers-source"))
                .process(
                        ReleaseRecorder.supplier(
                                MARKERS_STORE,
                                MARKERS_BY_ID_STORE,
                                config.markerHistory(),
                                new ReleaseModel(config.releaseMergeWindow()),
                                markerSerde,
                                state),
                        Named.as(ReleaseRecorder.NAME));

        KStream<String, SalesforceEvent> events =
                builder.stream(
                        eventTopics(config),
                        Consumed.with(Serdes.String(), eventSerde)
                                .withTimestampExtractor(new SalesforceEventTimestampExtractor())
                                .withName("salesforce-events-source"));
        if (!config.dedupeWindow().isZero()) {
            events =
                    events.process(
                            EventDeduplicator.supplier(config.dedupeWindow(), state),
                            Named.as(EventDeduplicator.NAME));
        }
        // Progress records ("this source delivered everything up to t") join the signals as far as
        // release attribution:
        // they move stream time (the grace buffer's and every detector's clock) when the org is
        // quiet.
        final KStream<String, Signal> progress =
                builder.stream(
                                TopicNames.SOURCE_PROGRESS,
                                Consumed.with(Serdes.String(), topics.sourceProgress().valueSerde())
                                        .withTimestampExtractor(
                                                new SourceProgressTimestampExtractor())
                                        .withName("source-progress-source"))
                        .mapValues(ProgressSignals::toSignal, Named.as("progress-signals"));
        final KStream<String, Signal> signals =
                events.flatMapValues(
                                new SignalNormalizer(
                                                config.categoryFields(), config.integrationUsers())
                                        ::normalize,
                                Named.as("normalize-signals"))
                        .merge(progress, Named.as("merge-progress"));

        // The markers table is read by the attribution processor (versioned lookups at event time):
        // the
        // ingest topics and the markers topic are co-partitioned by org id.
        final KStream<String, Signal> attributed =
                signals.process(
                        ReleaseAttributionProcessor.supplier(
                                MARKERS_STORE,
                                ATTRIBUTION_BUFFER_STORE,
                                SOURCE_PROGRESS_STORE,
                                config.joinGrace(),
                                signalSerde,
                                state),
                        Named.as("attribute-release"),
                        MARKERS_STORE);
        final KStream<String, Signal> enriched =
                attributed.filterNot(
                        (org, s) -> ProgressSignals.isProgress(s), Named.as("drop-progress"));

        enriched.to(
                TopicNames.SIGNALS_ENRICHED,
                Produced.with(Serdes.String(), signalSerde).withName("signals-enriched-sink"));

        // Every detector reads every enriched signal (each picks its kinds), one that judges
        // silence the progress
        // signals too; their alert states are merged into one topic.
        KStream<String, Alert> alerts = null;
        for (final Detector detector : config.detectors()) {
            final KStream<String, Alert> own =
                    (detector.readsProgress() ? attributed : enriched)
                            .process(detector.withStores(state), Named.as(detector.name()));
            alerts =
                    alerts == null
                            ? own
                            : alerts.merge(own, Named.as("merge-" + detector.name() + "-alerts"));
        }

        // One verdict per release and org, from the release's exposure (every attributed signal,
        // progress too: it moves
        // the org's clock) and the detectors' alerts on it; added last, so it sees a signal after
        // every detector did.
        final KStream<String, VerdictInput> verdictInputs =
                attributed
                        .mapValues(VerdictInput::of, Named.as("verdict-signals"))
                        .merge(
                                alerts.mapValues(VerdictInput::of, Named.as("verdict-alerts")),
                                Named.as("merge-verdict-inputs"));
        verdictInputs
                .process(
                        ReleaseVerdictProcessor.supplier(config.verdictSettings(), state),
                        Named.as(ReleaseVerdictProcessor.NAME))
                .to(
                        TopicNames.VERDICTS,
                        Produced.with(Serdes.String(), topics.verdicts().valueSerde())
                                .withName("verdicts-sink"));

        // Read models for the release-health page (interactive queries): signal buckets per org,
        // read back
        // from the enriched topic (keyed by org), and the history of every alert, read back from
        // the alerts
        // topic (keyed by dedup key). Reading the output topics back needs no repartition topic.
        final KStream<String, Signal> readBack =
                builder.stream(
                        TopicNames.SIGNALS_ENRICHED,
                        Consumed.with(Serdes.String(), signalSerde)
                                .withName("signal-buckets-source"));
        // Page views per app and Lightning page, hourly: what a release's apps and pages were used
        // before and after it.
        readBack.filter((org, s) -> AdoptionBucket.counts(s), Named.as("page-views"))
                .groupByKey(Grouped.with("adoption-buckets", Serdes.String(), signalSerde))
                .windowedBy(
                        TimeWindows.ofSizeAndGrace(
                                ReadModelStores.ADOPTION_BUCKET, Duration.ofHours(26)))
                .aggregate(
                        AdoptionBucket::new,
                        (org, signal, bucket) -> bucket.add(signal),
                        Named.as("adoption-buckets-aggregate"),
                        state.<String, AdoptionBucket>windowAggregate(
                                        ReadModelStores.ADOPTION_BUCKETS)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(StateSerde.of(AdoptionBucket.class))
                                .withRetention(Duration.ofDays(29)));
        readBack.groupByKey(Grouped.with("signal-buckets", Serdes.String(), signalSerde))
                // EventLogFile rows arrive hours late (hourly files, published after their hour): a
                // day of grace keeps them in the chart.
                // Kept 29 days: the error budget is over a rolling 28.
                .windowedBy(TimeWindows.ofSizeAndGrace(BUCKET, Duration.ofHours(26)))
                .aggregate(
                        SignalBucket::new,
                        (org, signal, bucket) -> bucket.add(signal),
                        Named.as("signal-buckets-aggregate"),
                        state.<String, SignalBucket>windowAggregate(SIGNAL_BUCKETS_STORE)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(StateSerde.of(SignalBucket.class))
                                .withRetention(Duration.ofDays(29)));
        builder.stream(
                        TopicNames.ALERTS,
                        Consumed.with(Serdes.String(), topics.alerts().valueSerde())
                                .withName("alert-history-source"))
                .groupByKey(
                        Grouped.with(
                                "alert-history", Serdes.String(), topics.alerts().valueSerde()))
                .aggregate(
                        AlertRecord::new,
                        (key, alert, history) -> history.apply(alert),
                        Named.as("alert-history-aggregate"),
                        state.<String, AlertRecord>keyValueAggregate(ALERT_HISTORY_STORE)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(StateSerde.of(AlertRecord.class)));

        alerts.to(
                TopicNames.ALERTS,
                Produced.with(Serdes.String(), topics.alerts().valueSerde())
                        .withName("alerts-sink"));
        return builder.build();
    }
}
