package io.sfpulse.streams.detector.lag;

import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.streams.detector.latency.LatencySpikeDetector;
import io.sfpulse.streams.detector.latency.LatencySpikeSettings;
import io.sfpulse.streams.normalize.SignalNormalizer;
import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Integrations falling behind: per streamed channel, the delivery lag (received time minus event
 * time; for change events, commit time: {@link SignalNormalizer#DELIVERY_LAG_PREFIX}) judged as a
 * latency series by the latency detector's exceedance tests, after a release and against a rolling
 * baseline without one, under its own name, keys and defaults: a lag must be at least
 * {@code min.p95.ms} (a minute by default) and three times its baseline p95 to alert, so the
 * milliseconds of an ordinary subscription never do. Suspects: the release's components that touch
 * the change event's entity, or named after the platform event. Lag includes any time sfpulse
 * itself was not receiving (a restart catching up from its replay position), which the evidence's
 * windows show.
 */
public final class DeliveryLagDetector {

    public static final String NAME = "delivery-lag";
    public static final String GROUP = "Detector: delivery lag";

    private DeliveryLagDetector() {}

    public static LatencySpikeSettings defaults() {
        return new LatencySpikeSettings(
                Duration.ofHours(2),
                Duration.ofHours(2),
                0.001,
                50,
                20,
                3.0,
                60_000,
                Duration.ofMinutes(30),
                Duration.ofMinutes(30));
    }

    public static ConfigDef define(final ConfigDef def) {
        return LatencySpikeSettings.define(
                def, NAME, GROUP, "a channel's delivery lag", defaults());
    }

    public static LatencySpikeDetector from(final AbstractConfig config) {
        return new LatencySpikeDetector(
                NAME, LatencySpikeSettings.from(config, NAME), DeliveryLagDetector::isLag);
    }

    static boolean isLag(final Signal s) {
        return s.getSubject().startsWith(SignalNormalizer.DELIVERY_LAG_PREFIX);
    }
}
