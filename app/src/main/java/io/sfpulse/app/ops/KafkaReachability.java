package io.sfpulse.app.ops;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Readiness check: can the cluster be described within two seconds? Answers are cached for five. Thread-safe. */
public final class KafkaReachability implements AutoCloseable {

    private static final long CACHE_MS = 5_000;
    private final Admin admin;
    private long checkedAt;
    private boolean lastAnswer;

    public KafkaReachability(final String bootstrapServers) {
        this.admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrapServers,
                                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                                2_000,
                                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                                2_000));
    }

    public synchronized boolean reachable() {
        final long now = System.currentTimeMillis();
        if (now - checkedAt > CACHE_MS) {
            try {
                lastAnswer =
                        !admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000))
                                .nodes()
                                .get(2, TimeUnit.SECONDS)
                                .isEmpty();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                lastAnswer = false;
            }
            checkedAt = now;
        }
        return lastAnswer;
    }

    @Override
    public void close() {
        admin.close(java.time.Duration.ofSeconds(2));
    }
}
