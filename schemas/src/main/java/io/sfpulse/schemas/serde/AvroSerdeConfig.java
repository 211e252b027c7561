package io.sfpulse.schemas.serde;

import io.sfpulse.schemas.config.ConfigGroup;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;

/**
 * Serde settings, with the keys Confluent's {@code KafkaAvroSerializer} uses so either serde can
 * be dropped in with the same configuration.
 */
public final class AvroSerdeConfig extends AbstractConfig {

    public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
    private static final String SCHEMA_REGISTRY_URL_DOC =
            "Comma-separated Schema Registry URLs (Confluent REST API), or mock://<scope> for an in-memory registry in tests.";
    public static final String AUTO_REGISTER_SCHEMAS_CONFIG = "auto.register.schemas";
    private static final String AUTO_REGISTER_SCHEMAS_DOC =
            "Register the writer schema under the subject on first use; when false the schema must already be registered.";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG =
            "basic.auth.credentials.source";
    private static final String BASIC_AUTH_CREDENTIALS_SOURCE_DOC =
            "Where basic-auth credentials come from; only USER_INFO is supported.";
    public static final String BASIC_AUTH_USER_INFO_CONFIG = "basic.auth.user.info";
    private static final String BASIC_AUTH_USER_INFO_DOC =
            "user:password for HTTP basic auth against the registry.";

    /** Group of these keys in generated documentation. */
    public static final String GROUP = "Schema registry";

    static final ConfigDef CONFIG_DEF =
            ConfigGroup.of(new ConfigDef(), GROUP)
                    .define(
                            SCHEMA_REGISTRY_URL_CONFIG,
                            Type.STRING,
                            ConfigDef.NO_DEFAULT_VALUE,
                            new ConfigDef.NonEmptyString(),
                            Importance.HIGH,
                            SCHEMA_REGISTRY_URL_DOC)
                    .define(
                            AUTO_REGISTER_SCHEMAS_CONFIG,
                            Type.BOOLEAN,
                            true,
                            Importance.MEDIUM,
                            AUTO_REGISTER_SCHEMAS_DOC)
                    .define(
                            BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG,
                            Type.STRING,
                            "USER_INFO",
                            ConfigDef.ValidString.in("USER_INFO"),
                            Importance.LOW,
                            BASIC_AUTH_CREDENTIALS_SOURCE_DOC)
                    .define(
                            BASIC_AUTH_USER_INFO_CONFIG,
                            Type.PASSWORD,
                            null,
                            Importance.MEDIUM,
                            BASIC_AUTH_USER_INFO_DOC)
                    .configDef();

    public AvroSerdeConfig(final Map<?, ?> props) {
        super(CONFIG_DEF, props, false);
    }

    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG_DEF);
    }

    public String registryUrl() {
        return getString(SCHEMA_REGISTRY_URL_CONFIG);
    }

    public boolean autoRegister() {
        return getBoolean(AUTO_REGISTER_SCHEMAS_CONFIG);
    }

    public String userInfo() {
        final Password password = getPassword(BASIC_AUTH_USER_INFO_CONFIG);
        return password == null ? null : password.value();
    }
}
