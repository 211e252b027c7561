package io.sfpulse.streams.detector;

import io.sfpulse.streams.DetectionConfig;
import io.sfpulse.streams.detector.absence.AbsenceDetector;
import io.sfpulse.streams.detector.data.DataAnomalyDetector;
import io.sfpulse.streams.detector.data.DataAnomalySettings;
import io.sfpulse.streams.detector.failures.FailureSettings;
import io.sfpulse.streams.detector.failures.PostDeployFailureDetector;
import io.sfpulse.streams.detector.integrations.IntegrationFailuresDetector;
import io.sfpulse.streams.detector.lag.DeliveryLagDetector;
import io.sfpulse.streams.detector.latency.LatencySpikeDetector;
import io.sfpulse.streams.detector.limits.LimitExhaustionDetector;
import io.sfpulse.streams.detector.limits.LimitSettings;
import io.sfpulse.streams.detector.missingrecords.MissingRecordsDetector;
import io.sfpulse.streams.detector.newerrors.NewErrorTypeDetector;
import io.sfpulse.streams.detector.newerrors.NewErrorTypeSettings;
import io.sfpulse.streams.detector.relationships.BrokenRelationshipsDetector;
import io.sfpulse.streams.detector.relationships.RelationshipSettings;
import io.sfpulse.streams.detector.threats.ThreatEventsDetector;
import io.sfpulse.streams.detector.threats.ThreatSettings;
import io.sfpulse.streams.detector.valueshift.ValueShiftDetector;
import io.sfpulse.streams.detector.valueshift.ValueShiftSettings;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The detectors sfpulse runs, in topology order: each with how it adds its configuration group and
 * how it is built from the configuration. Adding a detector = its package plus one line here.
 */
public final class Detectors {

    /** A detector kind: its configuration group and its factory. */
    public record Registration(
            String name,
            UnaryOperator<ConfigDef> defineConfig,
            Function<AbstractConfig, Detector> create) {}

    public static final List<Registration> ALL =
            List.of(
                    new Registration(
                            PostDeployFailureDetector.NAME,
                            FailureSettings::define,
                            c -> new PostDeployFailureDetector(FailureSettings.from(c))),
                    new Registration(
                            NewErrorTypeDetector.NAME,
                            NewErrorTypeSettings::define,
                            c -> new NewErrorTypeDetector(NewErrorTypeSettings.from(c))),
                    new Registration(
                            LatencySpikeDetector.NAME,
                            LatencySpikeDetector::define,
                            LatencySpikeDetector::from),
                    new Registration(
                            DataAnomalyDetector.NAME,
                            DataAnomalySettings::define,
                            c -> new DataAnomalyDetector(DataAnomalySettings.from(c))),
                    new Registration(
                            AbsenceDetector.NAME, AbsenceDetector::define, AbsenceDetector::from),
                    new Registration(
                            MissingRecordsDetector.NAME,
                            MissingRecordsDetector::define,
                            MissingRecordsDetector::from),
                    new Registration(
                            BrokenRelationshipsDetector.NAME,
                            RelationshipSettings::define,
                            c -> new BrokenRelationshipsDetector(RelationshipSettings.from(c))),
                    new Registration(
                            IntegrationFailuresDetector.NAME,
                            IntegrationFailuresDetector::define,
                            IntegrationFailuresDetector::from),
                    new Registration(
                            ValueShiftDetector.NAME,
                            ValueShiftSettings::define,
                            c ->
                                    new ValueShiftDetector(
                                            ValueShiftSettings.from(c),
                                            c.getList(DetectionConfig.CATEGORY_FIELDS_CONFIG)
                                                    .size())),
                    new Registration(
                            ThreatEventsDetector.NAME,
                            ThreatSettings::define,
                            c -> new ThreatEventsDetector(ThreatSettings.from(c))),
                    new Registration(
                            DeliveryLagDetector.NAME,
                            DeliveryLagDetector::define,
                            DeliveryLagDetector::from),
                    new Registration(
                            LimitExhaustionDetector.NAME,
                            LimitSettings::define,
                            c -> new LimitExhaustionDetector(LimitSettings.from(c))));

    private Detectors() {}

    /** Adds every detector's configuration group to {@code def}. */
    public static ConfigDef define(final ConfigDef def) {
        ALL.forEach(r -> r.defineConfig().apply(def));
        return def;
    }

    /** Every detector, configured. */
    public static List<Detector> configured(final AbstractConfig config) {
        return ALL.stream().map(r -> r.create().apply(config)).toList();
    }
}
