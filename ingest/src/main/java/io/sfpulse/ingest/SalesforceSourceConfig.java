package io.sfpulse.ingest;

import io.sfpulse.schemas.config.ConfigGroup;
import io.sfpulse.schemas.id.SalesforceIds;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/** Configuration of one Salesforce org's source connector (and of its tasks). */
public final class SalesforceSourceConfig extends AbstractConfig {

    public static final String ORG_ID_CONFIG = "salesforce.org.id";
    private static final String ORG_ID_DOC =
            "The org id, 15 or 18 characters (records are keyed by the 18-character form, computed). "
                    + "Empty: taken from the OAuth identity URL.";
    public static final String LOGIN_URL_CONFIG = "salesforce.login.url";
    private static final String LOGIN_URL_DOC =
            "OAuth host: https://login.salesforce.com, https://test.salesforce.com or the My Domain "
                    + "URL.";
    public static final String GRANT_TYPE_CONFIG = "salesforce.auth.grant.type";
    private static final String GRANT_TYPE_DOC =
            "client_credentials (recommended), jwt_bearer, or password (deprecated by Salesforce).";
    public static final String CLIENT_ID_CONFIG = "salesforce.auth.client.id";
    private static final String CLIENT_ID_DOC = "Connected app consumer key.";
    public static final String CLIENT_SECRET_CONFIG = "salesforce.auth.client.secret";
    private static final String CLIENT_SECRET_DOC = "Connected app consumer secret.";
    public static final String USERNAME_CONFIG = "salesforce.auth.username";
    private static final String USERNAME_DOC = "Username (password grant only).";
    public static final String PASSWORD_CONFIG = "salesforce.auth.password";
    private static final String PASSWORD_DOC =
            "Password with the security token appended (password grant only).";
    public static final String API_VERSION_CONFIG = "salesforce.api.version";
    private static final String API_VERSION_DOC =
            "API version for /cometd/<v> and REST (37.0 or later).";
    public static final String CHANNELS_CONFIG = "salesforce.channels";
    private static final String CHANNELS_DOC =
            "Streaming channels, e.g. /event/LogEntryEvent__e,/data/AccountChangeEvent.";
    public static final String REPLAY_INITIAL_CONFIG = "salesforce.replay.initial";
    private static final String REPLAY_INITIAL_DOC =
            "Where to start a channel with no committed offset: latest (-1) or earliest (-2, all "
                    + "retained events).";
    public static final String REPLAY_INVALID_POLICY_CONFIG = "salesforce.replay.invalid.policy";
    private static final String REPLAY_INVALID_POLICY_DOC =
            "When Salesforce rejects the committed replay id (outside retention): fail the task, or restart from earliest or latest. Always logged.";
    public static final String DEPLOY_POLL_INTERVAL_MS_CONFIG =
            "salesforce.deploy.poll.interval.ms";
    private static final String DEPLOY_POLL_INTERVAL_MS_DOC =
            "How often to poll Tooling API DeployRequest for completed deploys; 0 " + "disables.";
    public static final String JWT_KEY_FILE_CONFIG = "salesforce.auth.jwt.key.file";
    private static final String JWT_KEY_FILE_DOC =
            "PKCS#8 PEM private key of the connected app's certificate (jwt_bearer grant).";
    public static final String JWT_AUDIENCE_CONFIG = "salesforce.auth.jwt.audience";
    private static final String JWT_AUDIENCE_DOC =
            "JWT aud: https://login.salesforce.com, https://test.salesforce.com; empty uses the "
                    + "login URL.";
    public static final String TOKEN_MAX_AGE_MS_CONFIG = "salesforce.auth.token.max.age.ms";
    private static final String TOKEN_MAX_AGE_MS_DOC =
            "Log in again before a token is this old (Salesforce does not say when sessions expire; keep below the org's session timeout).";
    public static final String SETUP_AUDIT_POLL_INTERVAL_MS_CONFIG =
            "salesforce.setup.audit.poll.interval.ms";
    private static final String SETUP_AUDIT_POLL_INTERVAL_MS_DOC =
            "How often to poll SetupAuditTrail for setup changes; 0 disables.";
    public static final String SETUP_AUDIT_ACTIONS_CONFIG = "salesforce.setup.audit.actions";
    private static final String SETUP_AUDIT_ACTIONS_DOC =
            "Regex of SetupAuditTrail Action values that count as releases. The default "
                    + "matches the actions that change metadata or access for everyone (change sets, Apex, validation rules, fields and objects, flow "
                    + "activation, permission-set and profile definitions, sharing rules and org-wide defaults), not per-user operations "
                    + "(assignments, password resets, logins): '.*' would make every setup click a release.";

    /**
     * SetupAuditTrail Actions that change metadata or access (salesforce-facts-2 §5.6; Salesforce publishes no canonical list):
     * a setup change with one of these goes live like a deploy.
     */
    public static final String DEFAULT_RELEASE_ACTIONS =
            String.join(
                    "|",
                    "deployedchangeset",
                    "(created|changed|deleted)Apex(Class|Trigger|Page)",
                    "newValidation|changedValidation\\w*|removedValidation",
                    "createdCF\\w*|changedCFType|createdCustEnt|deletedCustEnt",
                    "(activated|deactivated|deleted)interactiondef\\w*",
                    "PermSet(Create\\w*|Clone\\w*|Delete|EnableUserPerm|DisableUserPerm|EntityPermChanged|FlsChanged|RecordType\\w+|TabSettings\\w+)",
                    "PermissionSetGroup(Create|Delete|Component\\w+)|SetupEntityAccessAudit_\\w+",
                    "profile(Fls|Olp|Perm|Entity|Tabset|RecordType|PageLayout)\\w*",
                    "(insert|update|delete)SharingRule|owdUpdateFinished|owdExternalUpdateStartedForEntity");

    public static final String PROGRESS_INTERVAL_MS_CONFIG = "salesforce.progress.interval.ms";
    private static final String PROGRESS_INTERVAL_MS_DOC =
            "Least wall time between two progress records of one source (written to "
                    + "sfpulse.ingest.progress.v1 on /meta/connect returns and REST polls, so detection time moves when the org is quiet); 0 disables them.";
    public static final String ELF_EVENT_TYPES_CONFIG = "salesforce.elf.event.types";
    private static final String ELF_EVENT_TYPES_DOC = "EventLogFile event types to ingest.";
    public static final String ELF_INTERVAL_CONFIG = "salesforce.elf.interval";
    private static final String ELF_INTERVAL_DOC = "Hourly or Daily log files.";
    public static final String ELF_POLL_INTERVAL_MS_CONFIG = "salesforce.elf.poll.interval.ms";
    private static final String ELF_POLL_INTERVAL_MS_DOC =
            "How often to look for new EventLogFiles; 0 disables.";
    public static final String LIMITS_POLL_INTERVAL_MS_CONFIG =
            "salesforce.limits.poll.interval.ms";
    private static final String LIMITS_POLL_INTERVAL_MS_DOC =
            "How often to read the org's limits (REST /limits: API requests, async Apex executions, platform event deliveries, ...) "
                    + "onto rest/limits for the limit-exhaustion detector; 0 disables. Salesforce updates the figures within about 5 minutes "
                    + "and advises against polling faster; 300000 costs 288 API requests a day. Needs 'View Setup and Configuration'; "
                    + "the topic of rest/limits must exist (the launcher provisions it).";
    public static final String ELF_MAX_FILES_CONFIG = "salesforce.elf.max.files.per.poll";
    private static final String ELF_MAX_FILES_DOC =
            "Log files downloaded per poll at most (API calls per poll are bounded by this + 2).";
    public static final String API_RESERVE_PERCENT_CONFIG = "salesforce.api.reserve.percent";
    private static final String API_RESERVE_PERCENT_DOC =
            "Skip polling while the org's remaining DailyApiRequests are below this share, "
                    + "leaving them to the org.";
    public static final String QUEUE_CAPACITY_CONFIG = "salesforce.queue.capacity";
    private static final String QUEUE_CAPACITY_DOC =
            "Events buffered between the CometD client and Connect; full buffer applies "
                    + "back-pressure.";
    public static final String RETRY_MAX_ELAPSED_MS_CONFIG = "salesforce.retry.max.elapsed.ms";
    private static final String RETRY_MAX_ELAPSED_MS_DOC =
            "Give up (fail the task) after retrying a connection for this long.";
    public static final String RETRY_MAX_BACKOFF_MS_CONFIG = "salesforce.retry.max.backoff.ms";
    private static final String RETRY_MAX_BACKOFF_MS_DOC =
            "Upper bound of the exponential back-off between attempts.";

    public static final String TRANSPORT_CONFIG = "salesforce.transport";
    private static final String TRANSPORT_DOC =
            "How events are streamed: 'pubsub' (Pub/Sub API over gRPC: pull-based flow control, Avro payloads, "
                    + "schema ids; recommended) or 'cometd' (Streaming API long polling; legacy channels and orgs that prefer it).";
    public static final String PUBSUB_ENDPOINT_CONFIG = "salesforce.pubsub.endpoint";
    private static final String PUBSUB_ENDPOINT_DOC = "Pub/Sub API host:port.";
    public static final String PUBSUB_TLS_CONFIG = "salesforce.pubsub.tls";
    private static final String PUBSUB_TLS_DOC =
            "Whether the Pub/Sub connection uses TLS (always against Salesforce; the emulator speaks plaintext).";
    public static final String PUBSUB_BATCH_CONFIG = "salesforce.pubsub.batch.size";
    private static final String PUBSUB_BATCH_DOC =
            "Events asked for in one Pub/Sub FetchRequest (at most 100, the Pub/Sub limit per request).";
    public static final String PUBSUB_MAX_IN_FLIGHT_CONFIG = "salesforce.pubsub.max.in.flight";
    private static final String PUBSUB_MAX_IN_FLIGHT_DOC =
            "Most events in flight per channel: requested from Salesforce and not yet handed to "
                    + "Kafka Connect. A slow broker therefore slows Salesforce's delivery instead of filling memory; at least the batch size.";
    public static final String PUBSUB_STALL_TIMEOUT_MS_CONFIG =
            "salesforce.pubsub.stall.timeout.ms";
    private static final String PUBSUB_STALL_TIMEOUT_MS_DOC =
            "A stream that sends nothing (no events, no keepalive; Salesforce sends one within 270 s) "
                    + "for this long is cancelled and resubscribed from the last acknowledged replay id.";

    public static final String PUBSUB_MANAGED_CONFIG = "salesforce.pubsub.managed.subscriptions";
    private static final String PUBSUB_MANAGED_DOC =
            "Beta: channels streamed with Pub/Sub ManagedSubscribe, as channel=DeveloperName of the org's "
                    + "ManagedEventSubscription (e.g. /event/LogEntryEvent__e=Sfpulse_Logs). Salesforce keeps their position: the connector commits "
                    + "what Kafka acknowledged (each progress interval) and resumes where the server says; other channels use Subscribe.";

    /** Task-level keys set by the connector. */
    public static final String TASK_CHANNELS_CONFIG = "task.channels";

    public static final String TASK_DEPLOY_POLLER_CONFIG = "task.deploy.poller";
    private static final String TASK_CHANNELS_DOC = "Channels of this task (set by the connector).";
    private static final String TASK_DEPLOY_POLLER_DOC =
            "Whether this task runs the REST pollers: DeployRequest, SetupAuditTrail, EventLogFile "
                    + "(set by the connector).";

    /** Replay start when nothing is committed. */
    public enum InitialReplay {
        LATEST,
        EARLIEST
    }

    /** The streaming transport. */
    public enum Transport {
        PUBSUB,
        COMETD
    }

    /** What to do when Salesforce rejects a replay id. */
    public enum InvalidReplayPolicy {
        FAIL,
        EARLIEST,
        LATEST
    }

    public static final ConfigDef CONFIG_DEF =
            ConfigGroup.of(new ConfigDef(), "Salesforce connection")
                    .define(ORG_ID_CONFIG, Type.STRING, "", Importance.MEDIUM, ORG_ID_DOC)
                    .define(
                            LOGIN_URL_CONFIG,
                            Type.STRING,
                            "https://login.salesforce.com",
                            new ConfigDef.NonEmptyString(),
                            Importance.HIGH,
                            LOGIN_URL_DOC)
                    .define(
                            GRANT_TYPE_CONFIG,
                            Type.STRING,
                            "client_credentials",
                            ConfigDef.CaseInsensitiveValidString.in(
                                    "client_credentials", "password", "jwt_bearer"),
                            Importance.HIGH,
                            GRANT_TYPE_DOC)
                    .define(
                            CLIENT_ID_CONFIG,
                            Type.STRING,
                            ConfigDef.NO_DEFAULT_VALUE,
                            new ConfigDef.NonEmptyString(),
                            Importance.HIGH,
                            CLIENT_ID_DOC)
                    .define(
                            CLIENT_SECRET_CONFIG,
                            Type.PASSWORD,
                            "",
                            Importance.HIGH,
                            CLIENT_SECRET_DOC)
                    .define(USERNAME_CONFIG, Type.STRING, "", Importance.MEDIUM, USERNAME_DOC)
                    .define(PASSWORD_CONFIG, Type.PASSWORD, "", Importance.MEDIUM, PASSWORD_DOC)
                    .define(
                            API_VERSION_CONFIG,
                            Type.STRING,
                            "66.0",
                            Importance.LOW,
                            API_VERSION_DOC)
                    .define(
                            JWT_KEY_FILE_CONFIG,
                            Type.STRING,
                            "",
                            Importance.MEDIUM,
                            JWT_KEY_FILE_DOC)
                    .define(JWT_AUDIENCE_CONFIG, Type.STRING, "", Importance.LOW, JWT_AUDIENCE_DOC)
                    .define(
                            TOKEN_MAX_AGE_MS_CONFIG,
                            Type.LONG,
                            90 * 60_000L,
                            ConfigDef.Range.atLeast(1_000),
                            Importance.LOW,
                            TOKEN_MAX_AGE_MS_DOC)
                    .group("Streaming (Pub/Sub and CometD)")
                    .define(CHANNELS_CONFIG, Type.LIST, List.of(), Importance.HIGH, CHANNELS_DOC)
                    .define(
                            REPLAY_INITIAL_CONFIG,
                            Type.STRING,
                            "latest",
                            ConfigDef.CaseInsensitiveValidString.in("latest", "earliest"),
                            Importance.MEDIUM,
                            REPLAY_INITIAL_DOC)
                    .define(
                            REPLAY_INVALID_POLICY_CONFIG,
                            Type.STRING,
                            "fail",
                            ConfigDef.CaseInsensitiveValidString.in("fail", "earliest", "latest"),
                            Importance.MEDIUM,
                            REPLAY_INVALID_POLICY_DOC)
                    .define(
                            TRANSPORT_CONFIG,
                            Type.STRING,
                            "pubsub",
                            ConfigDef.CaseInsensitiveValidString.in("pubsub", "cometd"),
                            Importance.HIGH,
                            TRANSPORT_DOC)
                    .define(
                            PUBSUB_ENDPOINT_CONFIG,
                            Type.STRING,
                            "api.pubsub.salesforce.com:7443",
                            new ConfigDef.NonEmptyString(),
                            Importance.MEDIUM,
                            PUBSUB_ENDPOINT_DOC)
                    .define(PUBSUB_TLS_CONFIG, Type.BOOLEAN, true, Importance.LOW, PUBSUB_TLS_DOC)
                    .define(
                            PUBSUB_BATCH_CONFIG,
                            Type.INT,
                            100,
                            ConfigDef.Range.between(1, 100),
                            Importance.LOW,
                            PUBSUB_BATCH_DOC)
                    .define(
                            PUBSUB_MAX_IN_FLIGHT_CONFIG,
                            Type.INT,
                            400,
                            ConfigDef.Range.atLeast(1),
                            Importance.LOW,
                            PUBSUB_MAX_IN_FLIGHT_DOC)
                    .define(
                            PUBSUB_STALL_TIMEOUT_MS_CONFIG,
                            Type.LONG,
                            300_000L,
                            ConfigDef.Range.atLeast(1_000),
                            Importance.LOW,
                            PUBSUB_STALL_TIMEOUT_MS_DOC)
                    .define(
                            PUBSUB_MANAGED_CONFIG,
                            Type.LIST,
                            List.of(),
                            Importance.LOW,
                            PUBSUB_MANAGED_DOC)
                    .group("Streaming: retries and buffering")
                    .define(
                            QUEUE_CAPACITY_CONFIG,
                            Type.INT,
                            10_000,
                            ConfigDef.Range.atLeast(1),
                            Importance.LOW,
                            QUEUE_CAPACITY_DOC)
                    .define(
                            RETRY_MAX_ELAPSED_MS_CONFIG,
                            Type.LONG,
                            15 * 60_000L,
                            ConfigDef.Range.atLeast(0),
                            Importance.LOW,
                            RETRY_MAX_ELAPSED_MS_DOC)
                    .define(
                            RETRY_MAX_BACKOFF_MS_CONFIG,
                            Type.LONG,
                            60_000L,
                            ConfigDef.Range.atLeast(1),
                            Importance.LOW,
                            RETRY_MAX_BACKOFF_MS_DOC)
                    .group("REST pollers")
                    .define(
                            DEPLOY_POLL_INTERVAL_MS_CONFIG,
                            Type.LONG,
                            60_000L,
                            ConfigDef.Range.atLeast(0),
                            Importance.MEDIUM,
                            DEPLOY_POLL_INTERVAL_MS_DOC)
                    .define(
                            SETUP_AUDIT_POLL_INTERVAL_MS_CONFIG,
                            Type.LONG,
                            0L,
                            ConfigDef.Range.atLeast(0),
                            Importance.MEDIUM,
                            SETUP_AUDIT_POLL_INTERVAL_MS_DOC)
                    .define(
                            SETUP_AUDIT_ACTIONS_CONFIG,
                            Type.STRING,
                            DEFAULT_RELEASE_ACTIONS,
                            Importance.LOW,
                            SETUP_AUDIT_ACTIONS_DOC)
                    .define(
                            API_RESERVE_PERCENT_CONFIG,
                            Type.INT,
                            20,
                            ConfigDef.Range.between(0, 100),
                            Importance.LOW,
                            API_RESERVE_PERCENT_DOC)
                    .group("EventLogFile")
                    .define(
                            ELF_EVENT_TYPES_CONFIG,
                            Type.LIST,
                            List.of(
                                    "ApexUnexpectedException",
                                    "ApexExecution",
                                    "RestApi",
                                    "API",
                                    "LightningPageView",
                                    "URI",
                                    "Login",
                                    "ApexCallout",
                                    "ApiTotalUsage"),
                            Importance.MEDIUM,
                            ELF_EVENT_TYPES_DOC)
                    .define(
                            ELF_INTERVAL_CONFIG,
                            Type.STRING,
                            "Hourly",
                            ConfigDef.ValidString.in("Hourly", "Daily"),
                            Importance.LOW,
                            ELF_INTERVAL_DOC)
                    .define(
                            ELF_POLL_INTERVAL_MS_CONFIG,
                            Type.LONG,
                            0L,
                            ConfigDef.Range.atLeast(0),
                            Importance.MEDIUM,
                            ELF_POLL_INTERVAL_MS_DOC)
                    .define(
                            LIMITS_POLL_INTERVAL_MS_CONFIG,
                            Type.LONG,
                            0L,
                            ConfigDef.Range.atLeast(0),
                            Importance.MEDIUM,
                            LIMITS_POLL_INTERVAL_MS_DOC)
                    .define(
                            ELF_MAX_FILES_CONFIG,
                            Type.INT,
                            20,
                            ConfigDef.Range.atLeast(1),
                            Importance.LOW,
                            ELF_MAX_FILES_DOC)
                    .group("Progress")
                    .define(
                            PROGRESS_INTERVAL_MS_CONFIG,
                            Type.LONG,
                            1_000L,
                            ConfigDef.Range.atLeast(0),
                            Importance.LOW,
                            PROGRESS_INTERVAL_MS_DOC)
                    .group("Task assignment (set by the connector)")
                    .define(
                            TASK_CHANNELS_CONFIG,
                            Type.LIST,
                            List.of(),
                            Importance.LOW,
                            TASK_CHANNELS_DOC)
                    .define(
                            TASK_DEPLOY_POLLER_CONFIG,
                            Type.BOOLEAN,
                            false,
                            Importance.LOW,
                            TASK_DEPLOY_POLLER_DOC)
                    .configDef();

    public SalesforceSourceConfig(final Map<?, ?> props) {
        super(CONFIG_DEF, props);
        validate();
    }

    private void validate() {
        final String version = getString(API_VERSION_CONFIG);
        if (!version.matches("\\d+\\.\\d") || Double.parseDouble(version) < 37.0) {
            throw new ConfigException(
                    API_VERSION_CONFIG,
                    version,
                    "must be like 66.0 and at least 37.0 (durable streaming)");
        }
        if (!grantType().equals("client_credentials") && getString(USERNAME_CONFIG).isBlank()) {
            throw new ConfigException(
                    USERNAME_CONFIG, "", "required for the " + grantType() + " grant");
        }
        if (grantType().equals("jwt_bearer") && getString(JWT_KEY_FILE_CONFIG).isBlank()) {
            throw new ConfigException(JWT_KEY_FILE_CONFIG, "", "required for the jwt_bearer grant");
        }
        try {
            java.util.regex.Pattern.compile(getString(SETUP_AUDIT_ACTIONS_CONFIG));
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new ConfigException(
                    SETUP_AUDIT_ACTIONS_CONFIG,
                    getString(SETUP_AUDIT_ACTIONS_CONFIG),
                    "not a regular expression");
        }
        for (final String entry : getList(PUBSUB_MANAGED_CONFIG)) {
            final String[] kv = entry.split("=", 2);
            if (kv.length != 2
                    || kv[1].isBlank()
                    || !getList(CHANNELS_CONFIG).contains(kv[0].trim())) {
                throw new ConfigException(
                        PUBSUB_MANAGED_CONFIG,
                        entry,
                        "entries look like <channel>=<DeveloperName>, for a channel in "
                                + CHANNELS_CONFIG);
            }
        }
        for (final String channel : getList(CHANNELS_CONFIG)) {
            if (!channel.matches("^/(event|data|topic|u)/[A-Za-z0-9_]+$")) {
                throw new ConfigException(
                        CHANNELS_CONFIG,
                        channel,
                        "channels look like /event/Name__e or /data/AccountChangeEvent");
            }
        }
    }

    /** The configured org id in its 18-character form (a 15-character id gets its suffix), or blank. */
    public String orgId() {
        return SalesforceIds.normalizeIfId(getString(ORG_ID_CONFIG).trim());
    }

    /** Least wall time between progress records of one source; zero: no progress records. */
    public java.time.Duration progressInterval() {
        return java.time.Duration.ofMillis(getLong(PROGRESS_INTERVAL_MS_CONFIG));
    }

    public String loginUrl() {
        return getString(LOGIN_URL_CONFIG).replaceAll("/+$", "");
    }

    public String grantType() {
        return getString(GRANT_TYPE_CONFIG).toLowerCase(Locale.ROOT);
    }

    public String clientId() {
        return getString(CLIENT_ID_CONFIG);
    }

    public Password clientSecret() {
        return getPassword(CLIENT_SECRET_CONFIG);
    }

    public String username() {
        return getString(USERNAME_CONFIG);
    }

    public Password password() {
        return getPassword(PASSWORD_CONFIG);
    }

    public String apiVersion() {
        return getString(API_VERSION_CONFIG);
    }

    public List<String> channels() {
        return getList(CHANNELS_CONFIG);
    }

    public List<String> taskChannels() {
        return getList(TASK_CHANNELS_CONFIG);
    }

    public boolean taskPollsDeploys() {
        return getBoolean(TASK_DEPLOY_POLLER_CONFIG);
    }

    public InitialReplay initialReplay() {
        return InitialReplay.valueOf(getString(REPLAY_INITIAL_CONFIG).toUpperCase(Locale.ROOT));
    }

    public InvalidReplayPolicy invalidReplayPolicy() {
        return InvalidReplayPolicy.valueOf(
                getString(REPLAY_INVALID_POLICY_CONFIG).toUpperCase(Locale.ROOT));
    }

    public Duration deployPollInterval() {
        return Duration.ofMillis(getLong(DEPLOY_POLL_INTERVAL_MS_CONFIG));
    }

    public java.nio.file.Path jwtKeyFile() {
        return java.nio.file.Path.of(getString(JWT_KEY_FILE_CONFIG));
    }

    public String jwtAudience() {
        return getString(JWT_AUDIENCE_CONFIG).isBlank()
                ? loginUrl()
                : getString(JWT_AUDIENCE_CONFIG);
    }

    public Duration tokenMaxAge() {
        return Duration.ofMillis(getLong(TOKEN_MAX_AGE_MS_CONFIG));
    }

    public Duration setupAuditPollInterval() {
        return Duration.ofMillis(getLong(SETUP_AUDIT_POLL_INTERVAL_MS_CONFIG));
    }

    public java.util.regex.Pattern setupAuditActions() {
        return java.util.regex.Pattern.compile(getString(SETUP_AUDIT_ACTIONS_CONFIG));
    }

    public List<String> elfEventTypes() {
        return getList(ELF_EVENT_TYPES_CONFIG);
    }

    public String elfInterval() {
        return getString(ELF_INTERVAL_CONFIG);
    }

    public Duration limitsPollInterval() {
        return Duration.ofMillis(getLong(LIMITS_POLL_INTERVAL_MS_CONFIG));
    }

    public Duration elfPollInterval() {
        return Duration.ofMillis(getLong(ELF_POLL_INTERVAL_MS_CONFIG));
    }

    public int elfMaxFiles() {
        return getInt(ELF_MAX_FILES_CONFIG);
    }

    public int apiReservePercent() {
        return getInt(API_RESERVE_PERCENT_CONFIG);
    }

    public Transport transport() {
        return Transport.valueOf(getString(TRANSPORT_CONFIG).toUpperCase(Locale.ROOT));
    }

    public String pubSubEndpoint() {
        return getString(PUBSUB_ENDPOINT_CONFIG);
    }

    public boolean pubSubTls() {
        return getBoolean(PUBSUB_TLS_CONFIG);
    }

    public int pubSubBatchSize() {
        return getInt(PUBSUB_BATCH_CONFIG);
    }

    /** The in-flight bound per channel, never below one request's batch. */
    public int pubSubMaxInFlight() {
        return Math.max(getInt(PUBSUB_MAX_IN_FLIGHT_CONFIG), pubSubBatchSize());
    }

    public Duration pubSubStallTimeout() {
        return Duration.ofMillis(getLong(PUBSUB_STALL_TIMEOUT_MS_CONFIG));
    }

    /** Channel to managed subscription developer name. */
    public Map<String, String> pubSubManagedSubscriptions() {
        final Map<String, String> out = new java.util.LinkedHashMap<>();
        for (final String entry : getList(PUBSUB_MANAGED_CONFIG)) {
            final String[] kv = entry.split("=", 2);
            out.put(kv[0].trim(), kv[1].trim());
        }
        return out;
    }

    public int queueCapacity() {
        return getInt(QUEUE_CAPACITY_CONFIG);
    }

    public Duration retryMaxElapsed() {
        return Duration.ofMillis(getLong(RETRY_MAX_ELAPSED_MS_CONFIG));
    }

    public Duration retryMaxBackoff() {
        return Duration.ofMillis(getLong(RETRY_MAX_BACKOFF_MS_CONFIG));
    }
}
