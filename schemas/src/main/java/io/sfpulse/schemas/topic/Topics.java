package io.sfpulse.schemas.topic;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.DeliveryOutcome;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.progress.SourceProgress;
import io.sfpulse.schemas.serde.SfpulseSerdes;
import io.sfpulse.schemas.silence.Silence;
import io.sfpulse.schemas.verdict.ReleaseVerdict;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topic catalogue: every topic with its serdes. Built per application (or test) from its
 * {@link SfpulseSerdes}; no global state.
 */
public final class Topics {

    private final SfpulseSerdes serdes;
    private final Topic<String, DeploymentMarker> deploymentMarkers;
    private final Topic<String, Alert> alerts;
    private final Topic<String, DeliveryOutcome> deliveries;
    private final Topic<String, SourceProgress> sourceProgress;
    private final Topic<String, ReleaseVerdict> verdicts;
    private final Topic<String, Silence> silences;

    private Topics(final SfpulseSerdes serdes) {
        this.serdes = serdes;
        this.deploymentMarkers =
                new Topic<>(
                        TopicNames.DEPLOYMENT_MARKERS,
                        Serdes.String(),
                        serdes.valueSerde(DeploymentMarker.class));
        this.alerts =
                new Topic<>(TopicNames.ALERTS, Serdes.String(), serdes.valueSerde(Alert.class));
        this.deliveries =
                new Topic<>(
                        TopicNames.DELIVERIES,
                        Serdes.String(),
                        serdes.valueSerde(DeliveryOutcome.class));
        this.sourceProgress =
                new Topic<>(
                        TopicNames.SOURCE_PROGRESS,
                        Serdes.String(),
                        serdes.valueSerde(SourceProgress.class));
        this.verdicts =
                new Topic<>(
                        TopicNames.VERDICTS,
                        Serdes.String(),
                        serdes.valueSerde(ReleaseVerdict.class));
        this.silences =
                new Topic<>(TopicNames.SILENCES, Serdes.String(), serdes.valueSerde(Silence.class));
    }

    public static Topics create(final SfpulseSerdes serdes) {
        return new Topics(serdes);
    }

    public SfpulseSerdes serdes() {
        return serdes;
    }

    /** Raw events of one Salesforce channel, keyed by org id. */
    public Topic<String, SalesforceEvent> channel(final String channel) {
        return new Topic<>(
                TopicNames.forChannel(channel),
                Serdes.String(),
                serdes.valueSerde(SalesforceEvent.class));
    }

    /** Deployment markers keyed by org id. */
    public Topic<String, DeploymentMarker> deploymentMarkers() {
        return deploymentMarkers;
    }

    /** Source progress records keyed by org id. */
    public Topic<String, SourceProgress> sourceProgress() {
        return sourceProgress;
    }

    /** Delivery outcomes keyed by {@code channel|idempotencyKey}. */
    public Topic<String, DeliveryOutcome> deliveries() {
        return deliveries;
    }

    /** Release verdicts keyed by {@code org|releaseId}. */
    public Topic<String, ReleaseVerdict> verdicts() {
        return verdicts;
    }

    /** Silences keyed by id. */
    public Topic<String, Silence> silences() {
        return silences;
    }

    /** Alerts keyed by dedup key. */
    public Topic<String, Alert> alerts() {
        return alerts;
    }
}
