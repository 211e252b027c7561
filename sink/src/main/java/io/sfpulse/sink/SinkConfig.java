package io.sfpulse.sink;

import io.sfpulse.schemas.serde.AvroSerdeConfig;
import io.sfpulse.sink.retry.RetryPolicy;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;

/** Settings of the alert sink: consumer group, channels and retries. Secrets are PASSWORD-typed (masked). */
public final class SinkConfig extends AbstractConfig {

    public static final String BOOTSTRAP_SERVERS_CONFIG = "kafka.bootstrap.servers";
    public static final String GROUP_ID_CONFIG = "sink.group.id";
    public static final String LOG_ENABLED_CONFIG = "sink.log.enabled";
    public static final String FILE_PATH_CONFIG = "sink.file.path";
    public static final String WEBHOOK_URL_CONFIG = "sink.webhook.url";
    public static final String WEBHOOK_SECRET_CONFIG = "sink.webhook.signing.secret";
    public static final String RETRY_MAX_ATTEMPTS_CONFIG = "sink.retry.max.attempts";
    public static final String RETRY_INITIAL_MS_CONFIG = "sink.retry.initial.ms";
    public static final String RETRY_MAX_MS_CONFIG = "sink.retry.max.ms";

    public static final ConfigDef CONFIG_DEF = AvroSerdeConfig.configDef()
        .define(BOOTSTRAP_SERVERS_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH, "Kafka bootstrap servers.")
        .define(GROUP_ID_CONFIG, Type.STRING, "sfpulse-sink", Importance.MEDIUM, "Consumer group; instances sharing it split the alerts.")
        .define(LOG_ENABLED_CONFIG, Type.BOOLEAN, true, Importance.LOW, "Log every alert state.")
        .define(FILE_PATH_CONFIG, Type.STRING, "", Importance.MEDIUM, "Append alert states as JSON lines to this file; empty disables.")
        .define(WEBHOOK_URL_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, "POST alert states to this URL (Standard Webhooks); unset disables.")
        .define(WEBHOOK_SECRET_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, "whsec_<base64> signing secret for the webhook channel.")
        .define(RETRY_MAX_ATTEMPTS_CONFIG, Type.INT, 6, ConfigDef.Range.atLeast(1), Importance.LOW, "Attempts per alert and channel before dead-lettering.")
        .define(RETRY_INITIAL_MS_CONFIG, Type.LONG, 500L, ConfigDef.Range.atLeast(1), Importance.LOW, "First back-off delay.")
        .define(RETRY_MAX_MS_CONFIG, Type.LONG, 30_000L, ConfigDef.Range.atLeast(1), Importance.LOW, "Largest back-off delay (also caps Retry-After).");

    public SinkConfig(final Map<?, ?> props) {
        super(CONFIG_DEF, props);
    }

    public String bootstrapServers() {
        return getString(BOOTSTRAP_SERVERS_CONFIG);
    }

    public String groupId() {
        return getString(GROUP_ID_CONFIG);
    }

    public boolean logEnabled() {
        return getBoolean(LOG_ENABLED_CONFIG);
    }

    public String filePath() {
        return getString(FILE_PATH_CONFIG);
    }

    public String webhookUrl() {
        final Password p = getPassword(WEBHOOK_URL_CONFIG);
        return p == null ? null : p.value();
    }

    public String webhookSecret() {
        final Password p = getPassword(WEBHOOK_SECRET_CONFIG);
        return p == null ? null : p.value();
    }

    public RetryPolicy retryPolicy() {
        return new RetryPolicy(getInt(RETRY_MAX_ATTEMPTS_CONFIG), Duration.ofMillis(getLong(RETRY_INITIAL_MS_CONFIG)),
            Duration.ofMillis(getLong(RETRY_MAX_MS_CONFIG)));
    }

    public Map<String, Object> serdeConfig() {
        return originals().entrySet().stream().filter(e -> AvroSerdeConfig.configDef().names().contains(e.getKey()))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
