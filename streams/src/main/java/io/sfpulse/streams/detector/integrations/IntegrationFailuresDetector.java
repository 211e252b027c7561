package io.sfpulse.streams.detector.integrations;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.streams.detector.Detector;
import io.sfpulse.streams.detector.DetectorProcessor;
import io.sfpulse.streams.detector.share.ShareSeries;
import io.sfpulse.streams.detector.share.ShareSettings;
import io.sfpulse.streams.state.StateStores;
import java.time.Duration;
import java.util.Set;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Integrations that start failing after a release: per API client (RestApi and API EventLogFile
 * rows, ApiTotalUsage) and per external host of Apex callouts (ApexCallout rows), the share of
 * requests that fail — an HTTP status from 400 on, an error code such as
 * {@code REQUEST_LIMIT_EXCEEDED} or {@code INVALID_SESSION_ID}, a callout without response —
 * against the share before: {@link IntegrationFailuresProcessor}.
 */
public final class IntegrationFailuresDetector implements Detector {

    public static final String NAME = "integration-failures";
    public static final String GROUP = "Detector: integration failures";
    private final ShareSettings settings;

    public IntegrationFailuresDetector(final ShareSettings settings) {
        this.settings = settings;
    }

    public static ShareSettings defaults() {
        return new ShareSettings(
                Duration.ofHours(4),
                Duration.ofHours(1),
                Duration.ofHours(3),
                Duration.ofHours(1),
                0.001,
                5,
                3.0,
                30,
                Duration.ofMinutes(20));
    }

    public static ConfigDef define(final ConfigDef def) {
        return ShareSettings.define(
                def,
                NAME,
                GROUP,
                "failed requests",
                "requests of a client or callouts to a host",
                defaults());
    }

    public static IntegrationFailuresDetector from(final AbstractConfig config) {
        return new IntegrationFailuresDetector(ShareSettings.from(config, NAME));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Processor<String, Signal, String, Alert> get() {
        return new IntegrationFailuresProcessor(settings);
    }

    @Override
    public Set<StoreBuilder<?>> stores(final StateStores state) {
        return DetectorProcessor.stores(state, NAME, ShareSeries.class, false);
    }
}
