package io.sfpulse.app;

import io.sfpulse.app.ops.ActionLinkApi;
import io.sfpulse.app.ops.InstancePeers;
import io.sfpulse.app.ops.KafkaReachability;
import io.sfpulse.app.ops.OpsEndpoint;
import io.sfpulse.app.ops.ReleaseHealthPage;
import io.sfpulse.app.ops.SilenceApi;
import io.sfpulse.app.ops.VerdictApi;
import io.sfpulse.embedded.EmbeddedConnect;
import io.sfpulse.embedded.EmbeddedKafka;
import io.sfpulse.embedded.registry.EmbeddedSchemaRegistry;
import io.sfpulse.emulator.SalesforceEmulator;
import io.sfpulse.emulator.scenario.Scenarios;
import io.sfpulse.ingest.SalesforceSourceConfig;
import io.sfpulse.ingest.SalesforceSourceConnector;
import io.sfpulse.ingest.marker.MarkerApiServer;
import io.sfpulse.schemas.connect.AvroWireConverter;
import io.sfpulse.schemas.serde.AvroSerdeConfig;
import io.sfpulse.schemas.serde.SfpulseSerdes;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import io.sfpulse.sink.AlertSinkService;
import io.sfpulse.sink.SinkConfig;
import io.sfpulse.sink.silence.SilenceBook;
import io.sfpulse.streams.DetectionConfig;
import io.sfpulse.streams.DetectionService;
import io.sfpulse.streams.DetectionTopology;
import io.sfpulse.streams.health.KpiSettings;
import io.sfpulse.streams.health.ReleaseHealthQueries;
import io.sfpulse.streams.verdict.ReleaseVerdictQueries;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Composes sfpulse in one process: embedded Kafka and registry when none is configured, the
 * emulated org when no org is, then the ingest connectors on an embedded Connect worker, the
 * detection streams and the alert sink. Modules meet only through topics. Stops in reverse order.
 */
public final class Pipeline implements AutoCloseable {

    /** The org name used for the emulator when no org is configured. */
    public static final String EMULATED_ORG = "emulated";

    private final AppConfig config;
    private final Consumer<String> progress;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private String bootstrap;
    private String registryUrl;
    private SalesforceEmulator emulator;
    private EmbeddedConnect connect;

    /** This instance's Kafka Streams application.server (its operations endpoint), when it has one. */
    private String applicationServer;

    private DetectionService detection;
    private AlertSinkService sink;
    private MarkerApiServer markerApi;
    private OpsEndpoint ops;

    public Pipeline(final AppConfig config, final Consumer<String> progress) {
        this.config = config;
        this.progress = progress;
    }

    /** Uses an emulator the caller owns (tests) instead of starting one. */
    public Pipeline withEmulator(final SalesforceEmulator external) {
        this.emulator = external;
        return this;
    }

    public Pipeline start() throws InterruptedException {
        startKafka();
        startRegistry();
        if (config.emulatedOrg() && emulator == null && config.services().contains("ingest")) {
            // The emulated org is the ingest's source: a process running only streams or the sink
            // starts none.
            // Keepalives every 2 s (Salesforce: within 270 s) so the demo's quiet stretches still
            // report progress promptly.
            emulator =
                    SalesforceEmulator.builder()
                            .port(config.emulatorPort())
                            .pubSubKeepalive(java.time.Duration.ofSeconds(2))
                            .build()
                            .start();
            emulator.org().defineChannel(Scenarios.LOG_CHANNEL);
            started.push(emulator);
            progress.accept(
                    "Salesforce emulator: org "
                            + emulator.org().orgId()
                            + " at "
                            + emulator.baseUrl());
        }
        final Map<String, Map<String, String>> orgs = orgConnectors();
        provisionTopics(orgs);
        if (config.services().contains("ingest")) {
            startIngest(orgs);
            startMarkerApi();
        }
        bindOps();
        if (config.services().contains("streams")) {
            startStreams();
        }
        if (config.services().contains("sink")) {
            sink = new AlertSinkService(new SinkConfig(serviceProps())).start();
            started.push(sink);
            progress.accept("alert sink: delivering from " + TopicNames.ALERTS);
        }
        startOps(orgs);
        return this;
    }

    /**
     * Binds the operations endpoint before the services start, so its port is known and becomes the
     * streams instance's {@code application.server} (how other instances reach its local state).
     */
    private void bindOps() {
        final int port = config.getInt(AppConfig.OPS_PORT_CONFIG);
        if (port < 0) {
            return;
        }
        try {
            ops =
                    new OpsEndpoint(
                            config.getString(AppConfig.OPS_HOST_CONFIG),
                            port,
                            opsToken(),
                            config.getBoolean(AppConfig.OPS_HEALTH_PUBLIC_CONFIG));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(
                    "Cannot start the operations endpoint on port " + port, e);
        }
        started.push(ops);
    }

    private String opsToken() {
        final var token = config.getPassword(AppConfig.OPS_TOKEN_CONFIG);
        return token == null ? null : token.value();
    }

    /** host:port of this process's operations endpoint as other instances reach it. */
    private String advertisedOps() {
        String host = config.getString(AppConfig.OPS_ADVERTISED_HOST_CONFIG);
        if (host.isEmpty()) {
            host = config.getString(AppConfig.OPS_HOST_CONFIG);
        }
        if (host.equals("0.0.0.0") || host.equals("::")) {
            try {
                host = java.net.InetAddress.getLocalHost().getCanonicalHostName();
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(
                        "Set ops.advertised.host: this machine's name does not resolve", e);
            }
        }
        return host + ":" + ops.port();
    }

    /** The operations endpoint: Prometheus metrics and health of whatever this process runs. */
    private void startOps(final Map<String, Map<String, String>> orgs) {
        if (ops == null) {
            return;
        }
        final KafkaReachability kafka = new KafkaReachability(bootstrap);
        started.push(kafka);
        ops.readiness("kafka", kafka::reachable);
        if (connect != null) {
            orgs.keySet()
                    .forEach(
                            org ->
                                    ops.readiness(
                                            "ingest:" + org,
                                            () -> connect.isRunning(connectorName(org))));
        }
        if (detection != null) {
            final ReleaseVerdictQueries verdicts = new ReleaseVerdictQueries(detection.streams());
            ops.streams(detection.streams()).verdicts(verdicts);
            final ReleaseHealthQueries health = new ReleaseHealthQueries(detection.streams());
            final InstancePeers peers =
                    new InstancePeers(detection.streams(), applicationServer, opsToken());
            final ReleaseHealthPage page =
                    new ReleaseHealthPage(
                            health,
                            verdicts,
                            peers,
                            new KpiSettings(
                                    config.getDouble(AppConfig.ERROR_BUDGET_CONFIG),
                                    Duration.ofDays(28)));
            if (sink != null) {
                page.actionLinks(sink.actionLinks());
            }
            page.register(ops.server());
            ops.kpis(page::localKpis);
            new VerdictApi(verdicts, health, peers).register(ops.server());
        }
        if (sink != null) {
            ops.sink(sink);
            new ActionLinkApi(sink).register(ops.server());
        }
        if (sink != null || detection != null) {
            final Topics topics = Topics.create(SfpulseSerdes.forRegistry(registryUrl));
            final SilenceBook book;
            if (sink != null) {
                book = sink.silences();
            } else {
                book =
                        new SilenceBook(
                                bootstrap, topics.silences().valueSerde(), Clock.systemUTC());
                started.push(book);
            }
            final SilenceApi silences = new SilenceApi(bootstrap, topics, book, Clock.systemUTC());
            started.push(silences);
            silences.register(ops.server());
        }
        ops.start();
        progress.accept(
                "operations endpoint: http://"
                        + config.getString(AppConfig.OPS_HOST_CONFIG)
                        + ":"
                        + ops.port()
                        + (detection != null
                                ? "/ (release health), /v1/releases/{org}/{release}/verdict, "
                                : " (")
                        + "/metrics, /health/live, /health/ready)");
    }

    /** The operations endpoint, when running. */
    public OpsEndpoint ops() {
        return ops;
    }

    private void startKafka() {
        if (config.embeddedKafka()) {
            final EmbeddedKafka kafka =
                    EmbeddedKafka.start(config.dataDir().resolve("kafka"), config.kafkaPort());
            started.push(kafka);
            bootstrap = kafka.bootstrapServers();
            progress.accept(
                    "embedded Kafka (KRaft): "
                            + bootstrap
                            + ", data in "
                            + config.dataDir().resolve("kafka"));
        } else {
            bootstrap = config.getString(AppConfig.BOOTSTRAP_CONFIG);
            progress.accept("Kafka: " + bootstrap);
        }
    }

    private void startRegistry() {
        if (config.embeddedRegistry()) {
            final EmbeddedSchemaRegistry registry =
                    new EmbeddedSchemaRegistry(bootstrap, TopicNames.SCHEMA_REGISTRY, 0, null)
                            .start();
            started.push(registry);
            registryUrl = registry.url();
            progress.accept(
                    "embedded schema registry: "
                            + registryUrl
                            + " (schemas in "
                            + TopicNames.SCHEMA_REGISTRY
                            + ")");
        } else {
            registryUrl = config.getString(AppConfig.REGISTRY_URL_CONFIG);
        }
    }

    /** Connector config per org name. */
    private Map<String, Map<String, String>> orgConnectors() {
        final Map<String, Map<String, String>> orgs = new HashMap<>();
        if (config.emulatedOrg() && emulator != null) {
            final Map<String, String> c = new HashMap<>();
            c.put(SalesforceSourceConfig.LOGIN_URL_CONFIG, emulator.baseUrl());
            c.put(SalesforceSourceConfig.PUBSUB_ENDPOINT_CONFIG, emulator.pubSubEndpoint());
            c.put(SalesforceSourceConfig.PUBSUB_TLS_CONFIG, "false");
            c.put(SalesforceSourceConfig.ORG_ID_CONFIG, emulator.org().orgId());
            c.put(SalesforceSourceConfig.CLIENT_ID_CONFIG, emulator.org().clientId());
            c.put(SalesforceSourceConfig.CLIENT_SECRET_CONFIG, emulator.org().clientSecret());
            c.put(SalesforceSourceConfig.CHANNELS_CONFIG, Scenarios.LOG_CHANNEL);
            c.put(SalesforceSourceConfig.REPLAY_INITIAL_CONFIG, "earliest");
            c.put(SalesforceSourceConfig.DEPLOY_POLL_INTERVAL_MS_CONFIG, "250");
            c.putAll(config.orgSettings(EMULATED_ORG));
            orgs.put(EMULATED_ORG, c);
        }
        for (final String org : config.orgs()) {
            orgs.put(org, config.orgSettings(org));
        }
        // Org limits every five minutes unless an org says otherwise (the connector's own default
        // is off: on a Connect cluster the rest/limits topic is the operator's to provision).
        orgs.replaceAll(
                (name, c) -> {
                    final Map<String, String> withLimits = new HashMap<>(c);
                    withLimits.putIfAbsent(
                            SalesforceSourceConfig.LIMITS_POLL_INTERVAL_MS_CONFIG, "300000");
                    return withLimits;
                });
        return orgs;
    }

    private void provisionTopics(final Map<String, Map<String, String>> orgs) {
        final Set<String> topics =
                new LinkedHashSet<>(
                        List.of(
                                TopicNames.INGEST_DLQ,
                                TopicNames.SINK_DLQ,
                                TopicNames.DELIVERIES,
                                TopicNames.SILENCES));
        topics.addAll(DetectionTopology.topics(new DetectionConfig(serviceProps())));
        orgs.values()
                .forEach(
                        c ->
                                new SalesforceSourceConfig(c)
                                        .channels()
                                        .forEach(ch -> topics.add(TopicNames.forChannel(ch))));
        EmbeddedKafka.createTopics(
                bootstrap, config.partitions(), topics, Set.of(TopicNames.SILENCES));
    }

    private void startIngest(final Map<String, Map<String, String>> orgs)
            throws InterruptedException {
        // Secrets stay out of the worker's REST API and config topic: placeholders resolved from a
        // file only this user reads.
        final ConnectorSecrets secrets = new ConnectorSecrets(config.dataDir().resolve("connect"));
        final var restToken = config.getPassword(AppConfig.CONNECT_REST_TOKEN_CONFIG);
        final Map<String, String> worker = new HashMap<>(ConnectorSecrets.workerConfig());
        worker.put(
                io.sfpulse.embedded.RestTokenAuthExtension.TOKEN_CONFIG,
                secrets.restToken(restToken == null ? null : restToken.value()));
        final int restPort = config.getInt(AppConfig.CONNECT_REST_PORT_CONFIG);
        if (restPort > 0) {
            worker.put("listeners", "http://127.0.0.1:" + restPort);
        }
        worker.put("value.converter", AvroWireConverter.class.getName());
        worker.put("value.converter." + AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl);
        // Every connector's secrets are in the file before the worker starts: it restarts the tasks
        // of its config topic at once.
        final Map<String, Map<String, String>> connectors = new java.util.LinkedHashMap<>();
        for (final Map.Entry<String, Map<String, String>> org : orgs.entrySet()) {
            final Map<String, String> c = new HashMap<>(org.getValue());
            c.put("connector.class", SalesforceSourceConnector.class.getName());
            c.putIfAbsent("tasks.max", "1");
            c.putIfAbsent("topic.creation.default.replication.factor", "-1");
            c.putIfAbsent("topic.creation.default.partitions", String.valueOf(config.partitions()));
            final String name = connectorName(org.getKey());
            connectors.put(name, secrets.externalise(name, c, SalesforceSourceConfig.CONFIG_DEF));
        }
        connect = EmbeddedConnect.start(bootstrap, worker);
        started.push(connect);
        for (final Map.Entry<String, Map<String, String>> connector : connectors.entrySet()) {
            final String name = connector.getKey();
            connect.putConnector(name, connector.getValue());
            awaitConnector(name);
            progress.accept(
                    "ingest connector '"
                            + name
                            + "' running on the embedded Connect worker ("
                            + connect.restUrl()
                            + ", token required: connect.rest.token or "
                            + secrets.restTokenFile()
                            + ")");
        }
    }

    private static String connectorName(final String org) {
        return "sfpulse-salesforce-" + org;
    }

    private void startMarkerApi() {
        final int port = config.getInt(AppConfig.MARKER_PORT_CONFIG);
        if (port < 0) {
            return;
        }
        final var token = config.getPassword(AppConfig.MARKER_TOKEN_CONFIG);
        markerApi =
                new MarkerApiServer(
                                bootstrap,
                                Topics.create(
                                        new SfpulseSerdes(
                                                Map.of(
                                                        AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG,
                                                        registryUrl))),
                                config.getString(AppConfig.MARKER_HOST_CONFIG),
                                port,
                                token == null ? null : token.value())
                        .start();
        started.push(markerApi);
        progress.accept(
                "marker API: POST http://"
                        + config.getString(AppConfig.MARKER_HOST_CONFIG)
                        + ":"
                        + markerApi.port()
                        + "/v1/markers");
    }

    /** The marker API, when running. */
    /** The embedded Connect worker (null when the ingest runs elsewhere). */
    public EmbeddedConnect connect() {
        return connect;
    }

    public MarkerApiServer markerApi() {
        return markerApi;
    }

    private void awaitConnector(final String name) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!connect.isRunning(name)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "Connector '"
                                + name
                                + "' did not start within 120 s: "
                                + connect.describe(name));
            }
            Thread.sleep(200); // polling the herder's status; no event to wait on
        }
    }

    private void startStreams() throws InterruptedException {
        final Map<String, Object> props = serviceProps();
        if (ops != null) {
            // Where the other instances of the application find this one's stores (the page gathers
            // every org from all of them).
            final String key = DetectionConfig.STREAMS_OVERRIDE_PREFIX + "application.server";
            props.computeIfAbsent(key, k -> advertisedOps());
            applicationServer = props.get(key).toString();
        }
        detection = new DetectionService(new DetectionConfig(props)).start();
        started.push(detection);
        if (!detection.awaitRunning(Duration.ofSeconds(120))) {
            throw new IllegalStateException("Detection streams did not reach RUNNING");
        }
        progress.accept("detection streams: RUNNING");
    }

    /** Settings for streams and sink: everything configured, with the resolved Kafka, registry and state locations. */
    Map<String, Object> serviceProps() {
        final Map<String, Object> p = new HashMap<>(config.all());
        p.put(AppConfig.BOOTSTRAP_CONFIG, bootstrap);
        p.put(AppConfig.REGISTRY_URL_CONFIG, registryUrl);
        p.putIfAbsent(
                DetectionConfig.STATE_DIR_CONFIG, config.dataDir().resolve("streams").toString());
        p.putIfAbsent(
                SinkConfig.FILE_PATH_CONFIG, config.dataDir().resolve("alerts.jsonl").toString());
        return p;
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    public String registryUrl() {
        return registryUrl;
    }

    public SalesforceEmulator emulator() {
        return emulator;
    }

    public AlertSinkService sink() {
        return sink;
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                progress.accept("error while stopping: " + e.getMessage());
            }
        }
    }
}
