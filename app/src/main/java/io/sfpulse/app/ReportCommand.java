package io.sfpulse.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.schemas.id.SalesforceIds;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * {@code sfpulse report}: the operations KPIs of one org over a period as Markdown, from a running
 * sfpulse's release-health API - change-failure rate, mean time to restore, defects per release,
 * lead time, the error budget - and per release its verdict, defects, time to restore, lead time, the
 * share of the budget it burned, and the use of the apps and pages it shipped before and after.
 */
final class ReportCommand {

    /** What a refusal the options allow but the command does not (a bad org id, two releases named) points to. */
    static final String USAGE = "Usage: ./sfpulse report --help shows its options and exit codes.";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream out;
    private final Map<String, String> env;

    ReportCommand(final PrintStream out, final Map<String, String> env) {
        this.out = out;
        this.env = env;
    }

    int run(final CommandOptions parsed) throws IOException, InterruptedException {
        final Map<String, String> opts = parsed.values();
        if (!opts.containsKey("org") || !SalesforceIds.isId(opts.get("org"))) {
            out.println(USAGE);
            return 2;
        }
        final String org = SalesforceIds.to18(opts.get("org"));
        final String since = opts.getOrDefault("since", "30d");
        final String base = parsed.opsUrl(env);
        final String token = parsed.opsToken(env);
        final HttpResponse<String> r =
                HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(10))
                        .build()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        base
                                                                + "/api/orgs/"
                                                                + org
                                                                + "?since="
                                                                + URLEncoder.encode(
                                                                        since,
                                                                        StandardCharsets.UTF_8)))
                                        .timeout(Duration.ofSeconds(60))
                                        .header("Authorization", "Bearer " + token)
                                        .GET()
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            out.println("[sfpulse report] refused (HTTP " + r.statusCode() + "): " + r.body());
            return 1;
        }
        out.print(markdown(JSON.readTree(r.body()), since));
        return 0;
    }

    static String markdown(final JsonNode o, final String since) {
        final JsonNode k = o.path("kpis");
        final JsonNode b = k.path("errorBudget");
        final StringBuilder md = new StringBuilder();
        md.append("# sfpulse report: org ").append(o.path("orgId").asText()).append("\n\n");
        md.append("Releases that went live since ")
                .append(o.path("since").asText(since))
                .append(".\n\n");
        md.append("| KPI | value |\n|---|---|\n");
        md.append("| releases | ").append(k.path("releases").asInt()).append(" |\n");
        md.append("| change-failure rate | ")
                .append(pct(k.path("changeFailureRate")))
                .append(" (")
                .append(k.path("failedReleases").asInt())
                .append(" of ")
                .append(k.path("releases").asInt())
                .append(" releases with a post-deploy alert) |\n");
        md.append("| mean time to restore | ")
                .append(min(k.path("meanTimeToRestoreMinutes")))
                .append(" (")
                .append(k.path("resolvedAlerts").asInt())
                .append(" resolved alerts) |\n");
        md.append("| defects per release | ")
                .append(
                        k.path("defectsPerRelease").isNumber()
                                ? String.format(
                                        Locale.ROOT, "%.2f", k.path("defectsPerRelease").asDouble())
                                : "-")
                .append(" |\n");
        md.append("| lead time, commit to live (median) | ")
                .append(min(k.path("medianLeadTimeMinutes")))
                .append(" |\n");
        md.append("| open alerts | ").append(k.path("openAlerts").asInt()).append(" |\n");
        if (b.isObject()) {
            md.append("| error budget spent (")
                    .append(b.path("from").asText())
                    .append(" - ")
                    .append(b.path("to").asText())
                    .append(") | ")
                    .append(pct(b.path("consumed")))
                    .append(": ")
                    .append(b.path("failures").asLong())
                    .append(" failures in ")
                    .append(b.path("executions").asLong())
                    .append(" executions, ")
                    .append(
                            b.path("failuresPerThousand").isNumber()
                                    ? String.format(
                                            Locale.ROOT,
                                            "%.2f",
                                            b.path("failuresPerThousand").asDouble())
                                    : "-")
                    .append(" per thousand (target ")
                    .append(b.path("targetPerThousand").asDouble())
                    .append(") |\n");
        }
        md.append(
                        "\n| release | live since | label / commit | verdict | defects | time to restore | lead time | budget burned |\n")
                .append("|---|---|---|---|---|---|---|---|\n");
        for (final JsonNode rel : o.path("releases")) {
            final JsonNode v = rel.path("verdict");
            md.append("| ")
                    .append(rel.path("deployId").asText())
                    .append(" | ")
                    .append(rel.path("completedTime").asText())
                    .append(" | ")
                    .append(rel.path("label").asText("-"))
                    .append(
                            rel.path("commit").isTextual()
                                    ? " / " + rel.path("commit").asText()
                                    : "")
                    .append(" | ")
                    .append(
                            v.isObject()
                                    ? v.path("status").asText()
                                            + (v.path("isFinal").asBoolean() ? "" : " (not final)")
                                    : "-")
                    .append(" | ")
                    .append(rel.path("defects").asInt())
                    .append(" | ")
                    .append(min(rel.path("meanTimeToRestoreMinutes")))
                    .append(" | ")
                    .append(min(rel.path("leadTimeMinutes")))
                    .append(" | ")
                    .append(pct(rel.path("budgetBurned")))
                    .append(" |\n");
        }
        final StringBuilder adoption = new StringBuilder();
        for (final JsonNode rel : o.path("releases")) {
            for (final JsonNode a : rel.path("adoption")) {
                adoption.append("| ")
                        .append(rel.path("deployId").asText())
                        .append(" | ")
                        .append(a.path("component").asText())
                        .append(" | ")
                        .append(a.path("viewsBefore").asLong())
                        .append(" / ")
                        .append(a.path("viewersBefore").asInt())
                        .append(" | ")
                        .append(a.path("viewsAfter").asLong())
                        .append(" / ")
                        .append(a.path("viewersAfter").asInt())
                        .append(a.path("viewersAreFloor").asBoolean() ? "+" : "")
                        .append(" |\n");
            }
        }
        if (adoption.length() > 0) {
            md.append(
                            "\nAdoption of the apps and pages releases shipped (views / users, 24 h before and after):\n\n")
                    .append("| release | component | before | after |\n|---|---|---|---|\n")
                    .append(adoption);
        }
        return md.toString();
    }

    private static String pct(final JsonNode n) {
        return n.isNumber() ? String.format(Locale.ROOT, "%.1f%%", 100 * n.asDouble()) : "-";
    }

    private static String min(final JsonNode n) {
        return n.isNumber() ? String.format(Locale.ROOT, "%.1f min", n.asDouble()) : "-";
    }
}
