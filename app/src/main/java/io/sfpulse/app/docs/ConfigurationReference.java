package io.sfpulse.app.docs;

import io.sfpulse.app.AppConfig;
import io.sfpulse.embedded.RestTokenAuthExtension;
import io.sfpulse.ingest.SalesforceSourceConfig;
import io.sfpulse.schemas.serde.AvroSerdeConfig;
import io.sfpulse.sink.SinkConfig;
import io.sfpulse.sink.action.ActionConfig;
import io.sfpulse.streams.DetectionConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;

/**
 * {@code docs/configuration.md}, generated from every {@link ConfigDef} sfpulse defines: one section
 * per component (launcher, schema registry, ingest connector, detection, sink, actions, the Connect
 * REST extension), one table per configuration group, each key with its type, default, valid
 * values, importance and documentation, in the order the group defines them. A key several
 * components share (the Kafka bootstrap servers, the registry's keys) is listed where it first
 * appears. {@code ConfigurationReferenceTest} fails when the committed file differs from what this
 * renders; {@code ./sfpulse docs configuration FILE} (or the test with {@code -DupdateDocs=true})
 * rewrites it.
 */
public final class ConfigurationReference {

    /** One component's keys and how they are set. */
    record Section(String title, String intro, ConfigDef def) {}

    private ConfigurationReference() {}

    static List<Section> sections() {
        return List.of(
                new Section(
                        "Launcher",
                        "`./sfpulse run --config FILE` and `./sfpulse demo`: what runs in this process and what is embedded. "
                                + "Every key of every section below can be set in the same file; an environment variable `SFPULSE_<KEY>` (dots as `_`, "
                                + "`-` as `__`) overrides it, e.g. `SFPULSE_SINK_WEBHOOK_URL`, `SFPULSE_DETECTOR_POST__DEPLOY__FAILURES_ALPHA`.",
                        AppConfig.CONFIG_DEF),
                new Section(
                        "Schema registry and Avro",
                        "Shared by the detection service, the sink and the Connect converter "
                                + "(`io.sfpulse.schemas.connect.AvroWireConverter`, keys under `key.converter.` / `value.converter.`); the same keys as "
                                + "Confluent's serde, so Confluent's `KafkaAvroSerializer` is a drop-in replacement.",
                        AvroSerdeConfig.configDef()),
                new Section(
                        "Ingest connector",
                        "`io.sfpulse.ingest.SalesforceSourceConnector`, one per org. In the launcher each org named in "
                                + "`salesforce.orgs` is configured under `org.<name>.` (e.g. `org.prod.salesforce.login.url`); on a Connect cluster the "
                                + "keys are the connector's own.",
                        SalesforceSourceConfig.CONFIG_DEF),
                new Section(
                        "Detection",
                        "The Kafka Streams service (`sfpulse.services` includes `streams`). Any key under "
                                + "`"
                                + DetectionConfig.STREAMS_OVERRIDE_PREFIX
                                + "` goes to Kafka Streams and its clients as is, e.g. "
                                + "`streams.kafka.security.protocol=SASL_SSL`.",
                        DetectionConfig.CONFIG_DEF),
                new Section(
                        "Sink",
                        "Alert delivery (`sfpulse.services` includes `sink`). Routing rules named in `sink.routes` are each "
                                + "configured under `"
                                + SinkConfig.ROUTE_PREFIX
                                + "<name>.` with `orgs` and `detectors` (globs), `min.severity` "
                                + "(`CRITICAL`, `ERROR`, `WARNING`, `INFO`) and `channels` ("
                                + String.join(", ", SinkConfig.CHANNELS)
                                + "). Every URL, "
                                + "key and secret is PASSWORD-typed: masked in logs and configuration dumps.",
                        SinkConfig.CONFIG_DEF),
                new Section(
                        "Actions",
                        "Each action named in `"
                                + SinkConfig.ACTIONS_CONFIG
                                + "` is configured under `"
                                + ActionConfig.PREFIX
                                + "<name>.` with "
                                + "these keys (e.g. `action.rollback.url`).",
                        ActionConfig.CONFIG_DEF),
                new Section(
                        "Connect REST extension",
                        "`io.sfpulse.embedded.RestTokenAuthExtension` in a Connect worker's `rest.extension.classes`: "
                                + "the worker's REST API requires this token.",
                        new RestTokenAuthExtension().config()));
    }

    /** The whole reference as Markdown. */
    public static String render() {
        final StringBuilder md = new StringBuilder();
        md.append("# Configuration reference\n\n");
        md.append(
                        "Generated from sfpulse's `ConfigDef`s by `ConfigurationReference` (app module); do not edit by hand: `./sfpulse docs ")
                .append(
                        "configuration docs/configuration.md` rewrites it, and a test fails when it is stale.\n\n");
        final List<Section> sections = sections();
        for (final Section s : sections) {
            md.append("- [")
                    .append(s.title())
                    .append("](#")
                    .append(anchor(s.title()))
                    .append(")\n");
        }
        final Set<String> listed = new HashSet<>();
        for (final Section s : sections) {
            md.append("\n## ").append(s.title()).append("\n\n").append(s.intro()).append("\n");
            final Map<String, List<ConfigKey>> groups = new LinkedHashMap<>();
            for (final ConfigKey k : ordered(s.def())) {
                if (listed.add(k.name)) {
                    groups.computeIfAbsent(
                                    k.group == null ? s.title() : k.group, g -> new ArrayList<>())
                            .add(k);
                }
            }
            groups.forEach(
                    (group, keys) -> {
                        md.append("\n### ").append(group).append("\n\n");
                        md.append(
                                "| Key | Type | Default | Valid values | Importance | Description |\n");
                        md.append("|---|---|---|---|---|---|\n");
                        for (final ConfigKey k : keys) {
                            md.append("| `")
                                    .append(k.name)
                                    .append("` | ")
                                    .append(k.type.name().toLowerCase(java.util.Locale.ROOT))
                                    .append(" | ")
                                    .append(defaultOf(k))
                                    .append(" | ")
                                    .append(k.validator == null ? "" : cell(k.validator.toString()))
                                    .append(" | ")
                                    .append(k.importance.name().toLowerCase(java.util.Locale.ROOT))
                                    .append(" | ")
                                    .append(cell(k.documentation))
                                    .append(" |\n");
                        }
                    });
        }
        return md.toString();
    }

    /** Keys in the order their groups were defined, and within a group in definition order. */
    private static List<ConfigKey> ordered(final ConfigDef def) {
        final List<String> groups = def.groups();
        return def.configKeys().values().stream()
                .sorted(
                        Comparator.comparingInt(
                                        (ConfigKey k) ->
                                                k.group == null
                                                        ? Integer.MAX_VALUE
                                                        : groups.indexOf(k.group))
                                .thenComparingInt(k -> k.orderInGroup))
                .toList();
    }

    private static String defaultOf(final ConfigKey k) {
        if (!k.hasDefault()) {
            return "*required*";
        }
        if (k.defaultValue == null) {
            return "";
        }
        if (k.type == ConfigDef.Type.PASSWORD) {
            return "*(secret)*";
        }
        String v = ConfigDef.convertToString(k.defaultValue, k.type);
        // A default under the machine's temporary directory is shown as such, so the reference is
        // the same on every machine.
        final String tmp = System.getProperty("java.io.tmpdir");
        if (v != null && tmp != null && !tmp.isEmpty() && v.startsWith(tmp)) {
            v = "${java.io.tmpdir}" + v.substring(tmp.length()).replaceFirst("^/+", "/");
        }
        return v == null || v.isEmpty() ? "\"\"" : "`" + v.replace("|", "\\|") + "`";
    }

    private static String cell(final String text) {
        return text == null
                ? ""
                : text.replace("|", "\\|")
                        .replace("\n", " ")
                        .replace("<", "&lt;")
                        .replace(">", "&gt;");
    }

    private static String anchor(final String title) {
        return title.toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9 -]", "")
                .replace(' ', '-');
    }

    /** Writes the reference to {@code file}. */
    public static void write(final Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, render(), StandardCharsets.UTF_8);
    }
}
