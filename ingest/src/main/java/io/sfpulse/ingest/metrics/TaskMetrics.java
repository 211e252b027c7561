package io.sfpulse.ingest.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's metrics in the worker's registry (JMX and any configured metrics reporter), tagged with
 * the org and, for the transport's own counters, the transport: what was received, dead-lettered,
 * gaps, how old the acknowledged position is, and the streaming source's counters (reconnects,
 * handshakes or stalls, re-logins, daily-limit hits).
 */
public final class TaskMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(TaskMetrics.class);

    public final AtomicLong received = new AtomicLong();
    public final AtomicLong malformed = new AtomicLong();
    public final AtomicLong gapEvents = new AtomicLong();

    /** Kafka timestamp (the event's time) of the last record Kafka acknowledged: how far behind the replay position is. */
    public final AtomicLong lastAckedTimestamp = new AtomicLong(-1);

    /**
     * Registers the task's gauges; {@code sourceCounters} supplies the streaming source's counters by
     * name ({@code names} lists those to register, so each gauge exists from the start).
     */
    public void register(
            final SourceTaskContext context,
            final String orgId,
            final String transport,
            final Iterable<String> names,
            final Supplier<Map<String, Long>> sourceCounters) {
        final PluginMetrics metrics;
        try {
            metrics = context.pluginMetrics();
        } catch (UnsupportedOperationException | NullPointerException e) {
            LOG.debug("Worker offers no plugin metrics");
            return;
        }
        if (metrics == null) {
            return;
        }
        final LinkedHashMap<String, String> tags = new LinkedHashMap<>(Map.of("org", orgId));
        gauge(
                metrics,
                tags,
                "events-received-total",
                "Events received from Salesforce streaming channels.",
                received::get);
        gauge(
                metrics,
                tags,
                "malformed-events-total",
                "Events that could not be mapped and went to the dead-letter topic.",
                malformed::get);
        gauge(
                metrics,
                tags,
                "gap-events-total",
                "CDC GAP_* and GAP_OVERFLOW events received (kept).",
                gapEvents::get);
        gauge(
                metrics,
                tags,
                "replay-position-age-ms",
                "Event time age of the newest record Kafka acknowledged (-1 before the first).",
                () ->
                        lastAckedTimestamp.get() < 0
                                ? -1L
                                : System.currentTimeMillis() - lastAckedTimestamp.get());
        final LinkedHashMap<String, String> sourceTags = new LinkedHashMap<>(tags);
        sourceTags.put("transport", transport);
        for (final String name : names) {
            gauge(
                    metrics,
                    sourceTags,
                    name,
                    "Task counter '" + name + "' (streaming over " + transport + ", REST pollers).",
                    () -> sourceCounters.get().getOrDefault(name, 0L));
        }
    }

    private static void gauge(
            final PluginMetrics metrics,
            final LinkedHashMap<String, String> tags,
            final String name,
            final String description,
            final Supplier<Long> value) {
        metrics.addMetric(
                metrics.metricName(name, description, tags),
                (Gauge<Long>) (config, now) -> value.get());
    }
}
