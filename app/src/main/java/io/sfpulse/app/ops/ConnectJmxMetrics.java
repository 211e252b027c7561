package io.sfpulse.app.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Exposes the Kafka Connect worker's metrics for the ingest (our task metrics per org - events
 * received, malformed, gaps, replay-position age, reconnects - and Connect's own source-task and
 * task-error metrics such as records polled/written and dead-letter produce counts) as gauges,
 * read from the worker's JMX MBeans. MBeans appear as tasks start, so {@link #refresh()} runs
 * before every scrape and registers what is new.
 */
public final class ConnectJmxMetrics {

    private static final List<String> TYPES =
            List.of(
                    "plugins",
                    "source-task-metrics",
                    "task-error-metrics",
                    "connector-task-metrics");
    private static final Set<String> NUMERIC =
            Set.of(
                    "double",
                    "long",
                    "int",
                    "float",
                    "java.lang.Double",
                    "java.lang.Long",
                    "java.lang.Integer",
                    "java.lang.Float",
                    "java.lang.Object");
    private final MeterRegistry registry;
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    public ConnectJmxMetrics(final MeterRegistry registry) {
        this.registry = registry;
    }

    public void refresh() {
        try {
            for (final ObjectName name :
                    server.queryNames(new ObjectName("kafka.connect:*"), null)) {
                final String type = name.getKeyProperty("type");
                if (type == null || !TYPES.contains(type)) {
                    continue;
                }
                final List<Tag> tags = new ArrayList<>();
                name.getKeyPropertyList()
                        .forEach(
                                (k, v) -> {
                                    if (!k.equals("type")) {
                                        tags.add(Tag.of(k, v));
                                    }
                                });
                for (final MBeanAttributeInfo attribute :
                        server.getMBeanInfo(name).getAttributes()) {
                    final String id = name + "#" + attribute.getName();
                    if (NUMERIC.contains(attribute.getType())
                            && !registered.contains(id)
                            && !Double.isNaN(read(name, attribute.getName()))
                            && registered.add(id)) {
                        final String metric =
                                "sfpulse.connect."
                                        + type.replace("-metrics", "")
                                        + "."
                                        + attribute.getName();
                        Gauge.builder(
                                        metric.toLowerCase(Locale.ROOT),
                                        () -> read(name, attribute.getName()))
                                .tags(tags)
                                .description(attribute.getDescription())
                                .register(registry);
                    }
                }
            }
        } catch (javax.management.JMException e) {
            throw new IllegalStateException("Cannot read Connect metrics from JMX", e);
        }
    }

    private double read(final ObjectName name, final String attribute) {
        try {
            // Kafka MBeans declare every attribute as Object: only numbers become gauges (names,
            // versions and states are text).
            return server.getAttribute(name, attribute) instanceof Number n
                    ? n.doubleValue()
                    : Double.NaN;
        } catch (javax.management.JMException e) {
            return Double.NaN; // the task stopped: its MBean is gone
        }
    }
}
