package io.sfpulse.ingest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.util.ConnectorUtils;

/**
 * Kafka Connect source connector for one Salesforce org: its streaming channels are spread over
 * up to {@code tasks.max} tasks (one CometD session each); task 0 also polls DeployRequest.
 */
public final class SalesforceSourceConnector extends SourceConnector {

    private Map<String, String> props;
    private SalesforceSourceConfig config;

    @Override
    public void start(final Map<String, String> connectorProps) {
        this.props = Map.copyOf(connectorProps);
        this.config = new SalesforceSourceConfig(connectorProps);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return SalesforceSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(final int maxTasks) {
        final List<String> channels = config.channels();
        final int groups = Math.max(1, Math.min(maxTasks, channels.size()));
        final List<List<String>> grouped =
                channels.isEmpty()
                        ? List.of(List.of())
                        : ConnectorUtils.groupPartitions(channels, groups);
        final List<Map<String, String>> tasks = new ArrayList<>();
        for (int i = 0; i < grouped.size(); i++) {
            final Map<String, String> task = new HashMap<>(props);
            task.put(SalesforceSourceConfig.TASK_CHANNELS_CONFIG, String.join(",", grouped.get(i)));
            final boolean polls =
                    !config.deployPollInterval().isZero()
                            || !config.setupAuditPollInterval().isZero()
                            || !config.elfPollInterval().isZero()
                            || !config.limitsPollInterval().isZero();
            task.put(
                    SalesforceSourceConfig.TASK_DEPLOY_POLLER_CONFIG,
                    String.valueOf(i == 0 && polls));
            tasks.add(task);
        }
        return tasks;
    }

    @Override
    public void stop() {
        // Tasks own all resources.
    }

    @Override
    public ConfigDef config() {
        return SalesforceSourceConfig.CONFIG_DEF;
    }

    @Override
    public String version() {
        return Version.get();
    }
}
