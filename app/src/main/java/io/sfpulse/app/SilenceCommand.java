package io.sfpulse.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code sfpulse silence}: silences an org's alerts of a detector (and subject) for a while, lists
 * silences, or ends one, through a running sfpulse's silence API. A silence holds back pushes
 * (Slack, PagerDuty, webhooks...), not detection: verdicts still count the alerts.
 */
final class SilenceCommand {

    /** What a refusal the options allow but the command does not (a bad org id, two releases named) points to. */
    static final String USAGE = "Usage: ./sfpulse silence --help shows its options and exit codes.";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream out;
    private final Map<String, String> env;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    SilenceCommand(final PrintStream out, final Map<String, String> env) {
        this.out = out;
        this.env = env;
    }

    int run(final CommandOptions parsed) throws IOException, InterruptedException {
        final Map<String, String> opts = parsed.values();
        final String base = parsed.opsUrl(env);
        final String token = parsed.opsToken(env);
        final HttpRequest.Builder request;
        if (opts.containsKey("list")) {
            request =
                    HttpRequest.newBuilder(
                                    URI.create(
                                            base
                                                    + "/v1/silences"
                                                    + (opts.containsKey("org")
                                                            ? "?org="
                                                                    + URLEncoder.encode(
                                                                            opts.get("org"),
                                                                            StandardCharsets.UTF_8)
                                                            : "")))
                            .GET();
        } else if (opts.containsKey("end") && opts.containsKey("by")) {
            request =
                    HttpRequest.newBuilder(
                                    URI.create(
                                            base
                                                    + "/v1/silences/"
                                                    + URLEncoder.encode(
                                                            opts.get("end"), StandardCharsets.UTF_8)
                                                    + "?by="
                                                    + URLEncoder.encode(
                                                            opts.get("by"),
                                                            StandardCharsets.UTF_8)))
                            .DELETE();
        } else if (opts.containsKey("org")
                && opts.containsKey("for")
                && opts.containsKey("reason")
                && opts.containsKey("by")) {
            final Map<String, Object> body = new LinkedHashMap<>();
            body.put("orgId", opts.get("org"));
            body.put("detector", opts.get("detector"));
            body.put("subject", opts.get("subject"));
            body.put("duration", opts.get("for"));
            body.put("reason", opts.get("reason"));
            body.put("createdBy", opts.get("by"));
            request =
                    HttpRequest.newBuilder(URI.create(base + "/v1/silences"))
                            .header("Content-Type", "application/json")
                            .POST(
                                    HttpRequest.BodyPublishers.ofString(
                                            JSON.writeValueAsString(body)));
        } else {
            out.println(USAGE);
            return 2;
        }
        final HttpResponse<String> r =
                http.send(
                        request.timeout(Duration.ofSeconds(30))
                                .header("Authorization", "Bearer " + token)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        final JsonNode body = JSON.readTree(r.body().isEmpty() ? "{}" : r.body());
        if (r.statusCode() / 100 != 2) {
            out.println(
                    "[sfpulse silence] refused (HTTP "
                            + r.statusCode()
                            + "): "
                            + body.path("error").asText(r.body()));
            return 1;
        }
        if (body.has("silences")) {
            body.get("silences").forEach(this::print);
            if (body.get("silences").isEmpty()) {
                out.println("[sfpulse silence] no silences");
            }
        } else {
            print(body);
        }
        return 0;
    }

    private void print(final JsonNode s) {
        out.printf(
                "[sfpulse silence] %s %s org %s detector %s subject %s until %s by %s: %s%s%n",
                s.path("id").asText(),
                s.path("active").asBoolean() ? "ACTIVE" : "inactive",
                s.path("orgId").asText(),
                s.path("detector").asText("(all)"),
                s.path("subject").asText("(all)"),
                s.path("endsAt").asText(),
                s.path("createdBy").asText(),
                s.path("reason").asText(),
                s.path("cancelledBy").isNull() || s.path("cancelledBy").isMissingNode()
                        ? ""
                        : " (ended by " + s.path("cancelledBy").asText() + ")");
    }
}
