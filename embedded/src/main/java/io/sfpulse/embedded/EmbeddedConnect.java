package io.sfpulse.embedded;

import io.sfpulse.schemas.topic.TopicNames;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.Herder;
import org.apache.kafka.connect.runtime.distributed.DistributedHerder;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.FutureCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Connect worker in distributed mode, in this JVM, on a given Kafka cluster. Offsets,
 * configs and status live in Kafka topics exactly as on a user's Connect cluster, so connectors
 * resume from their committed source offsets after a restart. Plugins are found on the classpath
 * through their ServiceLoader manifests.
 */
public final class EmbeddedConnect implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedConnect.class);

    private final Connect<DistributedHerder> connect;

    private EmbeddedConnect(final Connect<DistributedHerder> connect) {
        this.connect = connect;
    }

    /**
     * Starts a worker.
     * @param bootstrapServers Kafka cluster
     * @param overrides        extra worker properties (converters, registry URL, ...); with {@value RestTokenAuthExtension#TOKEN_CONFIG} the REST API requires that token
     */
    public static EmbeddedConnect start(
            final String bootstrapServers, final Map<String, String> overrides) {
        final Map<String, String> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("group.id", "sfpulse-connect");
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("offset.storage.topic", TopicNames.CONNECT_OFFSETS);
        props.put("config.storage.topic", TopicNames.CONNECT_CONFIGS);
        props.put("status.storage.topic", TopicNames.CONNECT_STATUS);
        props.put("offset.storage.replication.factor", "1");
        props.put("config.storage.replication.factor", "1");
        props.put("status.storage.replication.factor", "1");
        props.put("offset.storage.partitions", "5");
        props.put("status.storage.partitions", "1");
        props.put("offset.flush.interval.ms", "1000");
        props.put("listeners", "http://127.0.0.1:" + FreePorts.next());
        props.put("plugin.discovery", "service_load");
        props.put("scheduled.rebalance.max.delay.ms", "0");
        props.put("task.shutdown.graceful.timeout.ms", "10000");
        props.putAll(overrides);
        if (props.containsKey(RestTokenAuthExtension.TOKEN_CONFIG)) {
            props.put("rest.extension.classes", RestTokenAuthExtension.class.getName());
        }
        final Connect<DistributedHerder> connect = new ConnectDistributed().startConnect(props);
        LOG.info("Embedded Kafka Connect worker REST at {}", connect.rest().advertisedUrl());
        return new EmbeddedConnect(connect);
    }

    public URI restUrl() {
        return connect.rest().advertisedUrl();
    }

    public Herder herder() {
        return connect.herder();
    }

    /**
     * Creates or updates a connector and waits until the herder accepted it. Only the group's leader
     * writes connector configs: on a worker that is not the leader (several launchers forming one
     * Connect cluster, each putting the same connectors) it waits, bounded, until the connector is in
     * the cluster's config (the leader's launcher put it) or this worker became the leader.
     */
    public void putConnector(final String name, final Map<String, String> config) {
        final Map<String, String> withName = new HashMap<>(config);
        withName.put("name", name);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            final FutureCallback<Herder.Created<ConnectorInfo>> cb = new FutureCallback<>();
            connect.herder().putConnectorConfig(name, withName, true, cb);
            try {
                cb.get(60, TimeUnit.SECONDS);
                LOG.info("Connector '{}' configured", name);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause()
                        instanceof
                        org.apache.kafka.connect.runtime.distributed.NotLeaderException)) {
                    throw new IllegalStateException("Cannot create connector '" + name + "'", e);
                }
                if (connect.herder().connectors().contains(name)) {
                    LOG.info(
                            "Connector '{}' is configured by the Connect cluster's leader; this worker runs its share of the tasks",
                            name);
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "Cannot create connector '"
                                    + name
                                    + "': this worker is not the leader and the "
                                    + "leader did not configure it within 60 s",
                            e);
                }
                LOG.info(
                        "Not the Connect cluster's leader; waiting for the leader to configure connector '{}'",
                        name);
                try {
                    Thread.sleep(500); // bounded wait for the leader's config (60 s in all)
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted", ie);
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException("Cannot create connector '" + name + "'", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted", e);
            }
        }
    }

    public void deleteConnector(final String name) {
        final FutureCallback<Herder.Created<ConnectorInfo>> cb = new FutureCallback<>();
        connect.herder().deleteConnectorConfig(name, cb);
        await(cb, "delete connector '" + name + "'");
    }

    /** Deletes every connector (their offsets stay in the offsets topic). */
    public void deleteAllConnectors() {
        for (final String name : connect.herder().connectors()) {
            deleteConnector(name);
        }
    }

    /** Current status, or null while the connector is unknown to this worker. */
    public ConnectorStateInfo status(final String name) {
        try {
            return connect.herder().connectorStatus(name);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The connector's and each task's state (with the failure trace, if any), for error messages. */
    public String describe(final String name) {
        final ConnectorStateInfo info = status(name);
        if (info == null) {
            return "unknown to the worker";
        }
        final StringBuilder b = new StringBuilder("connector ").append(info.connector().state());
        if (info.connector().trace() != null) {
            b.append(" (").append(info.connector().trace()).append(')');
        }
        info.tasks()
                .forEach(
                        t -> {
                            b.append("; task ").append(t.id()).append(' ').append(t.state());
                            if (t.trace() != null) {
                                b.append(" (").append(t.trace()).append(')');
                            }
                        });
        return info.tasks().isEmpty() ? b.append("; no tasks yet").toString() : b.toString();
    }

    /** True when the connector and all its tasks report RUNNING. */
    public boolean isRunning(final String name) {
        final ConnectorStateInfo info = status(name);
        return info != null
                && "RUNNING".equals(info.connector().state())
                && !info.tasks().isEmpty()
                && info.tasks().stream().allMatch(t -> "RUNNING".equals(t.state()));
    }

    private static <T> T await(final FutureCallback<T> cb, final String what) {
        try {
            return cb.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    @Override
    public void close() {
        connect.stop();
        connect.awaitStop();
        LOG.info("Embedded Kafka Connect worker stopped");
    }
}
