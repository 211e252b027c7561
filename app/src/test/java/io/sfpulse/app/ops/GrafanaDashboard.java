package io.sfpulse.app.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The committed Grafana dashboard ({@code ops/grafana/sfpulse-dashboard.json}): its panels, queries and the metrics they name. */
public final class GrafanaDashboard {

    public static final Path FILE = Path.of("..", "ops", "grafana", "sfpulse-dashboard.json");

    /** A metric name in PromQL: sfpulse's own and Kafka's families (functions, labels and keywords are lower-case words without these prefixes). */
    private static final Pattern METRIC =
            Pattern.compile("\\b((?:sfpulse|kafka)_[a-zA-Z0-9_]+)\\b");

    private final JsonNode root;

    private GrafanaDashboard(final JsonNode root) {
        this.root = root;
    }

    public static GrafanaDashboard load() throws IOException {
        return new GrafanaDashboard(new ObjectMapper().readTree(FILE.toFile()));
    }

    public JsonNode root() {
        return root;
    }

    /** Every panel (rows included). */
    public List<JsonNode> panels() {
        final List<JsonNode> out = new ArrayList<>();
        root.path("panels").forEach(out::add);
        return out;
    }

    /** Every PromQL expression of every panel and template variable. */
    public List<String> expressions() {
        final List<String> out = new ArrayList<>();
        panels().forEach(p -> p.path("targets").forEach(t -> out.add(t.path("expr").asText())));
        root.path("templating")
                .path("list")
                .forEach(
                        v ->
                                out.add(
                                        v.path("query")
                                                .path("query")
                                                .asText(v.path("query").asText())));
        return out;
    }

    /** The metric names the expressions query. */
    public Set<String> metricNames() {
        final Set<String> names = new TreeSet<>();
        for (final String expr : expressions()) {
            final Matcher m = METRIC.matcher(expr);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** The names of {@code scrape} (Prometheus text format) that have at least one sample. */
    public static Set<String> exported(final String scrape) {
        final Set<String> names = new TreeSet<>();
        scrape.lines()
                .filter(l -> !l.startsWith("#") && !l.isBlank())
                .forEach(
                        l -> {
                            final int end =
                                    l.indexOf('{') >= 0 && l.indexOf('{') < l.indexOf(' ')
                                            ? l.indexOf('{')
                                            : l.indexOf(' ');
                            names.add(l.substring(0, end));
                        });
        return names;
    }
}
