package io.sfpulse.app;

import io.sfpulse.schemas.config.ConfigGroup;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Launcher settings: a properties file overlaid with environment variables
 * ({@code SFPULSE_KAFKA_BOOTSTRAP_SERVERS=h:9092} sets {@code kafka.bootstrap.servers}). Keys
 * of the services (ingest connector, streams, sink) pass through unchanged. What is not configured
 * is embedded: no {@code kafka.bootstrap.servers} starts a KRaft broker, no
 * {@code schema.registry.url} an in-process registry, no {@code salesforce.orgs} the emulator.
 */
public final class AppConfig extends AbstractConfig {

    public static final String BOOTSTRAP_CONFIG = "kafka.bootstrap.servers";
    private static final String BOOTSTRAP_DOC =
            "Kafka bootstrap servers; empty starts an embedded KRaft broker.";
    public static final String REGISTRY_URL_CONFIG = "schema.registry.url";
    private static final String REGISTRY_URL_DOC =
            "Confluent-compatible Schema Registry; empty starts an embedded one.";
    public static final String DATA_DIR_CONFIG = "sfpulse.data.dir";
    private static final String DATA_DIR_DOC =
            "Where embedded Kafka, Streams state and the alert file live.";
    public static final String SERVICES_CONFIG = "sfpulse.services";
    private static final String SERVICES_DOC = "Which services this process runs.";
    public static final String PARTITIONS_CONFIG = "sfpulse.topic.partitions";
    private static final String PARTITIONS_DOC =
            "Partitions of the topics sfpulse creates (inputs must be co-partitioned).";
    public static final String ORGS_CONFIG = "salesforce.orgs";
    private static final String ORGS_DOC =
            "Names of the Salesforce orgs to watch; each is configured under org.<name>.salesforce.*. "
                    + "Empty: the emulated org.";
    public static final String EMULATOR_PORT_CONFIG = "sfpulse.emulator.port";
    private static final String EMULATOR_PORT_DOC =
            "Port of the embedded Salesforce emulator (0: free port).";
    public static final String KAFKA_PORT_CONFIG = "sfpulse.kafka.port";
    private static final String KAFKA_PORT_DOC =
            "Client port of the embedded broker (0: free port).";
    public static final String MARKER_PORT_CONFIG = "marker.api.port";
    private static final String MARKER_PORT_DOC =
            "Port of the CI/CD marker API (POST /v1/markers); -1 disables, 0 picks a free port. Runs "
                    + "with the ingest service.";
    public static final String MARKER_HOST_CONFIG = "marker.api.host";
    private static final String MARKER_HOST_DOC = "Interface the marker API binds.";
    public static final String MARKER_TOKEN_CONFIG = "marker.api.token";
    private static final String MARKER_TOKEN_DOC =
            "Bearer token CI/CD must present to the marker API.";
    public static final String OPS_PORT_CONFIG = "ops.port";
    private static final String OPS_PORT_DOC =
            "Port of the operations endpoint (/metrics in Prometheus format, /health/live, "
                    + "/health/ready, the release-health page); -1 disables, 0 picks a free port.";
    public static final String OPS_HOST_CONFIG = "ops.host";
    private static final String OPS_HOST_DOC = "Interface the operations endpoint binds.";
    public static final String OPS_ADVERTISED_HOST_CONFIG = "ops.advertised.host";
    private static final String OPS_ADVERTISED_HOST_DOC =
            "Host other streams instances use to reach this one's operations endpoint (Kafka "
                    + "Streams application.server, for the release-health page across instances); empty: ops.host, or this machine's name when "
                    + "ops.host is 0.0.0.0.";
    public static final String CONNECT_REST_PORT_CONFIG = "connect.rest.port";
    private static final String CONNECT_REST_PORT_DOC =
            "Port of the embedded Kafka Connect worker's REST API (on 127.0.0.1; each worker "
                    + "of a cluster needs its own when they share a host); 0 picks a free port, printed at start.";
    public static final String CONNECT_REST_TOKEN_CONFIG = "connect.rest.token";
    private static final String CONNECT_REST_TOKEN_DOC =
            "Token the embedded Kafka Connect worker's REST API requires (Bearer, or the "
                    + "password of HTTP Basic); unset: one is generated once and kept in <data.dir>/connect/rest-token (mode 0600).";
    public static final String OPS_TOKEN_CONFIG = "ops.token";
    private static final String OPS_TOKEN_DOC =
            "Bearer token required on the operations endpoint (metrics, page, API); unset: no "
                    + "authentication.";
    public static final String ERROR_BUDGET_CONFIG = "kpi.error.budget.per.thousand";
    private static final String ERROR_BUDGET_DOC =
            "Error budget of every org: failures per thousand executions allowed over a rolling 28 days "
                    + "(the page, /metrics and sfpulse report show how much of it is spent, in total and per release).";
    public static final String OPS_HEALTH_PUBLIC_CONFIG = "ops.health.public";
    private static final String OPS_HEALTH_PUBLIC_DOC =
            "Whether /health/live and /health/ready answer without the token (orchestrator "
                    + "probes).";

    /** Prefix of per-org connector settings: {@code org.<name>.salesforce.login.url=...}. */
    public static final String ORG_PREFIX = "org.";

    private static final String ENV_PREFIX = "SFPULSE_";

    public static final ConfigDef CONFIG_DEF =
            ConfigGroup.of(new ConfigDef(), "Launcher")
                    .define(BOOTSTRAP_CONFIG, Type.STRING, "", Importance.HIGH, BOOTSTRAP_DOC)
                    .define(REGISTRY_URL_CONFIG, Type.STRING, "", Importance.HIGH, REGISTRY_URL_DOC)
                    .define(
                            DATA_DIR_CONFIG,
                            Type.STRING,
                            ".sfpulse/data",
                            Importance.MEDIUM,
                            DATA_DIR_DOC)
                    .define(
                            SERVICES_CONFIG,
                            Type.LIST,
                            List.of("ingest", "streams", "sink"),
                            ConfigDef.ValidList.in("ingest", "streams", "sink"),
                            Importance.MEDIUM,
                            SERVICES_DOC)
                    .define(
                            PARTITIONS_CONFIG,
                            Type.INT,
                            1,
                            ConfigDef.Range.atLeast(1),
                            Importance.MEDIUM,
                            PARTITIONS_DOC)
                    .define(ORGS_CONFIG, Type.LIST, List.of(), Importance.HIGH, ORGS_DOC)
                    .define(EMULATOR_PORT_CONFIG, Type.INT, 0, Importance.LOW, EMULATOR_PORT_DOC)
                    .define(KAFKA_PORT_CONFIG, Type.INT, 0, Importance.LOW, KAFKA_PORT_DOC)
                    .define(
                            CONNECT_REST_PORT_CONFIG,
                            Type.INT,
                            0,
                            ConfigDef.Range.between(0, 65535),
                            Importance.LOW,
                            CONNECT_REST_PORT_DOC)
                    .define(
                            CONNECT_REST_TOKEN_CONFIG,
                            Type.PASSWORD,
                            null,
                            Importance.LOW,
                            CONNECT_REST_TOKEN_DOC)
                    .group("CI/CD marker API")
                    .define(
                            MARKER_PORT_CONFIG,
                            Type.INT,
                            -1,
                            ConfigDef.Range.atLeast(-1),
                            Importance.MEDIUM,
                            MARKER_PORT_DOC)
                    .define(
                            MARKER_HOST_CONFIG,
                            Type.STRING,
                            "127.0.0.1",
                            Importance.LOW,
                            MARKER_HOST_DOC)
                    .define(
                            MARKER_TOKEN_CONFIG,
                            Type.PASSWORD,
                            null,
                            Importance.MEDIUM,
                            MARKER_TOKEN_DOC)
                    .group("Operations endpoint")
                    .define(
                            OPS_PORT_CONFIG,
                            Type.INT,
                            9464,
                            ConfigDef.Range.atLeast(-1),
                            Importance.MEDIUM,
                            OPS_PORT_DOC)
                    .define(OPS_HOST_CONFIG, Type.STRING, "127.0.0.1", Importance.LOW, OPS_HOST_DOC)
                    .define(
                            OPS_ADVERTISED_HOST_CONFIG,
                            Type.STRING,
                            "",
                            Importance.LOW,
                            OPS_ADVERTISED_HOST_DOC)
                    .define(OPS_TOKEN_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, OPS_TOKEN_DOC)
                    .define(
                            OPS_HEALTH_PUBLIC_CONFIG,
                            Type.BOOLEAN,
                            true,
                            Importance.LOW,
                            OPS_HEALTH_PUBLIC_DOC)
                    .define(
                            ERROR_BUDGET_CONFIG,
                            Type.DOUBLE,
                            10.0,
                            ConfigDef.Range.atLeast(0.001),
                            Importance.MEDIUM,
                            ERROR_BUDGET_DOC)
                    .configDef();

    private final Map<String, String> all;

    public AppConfig(final Map<String, String> props) {
        super(CONFIG_DEF, props, false);
        this.all = Map.copyOf(props);
    }

    /** Loads {@code file} (may be null) and overlays {@code env}. */
    public static AppConfig load(final Path file, final Map<String, String> env)
            throws IOException {
        final Map<String, String> props = new HashMap<>();
        if (file != null) {
            final Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            }
            p.stringPropertyNames().forEach(k -> props.put(k, p.getProperty(k).trim()));
        }
        props.putAll(fromEnv(env));
        return new AppConfig(props);
    }

    /** {@code SFPULSE_SINK_WEBHOOK_URL} -> {@code sink.webhook.url}; {@code __} stands for {@code -}. */
    static Map<String, String> fromEnv(final Map<String, String> env) {
        final Map<String, String> out = new HashMap<>();
        env.forEach(
                (k, v) -> {
                    if (k.startsWith(ENV_PREFIX)
                            && !k.equals("SFPULSE_JAVA_OPTS")
                            && !k.equals("SFPULSE_REBUILD")) {
                        out.put(
                                k.substring(ENV_PREFIX.length())
                                        .toLowerCase(Locale.ROOT)
                                        .replace("__", "-")
                                        .replace('_', '.'),
                                v);
                    }
                });
        return out;
    }

    public boolean embeddedKafka() {
        return getString(BOOTSTRAP_CONFIG).isBlank();
    }

    public boolean embeddedRegistry() {
        return getString(REGISTRY_URL_CONFIG).isBlank();
    }

    public boolean emulatedOrg() {
        return getList(ORGS_CONFIG).isEmpty();
    }

    public Path dataDir() {
        return Path.of(getString(DATA_DIR_CONFIG));
    }

    public Set<String> services() {
        return Set.copyOf(getList(SERVICES_CONFIG));
    }

    public int partitions() {
        return getInt(PARTITIONS_CONFIG);
    }

    public List<String> orgs() {
        return getList(ORGS_CONFIG);
    }

    /** The connector settings of org {@code name}: {@code org.<name>.x} becomes {@code x}. */
    public Map<String, String> orgSettings(final String name) {
        final String prefix = ORG_PREFIX + name + ".";
        final Map<String, String> out = new TreeMap<>();
        all.forEach(
                (k, v) -> {
                    if (k.startsWith(prefix)) {
                        out.put(k.substring(prefix.length()), v);
                    }
                });
        return out;
    }

    /** Every setting, for the services to pick theirs from. */
    public Map<String, String> all() {
        return all;
    }

    public int emulatorPort() {
        return getInt(EMULATOR_PORT_CONFIG);
    }

    public int kafkaPort() {
        return getInt(KAFKA_PORT_CONFIG);
    }
}
