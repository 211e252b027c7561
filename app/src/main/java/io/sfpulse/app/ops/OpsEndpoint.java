package io.sfpulse.app.ops;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sfpulse.sink.AlertSinkService;
import io.sfpulse.sink.DeliveryCounters;
import io.sfpulse.streams.health.ReleaseHealth;
import io.sfpulse.streams.verdict.ReleaseOutcome;
import io.sfpulse.streams.verdict.ReleaseVerdictQueries;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Builds the metrics registry of one sfpulse process and its {@link OpsServer}: JVM and process
 * metrics, every Kafka Streams metric of the detection app (consumer lag, processed and dropped
 * records, and the detectors' own {@code stream-detector-metrics}: signals evaluated and alerts
 * by state), release verdicts, the ingest's Connect task metrics (via JMX) and the sink's delivery counters.
 */
public final class OpsEndpoint implements AutoCloseable {

    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ConnectJmxMetrics connect = new ConnectJmxMetrics(registry);
    private final OpsServer server;
    private KafkaStreamsMetrics streamsMetrics;
    private final Set<String> sinkChannels = new HashSet<>();
    private AlertSinkService sink;
    private final List<Runnable> refreshers = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Kafka Streams tags state-store metrics by store kind under the same metric names ({@code rocksdb-state-id} for
     * key-value stores, {@code rocksdb-window-state-id}, {@code in-memory-state-id}, ...), and one store can report under
     * two kinds (a window store and its RocksDB segments). Prometheus needs one set of tag keys per name: here every
     * such metric is tagged {@code state.id} (the store) and {@code store.type} (the kind, e.g. {@code rocksdb.window}).
     */
    static final MeterFilter ONE_STATE_STORE_TAG =
            new MeterFilter() {
                @Override
                public Meter.Id map(final Meter.Id id) {
                    for (final Tag tag : id.getTagsAsIterable()) {
                        final String key = tag.getKey();
                        if (key.endsWith(".state.id")) {
                            final List<Tag> tags = new java.util.ArrayList<>();
                            id.getTagsAsIterable()
                                    .forEach(
                                            t -> {
                                                if (!t.getKey().equals(key)) {
                                                    tags.add(t);
                                                }
                                            });
                            tags.add(Tag.of("state.id", tag.getValue()));
                            tags.add(
                                    Tag.of(
                                            "store.type",
                                            key.substring(0, key.length() - ".state.id".length())));
                            return id.replaceTags(tags);
                        }
                    }
                    return id;
                }
            };

    public OpsEndpoint(
            final String host, final int port, final String token, final boolean healthPublic)
            throws IOException {
        registry.config().meterFilter(ONE_STATE_STORE_TAG);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        this.server = new OpsServer(host, port, token, healthPublic, this::scrape);
    }

    private String scrape() {
        connect.refresh();
        refreshers.forEach(Runnable::run);
        if (sink != null) {
            sink.deliveryCounters().channels().stream()
                    .filter(sinkChannels::add)
                    .forEach(this::bindChannel);
        }
        return registry.scrape();
    }

    public OpsEndpoint streams(final KafkaStreams streams) {
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        server.readiness("streams", () -> streams.state() == KafkaStreams.State.RUNNING);
        return this;
    }

    /**
     * Release verdicts of the orgs this instance judges: {@code sfpulse_release_verdicts{org,status}}
     * (releases by their latest verdict) and {@code sfpulse_release_verdict_latest{org,status}} (1 for
     * the status of each org's newest release), refreshed at each scrape.
     */
    public OpsEndpoint verdicts(final ReleaseVerdictQueries queries) {
        final MultiGauge byStatus =
                MultiGauge.builder("sfpulse.release.verdicts")
                        .description(
                                "Releases per org by their latest verdict (PENDING, HEALTHY, INCONCLUSIVE, FAULTY)")
                        .register(registry);
        final MultiGauge latest =
                MultiGauge.builder("sfpulse.release.verdict.latest")
                        .description("1 for the verdict of each org's newest release")
                        .register(registry);
        refreshers.add(
                () -> {
                    final List<ReleaseOutcome> all = queries.all();
                    final Map<List<String>, Long> counts =
                            new TreeMap<>(java.util.Comparator.comparing(Object::toString));
                    final Map<String, String> newest = new TreeMap<>();
                    for (final ReleaseOutcome o : all) {
                        counts.merge(List.of(o.orgId, o.status), 1L, Long::sum);
                        newest.putIfAbsent(o.orgId, o.status); // newest first
                    }
                    byStatus.register(
                            counts.entrySet().stream()
                                    .map(
                                            e ->
                                                    MultiGauge.Row.of(
                                                            Tags.of(
                                                                    "org",
                                                                    e.getKey().get(0),
                                                                    "status",
                                                                    e.getKey().get(1)),
                                                            e.getValue()))
                                    .toList(),
                            true);
                    latest.register(
                            newest.entrySet().stream()
                                    .map(
                                            e ->
                                                    MultiGauge.Row.of(
                                                            Tags.of(
                                                                    "org",
                                                                    e.getKey(),
                                                                    "status",
                                                                    e.getValue()),
                                                            1))
                                    .toList(),
                            true);
                });
        return this;
    }

    /**
     * The operations KPIs of the orgs this instance holds, per org: {@code sfpulse_kpi_change_failure_rate},
     * {@code sfpulse_kpi_mean_time_to_restore_minutes}, {@code sfpulse_kpi_defects_per_release},
     * {@code sfpulse_kpi_lead_time_minutes} (median), {@code sfpulse_kpi_error_budget_consumed} (1 = spent)
     * and {@code sfpulse_kpi_failures_per_thousand} (rolling 28 days), refreshed at each scrape.
     */
    public OpsEndpoint kpis(
            final java.util.function.Supplier<Map<String, ReleaseHealth.Kpis>> kpis) {
        final Map<String, java.util.function.Function<ReleaseHealth.Kpis, Double>> series =
                new java.util.LinkedHashMap<>();
        series.put("sfpulse.kpi.change.failure.rate", ReleaseHealth.Kpis::changeFailureRate);
        series.put(
                "sfpulse.kpi.mean.time.to.restore.minutes",
                ReleaseHealth.Kpis::meanTimeToRestoreMinutes);
        series.put("sfpulse.kpi.defects.per.release", ReleaseHealth.Kpis::defectsPerRelease);
        series.put("sfpulse.kpi.lead.time.minutes", ReleaseHealth.Kpis::medianLeadTimeMinutes);
        series.put(
                "sfpulse.kpi.error.budget.consumed",
                k -> k.errorBudget() == null ? null : k.errorBudget().consumed());
        series.put(
                "sfpulse.kpi.failures.per.thousand",
                k -> k.errorBudget() == null ? null : k.errorBudget().failuresPerThousand());
        final Map<String, MultiGauge> gauges = new java.util.LinkedHashMap<>();
        series.keySet()
                .forEach(
                        name ->
                                gauges.put(
                                        name,
                                        MultiGauge.builder(name)
                                                .description("Operations KPI per org (see README)")
                                                .register(registry)));
        refreshers.add(
                () -> {
                    final Map<String, ReleaseHealth.Kpis> now = kpis.get();
                    series.forEach(
                            (name, f) ->
                                    gauges.get(name)
                                            .register(
                                                    now.entrySet().stream()
                                                            .filter(
                                                                    e ->
                                                                            f.apply(e.getValue())
                                                                                    != null)
                                                            .map(
                                                                    e ->
                                                                            MultiGauge.Row.of(
                                                                                    Tags.of(
                                                                                            "org",
                                                                                            e
                                                                                                    .getKey()),
                                                                                    f.apply(
                                                                                            e
                                                                                                    .getValue())))
                                                            .toList(),
                                                    true));
                });
        return this;
    }

    public OpsEndpoint sink(final AlertSinkService service) {
        this.sink = service;
        FunctionCounter.builder(
                        "sfpulse.sink.alerts.delivered", service, AlertSinkService::deliveredCount)
                .description("Alert states delivered to every routed channel")
                .register(registry);
        FunctionCounter.builder(
                        "sfpulse.sink.alerts.dead.lettered",
                        service,
                        AlertSinkService::deadLetteredCount)
                .description("Alert states that went to the sink dead-letter topic")
                .register(registry);
        FunctionCounter.builder(
                        "sfpulse.sink.alerts.silenced", service, AlertSinkService::silencedCount)
                .description(
                        "Alert states not pushed to a routed channel because a silence matched")
                .register(registry);
        FunctionCounter.builder(
                        "sfpulse.sink.actions.run", service, AlertSinkService::actionsRunCount)
                .description("Actions run (accepted by their endpoint)")
                .register(registry);
        FunctionCounter.builder(
                        "sfpulse.sink.alerts.skipped.duplicate",
                        service,
                        AlertSinkService::skippedDuplicateCount)
                .description("Alert states already delivered before a restart (skipped)")
                .register(registry);
        server.readiness("sink", service::isRunning);
        return this;
    }

    private void bindChannel(final String channel) {
        final DeliveryCounters c = sink.deliveryCounters();
        FunctionCounter.builder("sfpulse.sink.delivery.attempts", c, x -> x.attempts(channel))
                .tag("channel", channel)
                .description("HTTP (or other) delivery attempts")
                .register(registry);
        FunctionCounter.builder("sfpulse.sink.delivery.failures", c, x -> x.failures(channel))
                .tag("channel", channel)
                .description("Delivery attempts that failed (retried or permanent)")
                .register(registry);
    }

    /** A readiness check other services contribute (Kafka reachable, a connector running). */
    public OpsEndpoint readiness(
            final String name, final java.util.function.Supplier<Boolean> check) {
        server.readiness(name, check);
        return this;
    }

    /** A gauge of the launcher itself. */
    public OpsEndpoint gauge(
            final String name,
            final String description,
            final java.util.function.Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
        return this;
    }

    public OpsServer server() {
        return server;
    }

    public OpsEndpoint start() {
        try {
            server.start();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(
                    "Cannot start the operations endpoint: " + e.getMessage(), e);
        }
        return this;
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        registry.close();
    }
}
