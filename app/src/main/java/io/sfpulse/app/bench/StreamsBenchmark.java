package io.sfpulse.app.bench;

import io.sfpulse.embedded.EmbeddedKafka;
import io.sfpulse.embedded.TemporaryDirectory;
import io.sfpulse.embedded.registry.EmbeddedSchemaRegistry;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.deploy.MarkerSource;
import io.sfpulse.schemas.event.EventSource;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.serde.AvroSerdeConfig;
import io.sfpulse.schemas.serde.SfpulseSerdes;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import io.sfpulse.streams.DetectionConfig;
import io.sfpulse.streams.DetectionService;
import io.sfpulse.streams.DetectionTopology;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * Detection throughput: N Salesforce events (Nebula log entries and ApiEventStream latencies over
 * 20 orgs, 3 hours of event time around a deploy per org) pre-loaded into the input topics of a
 * real broker; the Kafka Streams application is started and timed until every signal is on the
 * enriched topic (all four detectors evaluate every signal on the way). Before it, on the same
 * broker and the same loaded input, a pass-through topology ({@link PassThroughTopology}) with the
 * same partitions, instances, threads and settings is timed the same way: the ratio says how far
 * detection is from what Kafka Streams itself allows here.
 */
public final class StreamsBenchmark {

    private final PrintStream out;

    /** Orgs in the load; each has {@link #seriesPerKind} latency operations and as many failing components. */
    private int orgs = 20;

    private int seriesPerKind = 1;
    private Map<String, String> overrides = Map.of();

    public StreamsBenchmark(final PrintStream out) {
        this.out = out;
    }

    /** One measured configuration. */
    private record Setup(int partitions, int instances, int threads) {}

    /**
     * One run: seconds from start until the first enriched signal (start-up, rebalance, restore of
     * nothing, first fetch) and until the last; the steady rate counts signals after the first.
     */
    private record Timing(
            long records, long recordsAtFirstSample, double firstSeconds, double totalSeconds) {
        double steadyRate() {
            return (records - recordsAtFirstSample) / Math.max(1e-9, totalSeconds - firstSeconds);
        }
    }

    /** One setup: the detection app and, on the same broker and input, the pass-through reference. */
    private record Result(Setup setup, Timing detection, Timing passThrough, Restore restore) {
        double ratio() {
            return detection.steadyRate() / passThrough.steadyRate();
        }
    }

    /** The scaling curve measured by default: partitions x instances x threads. */
    public static final String DEFAULT_SETUPS = "2x1x1,2x1x2,2x2x1,4x2x2,4x4x1";

    /**
     * @param setups comma-separated {@code partitions x instances x threads}, e.g. {@code 2x1x1,4x2x2};
     *               the first one also measures state restore
     * @param overrides extra detection settings for every instance (e.g. {@code streams.kafka.max.task.idle.ms=0})
     */
    public void run(final int events, final String setups, final Map<String, String> overrides)
            throws Exception {
        this.overrides = Map.copyOf(overrides);
        final List<Setup> parsed = new ArrayList<>();
        for (final String s : setups.split(",")) {
            final String[] n = s.trim().split("x");
            if (n.length != 3) {
                throw new IllegalArgumentException(
                        "setup '" + s + "' is not PARTITIONSxINSTANCESxTHREADS");
            }
            parsed.add(
                    new Setup(
                            Integer.parseInt(n[0]),
                            Integer.parseInt(n[1]),
                            Integer.parseInt(n[2])));
        }
        run(events, parsed);
    }

    private void run(final int events, final List<Setup> setups) throws Exception {
        final List<Result> rows = new ArrayList<>();
        for (final Setup setup : setups) {
            rows.add(once(events, setup, setup.equals(setups.get(0))));
        }
        out.printf(
                "%nDetection (Kafka Streams, 4 detectors + release-health stores) next to a pass-through topology (same input topics,"
                        + " partitions, serdes and threads: deserialize, map, serialize, produce), %d events over %d orgs%n",
                events, orgs);
        out.printf(
                "| partitions | instances | threads each | events | first signal after (s) | total (s) | steady signals/s | vs first |"
                        + " pass-through steady records/s | detection / pass-through |%n|---|---|---|---|---|---|---|---|---|---|%n");
        for (final Result r : rows) {
            final Timing d = r.detection();
            out.printf(
                    Locale.ROOT,
                    "| %d | %d | %d | %d | %.2f | %.2f | %.0f | %.2fx | %.0f | %.2f |%n",
                    r.setup().partitions(),
                    r.setup().instances(),
                    r.setup().threads(),
                    events,
                    d.firstSeconds(),
                    d.totalSeconds(),
                    d.steadyRate(),
                    d.steadyRate() / rows.get(0).detection().steadyRate(),
                    r.passThrough().steadyRate(),
                    r.ratio());
        }
    }

    private Result once(final int events, final Setup setup, final boolean measureRestore)
            throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary();
                EmbeddedSchemaRegistry registry =
                        new EmbeddedSchemaRegistry(
                                        kafka.bootstrapServers(),
                                        TopicNames.SCHEMA_REGISTRY,
                                        0,
                                        null)
                                .start();
                StateDirectories stateDirs = new StateDirectories()) {
            final String applicationId = "sfpulse-bench-" + UUID.randomUUID();
            final List<DetectionConfig> configs = new ArrayList<>();
            for (int i = 0; i < setup.instances(); i++) {
                final Map<String, Object> props = new HashMap<>();
                props.put(DetectionConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
                props.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
                props.put(DetectionConfig.STATE_DIR_CONFIG, stateDirs.create().toString());
                props.put(DetectionConfig.APPLICATION_ID_CONFIG, applicationId);
                props.put(DetectionConfig.NUM_THREADS_CONFIG, setup.threads());
                props.putAll(overrides);
                configs.add(new DetectionConfig(props));
            }
            final Set<String> topics =
                    new LinkedHashSet<>(DetectionTopology.topics(configs.get(0)));
            topics.add(PassThroughTopology.OUTPUT);
            kafka.createTopics(setup.partitions(), topics);
            final Topics serdes = Topics.create(SfpulseSerdes.forRegistry(registry.url()));
            load(kafka.bootstrapServers(), serdes, events);
            try (Admin admin = kafka.admin()) {
                // The reference first, on the same loaded input: its own application id, the
                // detection app's settings.
                final List<KafkaStreams> passThrough = new ArrayList<>();
                final Timing reference =
                        measure(
                                "pass-through",
                                setup,
                                events,
                                () -> {
                                    for (final DetectionConfig c : configs) {
                                        final Properties p = c.streamsProperties();
                                        p.put(
                                                StreamsConfig.APPLICATION_ID_CONFIG,
                                                applicationId + "-pass-through");
                                        p.put(
                                                StreamsConfig.STATE_DIR_CONFIG,
                                                stateDirs.create().toString());
                                        final KafkaStreams app =
                                                new KafkaStreams(
                                                        PassThroughTopology.build(c, serdes), p);
                                        passThrough.add(app);
                                        app.start();
                                    }
                                },
                                () ->
                                        endOffsets(
                                                admin,
                                                PassThroughTopology.OUTPUT,
                                                setup.partitions()),
                                () -> passThrough.forEach(KafkaStreams::close));
                final List<DetectionService> services = new ArrayList<>();
                final Timing detection =
                        measure(
                                "detection",
                                setup,
                                events,
                                () ->
                                        configs.forEach(
                                                c -> services.add(new DetectionService(c).start())),
                                () ->
                                        endOffsets(
                                                admin,
                                                TopicNames.SIGNALS_ENRICHED,
                                                setup.partitions()),
                                () -> services.forEach(DetectionService::close));
                final Restore restore = measureRestore ? restore(configs.get(0)) : null;
                return new Result(setup, detection, reference, restore);
            }
        }
    }

    /** Starts an app and samples its output's end offsets until {@code events} records are there; then stops it. */
    private Timing measure(
            final String what,
            final Setup setup,
            final int events,
            final Runnable start,
            final OffsetSum output,
            final Runnable stop)
            throws Exception {
        final long started = System.nanoTime();
        double firstSeconds = -1;
        long atFirst = 0;
        try {
            start.run();
            long done;
            while ((done = output.get()) < events) {
                if (firstSeconds < 0 && done > 0) {
                    firstSeconds = (System.nanoTime() - started) / 1e9;
                    atFirst = done;
                }
                Thread.sleep(100); // sampling end offsets
                if (System.nanoTime() - started > Duration.ofMinutes(10).toNanos()) {
                    throw new IllegalStateException(what + " benchmark did not finish");
                }
            }
            final double seconds = (System.nanoTime() - started) / 1e9;
            if (firstSeconds < 0) {
                firstSeconds = seconds;
                atFirst = done;
            }
            out.printf(
                    Locale.ROOT,
                    "[bench] %s partitions=%d instances=%d threads=%d: first record after %.2f s, %d records in %.2f s%n",
                    what,
                    setup.partitions(),
                    setup.instances(),
                    setup.threads(),
                    firstSeconds,
                    events,
                    seconds);
            return new Timing(events, atFirst, firstSeconds, seconds);
        } finally {
            stop.run();
        }
    }

    /** The sum of a topic's end offsets, sampled. */
    @FunctionalInterface
    private interface OffsetSum {
        long get() throws Exception;
    }

    /**
     * State restore time: the instance's local state is wiped (a lost disk, a new machine) and the
     * app restarted; Kafka Streams rebuilds every store from its changelog before RUNNING.
     */
    private Restore restore(final DetectionConfig config) throws Exception {
        final java.nio.file.Path stateDir =
                java.nio.file.Path.of(config.getString(DetectionConfig.STATE_DIR_CONFIG));
        final long bytes;
        try (var files = Files.walk(stateDir)) {
            bytes = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
        try (var files = Files.walk(stateDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        final AtomicLong restored = new AtomicLong();
        final AtomicLong firstStart = new AtomicLong();
        final AtomicLong lastEnd = new AtomicLong();
        final long start = System.nanoTime();
        try (DetectionService service = new DetectionService(config)) {
            service.streams()
                    .setGlobalStateRestoreListener(
                            new StateRestoreListener() {
                                @Override
                                public void onRestoreStart(
                                        final TopicPartition tp,
                                        final String store,
                                        final long from,
                                        final long to) {
                                    firstStart.compareAndSet(0, System.nanoTime());
                                }

                                @Override
                                public void onBatchRestored(
                                        final TopicPartition tp,
                                        final String store,
                                        final long end,
                                        final long n) {
                                    restored.addAndGet(n);
                                }

                                @Override
                                public void onRestoreEnd(
                                        final TopicPartition tp,
                                        final String store,
                                        final long total) {
                                    lastEnd.set(System.nanoTime());
                                }
                            });
            service.start();
            if (!service.awaitRunning(Duration.ofMinutes(10))) {
                throw new IllegalStateException("restore did not finish");
            }
            final double toRunning = (System.nanoTime() - start) / 1e9;
            final double restoring = (lastEnd.get() - firstStart.get()) / 1e9;
            out.printf(
                    Locale.ROOT,
                    "[bench] state restore: %d changelog records (%.1f MB of local state before the wipe) restored in %.2f s "
                            + "(%.0f records/s; first restore start to last restore end); RUNNING %.2f s after start%n",
                    restored.get(),
                    bytes / 1e6,
                    restoring,
                    restored.get() / Math.max(1e-9, restoring),
                    toRunning);
            return new Restore(bytes, restored.get(), restoring);
        }
    }

    /** Local state on disk before the wipe, changelog records restored, seconds restoring. */
    private record Restore(long stateBytes, long records, double seconds) {}

    /**
     * Cost per org: the same load shape at each org count ({@code seriesPerKind} latency operations
     * and as many failing components per org, {@code eventsPerOrg} events each), one instance, one
     * thread, two partitions; prints the steady rate, the local state on disk (total and per org)
     * and its restore from the changelogs.
     */
    public void runScale(
            final int eventsPerOrg, final List<Integer> orgCounts, final int seriesPerKind)
            throws Exception {
        this.seriesPerKind = seriesPerKind;
        final List<Result> rows = new ArrayList<>();
        for (final int n : orgCounts) {
            this.orgs = n;
            rows.add(once(n * eventsPerOrg, new Setup(2, 1, 1), true));
        }
        out.printf(
                "%nDetection cost per org: %d events per org, %d series per org (%d latency operations, %d failing components),"
                        + " 2 partitions, 1 instance, 1 thread%n",
                eventsPerOrg, 2 * seriesPerKind, seriesPerKind, seriesPerKind);
        out.printf(
                "| orgs | events | steady signals/s | pass-through records/s | detection / pass-through | state on disk (MB) | state per org (KB)"
                        + " | restored records | restore (s) |%n|---|---|---|---|---|---|---|---|---|%n");
        for (int i = 0; i < rows.size(); i++) {
            final Result r = rows.get(i);
            out.printf(
                    Locale.ROOT,
                    "| %d | %d | %.0f | %.0f | %.2f | %.1f | %.1f | %d | %.2f |%n",
                    orgCounts.get(i),
                    orgCounts.get(i) * eventsPerOrg,
                    r.detection().steadyRate(),
                    r.passThrough().steadyRate(),
                    r.ratio(),
                    r.restore().stateBytes() / 1e6,
                    r.restore().stateBytes() / 1e3 / orgCounts.get(i),
                    r.restore().records(),
                    r.restore().seconds());
        }
    }

    private void load(final String bootstrap, final Topics topics, final int events)
            throws Exception {
        final Instant t0 = Instant.parse("2026-11-20T09:00:00Z");
        final Instant deploy = t0.plus(Duration.ofHours(2));
        final Random random = new Random(1);
        try (KafkaProducer<String, SalesforceEvent> producer =
                        new KafkaProducer<>(
                                Map.of(
                                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                        bootstrap,
                                        ProducerConfig.LINGER_MS_CONFIG,
                                        20,
                                        ProducerConfig.BATCH_SIZE_CONFIG,
                                        256 * 1024),
                                new StringSerializer(),
                                topics.channel("/event/LogEntryEvent__e")
                                        .valueSerde()
                                        .serializer());
                KafkaProducer<String, DeploymentMarker> markers =
                        new KafkaProducer<>(
                                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                                new StringSerializer(),
                                topics.deploymentMarkers().valueSerde().serializer())) {
            for (int o = 0; o < orgs; o++) {
                final String org = String.format("00D%015d", o);
                markers.send(
                        new ProducerRecord<>(
                                TopicNames.DEPLOYMENT_MARKERS,
                                null,
                                deploy.toEpochMilli(),
                                org,
                                DeploymentMarker.newBuilder()
                                        .setOrgId(org)
                                        .setDeployId("0Af" + o)
                                        .setSource(MarkerSource.DEPLOY_REQUEST)
                                        .setStatus("Succeeded")
                                        .setCompletedTime(deploy)
                                        .setComponents(List.of("ApexClass:InvoiceService"))
                                        .setComponentCount(1)
                                        .build()));
            }
            markers.flush();
            final long spanMs = Duration.ofHours(3).toMillis();
            for (int i = 0; i < events; i++) {
                final String org = String.format("00D%015d", i % orgs);
                final long k = i / orgs; // the org's k-th event
                final Instant at = t0.plusMillis((long) i * spanMs / events);
                // The default load is kept as measured since November (with an even org count each
                // org is all API calls or all
                // log entries); the per-org cost run gives every org both, spread over its series.
                final boolean api = seriesPerKind == 1 ? i % 2 == 0 : k % 2 == 0;
                final int series = (int) (k / 2 % seriesPerKind);
                final String channel = api ? "/event/ApiEventStream" : "/event/LogEntryEvent__e";
                // One series per kind by default (Account queries, AccountService failures); more
                // for the per-org cost run.
                final String entity = seriesPerKind == 1 ? "Account" : "Object" + series + "__c";
                final String service = seriesPerKind == 1 ? "AccountService" : "Service" + series;
                final String payload =
                        api
                                ? String.format(
                                        Locale.ROOT,
                                        "{\"Operation\":\"Query\",\"QueriedEntities\":\"%s\",\"ElapsedTime\":%.0f,\"EventDate\":\"%s\"}",
                                        entity,
                                        200 + 20 * random.nextGaussian(),
                                        at)
                                // Nebula Logger entries name their origin (every INFO entry is
                                // activity of its entry point).
                                : String.format(
                                        "{\"LoggingLevel__c\":\"%s\",\"ExceptionType__c\":\"System.DmlException\",\"ExceptionMessage__c\":"
                                                + "\"Insert failed row %d\",\"ExceptionStackTrace__c\":\"Class.%s.save: line 88\",\"OriginType__c\":\"Apex\","
                                                + "\"OriginLocation__c\":\"%s.save\",\"CreatedDate\":\"%s\"}",
                                        i % 40 == 1 ? "ERROR" : "INFO",
                                        i % 7,
                                        service,
                                        service,
                                        at);
                final SalesforceEvent e =
                        SalesforceEvent.newBuilder()
                                .setOrgId(org)
                                .setChannel(channel)
                                .setSource(EventSource.COMETD)
                                .setReplayId((long) i)
                                .setEventUuid(UUID.randomUUID().toString())
                                .setEventTime(at)
                                .setReceivedTime(at)
                                .setPayload(payload)
                                .build();
                producer.send(
                        new ProducerRecord<>(
                                TopicNames.forChannel(channel), null, at.toEpochMilli(), org, e));
            }
            // The join holds signals for its grace period until stream time passes them: one later
            // event per org
            // (hence in every partition) releases the tail of the load. These flush events stay
            // buffered themselves.
            final Instant after = t0.plusMillis(spanMs).plus(Duration.ofMinutes(5));
            for (int o = 0; o < orgs; o++) {
                final String org = String.format("00D%015d", o);
                producer.send(
                        new ProducerRecord<>(
                                TopicNames.forChannel("/event/LogEntryEvent__e"),
                                null,
                                after.toEpochMilli(),
                                org,
                                SalesforceEvent.newBuilder()
                                        .setOrgId(org)
                                        .setChannel("/event/LogEntryEvent__e")
                                        .setSource(EventSource.COMETD)
                                        .setReplayId(-1L)
                                        .setEventUuid("flush-" + o)
                                        .setEventTime(after)
                                        .setReceivedTime(after)
                                        .setPayload("{\"LoggingLevel__c\":\"INFO\"}")
                                        .build()));
            }
            producer.flush();
        }
    }

    /** The state directories of one run's instances, deleted after it. */
    private static final class StateDirectories implements AutoCloseable {
        private final List<TemporaryDirectory> dirs = new ArrayList<>();

        TemporaryDirectory create() {
            final TemporaryDirectory d = TemporaryDirectory.create("sfpulse-bench-streams");
            dirs.add(d);
            return d;
        }

        @Override
        public void close() {
            dirs.forEach(TemporaryDirectory::close);
        }
    }

    private static long endOffsets(final Admin admin, final String topic, final int partitions)
            throws Exception {
        final Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            specs.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(specs).all().get().values().stream()
                .mapToLong(i -> i.offset())
                .sum();
    }
}
