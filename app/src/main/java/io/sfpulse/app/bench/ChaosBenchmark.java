package io.sfpulse.app.bench;

import io.sfpulse.app.AppConfig;
import io.sfpulse.embedded.EmbeddedKafka;
import io.sfpulse.embedded.TemporaryDirectory;
import io.sfpulse.embedded.registry.EmbeddedSchemaRegistry;
import io.sfpulse.emulator.SalesforceEmulator;
import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.serde.AvroSerdeConfig;
import io.sfpulse.schemas.serde.AvroWireDeserializer;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.sink.SinkConfig;
import io.sfpulse.streams.DetectionConfig;
import io.sfpulse.streams.normalize.SignalNormalizer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code sfpulse bench chaos}: the whole pipeline, each service (ingest, streams, sink) in its own
 * JVM process started with {@code sfpulse run}, under a seeded random sequence of faults while the
 * emulated org keeps publishing on two channels, one streamed over Pub/Sub and one over CometD:
 * {@code kill -9} of a service and its restart, broker restarts, stream drops and stalls, refused
 * subscribes, {@code 403::Unknown client}, {@code 503} busy, token expiry, and 503 / 429 storms at the
 * webhook. Each fault is applied, held for a seeded time, restored, and the pipeline's recovery is
 * timed (until an event published after the restore is an enriched signal). At the end it prints
 * events published against ingested (unique) and their extra copies, enriched signals and their
 * duplicates after dedupe, alert states produced against delivered (and twice), and per fault kind
 * how often it was injected, proof that it fired, and the recovery times.
 */
public final class ChaosBenchmark {

    /** What is injected. */
    public enum Fault {
        KILL_INGEST,
        KILL_STREAMS,
        KILL_SINK,
        BROKER_RESTART,
        COMETD_DROP,
        COMETD_UNKNOWN_CLIENT,
        COMETD_BUSY,
        PUBSUB_DROP,
        PUBSUB_STALL,
        PUBSUB_UNAVAILABLE,
        TOKEN_EXPIRY,
        SINK_503_STORM,
        SINK_429_STORM
    }

    private static final String PUBSUB_CHANNEL = "/event/LogEntryEvent__e";
    private static final String COMETD_CHANNEL = "/event/Chaos_Cometd__e";
    private static final Duration RECOVERY_BOUND = Duration.ofMinutes(3);

    private final PrintStream out;

    public ChaosBenchmark(final PrintStream out) {
        this.out = out;
    }

    /** Publishes events on both channels at a steady rate and remembers when each was published. */
    private static final class Publisher implements Runnable {
        final SalesforceEmulator emulator;
        final Map<String, Long> published = new ConcurrentHashMap<>();
        final Map<String, String> channelOf = new ConcurrentHashMap<>();
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong errors = new AtomicLong();
        volatile int signatures;

        /** Set once the release is marked: errors start after it, so each error type is new under the release. */
        volatile boolean released;

        Publisher(final SalesforceEmulator emulator) {
            this.emulator = emulator;
        }

        @Override
        public void run() {
            long i = 0;
            while (running.get()) {
                for (final String channel : List.of(PUBSUB_CHANNEL, COMETD_CHANNEL)) {
                    final String id = UUID.randomUUID().toString();
                    final Map<String, Object> p = new HashMap<>();
                    final boolean error = released && i % 25 == 0;
                    p.put("LoggingLevel__c", error ? "ERROR" : "INFO");
                    p.put("Message__c", "chaos event " + i);
                    if (error) {
                        // After the release, a new error type every ten faults: the new-error-types
                        // detector raises, updates and
                        // resolves alerts (a number in the message would not do: signatures
                        // normalise numbers away).
                        p.put(
                                "ExceptionType__c",
                                NEW_ERROR_TYPES.get(signatures / 10 % NEW_ERROR_TYPES.size()));
                        p.put("ExceptionMessage__c", "Failed while calculating the invoice");
                        p.put(
                                "ExceptionStackTrace__c",
                                "Class.InvoiceService.calculate: line 42, column 1");
                        errors.incrementAndGet();
                    }
                    channelOf.put(id, channel);
                    published.put(id, System.nanoTime());
                    emulator.org().publishPlatformEvent(channel, p, id);
                }
                i++;
                try {
                    Thread.sleep(50); // 20 events per second per channel
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The exception types the org throws after the release, one after the other. */
    private static final List<String> NEW_ERROR_TYPES =
            List.of(
                    "System.NullPointerException",
                    "System.DmlException",
                    "System.QueryException",
                    "System.LimitException",
                    "System.CalloutException",
                    "System.JSONException",
                    "System.TypeException",
                    "System.StringException",
                    "System.ListException",
                    "System.MathException");

    /** Reads the ingest, enriched and alert topics from the start, counting every copy. */
    private static final class Observer implements Runnable {
        final Map<String, Integer> ingested = new ConcurrentHashMap<>();
        final Map<String, Integer> enriched = new ConcurrentHashMap<>();
        final Map<String, Long> firstEnrichedNanos = new ConcurrentHashMap<>();
        final Map<String, Long> firstIngestedNanos = new ConcurrentHashMap<>();
        final Set<String> alertStates = ConcurrentHashMap.newKeySet();
        final AtomicBoolean running = new AtomicBoolean(true);
        final String bootstrap;
        final String registry;

        Observer(final String bootstrap, final String registry) {
            this.bootstrap = bootstrap;
            this.registry = registry;
        }

        private <T> KafkaConsumer<String, T> consumer(
                final Class<T> type, final List<String> topics) {
            final AvroWireDeserializer<T> values = new AvroWireDeserializer<>(type);
            values.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registry), false);
            final KafkaConsumer<String, T> c =
                    new KafkaConsumer<>(
                            Map.of(
                                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    bootstrap,
                                    ConsumerConfig.GROUP_ID_CONFIG,
                                    "chaos-observer-" + UUID.randomUUID(),
                                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                    "earliest",
                                    ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                                    "read_committed"),
                            new StringDeserializer(),
                            values);
            c.subscribe(topics);
            return c;
        }

        @Override
        public void run() {
            try (KafkaConsumer<String, SalesforceEvent> events =
                            consumer(
                                    SalesforceEvent.class,
                                    List.of(
                                            TopicNames.forChannel(PUBSUB_CHANNEL),
                                            TopicNames.forChannel(COMETD_CHANNEL)));
                    KafkaConsumer<String, Signal> signals =
                            consumer(Signal.class, List.of(TopicNames.SIGNALS_ENRICHED));
                    KafkaConsumer<String, Alert> alerts =
                            consumer(Alert.class, List.of(TopicNames.ALERTS))) {
                while (running.get()) {
                    try {
                        for (final ConsumerRecord<String, SalesforceEvent> r :
                                events.poll(Duration.ofMillis(100))) {
                            ingested.merge(r.value().getEventUuid(), 1, Integer::sum);
                            firstIngestedNanos.putIfAbsent(
                                    r.value().getEventUuid(), System.nanoTime());
                        }
                        final long now = System.nanoTime();
                        for (final ConsumerRecord<String, Signal> r :
                                signals.poll(Duration.ofMillis(100))) {
                            if (SignalNormalizer.isDerived(r.value())) {
                                continue; // an event's lag or an org limits snapshot, not an event
                                // published
                            }
                            enriched.merge(r.value().getEventUuid(), 1, Integer::sum);
                            firstEnrichedNanos.putIfAbsent(r.value().getEventUuid(), now);
                        }
                        for (final ConsumerRecord<String, Alert> r :
                                alerts.poll(Duration.ofMillis(100))) {
                            alertStates.add(
                                    r.value().getDedupKey()
                                            + "#"
                                            + r.value().getStatus()
                                            + "#"
                                            + r.value().getSequence());
                        }
                    } catch (RuntimeException e) {
                        // the broker is being restarted: keep polling
                    }
                }
            }
        }
    }

    /** Runs the faults; false when an event was lost or an alert state not delivered. */
    public boolean run(final int faults, final long seed, final String guarantee) throws Exception {
        return run(faults, seed, guarantee, List.of(Fault.values()));
    }

    /** Runs {@code faults} faults drawn from {@code kinds} (to reproduce one kind). */
    public boolean run(
            final int faults, final long seed, final String guarantee, final List<Fault> kinds)
            throws Exception {
        final Random random = new Random(seed);
        try (TemporaryDirectory dir = TemporaryDirectory.create("sfpulse-chaos");
                SalesforceEmulator emulator =
                        SalesforceEmulator.builder()
                                .longPollTimeout(Duration.ofSeconds(3))
                                .pubSubKeepalive(Duration.ofSeconds(2))
                                .build()
                                .start();
                StormWebhook webhook = new StormWebhook()) {
            final Path kafkaDir = dir.path().resolve("kafka");
            EmbeddedKafka kafka = EmbeddedKafka.start(kafkaDir, 0);
            final String bootstrap = kafka.bootstrapServers();
            final int kafkaPort =
                    Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
            final EmbeddedSchemaRegistry registry =
                    new EmbeddedSchemaRegistry(bootstrap, TopicNames.SCHEMA_REGISTRY, 0, null)
                            .start();
            emulator.org().defineChannel(PUBSUB_CHANNEL);
            emulator.org().defineChannel(COMETD_CHANNEL);
            final Map<String, ServiceProcess> services = new LinkedHashMap<>();
            for (final String name : List.of("ingest", "streams", "sink")) {
                services.put(
                        name,
                        ServiceProcess.configured(
                                name,
                                dir.path(),
                                settings(
                                        name,
                                        dir.path(),
                                        bootstrap,
                                        registry.url(),
                                        emulator,
                                        webhook,
                                        guarantee)));
            }
            for (final ServiceProcess s : services.values()) {
                s.start();
            }
            final Publisher publisher = new Publisher(emulator);
            final Observer observer = new Observer(bootstrap, registry.url());
            final Thread publishing = new Thread(publisher, "chaos-publisher");
            final Thread observing = new Thread(observer, "chaos-observer");
            publishing.start();
            observing.start();
            out.printf(
                    Locale.ROOT,
                    "[bench] chaos: %d faults, seed %d, streams %s; services in their own JVMs, logs in %s%n",
                    faults,
                    seed,
                    guarantee,
                    dir.path());
            // Warm-up: the pipeline flows, and the org has a minute of history, before the release
            // and the first fault.
            final long warmUp = System.nanoTime();
            awaitFlow(
                    publisher,
                    observer.firstEnrichedNanos,
                    warmUp,
                    Duration.ofMinutes(5),
                    List.of(PUBSUB_CHANNEL, COMETD_CHANNEL));
            Thread.sleep(
                    Math.max(
                            0,
                            Duration.ofSeconds(75).toMillis()
                                    - (System.nanoTime() - warmUp) / 1_000_000L));
            // The release, as CI/CD reports it (marker API record), at the org's time.
            final io.sfpulse.schemas.serde.AvroWireSerializer<
                            io.sfpulse.schemas.deploy.DeploymentMarker>
                    markerValues = new io.sfpulse.schemas.serde.AvroWireSerializer<>();
            markerValues.configure(
                    Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url()), false);
            try (org.apache.kafka.clients.producer.KafkaProducer<
                            String, io.sfpulse.schemas.deploy.DeploymentMarker>
                    markers =
                            new org.apache.kafka.clients.producer.KafkaProducer<>(
                                    Map.of(
                                            org.apache.kafka.clients.producer.ProducerConfig
                                                    .BOOTSTRAP_SERVERS_CONFIG,
                                            bootstrap),
                                    new org.apache.kafka.common.serialization.StringSerializer(),
                                    markerValues)) {
                markers.send(
                                new org.apache.kafka.clients.producer.ProducerRecord<>(
                                        TopicNames.DEPLOYMENT_MARKERS,
                                        emulator.org().orgId(),
                                        io.sfpulse.schemas.deploy.DeploymentMarker.newBuilder()
                                                .setOrgId(emulator.org().orgId())
                                                .setDeployId("0AfCHAOS0000001AAA")
                                                .setSource(
                                                        io.sfpulse.schemas.deploy.MarkerSource
                                                                .MARKER_API)
                                                .setStatus("Succeeded")
                                                .setCompletedTime(emulator.org().clock().instant())
                                                .setComponents(List.of("ApexClass:InvoiceService"))
                                                .setComponentCount(1)
                                                .build()))
                        .get();
            }
            publisher.released = true;
            final Map<Fault, List<Long>> recoveries = new EnumMap<>(Fault.class);
            final Map<Fault, List<Long>> ingestRecoveries = new EnumMap<>(Fault.class);
            final Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
            final long started = System.nanoTime();
            for (int i = 1; i <= faults; i++) {
                final Fault fault = kinds.get(random.nextInt(kinds.size()));
                final long hold = 500 + random.nextInt(2_500);
                publisher.signatures = i;
                switch (fault) {
                    case KILL_INGEST, KILL_STREAMS, KILL_SINK -> {
                        final ServiceProcess s =
                                services.get(fault.name().substring(5).toLowerCase(Locale.ROOT));
                        s.kill();
                        Thread.sleep(hold); // the service is down while the org keeps publishing
                        s.start();
                    }
                    case BROKER_RESTART -> {
                        kafka.close();
                        Thread.sleep(hold);
                        kafka = EmbeddedKafka.start(kafkaDir, kafkaPort);
                    }
                    case COMETD_DROP -> emulator.faults().dropConnectionAfterEvents(3);
                    case COMETD_UNKNOWN_CLIENT -> emulator.faults().unknownClientOnNextConnect();
                    case COMETD_BUSY ->
                            emulator.faults()
                                    .unknownClientOnNextConnect()
                                    .serverBusyOnNextConnects(2);
                    case PUBSUB_DROP -> emulator.faults().dropPubSubStreamAfterEvents(3);
                    case PUBSUB_STALL ->
                            emulator.faults()
                                    .stallNextPubSubStream()
                                    .dropPubSubStreamAfterEvents(1);
                    case PUBSUB_UNAVAILABLE ->
                            emulator.faults()
                                    .unavailableOnNextPubSubSubscribes(2)
                                    .dropPubSubStreamAfterEvents(2);
                    case TOKEN_EXPIRY -> emulator.tokens().expireAll();
                    case SINK_503_STORM, SINK_429_STORM -> {
                        webhook.storm(fault == Fault.SINK_503_STORM ? 503 : 429);
                        Thread.sleep(hold);
                        webhook.storm(0);
                    }
                }
                if (fault.name().startsWith("COMETD")
                        || fault.name().startsWith("PUBSUB")
                        || fault == Fault.TOKEN_EXPIRY) {
                    Thread.sleep(hold);
                }
                injected.merge(fault, 1, Integer::sum);
                final long restored = System.nanoTime();
                // A transport fault is over when its channel flows again; the others when both do.
                final List<String> affected =
                        fault.name().startsWith("COMETD")
                                ? List.of(COMETD_CHANNEL)
                                : fault.name().startsWith("PUBSUB")
                                        ? List.of(PUBSUB_CHANNEL)
                                        : List.of(PUBSUB_CHANNEL, COMETD_CHANNEL);
                final long ingestRecovery =
                        awaitFlow(
                                publisher,
                                observer.firstIngestedNanos,
                                restored,
                                RECOVERY_BOUND,
                                affected);
                final long recovery =
                        awaitFlow(
                                publisher,
                                observer.firstEnrichedNanos,
                                restored,
                                RECOVERY_BOUND,
                                affected);
                ingestRecoveries.computeIfAbsent(fault, f -> new ArrayList<>()).add(ingestRecovery);
                recoveries.computeIfAbsent(fault, f -> new ArrayList<>()).add(recovery);
                out.printf(
                        Locale.ROOT,
                        "[bench] fault %d/%d %s held %d ms; ingested again after %s, enriched after %s%n",
                        i,
                        faults,
                        fault,
                        hold,
                        ingestRecovery < 0
                                ? "> " + RECOVERY_BOUND.toSeconds() + " s"
                                : ingestRecovery + " ms",
                        recovery < 0 ? "> " + RECOVERY_BOUND.toSeconds() + " s" : recovery + " ms");
            }
            final double faultMinutes = (System.nanoTime() - started) / 60e9;
            publisher.running.set(false);
            publishing.join();
            // Drain: every published event reaches the enriched signals, or the bound passes.
            final long drainStart = System.nanoTime();
            while (!observer.enriched.keySet().containsAll(publisher.published.keySet())
                    && System.nanoTime() - drainStart < Duration.ofMinutes(5).toNanos()) {
                Thread.sleep(500); // sampling the observer's counts
            }
            // Alerts: let the sink deliver what streams produced.
            final long alertStart = System.nanoTime();
            while (!webhook.acceptedKeys().containsAll(observer.alertStates)
                    && System.nanoTime() - alertStart < Duration.ofMinutes(2).toNanos()) {
                Thread.sleep(500); // sampling the deliveries
            }
            observer.running.set(false);
            observing.join();
            final boolean complete =
                    report(
                            faults,
                            seed,
                            faultMinutes,
                            publisher,
                            observer,
                            webhook,
                            emulator,
                            services,
                            injected,
                            ingestRecoveries,
                            recoveries);
            for (final ServiceProcess s : services.values()) {
                s.stop();
            }
            // The services' logs outlive the run's temporary directory.
            final Path logs = Path.of(".sfpulse", "chaos-logs");
            Files.createDirectories(logs);
            for (final ServiceProcess s : services.values()) {
                Files.copy(
                        s.log(),
                        logs.resolve(s.name() + ".log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            out.printf("[bench] service logs in %s%n", logs.toAbsolutePath());
            registry.close();
            kafka.close();
            return complete;
        }
    }

    /**
     * Milliseconds until, on every one of {@code channels}, an event published after {@code sinceNanos}
     * arrived (first arrivals by event); -1 past the bound.
     */
    private static long awaitFlow(
            final Publisher publisher,
            final Map<String, Long> arrivals,
            final long sinceNanos,
            final Duration bound,
            final List<String> channels)
            throws InterruptedException {
        while (System.nanoTime() - sinceNanos < bound.toNanos()) {
            final Map<String, Long> firstPerChannel = new HashMap<>();
            for (final Map.Entry<String, Long> e : arrivals.entrySet()) {
                final Long publishedAt = publisher.published.get(e.getKey());
                if (publishedAt != null && publishedAt > sinceNanos) {
                    firstPerChannel.merge(
                            publisher.channelOf.get(e.getKey()), e.getValue(), Math::min);
                }
            }
            if (firstPerChannel.keySet().containsAll(channels)) {
                return (channels.stream().mapToLong(firstPerChannel::get).max().orElseThrow()
                                - sinceNanos)
                        / 1_000_000L;
            }
            Thread.sleep(100); // sampling the observer's arrivals
        }
        return -1;
    }

    private boolean report(
            final int faults,
            final long seed,
            final double minutes,
            final Publisher publisher,
            final Observer observer,
            final StormWebhook webhook,
            final SalesforceEmulator emulator,
            final Map<String, ServiceProcess> services,
            final Map<Fault, Integer> injected,
            final Map<Fault, List<Long>> ingestRecoveries,
            final Map<Fault, List<Long>> recoveries) {
        final Set<String> published = publisher.published.keySet();
        final long ingestedUnique =
                published.stream().filter(observer.ingested::containsKey).count();
        final long ingestCopies = observer.ingested.values().stream().mapToLong(n -> n - 1).sum();
        final long enrichedUnique =
                published.stream().filter(observer.enriched::containsKey).count();
        final long enrichedDuplicates =
                observer.enriched.values().stream().mapToLong(n -> n - 1).sum();
        final Set<String> delivered = webhook.acceptedKeys();
        final long undelivered =
                observer.alertStates.stream().filter(k -> !delivered.contains(k)).count();
        out.printf(
                Locale.ROOT,
                "%nChaos: %d faults (seed %d) in %.1f minutes; services in their own JVMs; Pub/Sub channel %s, CometD channel %s%n",
                faults,
                seed,
                minutes,
                PUBSUB_CHANNEL,
                COMETD_CHANNEL);
        out.printf(
                "| events published | ingested (unique) | lost at ingest | extra copies on the ingest topics | enriched (unique) | lost | "
                        + "duplicate enriched signals | alert states | delivered | not delivered | delivered twice |%n|---|---|---|---|---|---|---|---|---|---|---|%n");
        out.printf(
                Locale.ROOT,
                "| %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d |%n",
                published.size(),
                ingestedUnique,
                published.size() - ingestedUnique,
                ingestCopies,
                enrichedUnique,
                published.size() - enrichedUnique,
                enrichedDuplicates,
                observer.alertStates.size(),
                observer.alertStates.size() - undelivered,
                undelivered,
                webhook.deliveredTwice());
        out.printf(
                "%nRecovery: from the fault's end until an event published after it is on the ingest topic / is an enriched signal "
                        + "(2 s attribution grace), in ms%n| fault | injected | fired (proof) | ingest p50 | ingest max | enriched p50 | enriched max |%n"
                        + "|---|---|---|---|---|---|---|%n");
        for (final Fault f : Fault.values()) {
            out.printf(
                    Locale.ROOT,
                    "| %s | %d | %s | %s | %s |%n",
                    f.name().toLowerCase(Locale.ROOT).replace('_', ' '),
                    injected.getOrDefault(f, 0),
                    proof(f, emulator, webhook, services),
                    percentiles(ingestRecoveries.get(f)),
                    percentiles(recoveries.get(f)));
        }
        final boolean complete =
                enrichedUnique == published.size()
                        && undelivered == 0
                        && webhook.deliveredTwice() == 0;
        out.printf(
                "%n[bench] chaos %s%n",
                complete
                        ? "complete: nothing lost, nothing delivered twice"
                        : "FAILED: something was lost or delivered twice");
        return complete;
    }

    /** "p50 | max" of recovery times, "-" when none, "> bound" when one never recovered. */
    private static String percentiles(final List<Long> times) {
        if (times == null || times.isEmpty()) {
            return "- | -";
        }
        final List<Long> r = new ArrayList<>(times);
        r.sort(Long::compare);
        final String max =
                r.get(0) < 0
                        ? "> " + RECOVERY_BOUND.toMillis()
                        : String.valueOf(r.get(r.size() - 1));
        final long p50 = r.get(r.size() / 2);
        return (p50 < 0 ? "> " + RECOVERY_BOUND.toMillis() : String.valueOf(p50)) + " | " + max;
    }

    /** What shows the fault happened, from the side that injected it. */
    private static String proof(
            final Fault f,
            final SalesforceEmulator emulator,
            final StormWebhook webhook,
            final Map<String, ServiceProcess> services) {
        return switch (f) {
            case KILL_INGEST -> services.get("ingest").kills() + " SIGKILLs";
            case KILL_STREAMS -> services.get("streams").kills() + " SIGKILLs";
            case KILL_SINK -> services.get("sink").kills() + " SIGKILLs";
            case BROKER_RESTART -> "broker stopped and restarted";
            case COMETD_DROP -> emulator.faults().fired("connection-drop") + " connections dropped";
            case COMETD_UNKNOWN_CLIENT, COMETD_BUSY ->
                    emulator.faults().fired("unknown-client")
                            + " unknown-client replies, "
                            + emulator.faults().fired("server-busy")
                            + " busy replies (both kinds)";
            case TOKEN_EXPIRY ->
                    emulator.tokens().issuedCount()
                            + " tokens issued in all (each expiry forces new logins)";
            case PUBSUB_DROP, PUBSUB_UNAVAILABLE ->
                    emulator.faults().pubSubStreamsDropped()
                            + " streams reset, "
                            + emulator.faults().pubSubSubscribesRefused()
                            + " subscribes refused (all Pub/Sub faults)";
            case PUBSUB_STALL -> emulator.faults().pubSubStreamsStalled() + " streams stalled";
            case SINK_503_STORM, SINK_429_STORM ->
                    webhook.refused() + " deliveries refused (both storms)";
        };
    }

    private static Map<String, String> settings(
            final String service,
            final Path dir,
            final String bootstrap,
            final String registry,
            final SalesforceEmulator emulator,
            final StormWebhook webhook,
            final String guarantee) {
        final Map<String, String> p = new LinkedHashMap<>();
        p.put(AppConfig.BOOTSTRAP_CONFIG, bootstrap);
        p.put(AppConfig.REGISTRY_URL_CONFIG, registry);
        p.put(AppConfig.SERVICES_CONFIG, service);
        p.put(AppConfig.DATA_DIR_CONFIG, dir.resolve(service).toString());
        p.put(AppConfig.OPS_PORT_CONFIG, "-1");
        p.putAll(TwoTransportOrgs.settings(emulator, PUBSUB_CHANNEL, COMETD_CHANNEL));
        p.put(DetectionConfig.FAILURE_CHANNELS_CONFIG, PUBSUB_CHANNEL + "," + COMETD_CHANNEL);
        p.put(DetectionConfig.COMMIT_INTERVAL_MS_CONFIG, "200");
        // kill -9 of the streams process must not re-emit what it produced since its last commit.
        p.put(DetectionConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        // A short attribution grace, so recovery times show the faults rather than the grace (60 s
        // by default), and a
        // new-error-types detector that may decide after one minute of history (its defaults want
        // far more).
        p.put(DetectionConfig.JOIN_GRACE_MS_CONFIG, "2000");
        p.put(
                io.sfpulse.streams.detector.newerrors.NewErrorTypeSettings.MIN_LOOKBACK_MS_CONFIG,
                "60000");
        p.put(io.sfpulse.streams.detector.newerrors.NewErrorTypeSettings.QUIET_MS_CONFIG, "60000");
        p.put(DetectionConfig.STREAMS_OVERRIDE_PREFIX + "session.timeout.ms", "6000");
        p.put(DetectionConfig.STREAMS_OVERRIDE_PREFIX + "heartbeat.interval.ms", "1500");
        p.put(SinkConfig.WEBHOOK_URL_CONFIG, webhook.url());
        p.put(SinkConfig.WEBHOOK_SECRET_CONFIG, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        p.put(SinkConfig.LOG_ENABLED_CONFIG, "false");
        return p;
    }
}
