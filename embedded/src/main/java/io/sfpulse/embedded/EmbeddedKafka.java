package io.sfpulse.embedded;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in KRaft mode (combined broker + controller), in this JVM, on
 * free loopback ports. The data directory is formatted once and reused, so topics and offsets
 * survive a restart when the same directory is passed again. Used by the launcher's embedded
 * default and every {@code *IT}.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;

    private final Path dataDir;
    private final int brokerPort;

    /** The data directory when it is the broker's own temporary one (deleted on close), else null. */
    private final TemporaryDirectory temporary;

    private KafkaRaftServer server;

    private EmbeddedKafka(
            final Path dataDir, final int brokerPort, final TemporaryDirectory temporary) {
        this.dataDir = dataDir;
        this.brokerPort = brokerPort;
        this.temporary = temporary;
    }

    /** Starts a broker on a fresh temporary directory, deleted with everything in it when the broker is closed. */
    public static EmbeddedKafka startTemporary() {
        final TemporaryDirectory dir = TemporaryDirectory.create("sfpulse-kafka-");
        final EmbeddedKafka kafka =
                new EmbeddedKafka(dir.path(), FreePorts.distinct(1, java.util.Set.of())[0], dir);
        try {
            kafka.startServer();
        } catch (RuntimeException e) {
            dir.close();
            throw e;
        }
        return kafka;
    }

    /**
     * Starts a broker on {@code dataDir}, formatting it on first use.
     * @param port the client port, or 0 for a free one
     */
    public static EmbeddedKafka start(final Path dataDir, final int port) {
        final EmbeddedKafka kafka =
                new EmbeddedKafka(
                        dataDir,
                        port == 0 ? FreePorts.distinct(1, java.util.Set.of())[0] : port,
                        null);
        kafka.startServer();
        return kafka;
    }

    private void startServer() {
        final int controllerPort = FreePorts.distinct(1, java.util.Set.of(brokerPort))[0];
        final Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        props.put(
                "listeners",
                "PLAINTEXT://127.0.0.1:"
                        + brokerPort
                        + ",CONTROLLER://127.0.0.1:"
                        + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", dataDir.toAbsolutePath().toString());
        props.put("num.partitions", "1");
        props.put("default.replication.factor", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
        props.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        // Size-bounded, not time-bounded: backtests, demos and tests carry historical event times,
        // and
        // time retention would delete such records (even in the active segment) minutes after they
        // land.
        props.put("log.retention.ms", "-1");
        // Records carry the org's event time; an emulated org's clock runs ahead of wall time after
        // a compressed scenario
        // (Kafka 4 rejects timestamps more than an hour ahead by default).
        props.put("log.message.timestamp.after.max.ms", String.valueOf(Long.MAX_VALUE));
        props.put("log.retention.bytes", String.valueOf(1024L * 1024 * 1024));
        final KafkaConfig config = KafkaConfig.fromProps(props, false);
        formatIfNeeded();
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        LOG.info(
                "Embedded Kafka (KRaft) listening on {} with data in '{}'",
                bootstrapServers(),
                dataDir);
        awaitReady();
    }

    private void formatIfNeeded() {
        if (Files.exists(dataDir.resolve("meta.properties"))) {
            return;
        }
        try {
            Files.createDirectories(dataDir);
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(dataDir.toAbsolutePath().toString()))
                    .setMetadataLogDirectory(dataDir.toAbsolutePath().toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setHasDynamicQuorum(false)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot format KRaft storage in '" + dataDir + "'", e);
        }
    }

    private void awaitReady() {
        try (Admin admin = admin()) {
            admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Embedded Kafka did not become ready", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /** Creates the topics that do not exist yet (1 replica). */
    public void createTopics(final int partitions, final Collection<String> names) {
        createTopics(bootstrapServers(), partitions, names);
    }

    /** Creates missing topics on any cluster. Shared by the launcher for external clusters. */
    public static void createTopics(
            final String bootstrapServers, final int partitions, final Collection<String> names) {
        createTopics(bootstrapServers, partitions, names, Set.of());
    }

    /** Creates missing topics; those in {@code compacted} with {@code cleanup.policy=compact} (state kept by key, e.g. silences). */
    public static void createTopics(
            final String bootstrapServers,
            final int partitions,
            final Collection<String> names,
            final Set<String> compacted) {
        try (Admin admin =
                Admin.create(
                        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            final Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            final List<NewTopic> missing =
                    names.stream()
                            .filter(n -> !existing.contains(n))
                            .distinct()
                            .map(
                                    n ->
                                            compacted.contains(n)
                                                    ? new NewTopic(
                                                                    n,
                                                                    Optional.of(partitions),
                                                                    Optional.empty())
                                                            .configs(
                                                                    Map.of(
                                                                            "cleanup.policy",
                                                                            "compact"))
                                                    : new NewTopic(
                                                            n,
                                                            Optional.of(partitions),
                                                            Optional.empty()))
                            .toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create topics " + names, e);
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Timed out creating topics " + names, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
            LOG.info("Embedded Kafka stopped");
        }
        if (temporary != null) {
            temporary.close();
        }
    }
}
