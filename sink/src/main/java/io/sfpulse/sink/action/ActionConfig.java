package io.sfpulse.sink.action;

import io.sfpulse.schemas.config.ConfigGroup;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Settings of one action, {@code action.<name>.*}: an HTTP request (URL, method, content type,
 * body and headers as {@link ActionTemplate}s, an auth header and a secret kept PASSWORD-typed),
 * what triggers it ({@code on}: {@code verdict:FAULTY}, {@code alert:TRIGGERED}, ...), which orgs and
 * detectors, and whether it waits for a human's approval (an action link). Every template is
 * parsed here, so a wrong one fails at start-up naming its full key.
 */
public final class ActionConfig extends AbstractConfig {

    public static final String PREFIX = "action.";
    public static final String URL = "url";
    public static final String METHOD = "method";
    public static final String CONTENT_TYPE = "content.type";
    public static final String BODY = "body";
    public static final String HEADERS = "headers";
    public static final String AUTH_HEADER = "auth.header";
    public static final String AUTH_VALUE = "auth.value";
    public static final String SECRET = "secret";
    public static final String ON = "on";
    public static final String ORGS = "orgs";
    public static final String DETECTORS = "detectors";
    public static final String RATE = "rate.per.minute";
    public static final String APPROVAL = "approval";

    /** Triggers an action can name. */
    public static final Set<String> TRIGGERS =
            Set.of(
                    "verdict:FAULTY",
                    "verdict:HEALTHY",
                    "verdict:INCONCLUSIVE",
                    "alert:TRIGGERED",
                    "alert:UPDATED",
                    "alert:RESOLVED");

    public static final String JSON = "application/json";
    public static final String FORM = "application/x-www-form-urlencoded";

    public static final ConfigDef CONFIG_DEF =
            ConfigGroup.of(new ConfigDef(), "Action")
                    .define(
                            URL,
                            Type.PASSWORD,
                            ConfigDef.NO_DEFAULT_VALUE,
                            Importance.HIGH,
                            "URL the action calls, a template (values URL-encoded), "
                                    + "e.g. https://api.github.com/repos/acme/crm/actions/workflows/rollback.yml/dispatches; PASSWORD-typed (trigger URLs carry tokens).")
                    .define(
                            METHOD,
                            Type.STRING,
                            "POST",
                            ConfigDef.ValidString.in("POST", "PUT", "PATCH"),
                            Importance.LOW,
                            "HTTP method.")
                    .define(
                            CONTENT_TYPE,
                            Type.STRING,
                            JSON,
                            ConfigDef.ValidString.in(JSON, FORM),
                            Importance.LOW,
                            "Content type of the body; decides how template values are escaped (JSON string or form field).")
                    .define(
                            BODY,
                            Type.STRING,
                            "",
                            Importance.MEDIUM,
                            "Body template, e.g. {\"ref\":\"main\",\"inputs\":{\"commit\":\"{{rollback.commit}}\"}}.")
                    .define(
                            HEADERS,
                            Type.LIST,
                            List.of(),
                            Importance.LOW,
                            "Further headers, Name=value templates, e.g. Accept=application/vnd.github+json.")
                    .define(
                            AUTH_HEADER,
                            Type.STRING,
                            "Authorization",
                            Importance.LOW,
                            "Header that carries auth.value (e.g. PRIVATE-TOKEN for GitLab).")
                    .define(
                            AUTH_VALUE,
                            Type.PASSWORD,
                            null,
                            Importance.MEDIUM,
                            "Value of the auth header, e.g. 'Bearer ghp_...' or 'Basic <base64 user:token>'.")
                    .define(
                            SECRET,
                            Type.PASSWORD,
                            null,
                            Importance.MEDIUM,
                            "A secret templates use as {{secret}} (e.g. a GitLab pipeline trigger token in the form body).")
                    .define(
                            ON,
                            Type.LIST,
                            ConfigDef.NO_DEFAULT_VALUE,
                            ConfigDef.LambdaValidator.with(
                                    (name, value) -> {
                                        final List<?> l = (List<?>) value;
                                        if (l.isEmpty()
                                                || !TRIGGERS.containsAll(
                                                        l.stream()
                                                                .map(Object::toString)
                                                                .toList())) {
                                            throw new ConfigException(
                                                    name,
                                                    value,
                                                    "one or more of "
                                                            + new java.util.TreeSet<>(TRIGGERS));
                                        }
                                    },
                                    () ->
                                            "one or more of "
                                                    + String.join(
                                                            ", ",
                                                            new java.util.TreeSet<>(TRIGGERS))),
                            Importance.HIGH,
                            "What runs the action: verdict:FAULTY (the first FAULTY verdict of a release), verdict:HEALTHY and "
                                    + "verdict:INCONCLUSIVE (the final one), alert:TRIGGERED, alert:UPDATED, alert:RESOLVED (each state).")
                    .define(
                            ORGS,
                            Type.LIST,
                            List.of(),
                            Importance.MEDIUM,
                            "Orgs (18-character ids) it runs for; empty: all.")
                    .define(
                            DETECTORS,
                            Type.LIST,
                            List.of(),
                            Importance.LOW,
                            "For alert triggers: detectors it runs for; empty: all.")
                    .define(
                            RATE,
                            Type.INT,
                            60,
                            ConfigDef.Range.atLeast(1),
                            Importance.LOW,
                            "Requests per minute at most.")
                    .define(
                            APPROVAL,
                            Type.BOOLEAN,
                            false,
                            Importance.MEDIUM,
                            "Run only when a human follows the action link offered with the alert "
                                    + "(Slack and Teams buttons, PagerDuty links, the webhook payload): signed, expiring, single use; never automatically.")
                    .configDef();

    private final String name;
    private final ActionTemplate url;
    private final ActionTemplate body;
    private final Map<String, ActionTemplate> headers = new LinkedHashMap<>();

    /**
     * Reads {@code action.<name>.*} from {@code all}.
     * @throws ConfigException naming the full key that is missing or wrong
     */
    public static ActionConfig of(final String name, final Map<String, ?> all) {
        try {
            return new ActionConfig(name, all);
        } catch (ConfigException e) {
            final String own = PREFIX + name + ".";
            final String msg = e.getMessage() == null ? "" : e.getMessage();
            if (msg.contains(own)) {
                throw e;
            }
            throw new ConfigException(
                    msg.replaceFirst(
                            "configuration \"?([a-z.]+)\"?", "configuration " + own + "$1"));
        }
    }

    private ActionConfig(final String name, final Map<String, ?> all) {
        super(CONFIG_DEF, strip(name, all), false);
        this.name = name;
        this.url = template(URL, getPassword(URL).value());
        this.body = template(BODY, getString(BODY));
        for (final String h : getList(HEADERS)) {
            final int eq = h.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(key(HEADERS), h, "each header as Name=value");
            }
            headers.put(h.substring(0, eq).trim(), template(HEADERS, h.substring(eq + 1).trim()));
        }
        try {
            URI.create(getPassword(URL).value().replaceAll("\\{\\{[^}]*}}", "x"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key(URL), Password.HIDDEN, "not a URL: " + e.getMessage());
        }
    }

    private static Map<String, Object> strip(final String name, final Map<String, ?> all) {
        final String p = PREFIX + name + ".";
        final Map<String, Object> own = new LinkedHashMap<>();
        all.forEach(
                (k, v) -> {
                    if (k.startsWith(p)) {
                        own.put(k.substring(p.length()), v);
                    }
                });
        return own;
    }

    private ActionTemplate template(final String suffix, final String text) {
        try {
            return ActionTemplate.parse(text, ActionVariables.NAMES);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    key(suffix), suffix.equals(URL) ? Password.HIDDEN : text, e.getMessage());
        }
    }

    /** The full key of a setting of this action, e.g. {@code action.rollback.body}. */
    public String key(final String suffix) {
        return PREFIX + name + "." + suffix;
    }

    public String name() {
        return name;
    }

    public ActionTemplate url() {
        return url;
    }

    public ActionTemplate body() {
        return body;
    }

    public Map<String, ActionTemplate> headers() {
        return headers;
    }

    /** Whether it runs on {@code trigger} for {@code org} (and, for alerts, {@code detector}; null for verdicts). */
    public boolean runsOn(final String trigger, final String org, final String detector) {
        return getList(ON).contains(trigger)
                && (getList(ORGS).isEmpty() || getList(ORGS).contains(org))
                && (detector == null
                        || getList(DETECTORS).isEmpty()
                        || getList(DETECTORS).contains(detector));
    }

    public String contentType() {
        return getString(CONTENT_TYPE);
    }

    public String method() {
        return getString(METHOD);
    }

    public String authHeader() {
        return getString(AUTH_HEADER);
    }

    /** The auth header's value, or null. */
    public String authValue() {
        final Password p = getPassword(AUTH_VALUE);
        return p == null ? null : p.value();
    }

    /** The {@code {{secret}}} value, or null. */
    public String secret() {
        final Password p = getPassword(SECRET);
        return p == null ? null : p.value();
    }

    public boolean approval() {
        return getBoolean(APPROVAL);
    }

    public int ratePerMinute() {
        return getInt(RATE);
    }
}
