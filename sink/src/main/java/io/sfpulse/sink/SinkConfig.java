package io.sfpulse.sink;

import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.config.ConfigGroup;
import io.sfpulse.schemas.serde.AvroSerdeConfig;
import io.sfpulse.sink.action.ActionConfig;
import io.sfpulse.sink.action.ActionLinks;
import io.sfpulse.sink.retry.RetryPolicy;
import io.sfpulse.sink.route.AlertRouter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Settings of the alert sink: consumer group, channels (each can be disabled), routing rules,
 * rate limits and retries. Every secret (routing key, webhook URLs, signing secret) is
 * PASSWORD-typed, so Kafka's config logging and {@link #toString()} show it as [hidden].
 */
public final class SinkConfig extends AbstractConfig {

    public static final String BOOTSTRAP_SERVERS_CONFIG = "kafka.bootstrap.servers";
    private static final String BOOTSTRAP_SERVERS_DOC = "Kafka bootstrap servers.";
    public static final String GROUP_ID_CONFIG = "sink.group.id";
    private static final String GROUP_ID_DOC =
            "Consumer group; instances sharing it split the alerts.";
    public static final String LOG_ENABLED_CONFIG = "sink.log.enabled";
    private static final String LOG_ENABLED_DOC = "Log every alert state.";
    public static final String FILE_PATH_CONFIG = "sink.file.path";
    private static final String FILE_PATH_DOC =
            "Append alert states as JSON lines to this file; empty disables.";
    public static final String FILE_ENABLED_CONFIG = "sink.file.enabled";
    private static final String FILE_ENABLED_DOC =
            "Turn the file channel off without removing its path.";
    public static final String WEBHOOK_URL_CONFIG = "sink.webhook.url";
    private static final String WEBHOOK_URL_DOC =
            "POST alert states to this URL (Standard Webhooks); unset disables.";
    public static final String WEBHOOK_SECRET_CONFIG = "sink.webhook.signing.secret";
    private static final String WEBHOOK_SECRET_DOC =
            "whsec_<base64> signing secret for the webhook channel.";
    public static final String WEBHOOK_ENABLED_CONFIG = "sink.webhook.enabled";
    private static final String WEBHOOK_ENABLED_DOC =
            "Turn the webhook channel off without removing its URL.";
    public static final String WEBHOOK_RATE_CONFIG = "sink.webhook.rate.per.minute";
    private static final String WEBHOOK_RATE_DOC = "Webhook requests per minute at most.";
    public static final String PAGERDUTY_KEY_CONFIG = "sink.pagerduty.routing.key";
    private static final String PAGERDUTY_KEY_DOC =
            "PagerDuty Events API v2 integration (routing) key; unset disables.";
    public static final String PAGERDUTY_URL_CONFIG = "sink.pagerduty.url";
    private static final String PAGERDUTY_URL_DOC = "PagerDuty Events API base URL.";
    public static final String PAGERDUTY_ENABLED_CONFIG = "sink.pagerduty.enabled";
    private static final String PAGERDUTY_ENABLED_DOC =
            "Turn PagerDuty off without removing its key.";
    public static final String PAGERDUTY_RATE_CONFIG = "sink.pagerduty.rate.per.minute";
    private static final String PAGERDUTY_RATE_DOC =
            "Events per minute per routing key (PagerDuty's limit is about 120).";
    public static final String PAGERDUTY_CHANGES_CONFIG = "sink.pagerduty.change.events";
    private static final String PAGERDUTY_CHANGES_DOC =
            "Send deployment markers as PagerDuty change events.";
    public static final String SLACK_URL_CONFIG = "sink.slack.webhook.url";
    private static final String SLACK_URL_DOC = "Slack incoming webhook URL; unset disables.";
    public static final String SLACK_ENABLED_CONFIG = "sink.slack.enabled";
    private static final String SLACK_ENABLED_DOC = "Turn Slack off without removing its URL.";
    public static final String SLACK_RATE_CONFIG = "sink.slack.rate.per.minute";
    private static final String SLACK_RATE_DOC =
            "Slack messages per minute (Slack allows about 1/s).";
    public static final String TEAMS_URL_CONFIG = "sink.teams.webhook.url";
    private static final String TEAMS_URL_DOC =
            "Microsoft Teams Workflows webhook URL; unset disables.";
    public static final String TEAMS_ENABLED_CONFIG = "sink.teams.enabled";
    private static final String TEAMS_ENABLED_DOC = "Turn Teams off without removing its URL.";
    public static final String TEAMS_RATE_CONFIG = "sink.teams.rate.per.minute";
    private static final String TEAMS_RATE_DOC = "Teams messages per minute.";
    public static final String LINKS_BASE_URL_CONFIG = "sink.links.base.url";
    private static final String LINKS_BASE_URL_DOC =
            "Base URL of the release-health page, linked from incidents.";
    public static final String CHART_PUBLIC_URL_CONFIG = "sink.chart.public.url";
    private static final String CHART_PUBLIC_URL_DOC =
            "Public base URL of the chart server, for image links in Slack/PagerDuty/Teams; "
                    + "empty: charts only attached to webhooks.";
    public static final String CHART_PORT_CONFIG = "sink.chart.server.port";
    private static final String CHART_PORT_DOC =
            "Port of the chart server; -1 disables, 0 picks a free port.";
    public static final String CHART_HOST_CONFIG = "sink.chart.server.host";
    private static final String CHART_HOST_DOC = "Interface the chart server binds.";
    public static final String ROUTES_CONFIG = "sink.routes";
    private static final String ROUTES_DOC =
            "Routing rule names; each sink.route.<name>.{orgs,detectors,min.severity,channels}. None: "
                    + "every alert to every channel.";
    public static final String ROUTE_PREFIX = "sink.route.";
    public static final String RETRY_MAX_ATTEMPTS_CONFIG = "sink.retry.max.attempts";
    private static final String RETRY_MAX_ATTEMPTS_DOC =
            "Attempts per alert and channel before dead-lettering.";
    public static final String RETRY_INITIAL_MS_CONFIG = "sink.retry.initial.ms";
    private static final String RETRY_INITIAL_MS_DOC = "First back-off delay.";
    public static final String RETRY_MAX_MS_CONFIG = "sink.retry.max.ms";
    private static final String RETRY_MAX_MS_DOC =
            "Largest back-off delay (also caps Retry-After).";

    public static final String ACTIONS_CONFIG = "actions";
    private static final String ACTIONS_DOC =
            "Action names; each an HTTP request run on verdicts or alert states, configured by "
                    + "action.<name>.{url,method,content.type,body,headers,auth.header,auth.value,secret,on,orgs,detectors,rate.per.minute}.";

    public static final String ACTIONS_MAX_AGE_CONFIG = "actions.max.age.ms";
    private static final String ACTIONS_MAX_AGE_DOC =
            "A verdict or alert state older than this (its record time against the clock) runs no "
                    + "action: turning actions on, or a sink back after a long outage, does not roll back releases of days ago. Logged.";
    public static final String LINKS_SECRET_CONFIG = "action.links.secret";
    private static final String LINKS_SECRET_DOC =
            "Secret (at least 32 characters) that signs action links; needed when an action has approval=true.";
    public static final String LINKS_URL_CONFIG = "action.links.base.url";
    private static final String LINKS_URL_DOC =
            "Public base URL of the operations endpoint, where action links are served (/v1/actions/...).";
    public static final String LINKS_TTL_CONFIG = "action.links.ttl.ms";
    private static final String LINKS_TTL_DOC = "How long an action link stays valid.";

    /** Channel names, as used in routes and dead-letter headers. */
    public static final List<String> CHANNELS =
            List.of("log", "file", "webhook", "pagerduty", "slack", "teams");

    public static final ConfigDef CONFIG_DEF = define(AvroSerdeConfig.configDef());

    private static ConfigDef define(final ConfigDef d) {
        return ConfigGroup.of(d, "Kafka")
                .define(
                        BOOTSTRAP_SERVERS_CONFIG,
                        Type.STRING,
                        ConfigDef.NO_DEFAULT_VALUE,
                        Importance.HIGH,
                        BOOTSTRAP_SERVERS_DOC)
                .define(
                        GROUP_ID_CONFIG,
                        Type.STRING,
                        "sfpulse-sink",
                        Importance.MEDIUM,
                        GROUP_ID_DOC)
                .group("Sink: log and file")
                .define(LOG_ENABLED_CONFIG, Type.BOOLEAN, true, Importance.LOW, LOG_ENABLED_DOC)
                .define(FILE_PATH_CONFIG, Type.STRING, "", Importance.MEDIUM, FILE_PATH_DOC)
                .define(FILE_ENABLED_CONFIG, Type.BOOLEAN, true, Importance.LOW, FILE_ENABLED_DOC)
                .group("Sink: webhook")
                .define(WEBHOOK_URL_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, WEBHOOK_URL_DOC)
                .define(
                        WEBHOOK_SECRET_CONFIG,
                        Type.PASSWORD,
                        null,
                        Importance.MEDIUM,
                        WEBHOOK_SECRET_DOC)
                .define(
                        WEBHOOK_ENABLED_CONFIG,
                        Type.BOOLEAN,
                        true,
                        Importance.LOW,
                        WEBHOOK_ENABLED_DOC)
                .define(
                        WEBHOOK_RATE_CONFIG,
                        Type.INT,
                        600,
                        ConfigDef.Range.atLeast(1),
                        Importance.LOW,
                        WEBHOOK_RATE_DOC)
                .group("Sink: PagerDuty")
                .define(
                        PAGERDUTY_KEY_CONFIG,
                        Type.PASSWORD,
                        null,
                        Importance.MEDIUM,
                        PAGERDUTY_KEY_DOC)
                .define(
                        PAGERDUTY_URL_CONFIG,
                        Type.STRING,
                        "https://events.pagerduty.com",
                        Importance.LOW,
                        PAGERDUTY_URL_DOC)
                .define(
                        PAGERDUTY_ENABLED_CONFIG,
                        Type.BOOLEAN,
                        true,
                        Importance.LOW,
                        PAGERDUTY_ENABLED_DOC)
                .define(
                        PAGERDUTY_RATE_CONFIG,
                        Type.INT,
                        120,
                        ConfigDef.Range.atLeast(1),
                        Importance.LOW,
                        PAGERDUTY_RATE_DOC)
                .define(
                        PAGERDUTY_CHANGES_CONFIG,
                        Type.BOOLEAN,
                        true,
                        Importance.LOW,
                        PAGERDUTY_CHANGES_DOC)
                .group("Sink: Slack")
                .define(SLACK_URL_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, SLACK_URL_DOC)
                .define(SLACK_ENABLED_CONFIG, Type.BOOLEAN, true, Importance.LOW, SLACK_ENABLED_DOC)
                .define(
                        SLACK_RATE_CONFIG,
                        Type.INT,
                        60,
                        ConfigDef.Range.atLeast(1),
                        Importance.LOW,
                        SLACK_RATE_DOC)
                .group("Sink: Teams")
                .define(TEAMS_URL_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, TEAMS_URL_DOC)
                .define(TEAMS_ENABLED_CONFIG, Type.BOOLEAN, true, Importance.LOW, TEAMS_ENABLED_DOC)
                .define(
                        TEAMS_RATE_CONFIG,
                        Type.INT,
                        30,
                        ConfigDef.Range.atLeast(1),
                        Importance.LOW,
                        TEAMS_RATE_DOC)
                .group("Sink: links and charts")
                .define(LINKS_BASE_URL_CONFIG, Type.STRING, "", Importance.LOW, LINKS_BASE_URL_DOC)
                .define(
                        CHART_PUBLIC_URL_CONFIG,
                        Type.STRING,
                        "",
                        Importance.LOW,
                        CHART_PUBLIC_URL_DOC)
                .define(
                        CHART_PORT_CONFIG,
                        Type.INT,
                        -1,
                        ConfigDef.Range.atLeast(-1),
                        Importance.LOW,
                        CHART_PORT_DOC)
                .define(CHART_HOST_CONFIG, Type.STRING, "127.0.0.1", Importance.LOW, CHART_HOST_DOC)
                .group("Sink: routing and retries")
                .define(ROUTES_CONFIG, Type.LIST, List.of(), Importance.MEDIUM, ROUTES_DOC)
                .define(
                        RETRY_MAX_ATTEMPTS_CONFIG,
                        Type.INT,
                        6,
                        ConfigDef.Range.atLeast(1),
                        Importance.LOW,
                        RETRY_MAX_ATTEMPTS_DOC)
                .define(
                        RETRY_INITIAL_MS_CONFIG,
                        Type.LONG,
                        500L,
                        ConfigDef.Range.atLeast(1),
                        Importance.LOW,
                        RETRY_INITIAL_MS_DOC)
                .define(
                        RETRY_MAX_MS_CONFIG,
                        Type.LONG,
                        30_000L,
                        ConfigDef.Range.atLeast(1),
                        Importance.LOW,
                        RETRY_MAX_MS_DOC)
                .group("Actions")
                .define(ACTIONS_CONFIG, Type.LIST, List.of(), Importance.MEDIUM, ACTIONS_DOC)
                .define(
                        ACTIONS_MAX_AGE_CONFIG,
                        Type.LONG,
                        Duration.ofHours(6).toMillis(),
                        ConfigDef.Range.atLeast(60_000),
                        Importance.MEDIUM,
                        ACTIONS_MAX_AGE_DOC)
                .define(
                        LINKS_SECRET_CONFIG,
                        Type.PASSWORD,
                        null,
                        Importance.MEDIUM,
                        LINKS_SECRET_DOC)
                .define(
                        LINKS_URL_CONFIG,
                        Type.STRING,
                        "http://127.0.0.1:9464",
                        Importance.MEDIUM,
                        LINKS_URL_DOC)
                .define(
                        LINKS_TTL_CONFIG,
                        Type.LONG,
                        Duration.ofHours(24).toMillis(),
                        ConfigDef.Range.atLeast(60_000),
                        Importance.LOW,
                        LINKS_TTL_DOC)
                .configDef();
    }

    public SinkConfig(final Map<?, ?> props) {
        super(CONFIG_DEF, props);
        router(); // validate routes eagerly
        actions(); // and actions, with their templates
        actionLinks(java.time.Clock.systemUTC());
    }

    /**
     * The signer of action links when an action needs approval (else null).
     * @throws ConfigException when one does and {@code action.links.secret} is missing or short
     */
    public ActionLinks actionLinks(final java.time.Clock clock) {
        final List<ActionConfig> approval =
                actions().stream().filter(ActionConfig::approval).toList();
        if (approval.isEmpty()) {
            return null;
        }
        final String secret = secret(LINKS_SECRET_CONFIG);
        if (secret == null || secret.length() < 32) {
            throw new ConfigException(
                    LINKS_SECRET_CONFIG,
                    Password.HIDDEN,
                    "at least 32 characters are needed to sign links of the approval "
                            + "actions "
                            + approval.stream().map(ActionConfig::name).toList());
        }
        return new ActionLinks(
                ActionLinks.secretOf(secret),
                getString(LINKS_URL_CONFIG),
                Duration.ofMillis(getLong(LINKS_TTL_CONFIG)),
                clock,
                approval);
    }

    /** The configured actions ({@code actions}, {@code action.<name>.*}). */
    public List<ActionConfig> actions() {
        return getList(ACTIONS_CONFIG).stream()
                .map(name -> ActionConfig.of(name, originals()))
                .toList();
    }

    public String bootstrapServers() {
        return getString(BOOTSTRAP_SERVERS_CONFIG);
    }

    public String groupId() {
        return getString(GROUP_ID_CONFIG);
    }

    /** The secret value of a PASSWORD key, or null. */
    public String secret(final String key) {
        final Password p = getPassword(key);
        return p == null || p.value().isBlank() ? null : p.value();
    }

    public RetryPolicy retryPolicy() {
        return new RetryPolicy(
                getInt(RETRY_MAX_ATTEMPTS_CONFIG),
                Duration.ofMillis(getLong(RETRY_INITIAL_MS_CONFIG)),
                Duration.ofMillis(getLong(RETRY_MAX_MS_CONFIG)));
    }

    /** Routing rules from {@code sink.routes} and {@code sink.route.<name>.*}. */
    public AlertRouter router() {
        final Map<String, Object> all = originals();
        return new AlertRouter(
                getList(ROUTES_CONFIG).stream()
                        .map(
                                name -> {
                                    final String p = ROUTE_PREFIX + name + ".";
                                    final List<String> channels = list(all.get(p + "channels"));
                                    if (channels.isEmpty() || !CHANNELS.containsAll(channels)) {
                                        throw new ConfigException(
                                                p + "channels",
                                                all.get(p + "channels"),
                                                "one or more of " + CHANNELS);
                                    }
                                    final Object severity =
                                            all.getOrDefault(p + "min.severity", "INFO");
                                    final Severity min;
                                    try {
                                        min =
                                                Severity.valueOf(
                                                        severity.toString()
                                                                .trim()
                                                                .toUpperCase(Locale.ROOT));
                                    } catch (IllegalArgumentException e) {
                                        throw new ConfigException(
                                                p + "min.severity",
                                                severity,
                                                "CRITICAL, ERROR, WARNING or INFO");
                                    }
                                    return new AlertRouter.Rule(
                                            name,
                                            list(all.get(p + "orgs")),
                                            list(all.get(p + "detectors")),
                                            min,
                                            channels);
                                })
                        .toList());
    }

    private static List<String> list(final Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> l) {
            return l.stream().map(Object::toString).toList();
        }
        return java.util.Arrays.stream(value.toString().split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    public Map<String, Object> serdeConfig() {
        return originals().entrySet().stream()
                .filter(e -> AvroSerdeConfig.configDef().names().contains(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** All settings with secrets masked, for logs and config dumps. */
    @Override
    public String toString() {
        return values().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(
                        e ->
                                e.getKey()
                                        + "="
                                        + (e.getValue() instanceof Password
                                                ? Password.HIDDEN
                                                : e.getValue()))
                .collect(Collectors.joining(", ", "SinkConfig{", "}"));
    }
}
